"""Bodies far bigger than any visitor's message are refused at the door, and the bot carries on."""
from __future__ import annotations

import json
import time
import uuid

import pytest
import requests
import socketio
import yaml

from devtools.stack import running_stack
from safety.rate_limit import DEFAULT_MESSAGES, DEFAULT_SECONDS
from settings import PROJECT_ROOT
from web.channel import MAX_REQUEST_BYTES

SLOW_DOWN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"]["utter_slow_down"][0]["text"]


@pytest.mark.parametrize("size", [MAX_REQUEST_BYTES + 1, 10 * 1024 * 1024])
def test_a_body_over_the_limit_is_refused_with_a_413_and_the_conversation_carries_on(chat, sender, size):
    body = json.dumps({"sender": sender, "message": "x" * size})
    refused = requests.post(chat.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert refused.status_code == 413
    assert "AHSCT" in chat.ask(sender, "what is ahsct")


def test_a_long_message_within_the_limit_still_gets_the_kind_too_long_reply(chat, sender):
    answer = chat.ask(sender, "é" * 5000)  # over the channel's 1,200 characters, under the byte limit
    assert answer and "Source:" not in answer


def test_a_socketio_packet_over_the_limit_is_never_read(stack, sender):
    """Without the limit (python-engineio allows 1 MB) the message would be cut, read and answered."""
    replies = []
    big = socketio.Client(reconnection=False)
    big.on("bot_uttered", replies.append)
    big.connect(stack.url, headers={"Origin": stack.page_url}, transports=["polling"], wait_timeout=10)
    try:
        big.emit("session_request", {"session_id": sender})
        big.sleep(1)
        big.emit("user_uttered", {"message": "x" * (2 * MAX_REQUEST_BYTES), "session_id": sender})
        big.sleep(3)
    finally:
        big.disconnect()
    assert replies == []
    stored = [e for e in stack.tracker(sender)["events"] if e["event"] == "user"]
    assert stored == []
    assert "AHSCT" in stack.chat.ask(sender, "what is ahsct"), "the conversation carries on"


@pytest.fixture(scope="module")
def limited_stack(tmp_path_factory):
    """A stack with the default rate limit (the shared one lets the hostile-input test flood)."""
    with running_stack(tmp_path_factory.mktemp("limited")) as running:
        yield running


def test_a_conversation_sending_faster_than_a_person_types_is_asked_to_slow_down_then_carries_on(limited_stack):
    chat, flooder, visitor = limited_stack.chat, f"flood-{uuid.uuid4().hex[:8]}", f"visitor-{uuid.uuid4().hex[:8]}"
    replies = [chat.ask(flooder, "hello") for _ in range(DEFAULT_MESSAGES + 3)]
    assert all(replies), "every message gets a reply"
    assert sum(SLOW_DOWN in reply for reply in replies) >= 3
    assert "AHSCT" in chat.ask(visitor, "what is ahsct"), "another visitor is not held back"
    time.sleep(DEFAULT_SECONDS)
    assert "AHSCT" in chat.ask(flooder, "what is ahsct"), "after a pause the conversation carries on"
    stored = limited_stack.tracker(flooder)["events"]
    held_back = [e for e in stored if e["event"] == "user" and e.get("text") == "hello"]
    assert len(held_back) <= DEFAULT_MESSAGES, "held-back messages go no further: nothing is stored"
