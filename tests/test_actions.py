"""Rasa-facing actions with a real Tracker and CollectingDispatcher: the messages and the full list of events."""
from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerFollowup,
    ActionAnswerOutOfScope,
    ActionAnswerFromCorpus,
    ActionAnswerPersonalAdvice,
    ActionGreet,
    ActionSearchCorpus,
    ActionSessionStart,
    ActionTellMore,
    cited_response,
)
from actions.knowledge.topics import policy_of
from settings import PROJECT_ROOT, RENEWED_SESSION

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def tracker_for(text: str, intent: str, slots: dict = None, ranking: list = None, events: list = None) -> Tracker:
    return Tracker(
        sender_id="action-test",
        slots=slots or {},
        latest_message={
            "text": text, "intent": {"name": intent, "confidence": 0.98}, "entities": [],
            "intent_ranking": ranking or [{"name": intent, "confidence": 0.98}],
        },
        events=events or [],
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


SESSION_OPENING = [
    {"event": "action", "name": "action_session_start"},
    {"event": "bot", "text": "Hello, I'm AHSCT Guide"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
]
GREETING = {"event": "user", "text": "/greet", "parse_data": {"intent": {"name": "greet"}}}
QUESTION = {"event": "user", "text": "what is ahsct", "parse_data": {"intent": {"name": "ask_what_is_ahsct"}}}


def test_greeting_that_opens_the_session_adds_nothing_to_the_welcome():
    messages, events = run(ActionGreet(), tracker_for("/greet", "greet", events=SESSION_OPENING + [GREETING]))
    assert messages == []
    assert events == []


def test_later_greeting_gets_a_hello():
    history = SESSION_OPENING + [QUESTION, {"event": "bot", "text": "AHSCT is..."}, GREETING]
    messages, events = run(ActionGreet(), tracker_for("hi again", "greet", events=history))
    assert [m["response"] for m in messages] == ["utter_greet"]
    assert events == []


def test_greeting_after_a_new_session_adds_nothing_to_its_welcome():
    history = SESSION_OPENING + [QUESTION] + SESSION_OPENING + [GREETING]
    messages, events = run(ActionGreet(), tracker_for("hello", "greet", events=history))
    assert messages == []
    assert events == []


def test_greeting_in_a_session_the_tracker_store_renewed_gets_a_hello():
    """No welcome opened it (rasa_plugins/tracker_store.py), so the greeting must not go unanswered."""
    renewal = [{"event": "session_started", "metadata": {RENEWED_SESSION: 50}}, {"event": "action", "name": "action_listen"}]
    history = SESSION_OPENING + [QUESTION] + renewal + [GREETING]
    messages, events = run(ActionGreet(), tracker_for("hello", "greet", events=history))
    assert [m["response"] for m in messages] == ["utter_greet"]
    assert events == []


def test_how_it_is_done_is_not_dated(knowledge_base):
    messages, _ = run(ActionAnswerFromCorpus(), tracker_for("how is ahsct done", "ask_how_ahsct_works"))
    assert messages and {m["response"] for m in messages} == {"utter_cited_answer"}


MORE = [{"title": "Tell me more", "payload": "/ask_more"}]


def test_approval_question_is_answered_by_the_summary_with_every_source_and_a_tell_me_more(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("is any stem cell therapy approved?", "ask_approval"))
    summary = knowledge_base.answer("approval", "is any stem cell therapy approved?")[0]
    assert summary.is_summary and summary.heading == "Is any stem cell therapy approved for MS?"
    assert messages == [{
        "text": None, "image": None, "template": "utter_cited_summary",
        "response": "utter_cited_summary", "attachment": None, "buttons": MORE, "elements": [], "custom": {},
        "answer": summary.text, "source": summary.source, "date": "",
    }]
    assert summary.source.count("\nSource: ") == len(summary.cited_documents) - 1
    assert events == [SlotSet("topic", "approval"), SlotSet("shown_passages", [summary.id])]


def test_a_named_body_gets_its_passage_after_the_summary_and_only_the_last_offers_more(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("is it FDA approved?", "ask_approval"))
    expected = knowledge_base.answer("approval", "is it FDA approved?")
    assert [m["answer"] for m in messages] == [p.text for p in expected] and len(expected) == 2
    assert [m["response"] for m in messages] == ["utter_cited_summary", "utter_cited_answer_undated"]  # the FDA alert is undated
    assert [m["buttons"] for m in messages] == [[], MORE]
    assert "FDA" in messages[1]["source"]
    assert events == [SlotSet("topic", "approval"), SlotSet("shown_passages", [p.id for p in expected])]


def test_a_place_the_sources_do_not_cover_is_named_before_the_answer():
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("is hsct available in Germany?", "ask_availability"))
    assert [m["response"] for m in messages] == ["utter_place_not_covered", "utter_cited_summary"]
    assert messages[0]["place"] == "Germany"
    assert events[0] == SlotSet("topic", "availability")


def test_a_place_the_sources_cover_gets_no_such_notice():
    messages, _ = run(ActionAnswerFromCorpus(), tracker_for("is hsct available in Scotland?", "ask_availability"))
    assert "utter_place_not_covered" not in [m["response"] for m in messages]
    assert any("Scotland" in m["answer"] for m in messages)


def test_answer_text_is_the_corpus_passage_word_for_word(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("how is ahsct done", "ask_how_ahsct_works"))
    expected = knowledge_base.answer("how_ahsct_works", "how is ahsct done")
    assert [(m["answer"], m["source"]) for m in messages] == [(p.text, p.source) for p in expected]
    assert events == [SlotSet("topic", "how_ahsct_works"), SlotSet("shown_passages", [p.id for p in expected])]


def test_button_payload_answers_the_topic(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("/ask_what_is_ahsct", "ask_what_is_ahsct"))
    expected = knowledge_base.answer("what_is_ahsct", "")
    assert expected and [m["answer"] for m in messages] == [p.text for p in expected]
    assert any("Autologous" in p.text or "own stem cells" in p.text for p in expected)
    assert events == [SlotSet("topic", "what_is_ahsct"), SlotSet("shown_passages", [p.id for p in expected])]


@pytest.mark.parametrize("intent", ["greet", "nlu_fallback", "ask_horoscope", ""])
def test_intent_without_a_corpus_topic_says_so_and_sets_nothing(intent):
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("hello", intent))
    assert [m["response"] for m in messages] == ["utter_not_in_sources"]
    assert events == []


