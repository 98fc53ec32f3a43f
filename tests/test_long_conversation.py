"""A long conversation through the real servers, with sessions bounded at a test-friendly length: the last
turns are still answered, the topic holds across each silent new session, and every message is stored once.
(The time per turn, turn 10 against turn 1,000, is measured by `make bench`, never asserted here.)"""
from __future__ import annotations

import re
import sqlite3

import pytest

from devtools.stack import running_stack
from tests.conftest import UNLIMITED

SESSION_TURNS = 4
# Each new session starts before the message after every SESSION_TURNS visitor messages: turns 5, 9, 13 and
# 17 (counting from 1, with the widget's greeting as turn 1) open one, and each of them leans on the topic.
TURNS = [
    ("/greet", r"AHSCT Guide"),
    ("is HSCT available on the NHS?", r"NHS England"),
    ("what are the risks?", r"infection"),
    ("is it available in England?", r"NHS England"),
    ("and in Scotland?", r"29 October 2019"),
    ("what about Wales?", r"Wales"),
    ("what is the BEAT-MS trial?", r"BEAT-MS"),
    ("how many people die from AHSCT?", r"%"),
    ("tell me more", r"Source:"),
    ("what is AHSCT?", r"immune system"),
    ("who can have it?", r"EDSS"),
    ("what trials are there?", r"StarMS|RAM-MS|BEAT-MS"),
    ("and in the Netherlands?", r"Netherlands|Zorginstituut"),
    ("thanks", r"welcome"),
    ("is any stem cell therapy approved?", r"FDA"),
    ("how is it done?", r"stem cells"),
    ("and the risks?", r"infection"),
]


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    env = {**UNLIMITED, "AHSCT_MAX_SESSION_TURNS": str(SESSION_TURNS)}
    with running_stack(tmp_path_factory.mktemp("long"), rasa_env=env) as stack:
        yield stack


def stored(stack, sender):
    with sqlite3.connect(stack.database) as db:
        return [row[0] for row in db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def test_a_long_conversation_keeps_being_answered_and_stores_every_message_once(short_sessions, sender):
    for number, (message, expected) in enumerate(TURNS, 1):
        reply = short_sessions.chat.ask(sender, message)
        assert re.search(expected, reply), (number, message, reply)

    events = stored(short_sessions, sender)
    assert events.count("user") == len(TURNS)
    # The visit's own session, then one new session after every SESSION_TURNS messages.
    assert events.count("session_started") == 1 + (len(TURNS) - 1) // SESSION_TURNS
    current_session = events[len(events) - events[::-1].index("session_started"):]
    assert 0 < current_session.count("user") <= SESSION_TURNS, "what Rasa loads for a turn stays this short"
    assert short_sessions.tracker(sender)["slots"]["topic"] == "risks"
