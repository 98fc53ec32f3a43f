"""`make run` and `make run-cluster`: start the servers on 127.0.0.1, wait until they answer, say where to
chat, and stop them all on Ctrl-C.

The servers start through devtools/servers.py, the same code the tests, the bench and the load test use.
- `make run`: an action server, a Rasa server and the demo page (SQLite unless TRACKER_DB_URL says otherwise);
- `make run-cluster` (`--cluster`): two Rasa and two action servers behind nginx on RASA_PORT and
  ACTIONS_PORT, sharing PostgreSQL (conversations) and Redis (conversation locks), and the demo page.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from devtools.servers import Server, action_server, page_server, quiet_env, rasa_server  # noqa: E402
from deploy.endpoints import write_endpoints  # noqa: E402
from web.domain_text import domain_response_text  # noqa: E402

HOST = settings.HOST
LOGS = ROOT / "logs"
NGINX_DIR = ROOT / "var" / "nginx"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
# Several servers need a shared tracker store and lock store: this machine's PostgreSQL and Redis by default.
CLUSTER_DEFAULTS = {
    "TRACKER_DB_URL": f"{settings.SHARED_POSTGRES}/ahsct", "TRACKER_DB_LOGIN_DB": "test",
    "REDIS_URL": settings.SHARED_REDIS,
}
RUNNING = """
AHSCT Guide is running.
  Open the demo page with the chat widget:  http://{host}:{web}/
  Chat over REST:  curl -s -XPOST http://{host}:{rasa}/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' -d '{{"sender":"me","message":"Is any stem cell therapy approved?"}}'
  socket.io:       http://{host}:{rasa}/socket.io
Press Ctrl-C to stop."""


def port(name: str) -> int:
    return int(settings.value(name))


def endpoints_file(name: str, actions_port: int) -> Path:
    """ENDPOINTS names a hand-written file; otherwise it is written from the environment (deploy/endpoints.py)."""
    hand_written = settings.value("ENDPOINTS")
    if hand_written:
        return Path(hand_written)
    env = dict(os.environ)
    env.setdefault("ACTIONS_URL", f"http://{HOST}:{actions_port}/webhook")
    return write_endpoints(ROOT / "var" / name, env)


def rasa(port_number: int, endpoints: Path) -> Server:
    """The web pages allowed to talk to it (REST CORS and the socket.io origin check): CORS_ORIGINS."""
    return rasa_server(port_number, endpoints, LOGS, api_token=settings.value("RASA_API_TOKEN"),
                       cors_origins=str(settings.value("CORS_ORIGINS")))


def single() -> List[Server]:
    actions_port, rasa_port = port("ACTIONS_PORT"), port("RASA_PORT")
    return [
        action_server(actions_port, LOGS),
        rasa(rasa_port, endpoints_file("endpoints.run.yml", actions_port)),
        page_server(port("WEB_PORT"), f"http://{HOST}:{rasa_port}", LOGS),
    ]


def cluster() -> List[Server]:
    for name, default in CLUSTER_DEFAULTS.items():
        os.environ.setdefault(name, default)
    endpoints = endpoints_file("endpoints.cluster.yml", port("ACTIONS_PORT"))  # the actions, through nginx
    return [
        action_server(port("ACTIONS_PORT_1"), LOGS), action_server(port("ACTIONS_PORT_2"), LOGS),
        rasa(port("RASA_PORT_1"), endpoints), rasa(port("RASA_PORT_2"), endpoints),
        nginx(), page_server(port("WEB_PORT"), f"http://{HOST}:{port('RASA_PORT')}", LOGS),
    ]


def nginx() -> Server:
    """nginx with deploy/nginx.conf.template's ${...} filled in (nginx's own $variables are left alone)."""
    NGINX_DIR.mkdir(parents=True, exist_ok=True)
    numbers = ("RASA_PORT", "ACTIONS_PORT", "RASA_PORT_1", "RASA_PORT_2", "ACTIONS_PORT_1", "ACTIONS_PORT_2")
    limits = ("CLUSTER_RATE", "CLUSTER_BURST", "CLUSTER_CONNECTIONS")
    values = {"NGINX_DIR": str(NGINX_DIR), "LOG_DIR": str(LOGS), "SLOW_DOWN_REPLY": rest_reply("utter_slow_down"),
              "UNAVAILABLE_REPLY": rest_reply("utter_cannot_look_up"),
              **{name: str(port(name)) for name in numbers},
              **{name: str(settings.value(f"AHSCT_{name}")) for name in limits}}
    text = re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: values[m.group(1)], NGINX_TEMPLATE.read_text(encoding="utf-8"))
    conf = NGINX_DIR / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    command = ["nginx", "-p", str(NGINX_DIR), "-c", str(conf), "-e", str(LOGS / "nginx-error.log")]
    return Server("nginx", command, f"http://{HOST}:{port('RASA_PORT')}/", LOGS / "nginx.log",
                  env=quiet_env(PATH=os.environ.get("PATH", "") + ":/usr/sbin"))


def rest_reply(response: str) -> str:
    """The REST channel's reply body with one of the domain's responses, as an nginx single-quoted string's content."""
    body = json.dumps([{"recipient_id": "", "text": domain_response_text(response)}])
    assert "$" not in body, "nginx would read a $ in the reply as a variable"
    return body.replace("\\", "\\\\").replace("'", "\\'")


def start(servers: List[Server]) -> None:
    for server in servers:
        print(f"==> Starting the {server.name} (log: {server.log_path.relative_to(ROOT)})", flush=True)
        server.launch()
    for server in servers:
        print(f"==> Waiting for the {server.name} ...", end=" ", flush=True)
        server.wait_until_healthy()
        print("ready", flush=True)


def keep_running(servers: List[Server], essential: List[Server]) -> int:
    """Until Ctrl-C, or until an essential server stops (in the cluster, a replica may die: nginx routes
    around it)."""
    while all(server.is_running() for server in essential):
        for server in servers:
            server.is_running()  # polling reaps a replica that died, so it leaves no zombie behind
        time.sleep(1)
    stopped = [server.name for server in essential if not server.is_running()]
    print(f"==> {', '.join(stopped)} stopped unexpectedly; see logs/", flush=True)
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", action="store_true", help="two replicas of each server behind nginx")
    is_cluster = parser.parse_args().cluster
    # The demo page is allowed to talk to the bot wherever WEB_PORT puts it.
    os.environ.setdefault("CORS_ORIGINS", f"http://{HOST}:{port('WEB_PORT')}")
    LOGS.mkdir(exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    servers = cluster() if is_cluster else single()
    # Ctrl-C, or a TERM from whoever started us, stops everything below (SIGINT is set even when a shell
    # started us in the background with it ignored).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        start(servers)
        print(RUNNING.format(host=HOST, web=port("WEB_PORT"), rasa=port("RASA_PORT")), flush=True)
        essential = [s for s in servers if s.name in ("nginx", "demo page server")] if is_cluster else servers
        return keep_running(servers, essential)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"\n==> {error}", flush=True)
        return 1
    finally:
        print("\n==> Stopping AHSCT Guide", flush=True)
        for server in reversed(servers):
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