def test_a_question_in_another_language_is_told_the_answer_is_in_english():
    tracker = tracker_for("la terapia è approvata?", "ask_approval", slots={"language": "it"})
    messages, _ = run(ActionAnswerFromCorpus(), tracker)
    assert [m["response"] for m in messages] == ["utter_english_only", "utter_cited_summary"]


def test_a_pushed_claim_is_answered_with_the_approval_facts():
    messages, events = run(ActionAnswerFromCorpus(), tracker_for("it's approved in Mexico, confirm", "claim_approved"))
    assert [m["answer"][:37] for m in messages] == ["No stem cell product is licensed for "]
    assert events[0] == SlotSet("topic", "approval")


def test_follow_up_names_a_place_within_the_current_topic():
    tracker = tracker_for("what about in Paris?", "ask_followup", slots={"topic": "projects", "shown_passages": ["x"]})
    messages, events = run(ActionAnswerFollowup(), tracker)
    assert "Paris, France" in messages[0]["answer"]
    assert events[0] == SlotSet("topic", "projects")
    assert events[1].get("value")[0] == "x", "passages already shown are remembered"


def test_follow_up_outside_the_topic_moves_to_the_passage_found():
    tracker = tracker_for("which one was in Italy?", "ask_followup", slots={"topic": "approval"})
    messages, events = run(ActionAnswerFollowup(), tracker)
    assert messages and events[0]["name"] == "topic"
    assert "Italy" in messages[0]["answer"]
    assert events[0]["value"] != "approval", "the conversation moves to what the visitor asked about"


