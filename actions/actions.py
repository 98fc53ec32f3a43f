"""Rasa-facing actions. Kept thin: the knowledge layer chooses what to say,
the domain holds the words a patient reads."""
from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import context_policy, follows_up, keeps_topic, refers_back
from actions.knowledge.base import refresh_knowledge_base, shared_knowledge_base
from actions.knowledge.corpus import Passage
from actions.knowledge.topics import advice_topics, by_country_topics, is_claim, policy_of, topic_after_personal_question, topics_of_intent
from settings import RENEWED_SESSION

# "Did you mean…?" when NLU's two best topic guesses are this close and both this likely.
AMBIGUITY_GAP, AMBIGUITY_FLOOR = 0.2, 0.25


class CorpusAction(Action, metaclass=abc.ABCMeta):
    """An action that answers from the corpus: the latest published corpus is loaded first, off the event loop.
    Abstract, so the action server does not register it as an action of its own."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        await refresh_knowledge_base()
        return self.answer(dispatcher, tracker, domain)

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """The answer, the knowledge base being fresh."""


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


class ActionAnswerOutOfScope(CorpusAction):
    """Off the bot's subjects, unless an editor has since added a document that answers it, or the question
    names one of the corpus's things and a passage answers it closely (knowledge.topic_of_named_thing)."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answered = answer_from_new_topics(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        topic = knowledge.topic_of_named_thing(question)
        if topic:
            return send_passages(dispatcher, tracker, knowledge.answer(topic, question), topic, domain)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionAnswerFromCorpus(CorpusAction):
    """Answers a topic question with corpus passages, each ending with its source."""

    def name(self) -> Text:
        return "action_answer_from_corpus"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answered = answer_from_new_topics(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        topic = topic_of_intent(latest_intent(tracker))
        in_context = answer_from_context(dispatcher, tracker, knowledge, question, topic, domain)
        if in_context is not None:
            return in_context
        if topic and not nlu_is_sure(tracker) and (knowledge.far_from(topic, question) or knowledge.beyond_the_corpus(question)):
            # "how do I renew my passport" is not how AHSCT is done; "is there a diet that helps MS?" is no death rate.
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        passages = knowledge.answer(topic, question) if topic else []
        # A pushed claim ("approved in Mexico, confirm") is corrected, not echoed back with its place.
        if topic and policy_of(topic).by_country and not is_claim(latest_intent(tracker)):
            for place in knowledge.places_not_covered(question, topic):
                dispatcher.utter_message(response="utter_place_not_covered", place=place)
        return send_passages(dispatcher, tracker, passages, answering_topic(topic, passages), domain)


class ActionAnswerFollowup(CorpusAction):
    """'What about in Paris?', 'and for progressive MS?': answered about the conversation's current topic."""

    def name(self) -> Text:
        return "action_answer_followup"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        topic = tracker.get_slot("topic")
        passages = knowledge.follow_up(topic, question)
        topic = answering_topic(topic, passages)
        if not passages and refers_back_to_topic(tracker, knowledge, question, None):
            return answer_in_context(dispatcher, tracker, knowledge, question, domain)
        if not passages:
            # "What about the risks?" names no thing but a topic: NLU's next guess says which.
            topic = likely_topic(tracker.latest_message.get("intent_ranking") or [])
            passages = knowledge.answer(topic, question) if topic else []
        return send_passages(dispatcher, tracker, passages, topic, domain)


class ActionTellMore(CorpusAction):
    """'Tell me more': the current topic's passages the visitor has not seen yet."""

    def name(self) -> Text:
        return "action_tell_more"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        topic = tracker.get_slot("topic")
        if not topic:
            dispatcher.utter_message(response="utter_what_topic")
            return []
        passages = shared_knowledge_base().more(topic, tracker.get_slot("shown_passages") or [], topic_question(tracker))
        if not passages:
            dispatcher.utter_message(response="utter_no_more")
            return []
        return send_passages(dispatcher, tracker, passages, topic, domain)


class ActionSearchCorpus(CorpusAction):
    """Low NLU confidence: offer the two likely topics, or answer from a passage that truly matches, or say so."""

    def name(self) -> Text:
        return "action_search_corpus"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answered = answer_from_new_topics(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        # NLU unsure of "and what came out of it?" or "and in Scotland?": the conversation's topic answers.
        in_context = answer_from_context(dispatcher, tracker, knowledge, question, None, domain)
        if in_context is not None:
            return in_context
        if knowledge.beyond_the_corpus(question):  # "what's the best diet for MS?": no passage to choose from
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        choices = ambiguous_topic_intents(tracker.latest_message.get("intent_ranking") or [])
        # Of two topics NLU hesitated between, one clearly closer answers; so does a passage very close to the
        # thing the question names ("which kinds of MS does the ASTCT statement cover?"), rather than a menu.
        closer = (knowledge.clearly_closer_topic(question, [topic_of_intent(c) for c in choices])
                  or knowledge.topic_of_named_thing(question)) if choices else None
        if closer:
            return send_passages(dispatcher, tracker, knowledge.answer(closer, question), closer, domain)
        buttons = [b for b in topic_menu(domain) if b["payload"] in {f"/{intent}" for intent in choices}]
        if len(buttons) == 2:
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
            return []
        passages = knowledge.open_search(question) or knowledge.closest_answer(question)
        topic = passages[0].main_topic if passages else None
        return send_passages(dispatcher, tracker, passages, topic, domain)


class ActionAnswerPersonalAdvice(CorpusAction):
    """'Should I have AHSCT?': no verdict; the general facts with their sources; then the neurologist or MS team."""

    def name(self) -> Text:
        return "action_answer_personal_advice"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        knowledge, question = shared_knowledge_base(), question_text(tracker)
        dispatcher.utter_message(response="utter_cannot_advise")
        # "Can I have AHSCT in India?": personal, and about a country no source covers; both are said.
        for place in knowledge.places_not_covered_by_any(question, by_country_topics()):
            dispatcher.utter_message(response="utter_place_not_covered", place=place)
        # "Am I eligible for HSCT?", "should I have AHSCT?": the general criteria, each body's with its date.
        if knowledge.index.names_treatment(question):
            topic = topic_after_personal_question()  # who may be able to have it (content/topics.yml)
        else:
            found = knowledge.open_search(question, topics=advice_topics())
            topic = found[0].main_topic if found else None
        passages = knowledge.answer(topic, question) if topic else []
        utter_cited(dispatcher, passages)
        dispatcher.utter_message(response="utter_ask_your_team")
        return [SlotSet("topic", topic), SlotSet("shown_passages", [p.id for p in passages])] if passages else []


def answer_from_context(
    dispatcher: CollectingDispatcher, tracker: Tracker, knowledge, question: str, topic: Optional[str],
    domain: Dict[Text, Any],
) -> Optional[List[EventType]]:
    """A short question about the conversation's topic, not the one NLU guessed (`topic`), answered on that
    topic: one that refers back ("who chaired it?") or carries on to a thing it names ("and in Scotland?").
    None when the question is not one of them."""
    if refers_back_to_topic(tracker, knowledge, question, topic):
        return answer_in_context(dispatcher, tracker, knowledge, question, domain)
    carried_on = follow_up_in_topic(tracker, knowledge, question, topic)
    return send_passages(dispatcher, tracker, carried_on, tracker.get_slot("topic"), domain) if carried_on else None


def refers_back_to_topic(tracker: Tracker, knowledge, question: str, topic: Optional[str]) -> bool:
    """'And what came out of it?', 'who chaired it?': a short question about the conversation's topic."""
    current = tracker.get_slot("topic")
    if not current or current == topic or not question:
        return False
    confidence = latest_confidence(tracker)
    names_something = bool(knowledge.index.query(question).terms.entities)
    if keeps_topic(question, names_something, confidence):
        return True
    # NLU sure of another topic: "who chaired it?" is still about the meeting when only the meeting's passages
    # share a word with it ("chaired"); "is it safe?" is about risks, whose passages say "safe".
    return (refers_back(question, names_something) and knowledge.speaks_of(current, question)
            and not (topic and knowledge.speaks_of(topic, question)))


def nlu_is_sure(tracker: Tracker) -> bool:
    return latest_confidence(tracker) >= context_policy()["keep_topic_below_confidence"]


def latest_confidence(tracker: Tracker) -> float:
    return (tracker.latest_message.get("intent") or {}).get("confidence") or 0.0


def follow_up_in_topic(tracker: Tracker, knowledge, question: str, topic: Optional[str]) -> List[Passage]:
    """'And in Scotland?' after a question on availability: the conversation's topic's passages about the
    place, though NLU guessed another topic (the research project in Glasgow)."""
    current = tracker.get_slot("topic")
    if not current or current == topic or not follows_up(question, latest_confidence(tracker)):
        return []
    return knowledge.named_in_topic(current, question)


def answer_in_context(
    dispatcher: CollectingDispatcher, tracker: Tracker, knowledge, question: str, domain: Dict[Text, Any],
) -> List[EventType]:
    """The conversation's topic answers, searched with the previous question's words too (they name the
    thing "it" is), and passages already shown give way to the next ones."""
    topic, shown = tracker.get_slot("topic"), set(tracker.get_slot("shown_passages") or [])
    words = f"{previous_question(tracker)} {question}".strip()
    # By meaning: "the Lisbon meeting ... what came out of it" is near the passage on what it decided.
    closest = knowledge.index.closest_in_meaning(words, lambda p: topic in p.topics and p.id not in shown and not p.is_summary)
    passages = [passage for passage, _ in closest[:1]] or knowledge.more(topic, shown, words)
    return send_passages(dispatcher, tracker, passages[:1] if passages else [], topic, domain)


def previous_question(tracker: Tracker) -> str:
    """The visitor's real question before the latest message ("tell me about the Lisbon meeting")."""
    questions = list(user_questions(tracker))
    return questions[1] if len(questions) > 1 else ""


def user_questions(tracker: Tracker):
    """The visitor's words, newest first, leaving out button payloads and "tell me more"."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if intent != "ask_more" and text and not text.startswith("/"):
            yield text


def send_passages(
    dispatcher: CollectingDispatcher, tracker: Tracker, passages: Sequence[Passage], topic: Optional[str],
    domain: Dict[Text, Any],
) -> List[EventType]:
    """Each passage as one message ending with its source; or, with none, the honest 'not in my sources'."""
    if not passages:
        dispatcher.utter_message(response="utter_not_in_sources")
        return []
    if (tracker.get_slot("language") or "en") != "en":
        dispatcher.utter_message(response="utter_english_only")
    shown = list(tracker.get_slot("shown_passages") or []) if topic == tracker.get_slot("topic") else []
    shown += [p.id for p in passages]
    more = more_buttons(domain) if topic and shared_knowledge_base().has_more(topic, shown) else []
    utter_cited(dispatcher, passages, more)
    return [SlotSet("topic", topic), SlotSet("shown_passages", shown)]


def utter_cited(dispatcher: CollectingDispatcher, passages: Sequence[Passage], last_buttons: Sequence[dict] = ()) -> None:
    """Each passage as one message ending with its sources; the last one may offer "Tell me more"."""
    for position, passage in enumerate(passages, 1):
        dispatcher.utter_message(
            response=cited_response(passage), answer=passage.text, source=passage.source,
            date=passage.document.date, buttons=list(last_buttons) if position == len(passages) else [],
        )


def cited_response(passage: Passage) -> str:
    if passage.is_summary:
        return "utter_cited_summary"  # each fact carries its own date in the text
    if not policy_of(passage.main_topic).time_sensitive:
        return "utter_cited_answer"
    # "As of undated; published August 2020" reads as nonsense: an undated source says it is undated.
    return "utter_cited_answer_undated" if passage.document.is_undated else "utter_cited_answer_as_of"


def opens_the_session(tracker: Tracker) -> bool:
    """Whether the latest message is the session's first (the web widget greets silently to get the welcome).
    A session the tracker store renewed mid-conversation (rasa_plugins/tracker_store.py) is no new visit."""
    user_messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return user_messages == 1 and RENEWED_SESSION not in (event.get("metadata") or {})
        user_messages += event.get("event") == "user"
    return user_messages == 1


def answer_from_new_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any],
) -> Optional[List[EventType]]:
    """An editor's document on a subject no intent knows yet answers first, when it clearly matches; None if not."""
    new = on_new_topics(tracker, domain)
    return send_passages(dispatcher, tracker, new, new[0].main_topic, domain) if new else None


def on_new_topics(tracker: Tracker, domain: Dict[Text, Any]) -> List[Passage]:
    """Passages of an editor's document on a subject no intent knows yet, when they clearly match the question."""
    return shared_knowledge_base().on_new_topics(question_text(tracker), routed_topics(domain))


def routed_topics(domain: Dict[Text, Any]) -> set:
    intents = [next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents", [])]
    return {topic for intent in intents for topic in topics_of_intent(intent)}


def answering_topic(topic: Optional[str], passages: Sequence[Passage]) -> Optional[str]:
    """The topic the conversation goes on with: that of the passage that answers first when it is of another
    topic ("what were the London referral rules?", NLU: how it is done), so "tell me more" brings its next ones."""
    if passages and topic not in passages[0].topics:
        return passages[0].main_topic
    return topic


def latest_intent(tracker: Tracker) -> str:
    # The intent NLU chose, not the runner-up that get_intent_of_latest_message() gives after a fallback.
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def topic_of_intent(intent: str) -> Optional[str]:
    """The intent's main topic (content/topics.yml), or None for an intent that asks about no topic."""
    topics = topics_of_intent(intent)
    return topics[0] if topics else None


def question_text(tracker: Tracker) -> str:
    """The visitor's words; a button payload such as '/ask_risks' carries none."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def topic_question(tracker: Tracker) -> str:
    """The visitor's latest words that were a question, not "tell me more": what the extra passages should answer."""
    return next(iter(user_questions(tracker)), "")


def likely_topic(ranking: List[Dict[Text, Any]]) -> Optional[str]:
    """The topic of NLU's most likely topic intent, when it is likely enough."""
    topical = [r for r in ranking if topic_of_intent(r.get("name", ""))]
    return topic_of_intent(topical[0]["name"]) if topical and topical[0]["confidence"] >= AMBIGUITY_FLOOR else None


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
    return buttons_of(domain, "utter_topic_menu")


def more_buttons(domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The "Tell me more" button as editors wrote it in the domain (utter_more_options)."""
    return buttons_of(domain, "utter_more_options")


def buttons_of(domain: Dict[Text, Any], response: str) -> List[Dict[Text, Any]]:
    return (domain or {}).get("responses", {}).get(response, [{}])[0].get("buttons", [])

