"""Load test: simulated visitors (loadtest/locustfile.py, half REST, half socket.io) against Rasa's stock
starter bot and AHSCT Guide as one replica (SQLite, as `make run` starts it), one replica on PostgreSQL and
Redis, and the two-replica cluster of `make run-cluster`, one after the other in the same run.

Writes reports/loadtest-think-<min>-<max>.md and .json and prints the table. Run with `make loadtest`
(USERS=50 SECONDS=60 THINK=2,6 by default; THINK=0,0 sends each message as soon as the last is answered).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator, List, NamedTuple

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.cluster import running_cluster  # noqa: E402
from devtools.databases import drop_database, scratch_database_name  # noqa: E402
from devtools.servers import HOST, free_port  # noqa: E402
from settings import SHARED_REDIS, WEB_PORT  # noqa: E402
from devtools.stack import running_stack  # noqa: E402
from devtools.starter_bot import init_starter_bot, starter_server  # noqa: E402

LOCUST = ROOT / ".cache" / "loadtest" / "bin" / "locust"
LOCUSTFILE = ROOT / "loadtest" / "locustfile.py"
MESSAGE_NAMES = ("REST message", "socket.io message")
REQUEST_NAMES = (*MESSAGE_NAMES, "socket.io connect")
# Visitors come to the page the widget sits on; the bot turns other origins away.
PAGE_ORIGIN = f"http://{HOST}:{WEB_PORT}"
# At the end of the run, visitors waiting for a reply get this long to have it, so no answer is cut off.
STOP_TIMEOUT_S = 40


class Target(NamedTuple):
    url: str
    processes: List[psutil.Process]  # the servers whose CPU time is counted
    conversations: str = "ahsct"  # the locustfile's set of conversations this bot was built for
    origin: str = PAGE_ORIGIN  # the page the visitors come from, which the bot lets in


def run_locust(
    url: str, out_prefix: Path, users: int, seconds: int, origin: str = PAGE_ORIGIN, think_s: str = "2,6",
    conversations: str = "ahsct",
) -> dict:
    """Run the scenario against url; the figures per request name, and the errors seen."""
    env = dict(os.environ, LOAD_ORIGIN=origin, LOAD_THINK_S=think_s, LOAD_CONVERSATIONS=conversations,
               LOAD_APOLOGY_TEXTS=json.dumps(apology_texts()))
    command = [str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--host", url, "--users", str(users),
               "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
               "--stop-timeout", str(STOP_TIMEOUT_S), "--csv", str(out_prefix), "--only-summary", "--loglevel", "WARNING"]
    # Locust exits with 1 when any request failed; the figures say which. One that does not stop in time has
    # figures over the wrong length of time, so it is stopped and nothing is reported.
    with open(f"{out_prefix}.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=log,
                       timeout=seconds + STOP_TIMEOUT_S + 60)
    return read_figures(out_prefix)


def apology_texts() -> List[str]:
    """What the bot says when it could not look something up: a visitor who gets it was not answered."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return [variant["text"] for variant in domain["responses"]["utter_cannot_look_up"]]