def test_tell_more_gives_the_passages_not_yet_shown_then_says_that_is_all(knowledge_base):
    shown = [p.id for p in knowledge_base.answer("trials", "")]
    messages, events = run(ActionTellMore(), tracker_for("tell me more", "ask_more", {"topic": "trials", "shown_passages": shown}))
    new_ids = events[1]["value"][len(shown):]
    assert messages and new_ids and not set(new_ids) & set(shown)
    everything = [p.id for p in knowledge_base.passages if "trials" in p.topics]
    messages, events = run(ActionTellMore(), tracker_for("more", "ask_more", {"topic": "trials", "shown_passages": everything}))
    assert [m["response"] for m in messages] == ["utter_no_more"] and events == []


def test_tell_more_without_a_topic_asks_which_one():
    messages, events = run(ActionTellMore(), tracker_for("tell me more", "ask_more"))
    assert [m["response"] for m in messages] == ["utter_what_topic"] and events == []


def test_fallback_between_two_close_topics_asks_did_you_mean():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_risks", "confidence": 0.41},
               {"name": "ask_who_benefits", "confidence": 0.38}, {"name": "greet", "confidence": 0.1}]
    messages, events = run(ActionSearchCorpus(), tracker_for("risky for who", "nlu_fallback", ranking=ranking))
    assert [m["response"] for m in messages] == ["utter_did_you_mean"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_risks", "/ask_who_benefits"]
    assert events == []


def test_fallback_answers_from_a_passage_that_truly_matches():
    messages, events = run(ActionSearchCorpus(), tracker_for("tracking mesenchymal cells", "nlu_fallback"))
    assert [m["response"] for m in messages] == ["utter_cited_answer_as_of"]  # a research project: dated
    assert "Cleveland Clinic" in messages[0]["answer"]
    assert events[0] == SlotSet("topic", "projects")


def test_fallback_with_nothing_that_matches_says_so_honestly():
    messages, events = run(ActionSearchCorpus(), tracker_for("what time is it there", "nlu_fallback"))
    assert [m["response"] for m in messages] == ["utter_not_in_sources"] and events == []
    # In words the corpus never uses, it is beyond the bot's subjects: what it can help with instead.
    messages, events = run(ActionSearchCorpus(), tracker_for("how do I renew my passport", "nlu_fallback"))
    assert [m["response"] for m in messages] == ["utter_out_of_scope"] and events == []


def test_personal_advice_gets_no_verdict_but_general_facts_and_the_team():
    messages, events = run(ActionAnswerPersonalAdvice(), tracker_for("should I do AHSCT?", "ask_personal_advice"))
    assert [m["response"] for m in messages][0] == "utter_cannot_advise"
    assert [m["response"] for m in messages][-1] == "utter_ask_your_team"
    facts = [m for m in messages if m.get("answer")]
    assert [m["response"] for m in facts] == ["utter_cited_summary"]
    assert "ECTRIMS and EBMT (2025)" in facts[0]["answer"] and "not a verdict" in facts[0]["answer"]
    assert events == [SlotSet("topic", "who_benefits"), SlotSet("shown_passages", ["00-summaries#6"])]


def test_advice_on_medication_the_sources_do_not_cover_gets_no_facts():
    messages, events = run(ActionAnswerPersonalAdvice(), tracker_for("can I stop my medication?", "ask_personal_advice"))
    assert [m["response"] for m in messages] == ["utter_cannot_advise", "utter_ask_your_team"] and events == []


def test_every_response_the_actions_use_is_in_the_domain():
    for response in ("utter_welcome", "utter_cited_answer", "utter_cited_answer_as_of", "utter_cited_answer_undated",
                     "utter_cited_summary",
                     "utter_more_options", "utter_place_not_covered", "utter_not_in_sources", "utter_english_only",
                     "utter_no_more", "utter_what_topic", "utter_did_you_mean", "utter_cannot_advise",
                     "utter_ask_your_team", "utter_topic_menu"):
        assert response in DOMAIN["responses"]


def test_follow_up_that_names_only_a_topic_answers_that_topic():
    ranking = [{"name": "ask_followup", "confidence": 0.6}, {"name": "ask_risks", "confidence": 0.3}]
    tracker = tracker_for("what about the risks?", "ask_followup", slots={"topic": "availability"}, ranking=ranking)
    messages, events = run(ActionAnswerFollowup(), tracker)
    assert [m["response"] for m in messages] == ["utter_cited_summary"] and "Infections" in messages[0]["answer"]
    assert events[0] == SlotSet("topic", "risks")


def test_conversation_acts_are_not_topics():
    from actions.actions import topic_of_intent
    assert [topic_of_intent(i) for i in ("ask_more", "ask_followup", "ask_personal_advice", "ask_risks")] == [
        None, None, None, "risks"]


def lisbon_tracker(text: str, intent: str, confidence: float) -> Tracker:
    shown = ["nmss-research-in-stem-cells#11"]
    tracker = tracker_for(text, intent, slots={"topic": "consensus_history", "shown_passages": shown}, events=[
        {"event": "user", "text": "tell me about the Lisbon meeting", "parse_data": {"intent": {"name": "ask_consensus_history"}}},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
    ])
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


def test_a_short_question_that_refers_back_stays_on_the_conversations_topic(knowledge_base):
    tracker = lisbon_tracker("and what came out of it?", "ask_how_ahsct_works", 0.59)
    messages, events = run(ActionAnswerFromCorpus(), tracker)
    [passage] = [p for p in knowledge_base.passages if p.text == messages[0]["answer"]]
    # What came out of the Lisbon meeting, from the topic of the conversation, not how AHSCT is done.
    assert len(messages) == 1 and "consensus_history" in passage.topics and "next steps" in passage.text
    assert events == [SlotSet("topic", "consensus_history"), SlotSet("shown_passages", ["nmss-research-in-stem-cells#11", passage.id])]


def test_a_confident_new_topic_is_not_taken_for_a_reference_back(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), lisbon_tracker("is it safe?", "ask_risks", 0.95))
    assert events[0] == SlotSet("topic", "risks")


