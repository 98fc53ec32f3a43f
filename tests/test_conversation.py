"""End to end through the real Rasa server and action server over HTTP (REST channel)."""
from __future__ import annotations

import re

import pytest

from scripts.evaluate import approval_claims

# Every citation line: the organisation, the title in quotes and the date in brackets (then the address, if known).
SOURCE_LINE = re.compile(r'^Source: [^\n"]+, "[^\n"]+" \([^\n()]+\)(, (https?://\S+))?$', re.MULTILINE)
WELCOME = "I'm AHSCT Guide, a chatbot"


def answer_after_welcome(chat, sender, message):
    """The first message of a conversation opens with the welcome; return what follows it."""
    replies = chat.send(sender, message)
    assert WELCOME in replies[0]["text"]
    return replies[1:]


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_a_conversation_opens_with_one_welcome_saying_what_the_bot_is(chat, sender):
    replies = chat.send(sender, "hello")
    welcome = replies[0]
    assert WELCOME in welcome["text"] and "can't give medical advice" in welcome["text"]
    assert "neurologist or MS team" in welcome["text"]
    assert [b["payload"] for b in welcome["buttons"]] == [
        "/ask_approval", "/ask_availability", "/ask_what_is_ahsct", "/ask_how_ahsct_works", "/ask_risks",
        "/ask_who_benefits", "/ask_trials",
    ]
    later = chat.send(sender, "hi again")
    assert all(WELCOME not in r.get("text", "") for r in later), "the welcome comes once per conversation"


@pytest.mark.parametrize(
    "question",
    [
        "is any stem cell therapy approved for MS?",
        "Is it FDA approved?",
        "has anyone approved stem cell treatment for multiple sclerosis yet",
        "are stemm cell therapys aproved for ms",
        "is AHSCT an approved therapy now?",
        "is hsct licenced",
        "approved stem cell treatment for ms??",
        "Is stem cell therapy for MS approved or still experimental?",
        "did the FDA approve stem cells for MS",
        "my neighbour says stem cell therapy is an approved ms treatment now. true?",
    ],
)
def test_approval_is_answered_first_as_it_stands_now(chat, sender, question):
    replies = answer_after_welcome(chat, sender, question)
    first = replies[0]["text"]
    assert first.startswith("No stem cell product is licensed for MS (FDA, 3 June 2021)")
    for fact in [r"AHSCT is a procedure", r"NHS England", r"2013", r"Scotland", r"Wales", r"Netherlands",
                 r"no approved stem cell therapies for MS", r"about 2016"]:
        assert re.search(fact, first), f"{question!r}: missing {fact!r} in\n{first}"
    assert first.index("licensed") < first.index("AHSCT is a procedure") < first.index("no approved stem cell therapies")
    assert SOURCE_LINE.search(first) and "https://www.fda.gov/" in first
    answer = texts(replies)
    assert approval_claims(answer) == [], answer
    assert not re.search(r"\bAHSCT is approved\b|\bNHS approved\b", answer, re.I)


TOPIC_QUESTIONS = {
    "what_is": (
        ["what is AHSCT?", "wat is hsct exactly", "Can you explain this stem cell transplant thing people talk about?"],
        [r"(Autologous|autologous|own stem cells|HSCT)", r"immune system"],
    ),
    "how": (
        ["how is AHSCT done?", "what actually happens step by step in a stem cell transplant", "do they use chemo"],
        [r"(chemotherapy|chemo)", r"stem cells"],
    ),
    "risks": (
        ["is it dangerous?", "what are the side effects of hsct", "I'm really scared, how risky is this treatment"],
        [r"Infections", r"hair loss", r"early menopause", r"MS Society UK"],
    ),
    "who": (
        ["who is it for?", "who is an ideal HSCT candidate?", "what are the criteria for getting hsct"],
        [r"ECTRIMS and EBMT \(2025\)", r"under 45", r"not a verdict", r"neurologist"],
    ),
    "trials": (
        ["where are the trials?", "are there any ahsct clinical trials going on", "whats the status of the stem cell trails"],
        [r"BEAT-MS", r"StarMS", r"RAM-MS", r"NET-MS", r"MIST", r"may have changed"],
    ),
}


@pytest.mark.parametrize(
    "topic, question",
    [(topic, question) for topic, (questions, _) in TOPIC_QUESTIONS.items() for question in questions],
)
def test_core_topic_gets_its_facts_and_a_source(chat, sender, topic, question):
    answer = texts(answer_after_welcome(chat, sender, question))
    for fact in TOPIC_QUESTIONS[topic][1]:
        assert re.search(fact, answer), f"{question!r}: missing {fact!r} in\n{answer}"
    assert SOURCE_LINE.search(answer)
    assert approval_claims(answer) == []


def test_every_factual_message_ends_with_its_source(chat, sender):
    replies = answer_after_welcome(chat, sender, "what are the risks?")
    assert replies
    for text in (r["text"] for r in replies):
        assert SOURCE_LINE.search(text.splitlines()[-1]), text


def test_topic_button_payload_answers(chat, sender):
    answer = texts(answer_after_welcome(chat, sender, "/ask_how_ahsct_works"))
    assert "stem cells" in answer and SOURCE_LINE.search(answer)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("thanks so much", "You're welcome."),
        ("bye for now", "Goodbye, and take care."),
        ("am I chatting with a real person?", "I'm a chatbot, not a person and not a doctor."),
    ],
)
def test_small_talk(chat, sender, message, expected):
    assert expected in texts(chat.send(sender, message))


def test_greeting_that_opens_a_conversation_gets_the_welcome_alone_and_a_later_one_a_hello(chat, sender):
    first = chat.send(sender, "hello")
    assert len(first) == 1 and first[0]["text"].startswith("Hello, I'm AHSCT Guide") and first[0]["buttons"]
    chat.send(sender, "what is ahsct")
    later = chat.send(sender, "hi again")
    assert [reply["text"] for reply in later] == ["Hello! What would you like to know about stem cell therapy for MS?"]


@pytest.mark.parametrize("message", ["what's the weather like in Lisbon tomorrow", "can you order me a pizza"])
def test_off_topic_gets_an_honest_reply_and_what_the_bot_can_answer(chat, sender, message):
    replies = answer_after_welcome(chat, sender, message)
    assert "I can only help with questions about stem cell therapy for MS" in replies[0]["text"]
    assert replies[0]["buttons"] and "Source:" not in texts(replies)


def test_a_question_it_cannot_understand_gets_no_invented_fact(chat, sender):
    replies = answer_after_welcome(chat, sender, "qwrtz plmkn vbxy")
    assert re.search(r"I don't want to guess|I can only help with questions about stem cell therapy", replies[0]["text"])
    assert replies[0]["buttons"] and "Source:" not in texts(replies)
    assert not re.search(r"\d", texts(replies)), "no figures in a reply that has no source"


def test_a_rating_is_thanked_and_keeps_the_conversation_on_its_topic(chat, sender, stack):
    chat.send(sender, "what are the risks of ahsct")
    reply = texts(chat.send(sender, '/rate_not_helpful{"rated_answer": "AHSCT has risks"}'))
    assert "I'm sorry that answer did not help" in reply and "neurologist or MS team" in reply
    assert "Thank you for telling us." in texts(chat.send(sender, "/rate_helpful"))
    assert stack.tracker(sender)["slots"]["topic"] == "risks"


def test_typed_verdict_on_an_answer_is_taken_as_a_rating(chat, sender):
    chat.send(sender, "is any stem cell therapy approved")
    assert "I'm sorry that answer did not help" in texts(chat.send(sender, "hmm, this did not help me at all"))
