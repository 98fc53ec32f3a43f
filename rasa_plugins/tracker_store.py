"""An SQL tracker store (SQLite or PostgreSQL) whose sessions have a bounded length.

Each turn, Rasa loads the conversation's current session, and its policies and the action server read all of
it, so without a bound a turn costs more the longer the session is (docs/PERFORMANCE.md: a 600-turn
conversation went from 98 ms to 593 ms a reply). Rasa loads only the events since the latest
`SessionStarted`, so starting a new session after `max_session_turns` visitor messages bounds every one of
those costs. The new session starts silently, with every slot carried over (the topic, the passages shown,
the language), so "tell me more" and "and in Scotland?" go on working across the boundary.

Rasa's own query for the current session reads every stored event of the conversation (its only index is
on the sender) to keep those after the latest `SessionStarted`, and it runs twice a turn (load and save).
This store finds the session's start through an index on (sender, type, timestamp) and reads only that
session's events through one on (sender, timestamp), so what the database reads is bounded by the session
too, not by the whole conversation (tests/test_session_bound.py checks the query plan).

When the database cannot be reached, the turn is abandoned (ConversationStoreUnavailable) and the channel
asks the visitor to send the message again (web/channel.py). Rasa's own fail-safe wrapper would instead
start the conversation afresh in memory: the visitor got the greeting, and the message was never stored.
"""
from __future__ import annotations

from typing import Any, List, Optional, Text

import sqlalchemy
import sqlalchemy.exc

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import settings
from settings import RENEWED_SESSION


# Where the current session starts, and its events.
SESSION_INDEXES = {"events_sender_type_timestamp": "sender_id, type_name, timestamp",
                   "events_sender_timestamp": "sender_id, timestamp"}


class ConversationStoreUnavailable(BaseException):
    """The database failed while a turn read or saved its conversation: the turn must go no further.

    A BaseException, like asyncio's CancelledError, so that the `except Exception` of Rasa's
    FailSafeTrackerStore (which every tracker store is wrapped in) lets it through to the channel.
    """


class BoundedSessionSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, max_session_turns: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_turns = int(max_session_turns or settings.value("AHSCT_MAX_SESSION_TURNS"))
        # After an outage the pooled connections are dead; checked before use, the first turn once the
        # database is back is answered instead of failing once more.
        checked = sqlalchemy.create_engine(self.engine.url, pool_pre_ping=True, **create_engine_kwargs(self.engine.url))
        self.engine.dispose()
        self.engine = checked
        self.sessionmaker.configure(bind=checked)
        self._create_session_indexes()

    def _create_session_indexes(self) -> None:
        for name, columns in SESSION_INDEXES.items():
            try:
                with self.engine.begin() as connection:
                    connection.execute(sqlalchemy.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))
            except sqlalchemy.exc.IntegrityError:
                # PostgreSQL: another Rasa server of the cluster, starting at the same moment, made it first.
                if name not in {index["name"] for index in sqlalchemy.inspect(self.engine).get_indexes("events")}:
                    raise

    def _event_query(self, session: Any, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's query, with the same events in the same order, but the session's start found first."""
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            start = (session.query(sqlalchemy.func.max(event.timestamp))
                     .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name).scalar())
            if start is not None:
                query = query.filter(event.timestamp >= start)
        return query.order_by(event.id)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve(sender_id)
        except sqlalchemy.exc.DBAPIError as error:
            raise ConversationStoreUnavailable(f"reading conversation {sender_id!r}: {error}") from error
        if tracker is not None and visitor_turns(tracker) >= self.max_session_turns:
            # Saved with the turn's own events (SQLTrackerStore stores what follows the stored session).
            for event in session_renewal(tracker, self.max_session_turns):
                tracker.update(event)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except sqlalchemy.exc.DBAPIError as error:
            raise ConversationStoreUnavailable(f"saving conversation {tracker.sender_id!r}: {error}") from error


def visitor_turns(tracker: DialogueStateTracker) -> int:
    """Visitor messages in the tracker's current session (Rasa loads no earlier session)."""
    return sum(isinstance(event, UserUttered) for event in tracker.applied_events())


def session_renewal(tracker: DialogueStateTracker, turns: int) -> List[Event]:
    """What Rasa's own session start writes, with the slots carried over, but no welcome message."""
    carried = [SlotSet(name, value) for name, value in tracker.current_slot_values().items() if value is not None]
    return [SessionStarted(metadata={RENEWED_SESSION: turns}), *carried, ActionExecuted(ACTION_LISTEN_NAME)]
