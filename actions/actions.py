"""Rasa-facing actions. Kept thin: the knowledge layer chooses what to say,
the domain holds the words a patient reads."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.base import shared_knowledge_base

TOPIC_INTENT_PREFIX = "ask_"


class ActionSessionStart(Action):
    """Opens every conversation with one short message: what the bot is, and that it gives no medical advice."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_welcome")
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionAnswerFromCorpus(Action):
    """Answers a topic question with corpus passages, each ending with its source."""

    def name(self) -> Text:
        return "action_answer_from_corpus"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        # The intent NLU chose, not the runner-up that get_intent_of_latest_message() gives after a fallback.
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        topic = intent[len(TOPIC_INTENT_PREFIX):] if intent.startswith(TOPIC_INTENT_PREFIX) else None
        passages = shared_knowledge_base().answer(topic, question_text(tracker)) if topic else []
        if not passages:
            dispatcher.utter_message(response="utter_not_in_sources")
            return []
        for passage in passages:
            dispatcher.utter_message(response="utter_cited_answer", answer=passage.text, source=passage.source)
        return [SlotSet("topic", topic)]


def question_text(tracker: Tracker) -> str:
    """The visitor's words; a button payload such as '/ask_risks' carries none."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text
