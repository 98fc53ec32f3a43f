"""Production settings against the real PostgreSQL and Redis: back ends chosen by environment variables,
conversations that survive restarts, two Rasa replicas sharing one conversation store without losing or
mixing events, the action server going down, and the HTTP API's token."""
from __future__ import annotations

import concurrent.futures
import uuid

import pytest
import requests

from deploy.endpoints import endpoints
from devtools.chat import RestChat
from devtools.databases import drop_database, scratch_database_name
from devtools.servers import free_port, rasa_server
from settings import SHARED_REDIS
from devtools.stack import running_stack

APPROVAL_QUESTION = "Is any stem cell therapy approved for MS?"
UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a minute."


def test_no_settings_means_sqlite_and_no_lock_store():
    config = endpoints({})
    assert config["tracker_store"] == {
        "type": "rasa_plugins.tracker_store.BoundedSessionSQLTrackerStore", "dialect": "sqlite",
        "db": "var/conversations.db", "max_session_turns": 20,
    }
    assert "lock_store" not in config


def test_urls_choose_postgresql_and_redis():
    config = endpoints({
        "TRACKER_DB_URL": "postgresql://bot:s%40cret@db.internal:6543/ahsct",
        "REDIS_URL": "redis://:pw@cache.internal:6380/3",
        "ACTIONS_URL": "http://actions:5055/webhook",
        "AHSCT_MAX_SESSION_TURNS": "200",
    })
    assert config["tracker_store"] == {
        "type": "rasa_plugins.tracker_store.BoundedSessionSQLTrackerStore", "dialect": "postgresql",
        "url": "db.internal", "port": 6543, "db": "ahsct", "username": "bot", "password": "s@cret",
        "max_session_turns": 200,
    }
    assert config["lock_store"] == {
        "type": "rasa_plugins.lock_store.AtomicRedisLockStore", "url": "cache.internal", "port": 6380, "db": 3, "key_prefix": "ahsct", "use_ssl": False,
        "password": "pw",
    }
    assert config["action_endpoint"] == {"url": "http://actions:5055/webhook"}


@pytest.mark.parametrize("variable, value", [("TRACKER_DB_URL", "mysql://x/y"), ("REDIS_URL", "http://x")])
def test_unknown_back_ends_are_refused_clearly(variable, value):
    with pytest.raises(ValueError, match=variable):
        endpoints({variable: value})


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two Rasa servers and one action server, sharing PostgreSQL (a database of their own) and Redis."""
    workdir = tmp_path_factory.mktemp("cluster")
    database = scratch_database_name("replicas")
    try:
        with running_stack(workdir, postgres_db=database, redis_url=SHARED_REDIS) as stack:
            second = rasa_server(free_port(), stack.endpoints, workdir, api_token=stack.api_token).start()
            try:
                yield stack, RestChat(second.health_url.rstrip("/"))
            finally:
                second.stop()
    finally:
        drop_database(database)


def user_turns(events):
    """The conversation as (user text, number of bot messages after it) pairs, in stored order."""
    turns = []
    for event in events:
        if event["event"] == "user":
            turns.append([event["text"], 0])
        elif event["event"] == "bot" and turns:
            turns[-1][1] += 1
    return turns


def test_concurrent_messages_across_two_replicas_are_each_stored_once_with_their_replies(cluster):
    """With Rasa's own RedisLockStore this lost events (see rasa_plugins/lock_store.py)."""
    stack, second = cluster
    replicas = [RestChat(stack.url, timeout_s=180), RestChat(second.rasa_url, timeout_s=180)]  # 500 messages queue up
    senders = [f"cluster-{uuid.uuid4().hex[:8]}" for _ in range(50)]
    questions = ["what is ahsct", "how is it done", "what are the risks", "is it approved", "who might benefit",
                 "what trials are there", "what cells are studied", "tell me about the consensus meetings",
                 "how many projects are there", "thanks"]
    # 50 senders x 10 messages, all at once, alternating between the two replicas.
    jobs = [(replicas[(i + j) % 2], sender, question) for i, sender in enumerate(senders) for j, question in enumerate(questions)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        replies = list(pool.map(lambda job: job[0].send(job[1], job[2]), jobs))
    assert all(replies)
    for sender in senders:
        turns = user_turns(stack.tracker(sender)["events"])
        assert sorted(text for text, _ in turns) == sorted(questions)  # each message stored once
        assert all(bot_messages >= 1 for _, bot_messages in turns)  # each followed by its own replies


def test_a_conversation_carries_on_after_a_replica_is_killed(cluster):
    stack, second = cluster
    sender = f"failover-{uuid.uuid4().hex[:8]}"
    second.send(sender, "what is ahsct")
    stack.rasa.stop()
    try:
        events = [e for e in requests.get(f"{second.rasa_url}/conversations/{sender}/tracker",
                                          params={"token": stack.api_token}, timeout=30).json()["events"]]
        assert [t for t, _ in user_turns(events)] == ["what is ahsct"]
        more = second.ask(sender, "tell me more")  # the same conversation: it still knows the topic
        assert "Source:" in more or "That is all my sources say about this" in more
    finally:
        stack.rasa.start()
    assert [t for t, _ in user_turns(stack.tracker(sender)["events"])] == ["what is ahsct", "tell me more"]


def test_action_server_down_gets_a_short_apology_and_the_conversation_carries_on(stack, sender):
    stack.chat.send(sender, "hello")
    stack.actions.stop()
    try:
        # The visitor hears back at once (the request allows 5 s), not silence or an error.
        response = requests.post(stack.chat.webhook, json={"sender": sender, "message": APPROVAL_QUESTION}, timeout=5)
        assert response.status_code == 200
        assert [reply["text"] for reply in response.json()] == [UNAVAILABLE]
    finally:
        stack.actions.start()
    assert "no approved stem cell therapies" in stack.chat.ask(sender, APPROVAL_QUESTION)


def test_the_http_api_needs_its_token(stack, sender):
    stack.chat.send(sender, "hello")
    tracker_url = f"{stack.url}/conversations/{sender}/tracker"
    assert requests.get(tracker_url, timeout=30).status_code == 401
    assert requests.get(tracker_url, params={"token": "wrong"}, timeout=30).status_code == 401
    assert requests.get(tracker_url, params={"token": stack.api_token}, timeout=30).status_code == 200
