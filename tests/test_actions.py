"""Rasa-facing actions with a real Tracker and CollectingDispatcher: the messages and the full list of events."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerFromCorpus, ActionSessionStart

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text())


def tracker_for(text: str, intent: str) -> Tracker:
    return Tracker(
        sender_id="action-test",
        slots={},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.98}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_session_start_welcomes_once_and_listens():
    messages, events = run(ActionSessionStart(), tracker_for("", "session_start"))
    assert [m["response"] for m in messages] == ["utter_welcome"]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_approval_question_is_answered_from_both_sources_with_citations(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("is it FDA approved?", "ask_approval"))
    assert [m["response"] for m in messages] == ["utter_cited_answer", "utter_cited_answer"]
    for message in messages:
        assert message["answer"].startswith("No. Right now there are no approved stem cell therapies for MS.")
    assert [m["source"] for m in messages] == [
        'MS International Federation (MSIF), "Stem cell transplantation (AHSCT) for MS" (about 2016)',
        'National MS Society (USA), "Research in Stem Cells" (2017)',
    ]
    assert events == [SlotSet("topic", "approval")]


def test_answer_text_is_the_corpus_passage_word_for_word(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("how is ahsct done", "ask_how_ahsct_works"))
    expected = knowledge_base.answer("how_ahsct_works", "how is ahsct done")
    assert [(m["answer"], m["source"]) for m in messages] == [(p.text, p.source) for p in expected]
    assert events == [SlotSet("topic", "how_ahsct_works")]


def test_button_payload_answers_the_topic():
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("/ask_what_is_ahsct", "ask_what_is_ahsct"))
    assert len(messages) == 1
    assert "Autologous Haematopoietic Stem Cell Transplantation" in messages[0]["answer"]
    assert events == [SlotSet("topic", "what_is_ahsct")]


@pytest.mark.parametrize("intent", ["greet", "nlu_fallback", "ask_horoscope", ""])
def test_intent_without_a_corpus_topic_says_so_and_sets_nothing(intent):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("hello", intent))
    assert [m["response"] for m in messages] == ["utter_not_in_sources"]
    assert events == []


def test_every_response_the_actions_use_is_in_the_domain():
    for response in ("utter_welcome", "utter_cited_answer", "utter_not_in_sources"):
        assert response in DOMAIN["responses"]
