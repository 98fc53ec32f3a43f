"""Conversations persist in SQLite: a restarted Rasa server carries on the same conversation."""
from __future__ import annotations

import sqlite3

from tests.test_conversation import WELCOME


def user_texts(tracker: dict) -> list:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_a_restarted_server_keeps_the_senders_history(stack, sender):
    stack.chat.send(sender, "what is ahsct?")
    stack.chat.send(sender, "is it dangerous?")
    before = stack.tracker(sender)
    assert user_texts(before) == ["what is ahsct?", "is it dangerous?"]

    stack.rasa.stop()
    stack.rasa.start()

    after_restart = stack.tracker(sender)
    assert after_restart["events"] == before["events"]
    assert after_restart["slots"]["topic"] == "risks"

    replies = stack.chat.send(sender, "where are the trials?")
    assert all(WELCOME not in r.get("text", "") for r in replies), "the conversation goes on, it does not restart"
    assert user_texts(stack.tracker(sender)) == ["what is ahsct?", "is it dangerous?", "where are the trials?"]


def test_events_are_stored_in_the_sqlite_database(stack, sender):
    stack.chat.send(sender, "hello")
    with sqlite3.connect(stack.database) as db:
        stored = db.execute("SELECT type_name FROM events WHERE sender_id = ?", (sender,)).fetchall()
    assert ("user",) in stored and ("bot",) in stored
