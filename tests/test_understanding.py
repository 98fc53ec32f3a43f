"""Questions worded the way people really ask (issue 12's examples), through the real servers."""
from __future__ import annotations

import re

import pytest

SMALL_TALK = r"You're welcome|Hello, I'm AHSCT Guide"


def answer(chat, sender, question):
    chat.send(sender, "/greet")  # the welcome, as the widget does, so what follows is the answer alone
    return chat.ask(sender, question)


def test_how_does_hsct_work_is_answered_with_how_it_works(chat, sender):
    reply = answer(chat, sender, "How does HSCT work?")
    assert re.search(r"immune system|stem cells", reply) and "It is not yet known who might benefit" not in reply


def test_a_comparison_with_another_drug_is_never_small_talk(chat, sender):
    reply = answer(chat, sender, "Is AHSCT better than ocrevus?")
    assert not re.search(SMALL_TALK, reply)
    assert re.search(r"ocrelizumab|StarMS|RAM-MS|I can't tell you what is right for you", reply)


# Before: the 2015 Lisbon conference (ECTRIMS's full name shares "Treatment" and "Multiple Sclerosis"), and a
# research passage opening with "No." (NLU: further reading, 0.57).
# "What is the best diet for multiple sclerosis?" (NLU unsure: death rates 0.32, trials 0.30) got the trials summary.
@pytest.mark.parametrize("question", ["What are the treatments for Multiple Sclerosis?", "what other ms treatments are there",
                                      "What is the best diet for multiple sclerosis?"])
def test_other_ms_treatments_get_an_honest_decline_with_a_referral(chat, sender, question):
    reply = answer(chat, sender, question)
    assert "neurologist, MS team or national MS organisation" in reply
    assert "Source:" not in reply


def test_a_question_about_a_named_trial_is_answered_though_it_sounds_like_small_talk(chat, sender):
    reply = answer(chat, sender, "is the BEAT-MS study still accepting people at the moment?")
    assert "I can only help" not in reply
    assert "BEAT-MS" in reply and "Source:" in reply


def test_what_my_doctor_said_gets_no_verdict_and_a_referral(chat, sender):
    reply = answer(chat, sender, "my doctor said HSCT isn't an option for me, is she wrong?")
    assert "I can't tell you what is right for you" in reply


@pytest.mark.parametrize("question, notice", [
    ("¿Cómo se hace el trasplante autólogo de células madre?", "Solo respondo en inglés"),
    ("Comment se déroule une autogreffe de cellules souches ?", "anglais"),
    ("Come si fa il trapianto autologo di cellule staminali?", "inglese"),
    ("Wie läuft eine Stammzelltransplantation ab?", "Englisch"),
])
def test_a_question_in_another_language_gets_the_notice_then_the_answer(chat, sender, question, notice):
    reply = answer(chat, sender, question)
    assert notice in reply
    assert re.search(r"chemotherapy|stem cells", reply) and "Source:" in reply


STORY = ("I was diagnosed three years ago and I have had four relapses even on Tysabri. I am scared, and my husband "
         "and I have been reading about stem cells for weeks. We saw a clinic in Mexico online but we don't know what "
         "to think about it or who to trust. {middle}Which trials are testing AHSCT at the moment?")


def test_a_long_story_gets_its_final_question_answered(chat, sender):
    reply = answer(chat, sender, STORY.format(middle=""))
    assert re.search(r"BEAT-MS|StarMS|RAM-MS|NET-MS|MIST", reply)


def test_a_crisis_inside_a_long_story_still_gets_the_crisis_reply_first(chat, sender):
    replies = [r.get("text", "") for r in chat.send(sender, STORY.format(middle="Some days I want to end my life. "))]
    assert re.search(r"emergency|crisis|Samaritans|116 123|999", replies[0])


def test_follow_ups_keep_the_topic_for_several_turns(chat, sender, stack):
    """'And in Scotland?', 'what about Wales?', 'and the Netherlands?': each about availability in that
    country, with the date the sources give, three turns after the question that set the topic."""
    answer(chat, sender, "is HSCT available on the NHS?")
    turns = [("and in Scotland?", r"29 October 2019"), ("what about Wales?", r"Wales"),
             ("and the Netherlands?", r"Netherlands|Zorginstituut")]
    for question, fact in turns:
        reply = chat.ask(sender, question)
        assert re.search(fact, reply) and "Source:" in reply, (question, reply)
        assert stack.tracker(sender)["slots"]["topic"] == "availability", question