def read_figures(out_prefix: Path) -> dict:
    figures = {}
    with open(f"{out_prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] in REQUEST_NAMES or row["Name"] == "Aggregated":
                figures[row["Name"]] = dict(
                    requests=int(row["Request Count"]), errors=int(row["Failure Count"]),
                    rps=float(row["Requests/s"]), p50_ms=float(row["50%"]), p95_ms=float(row["95%"]),
                    p99_ms=float(row["99%"]), max_ms=float(row["Max Response Time"]))
    with open(f"{out_prefix}_failures.csv", newline="") as failures:
        figures["error_kinds"] = [f"{row['Name']}: {row['Error']} ×{row['Occurrences']}" for row in csv.DictReader(failures)]
    return figures


def cpu_seconds(processes: List[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        for each in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = each.cpu_times()
                total += times.user + times.system
    return total


def measure(target: Target, out_prefix: Path, users: int, seconds: int, think_s: str) -> dict:
    cpu_before = cpu_seconds(target.processes)
    figures = run_locust(target.url, out_prefix, users, seconds, target.origin, think_s, target.conversations)
    figures["server_cpu_s"] = cpu_seconds(target.processes) - cpu_before
    return figures


@contextlib.contextmanager
def starter_bot(workdir: Path) -> Iterator[Target]:
    folder, port = workdir / "starter", free_port()
    init_starter_bot(folder)
    server = starter_server(folder, port, workdir).start()
    try:
        yield Target(f"http://{HOST}:{port}", [psutil.Process(server.process.pid)], conversations="starter")
    finally:
        server.stop()


@contextlib.contextmanager
def one_replica(workdir: Path, on_postgres: bool) -> Iterator[Target]:
    """An action server and a Rasa server with its API off, as `make run` starts them (and the demo page)."""
    database = scratch_database_name("load") if on_postgres else None
    redis_url = SHARED_REDIS if on_postgres else None
    folder = workdir / (database or "sqlite")
    folder.mkdir()
    try:
        with running_stack(folder, postgres_db=database, redis_url=redis_url, api_token=None) as stack:
            servers = [psutil.Process(server.process.pid) for server in (stack.actions, stack.rasa)]
            yield Target(stack.url, servers, origin=stack.page_url)
    finally:
        if database:
            drop_database(database)


@contextlib.contextmanager
def cluster(workdir: Path) -> Iterator[Target]:
    # Locust's visitors all come from 127.0.0.1, where real visitors each have their own address: nginx's
    # per-address limits are raised so they count as the many visitors they stand for.
    many_visitors = {"AHSCT_CLUSTER_RATE": "1000", "AHSCT_CLUSTER_BURST": "1000", "AHSCT_CLUSTER_CONNECTIONS": "1000"}
    with running_cluster(workdir / "run-cluster.log", CORS_ORIGINS=PAGE_ORIGIN, **many_visitors) as running:
        yield Target(f"http://{HOST}:{running['RASA_PORT']}", [running["process"]])


TARGETS = {
    "starter bot (stock, in memory)": starter_bot,
    "AHSCT Guide, 1 replica (SQLite)": lambda workdir: one_replica(workdir, on_postgres=False),
    "AHSCT Guide, 1 replica (PostgreSQL + Redis)": lambda workdir: one_replica(workdir, on_postgres=True),
    "AHSCT Guide, cluster: nginx + 2 replicas (PostgreSQL + Redis)": cluster,
}


def table(results: dict, users: int, seconds: int, think_s: str) -> str:
    lines = ["| target | channel | requests | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|---|---|"]
    for target, figures in results.items():
        for name in REQUEST_NAMES:
            if name in figures:
                row = figures[name]
                lines.append(f"| {target} | {name} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.0f} | "
                             f"{row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['errors']} |")
    lines += ["", "| target | all requests/s | errors | server CPU per message |", "|---|---|---|---|"]
    for target, figures in results.items():
        total, messages = figures["Aggregated"], sum(figures[n]["requests"] for n in MESSAGE_NAMES if n in figures)
        lines.append(f"| {target} | {total['rps']:.1f} | {total['errors']} | "
                     f"{1000 * figures['server_cpu_s'] / max(1, messages):.0f} ms |")
    lines += ["", f"{users} simulated visitors for {seconds} s per target (half REST, half socket.io), reading "
              f"{think_s.replace(',', '–')} s between messages; {psutil.cpu_count()} cores shared by the servers "
              "and Locust."]
    for target, figures in results.items():
        lines += [f"- errors seen, {target}: {kind}" for kind in figures["error_kinds"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="2,6", help="min,max seconds a visitor reads a reply (0,0: no pause)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for index, (name, start) in enumerate(TARGETS.items()):
            print(f"==> Load test: {name}", flush=True)
            with start(workdir) as target:
                results[name] = measure(target, workdir / f"locust-{index}", args.users, args.seconds, args.think)
    markdown = table(results, args.users, args.seconds, args.think)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    name = f"loadtest-think-{args.think.replace(',', '-')}"
    (reports / f"{name}.md").write_text(markdown + "\n")
    (reports / f"{name}.json").write_text(json.dumps(results, indent=1))
    print(markdown)


if __name__ == "__main__":
    main()