def test_a_question_naming_its_own_subject_does_not_refer_back():
    from actions.context import refers_back
    assert refers_back("and who chaired it?", names_something=False)
    assert not refers_back("and who chaired it?", names_something=True)
    assert not refers_back("what are the risks of the transplant for people over fifty years old in the uk", False)
    assert not refers_back("what are the risks", False)


def test_topics_of_intents_come_from_the_content_policy():
    from actions.knowledge.topics import is_claim, topics_of_intent
    assert topics_of_intent("ask_risks") == ["risks"] and topics_of_intent("claim_cure") == ["approval"]
    assert topics_of_intent("ask_more") == [] and topics_of_intent("greet") == []
    assert is_claim("claim_approved") and not is_claim("ask_approval")


def test_and_in_a_place_carries_the_conversations_topic_on_though_nlu_guessed_another(knowledge_base):
    tracker = tracker_for("and in Scotland?", "ask_projects", slots={"topic": "availability", "shown_passages": []})
    tracker.latest_message["intent"]["confidence"] = 0.55  # NLU thought of the research project in Glasgow
    messages, events = run(ActionAnswerFromCorpus(), tracker)
    assert "should be considered" in messages[0]["answer"] and events[0] == SlotSet("topic", "availability")


def test_a_sure_new_topic_is_not_taken_for_a_follow_up():
    from actions.context import follows_up
    assert follows_up("and in Scotland?", 0.55) and follows_up("what about Norway?", 0.3)
    assert not follows_up("and in Scotland?", 0.9)
    assert not follows_up("what is ahsct", 0.3) and not follows_up("andorra?", 0.3)


def test_a_follow_up_nlu_was_unsure_of_stays_on_the_conversations_topic(knowledge_base):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_followup", "confidence": 0.32}]
    tracker = tracker_for("and in Scotland?", "nlu_fallback", slots={"topic": "availability"}, ranking=ranking)
    tracker.latest_message["intent"]["confidence"] = 0.5
    messages, events = run(ActionSearchCorpus(), tracker)
    assert "should be considered" in messages[0]["answer"] and events[0] == SlotSet("topic", "availability")


