"""Sessions of bounded length (rasa_plugins/tracker_store.py), on a real SQLite tracker store: after the
limit a new session starts silently, keeps every slot, and stores no event twice and loses none."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins.tracker_store import BoundedSessionSQLTrackerStore, ConversationStoreUnavailable, visitor_turns
from settings import PROJECT_ROOT, RENEWED_SESSION

LIMIT = 3


@pytest.fixture
def store(tmp_path):
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    return BoundedSessionSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "c.db"), max_session_turns=LIMIT)


def one_turn(tracker: DialogueStateTracker, number: int) -> None:
    tracker.update(UserUttered(f"question {number}", {"name": "ask_risks", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer_from_corpus"))
    tracker.update(BotUttered(f"answer {number}"))
    tracker.update(SlotSet("topic", f"topic {number}"))
    tracker.update(ActionExecuted("action_listen"))


def talk(store, sender: str, turns: int) -> None:
    """Each turn as the Rasa server has it: the tracker retrieved, the turn's events added, the tracker saved."""
    for number in range(turns):
        tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, store.domain.slots)
        one_turn(tracker, number)
        asyncio.run(store.save(tracker))


def stored_events(store, sender):
    with sqlite3.connect(store.engine.url.database) as db:
        return [row[0] for row in db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def test_a_session_under_the_limit_is_left_as_it_is(store):
    talk(store, "short", LIMIT - 1)
    tracker = asyncio.run(store.retrieve("short"))
    assert visitor_turns(tracker) == LIMIT - 1
    assert not any(isinstance(event, SessionStarted) for event in tracker.events)


def test_after_the_limit_a_new_session_starts_keeping_the_slots_and_every_event(store):
    turns = 3 * LIMIT + 1
    talk(store, "long", turns)

    tracker = asyncio.run(store.retrieve("long"))
    # Only the current session is loaded: its own turn, not the conversation's ten.
    assert visitor_turns(tracker) == 1
    starts = [event for event in tracker.events if isinstance(event, SessionStarted)]
    assert len(starts) == 1 and starts[0].metadata == {RENEWED_SESSION: LIMIT}
    assert tracker.get_slot("topic") == f"topic {turns - 1}"
    assert tracker.latest_message.text == f"question {turns - 1}"

    events = stored_events(store, "long")
    assert events.count("user") == turns, "no message lost or stored twice"
    assert events.count("bot") == turns
    assert events.count("session_started") == turns // LIMIT


def test_the_carried_slots_are_the_ones_the_conversation_had(store):
    talk(store, "slots", LIMIT)
    tracker = asyncio.run(store.retrieve("slots"))
    renewal = list(tracker.events)[-3:]
    assert [type(event) for event in renewal] == [SessionStarted, SlotSet, ActionExecuted]
    assert (renewal[1].key, renewal[1].value) == ("topic", f"topic {LIMIT - 1}")
    assert renewal[2].action_name == "action_listen"


def test_a_database_that_fails_abandons_the_turn_past_rasas_fail_safe_store(store):
    """Rasa wraps every tracker store in a FailSafeTrackerStore that catches any Exception and starts the
    conversation afresh in memory; the store's own error must reach the channel instead (web/channel.py)."""
    talk(store, "failing", 1)
    fail_safe = FailSafeTrackerStore(store)
    with sqlite3.connect(store.engine.url.database) as db:
        db.execute("ALTER TABLE events RENAME TO events_away")
    with pytest.raises(ConversationStoreUnavailable):
        asyncio.run(fail_safe.retrieve("failing"))
    with pytest.raises(ConversationStoreUnavailable):
        asyncio.run(fail_safe.save(DialogueStateTracker("failing", store.domain.slots)))
    with sqlite3.connect(store.engine.url.database) as db:
        db.execute("ALTER TABLE events_away RENAME TO events")
    assert visitor_turns(asyncio.run(fail_safe.retrieve("failing"))) == 1


def query_plan(store, sql: str, *parameters) -> str:
    with sqlite3.connect(store.engine.url.database) as db:
        return " | ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", parameters))


def test_the_current_session_is_read_through_indexes_not_by_scanning_the_whole_conversation(store):
    talk(store, "indexed", 2 * LIMIT + 1)
    with store.session_scope() as session:
        query = store._event_query(session, "indexed", fetch_events_from_all_sessions=False)
        statement = query.statement.compile(compile_kwargs={"literal_binds": True})
        start = session.query(store.SQLEvent.timestamp).filter(
            store.SQLEvent.type_name == "session_started").order_by(store.SQLEvent.id.desc()).first()[0]
    plan = query_plan(store, str(statement))
    # Rasa's own query searches the index by sender alone (sender_id=?): every event of the conversation.
    assert "USING INDEX events_sender_timestamp (sender_id=? AND timestamp>?)" in plan, plan
    assert f"{start}" in str(statement)
    start_plan = query_plan(store, "SELECT max(timestamp) FROM events WHERE sender_id = ? AND type_name = ?",
                            "indexed", "session_started")
    assert "COVERING INDEX events_sender_type_timestamp" in start_plan, start_plan


def test_the_indexes_are_made_once_and_a_second_server_on_the_same_database_starts(store):
    second = BoundedSessionSQLTrackerStore(domain=store.domain, dialect="sqlite", db=store.engine.url.database,
                                           max_session_turns=LIMIT)
    with sqlite3.connect(second.engine.url.database) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
    assert names.count("events_sender_timestamp") == names.count("events_sender_type_timestamp") == 1
