"""Redis and PostgreSQL going away mid-conversation, through the real servers.

Each test starts a Redis or PostgreSQL server of its own on a free port (devtools/dependencies.py), never the
machine's shared ones, and kills it the way a crash would. While it is down the visitor is asked to send the
message again (utter_send_again) at once: never silence, a 500, a hung request or a greeting as if the
conversation were new. Once it is back the conversation carries on, every message that was answered is
stored, and nothing is stored twice.
"""
from __future__ import annotations

import json
import uuid
from typing import List

import pytest
import requests
import sqlalchemy

from devtools.chat import RestChat
from devtools.dependencies import OwnPostgres, OwnRedis
from devtools.stack import running_stack
from tests.conftest import UNLIMITED
from web.domain_text import domain_response_text

# The bound for a reply while a dependency is down: a hung request fails the test.
OUTAGE_REPLY_TIMEOUT_S = 5
WELCOME = "Hello, I'm AHSCT Guide"


@pytest.fixture
def send_again():
    return domain_response_text("utter_send_again")


@pytest.fixture
def own_redis(tmp_path):
    redis = OwnRedis(tmp_path).start()
    yield redis
    redis.kill()


@pytest.fixture
def own_postgres():
    postgres = OwnPostgres().start().create_login_database()
    yield postgres
    postgres.remove()


@pytest.fixture
def redis_stack(tmp_path, own_redis):
    with running_stack(tmp_path / "stack", redis_url=own_redis.url, rasa_env=UNLIMITED) as running:
        yield running


@pytest.fixture
def postgres_stack(tmp_path, own_postgres):
    with running_stack(tmp_path / "stack", postgres_db="ahsct_outage", postgres_server=own_postgres.server,
                       rasa_env=UNLIMITED) as running:
        yield running


def replies_while_down(chat: RestChat, sender: str, message: str) -> List[str]:
    response = requests.post(chat.webhook, json={"sender": sender, "message": message}, timeout=OUTAGE_REPLY_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return [reply.get("text", "") for reply in response.json()]


def stored_events(database_url: str, sender: str) -> List[dict]:
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sqlalchemy.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender})
            return [json.loads(row[0]) for row in rows]
    finally:
        engine.dispose()


def visitor_messages(events: List[dict]) -> List[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def assert_nothing_stored_twice(events: List[dict]) -> None:
    # Each event carries its own timestamp: the same event stored twice appears twice with it.
    serialised = [json.dumps(event, sort_keys=True) for event in events]
    assert len(serialised) == len(set(serialised))


def test_redis_going_away_asks_the_visitor_to_send_again_and_the_conversation_carries_on(redis_stack, own_redis, send_again):
    sender = f"redis-outage-{uuid.uuid4().hex[:8]}"
    chat, database = redis_stack.chat, f"sqlite:///{redis_stack.database}"
    assert "Source:" in chat.ask(sender, "what is AHSCT?")
    before = stored_events(database, sender)

    own_redis.kill()
    assert replies_while_down(chat, sender, "what are the risks?") == [send_again]
    assert stored_events(database, sender) == before  # not answered, so not kept

    own_redis.start()  # on the same port: the lock store reconnects by itself
    answer = chat.ask(sender, "what are the risks?")
    assert "infection" in answer.lower() and WELCOME not in answer
    after = stored_events(database, sender)
    assert after[:len(before)] == before
    assert visitor_messages(after) == ["what is AHSCT?", "what are the risks?"]
    assert_nothing_stored_twice(after)


def test_postgres_going_away_asks_the_visitor_to_send_again_and_the_conversation_carries_on(postgres_stack, own_postgres, send_again):
    sender = f"postgres-outage-{uuid.uuid4().hex[:8]}"
    chat, database = postgres_stack.chat, postgres_stack.database_url
    assert "Source:" in chat.ask(sender, "what is AHSCT?")
    before = stored_events(database, sender)

    own_postgres.kill()
    # Rasa's fail-safe tracker store used to start the conversation afresh in memory: a greeting, and the
    # question lost for good.
    assert replies_while_down(chat, sender, "what are the risks?") == [send_again]
    assert replies_while_down(chat, sender, "are you there?") == [send_again]

    own_postgres.start()
    answer = chat.ask(sender, "what are the risks?")
    assert "infection" in answer.lower() and WELCOME not in answer
    assert "Source:" in chat.ask(sender, "tell me more")  # the topic held: the conversation is the same one
    after = stored_events(database, sender)
    assert after[:len(before)] == before
    assert visitor_messages(after) == ["what is AHSCT?", "what are the risks?", "tell me more"]
    assert_nothing_stored_twice(after)