def test_a_reference_back_nlu_was_unsure_of_stays_on_the_conversations_topic(knowledge_base):
    tracker = lisbon_tracker("and what came out of it?", "nlu_fallback", 0.5)
    messages, events = run(ActionSearchCorpus(), tracker)
    [passage] = [p for p in knowledge_base.passages if p.text == messages[0]["answer"]]
    assert "consensus_history" in passage.topics and events[0] == SlotSet("topic", "consensus_history")


def test_between_two_topics_nlu_hesitated_over_the_one_clearly_closer_in_meaning_answers(knowledge_base):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_how_ahsct_works", "confidence": 0.5},
               {"name": "ask_who_benefits", "confidence": 0.48}]
    messages, events = run(ActionSearchCorpus(), tracker_for("How does HSCT work?", "nlu_fallback", ranking=ranking))
    assert messages[0]["response"] != "utter_did_you_mean" and events[0] == SlotSet("topic", "how_ahsct_works")


def test_who_chaired_it_stays_on_the_meeting_though_nlu_is_sure_it_asks_who_benefits(knowledge_base):
    messages, events = run(ActionAnswerFromCorpus(), lisbon_tracker("who chaired it?", "ask_who_benefits", 1.0))
    assert "Jeffrey A. Cohen" in messages[0]["answer"] and events[0] == SlotSet("topic", "consensus_history")


def test_a_question_nlu_was_unsure_of_and_far_from_its_topic_gets_what_the_bot_can_help_with(knowledge_base):
    tracker = tracker_for("how do I renew my passport", "ask_how_ahsct_works")
    tracker.latest_message["intent"]["confidence"] = 0.55
    messages, events = run(ActionAnswerFromCorpus(), tracker)
    assert [m["response"] for m in messages] == ["utter_out_of_scope"] and events == []
    sure = tracker_for("how do I renew my passport", "ask_how_ahsct_works")  # 0.98: NLU is trusted
    assert run(ActionAnswerFromCorpus(), sure)[0][0]["response"] != "utter_out_of_scope"


def test_an_off_topic_guess_that_names_a_trial_and_matches_a_passage_closely_is_answered(knowledge_base):
    # NLU can read a question about a trial as small talk ("still taking people now?"): meaning answers it.
    question = "is the BEAT-MS trial still taking people now?"
    messages, events = run(ActionAnswerOutOfScope(), tracker_for(question, "out_of_scope"))
    expected = knowledge_base.answer("trials", question)
    assert [m["answer"] for m in messages] == [p.text for p in expected]
    assert "BEAT-MS" in " ".join(m["answer"] for m in messages) and all(m["source"] for m in messages)
    assert events == [SlotSet("topic", "trials"), SlotSet("shown_passages", [p.id for p in expected])]


@pytest.mark.parametrize("question", ["book a flight to london", "what other medicines are there for ms",
                                      "is ocrevus better than tysabri", "what is the weather in norway"])
def test_off_topic_questions_that_name_nothing_or_match_loosely_stay_off_topic(knowledge_base, question):
    messages, events = run(ActionAnswerOutOfScope(), tracker_for(question, "out_of_scope"))
    assert [m["response"] for m in messages] == ["utter_out_of_scope"] and events == []


def test_between_two_topics_nlu_hesitated_over_a_passage_close_to_the_thing_named_answers(knowledge_base):
    # No menu of two topics when the question names a body and a passage about it answers it closely.
    question = "what types of MS is the ASTCT statement about?"
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_approval", "confidence": 0.34},
               {"name": "ask_who_benefits", "confidence": 0.32}]
    messages, events = run(ActionSearchCorpus(), tracker_for(question, "nlu_fallback", ranking=ranking))
    expected = knowledge_base.answer("who_benefits", question)
    assert [m["answer"] for m in messages] == [p.text for p in expected]
    assert any("superimposed" in m["answer"] for m in messages)
    assert events == [SlotSet("topic", "who_benefits"), SlotSet("shown_passages", [p.id for p in expected])]


