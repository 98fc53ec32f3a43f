"""`make run-cluster`: nginx in front of two Rasa servers and two action servers on PostgreSQL and Redis,
started by the real script; a conversation survives the loss of a Rasa replica and of an action server."""
from __future__ import annotations

import concurrent.futures
import queue
import time
import uuid

import psutil
import pytest
import requests
import socketio

from devtools.chat import RestChat
from devtools.cluster import running_cluster
from devtools.servers import HOST
from web.domain_text import domain_response_text

TOKEN = "cluster-test-token"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("cluster") / "run-cluster.log", RASA_API_TOKEN=TOKEN) as ports:
        yield ports


def server_on(port: str) -> psutil.Process:
    for connection in psutil.net_connections("tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == int(port) and connection.pid:
            return psutil.Process(connection.pid)
    raise LookupError(f"nothing listens on {port}")


def user_texts(front: str, sender: str):
    events = requests.get(f"{front}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30).json()["events"]
    return [e["text"] for e in events if e["event"] == "user"]


def test_one_address_serves_rest_and_socketio_and_survives_a_dead_replica(cluster):
    front = f"http://{HOST}:{cluster['RASA_PORT']}"
    chat, sender = RestChat(front), f"nginx-{uuid.uuid4().hex[:8]}"
    assert "Source:" in chat.ask(sender, "what is ahsct")

    confirmed = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", confirmed.put)
    client.connect(front, headers={"Origin": f"http://{HOST}:{cluster['WEB_PORT']}"}, transports=["polling"], wait_timeout=10)
    try:
        client.emit("session_request", {"session_id": sender + "-socket"})
        assert confirmed.get(timeout=10) == sender + "-socket"
    finally:
        client.disconnect()

    # A replica dies while it holds a message: the action servers are paused, so it is caught mid-turn.
    replicas = [server_on(cluster[name]) for name in ("RASA_PORT_1", "RASA_PORT_2")]
    action_servers = [server_on(cluster[name]) for name in ("ACTIONS_PORT_1", "ACTIONS_PORT_2")]
    for server in action_servers:
        server.suspend()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        caught = pool.submit(requests.post, f"{front}/webhooks/rest/webhook",
                             json={"sender": sender, "message": "how is it done"}, timeout=60)
        holder = wait_for_replica_holding_a_request(replicas, cluster["ACTIONS_PORT"])
        holder.kill()
        holder.wait(timeout=30)
        for server in action_servers:
            server.resume()
        reply = caught.result()
    # Not sent on to the other replica (the dead one may have stored it): the visitor is asked to try again.
    assert reply.status_code == 503
    assert reply.json() == [{"recipient_id": "", "text": domain_response_text("utter_cannot_look_up")}]

    action_servers[1].kill()
    action_servers[1].wait(timeout=30)
    for question in ("how is it done", "is it approved"):
        assert "Source:" in chat.ask(sender, question)
    # The message the dead replica held was stored by no other server: once, when the visitor sent it again.
    assert user_texts(front, sender) == ["what is ahsct", "how is it done", "is it approved"]


def wait_for_replica_holding_a_request(replicas, actions_port: str, timeout_s: float = 60) -> psutil.Process:
    """The Rasa replica that is waiting on the (paused) action servers, through nginx's action port."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for replica in replicas:
            if any(c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == int(actions_port)
                   for c in replica.connections("tcp")):
                return replica
        time.sleep(0.1)
    raise AssertionError("no replica called the action servers")


def test_one_address_sending_faster_than_its_limit_is_asked_to_slow_down(cluster):
    """nginx's per-address limits (AHSCT_CLUSTER_RATE 5 a second, bursts of 20): a flood gets 429s that carry
    the bot's "please slow down" reply as a message; once the client waits, it is answered again."""
    front = f"http://{HOST}:{cluster['RASA_PORT']}"
    time.sleep(5)  # the allowance the test above used refills
    with requests.Session() as session:
        statuses = [session.get(f"{front}/", timeout=10) for _ in range(60)]
    refused = [response for response in statuses if response.status_code == 429]
    assert refused and all(response.status_code == 200 for response in statuses[:15])
    assert refused[0].json() == [{"recipient_id": "", "text": domain_response_text("utter_slow_down")}]
    time.sleep(5)  # the address's allowance refills at 5 requests a second
    assert "Source:" in RestChat(front).ask(f"nginx-{uuid.uuid4().hex[:8]}", "what is ahsct")
