"""Rasa-facing actions. Kept thin: the knowledge layer chooses what to say,
the domain holds the words a patient reads."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.base import shared_knowledge_base
from actions.knowledge.corpus import Passage

TOPIC_INTENT_PREFIX = "ask_"
# Claims a visitor pushes are corrected with the facts of another topic.
TOPIC_OF_CLAIM = {"claim_cure": "approval", "claim_approved": "approval"}
# How things stand changes: answers on these topics say "as of <the document's date>".
TIME_SENSITIVE_TOPICS = ("approval", "trials", "projects", "figures")
# General facts that may sit beside "I can't advise you".
ADVICE_TOPICS = ("who_benefits", "risks", "approval")
# "Did you mean…?" when NLU's two best topic guesses are this close and both this likely.
AMBIGUITY_GAP, AMBIGUITY_FLOOR = 0.2, 0.25


class ActionSessionStart(Action):
    """Opens every conversation with one short message: what the bot is, and that it gives no medical advice."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_welcome")
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionGreet(Action):
    """A greeting that opens the conversation has had its answer: the welcome. A later one gets a short hello."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not opens_the_session(tracker):
            dispatcher.utter_message(response="utter_greet")
        return []


class ActionAnswerOutOfScope(Action):
    """Off the bot's subjects, unless an editor has since added a document that answers it."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        new = on_new_topics(tracker, domain)
        if new:
            return send_passages(dispatcher, tracker, new, new[0].main_topic)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionAnswerFromCorpus(Action):
    """Answers a topic question with corpus passages, each ending with its source."""

    def name(self) -> Text:
        return "action_answer_from_corpus"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        topic = topic_of_intent(latest_intent(tracker))
        new = on_new_topics(tracker, domain)
        if new:
            return send_passages(dispatcher, tracker, new, new[0].main_topic)
        passages = shared_knowledge_base().answer(topic, question_text(tracker)) if topic else []
        return send_passages(dispatcher, tracker, passages, topic)


class ActionAnswerFollowup(Action):
    """'What about in Paris?', 'and for progressive MS?': answered about the conversation's current topic."""

    def name(self) -> Text:
        return "action_answer_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        topic = tracker.get_slot("topic")
        passages = shared_knowledge_base().follow_up(topic, question_text(tracker))
        if passages and topic not in passages[0].topics:
            topic = passages[0].main_topic
        return send_passages(dispatcher, tracker, passages, topic)


class ActionTellMore(Action):
    """'Tell me more': the current topic's passages the visitor has not seen yet."""

    def name(self) -> Text:
        return "action_tell_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        topic = tracker.get_slot("topic")
        if not topic:
            dispatcher.utter_message(response="utter_what_topic")
            return []
        passages = shared_knowledge_base().more(topic, tracker.get_slot("shown_passages") or [])
        if not passages:
            dispatcher.utter_message(response="utter_no_more")
            return []
        return send_passages(dispatcher, tracker, passages, topic)


class ActionSearchCorpus(Action):
    """Low NLU confidence: offer the two likely topics, or answer from a passage that truly matches, or say so."""

    def name(self) -> Text:
        return "action_search_corpus"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        new = on_new_topics(tracker, domain)
        if new:
            return send_passages(dispatcher, tracker, new, new[0].main_topic)
        choices = ambiguous_topic_intents(tracker.latest_message.get("intent_ranking") or [])
        buttons = [b for b in topic_menu(domain) if b["payload"] in {f"/{intent}" for intent in choices}]
        if len(buttons) == 2:
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
            return []
        passages = shared_knowledge_base().open_search(question_text(tracker))
        topic = passages[0].main_topic if passages else None
        return send_passages(dispatcher, tracker, passages, topic)


class ActionAnswerPersonalAdvice(Action):
    """'Should I have AHSCT?': no verdict; the general facts with their sources; then the neurologist or MS team."""

    def name(self) -> Text:
        return "action_answer_personal_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        dispatcher.utter_message(response="utter_cannot_advise")
        passages = knowledge.open_search(question, topics=ADVICE_TOPICS)
        if not passages and knowledge.index.names_treatment(question):
            passages = knowledge.answer("who_benefits", "")
        utter_cited(dispatcher, passages)
        dispatcher.utter_message(response="utter_ask_your_team")
        return [SlotSet("shown_passages", [p.id for p in passages])] if passages else []


def send_passages(
    dispatcher: CollectingDispatcher, tracker: Tracker, passages: Sequence[Passage], topic: Optional[str]
) -> List[EventType]:
    """Each passage as one message ending with its source; or, with none, the honest 'not in my sources'."""
    if not passages:
        dispatcher.utter_message(response="utter_not_in_sources")
        return []
    if (tracker.get_slot("language") or "en") != "en":
        dispatcher.utter_message(response="utter_english_only")
    utter_cited(dispatcher, passages)
    shown = list(tracker.get_slot("shown_passages") or []) if topic == tracker.get_slot("topic") else []
    return [SlotSet("topic", topic), SlotSet("shown_passages", shown + [p.id for p in passages])]


def utter_cited(dispatcher: CollectingDispatcher, passages: Sequence[Passage]) -> None:
    for passage in passages:
        response = "utter_cited_answer_as_of" if passage.main_topic in TIME_SENSITIVE_TOPICS else "utter_cited_answer"
        dispatcher.utter_message(response=response, answer=passage.text, source=passage.source, date=passage.document.date)


def opens_the_session(tracker: Tracker) -> bool:
    """Whether the latest message is the session's first (the web widget greets silently to get the welcome)."""
    user_messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        user_messages += event.get("event") == "user"
    return user_messages == 1


def on_new_topics(tracker: Tracker, domain: Dict[Text, Any]) -> List[Passage]:
    """Passages of an editor's document on a subject no intent knows yet, when they clearly match the question."""
    return shared_knowledge_base().on_new_topics(question_text(tracker), routed_topics(domain))


def routed_topics(domain: Dict[Text, Any]) -> set:
    intents = [next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents", [])]
    return {topic_of_intent(intent) for intent in intents} - {None}


def latest_intent(tracker: Tracker) -> str:
    # The intent NLU chose, not the runner-up that get_intent_of_latest_message() gives after a fallback.
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def topic_of_intent(intent: str) -> Optional[str]:
    if intent in TOPIC_OF_CLAIM:
        return TOPIC_OF_CLAIM[intent]
    return intent[len(TOPIC_INTENT_PREFIX):] if intent.startswith(TOPIC_INTENT_PREFIX) else None


def question_text(tracker: Tracker) -> str:
    """The visitor's words; a button payload such as '/ask_risks' carries none."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def ambiguous_topic_intents(ranking: List[Dict[Text, Any]]) -> List[str]:
    """The two topic intents NLU hesitated between, or [] when it did not."""
    topical = [r for r in ranking if topic_of_intent(r.get("name", ""))]
    if len(topical) < 2:
        return []
    first, second = topical[0], topical[1]
    close = first["confidence"] - second["confidence"] <= AMBIGUITY_GAP
    return [first["name"], second["name"]] if close and second["confidence"] >= AMBIGUITY_FLOOR else []


def topic_menu(domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The topic buttons as editors wrote them in the domain (utter_topic_menu)."""
    return domain.get("responses", {}).get("utter_topic_menu", [{}])[0].get("buttons", [])