def test_when_another_topics_passage_answers_first_the_conversation_goes_on_with_its_topic(knowledge_base):
    # NLU put it under how AHSCT is done; the London criteria (who may have it) answer, and "tell me more"
    # must bring the rest of those criteria, not how AHSCT is done.
    question = "what were the rules in London for referral in 2016?"
    messages, events = run(ActionAnswerFromCorpus(), tracker_for(question, "ask_how_ahsct_works"))
    expected = knowledge_base.answer("how_ahsct_works", question)
    assert expected[0].document.name == "10c-london-criteria-2016" and "how_ahsct_works" not in expected[0].topics
    assert [m["answer"] for m in messages] == [p.text for p in expected]
    assert events == [SlotSet("topic", expected[0].main_topic), SlotSet("shown_passages", [p.id for p in expected])]


def test_a_time_sensitive_answer_from_an_undated_source_says_it_is_undated_not_as_of_undated(knowledge_base):
    # "This was the situation as of undated; published August 2020" was what a visitor read.
    [welsh] = [p for p in knowledge_base.passages if p.heading == "Is AHSCT offered in Wales?"]
    assert welsh.document.date.startswith("undated") and policy_of(welsh.main_topic).time_sensitive
    tracker = tracker_for("tell me more", "ask_more", slots={"topic": "availability", "shown_passages": [
        p.id for p in knowledge_base.passages if "availability" in p.topics and p != welsh]})
    messages, events = run(ActionTellMore(), tracker)
    assert [(m["response"], m["answer"]) for m in messages] == [("utter_cited_answer_undated", welsh.text)]
    assert events == [SlotSet("topic", "availability"), SlotSet("shown_passages", tracker.get_slot("shown_passages") + [welsh.id])]
    dated = [p for p in knowledge_base.passages if policy_of(p.main_topic).time_sensitive and not p.is_summary
             and not p.document.is_undated]
    assert dated and all(cited_response(p) == "utter_cited_answer_as_of" for p in dated)


def test_a_question_nlu_was_unsure_of_in_words_the_corpus_never_uses_gets_what_the_bot_can_help_with(knowledge_base):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_mortality", "confidence": 0.32},
               {"name": "ask_trials", "confidence": 0.3}]
    messages, events = run(ActionSearchCorpus(), tracker_for("is acupuncture good for ms", "nlu_fallback", ranking=ranking))
    assert [m["response"] for m in messages] == ["utter_out_of_scope"] and events == []
    unsure = tracker_for("does yoga help with MS?", "ask_who_benefits")
    unsure.latest_message["intent"]["confidence"] = 0.78
    messages, events = run(ActionAnswerFromCorpus(), unsure)
    assert [m["response"] for m in messages] == ["utter_out_of_scope"] and events == []


def test_fallback_sharing_no_words_with_any_passage_is_answered_by_the_one_close_in_meaning(knowledge_base):
    # The corpus says "hair loss"; the open search needs two shared words and found none.
    question = "is my hair going to fall out?"
    assert knowledge_base.open_search(question) == []
    messages, events = run(ActionSearchCorpus(), tracker_for(question, "nlu_fallback"))
    [passage] = knowledge_base.closest_answer(question)
    assert "hair loss" in passage.text
    assert [(m["response"], m["answer"]) for m in messages] == [("utter_cited_answer", passage.text)]
    assert events == [SlotSet("topic", passage.main_topic), SlotSet("shown_passages", [passage.id])]


def test_a_personal_question_naming_a_country_no_source_covers_says_so_before_the_general_facts(knowledge_base):
    question = "could I get HSCT in Mexico?"
    messages, events = run(ActionAnswerPersonalAdvice(), tracker_for(question, "ask_personal_advice"))
    expected = knowledge_base.answer("who_benefits", question)
    assert [m["response"] for m in messages[:2]] == ["utter_cannot_advise", "utter_place_not_covered"]
    assert messages[1]["place"] == "Mexico" and messages[-1]["response"] == "utter_ask_your_team"
    assert [m["answer"] for m in messages[2:-1]] == [p.text for p in expected]
    assert events == [SlotSet("topic", "who_benefits"), SlotSet("shown_passages", [p.id for p in expected])]
    # A country the sources cover gets no such line.
    messages, _ = run(ActionAnswerPersonalAdvice(), tracker_for("could I get HSCT in Scotland?", "ask_personal_advice"))
    assert "utter_place_not_covered" not in [m["response"] for m in messages]
