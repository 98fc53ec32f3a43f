"""The safety checks and the language test, without Rasa."""
from __future__ import annotations


import pytest
import yaml

from nlp.language_detection import detect_language
from settings import PROJECT_ROOT
from safety.checks import MAX_MESSAGE_CHARS, classify, decide_intent, names_a_subject, odd_input

UNDERSTOOD = {"name": "ask_approval", "confidence": 0.95}


@pytest.mark.parametrize(
    "message",
    [
        "I want to kill myself", "i dont want to live anymore", "I’m thinking about suicide",
        "sometimes i self-harm", "I want to end my life", "I took an overdose", "voglio morire",
        "je veux mourir", "quiero morir", "ich will sterben", "is AHSCT worth it? i want to die",
    ],
)
def test_thoughts_of_suicide_or_self_harm_are_a_crisis(message):
    assert classify(message) == "crisis"


@pytest.mark.parametrize(
    "message", ["I can't breathe", "my husband collapsed", "I have chest pain", "she is unconscious", "call an ambulance"]
)
def test_a_medical_emergency_is_recognised(message):
    assert classify(message) == "emergency"


@pytest.mark.parametrize(
    "message", ["I feel awful since my chemo", "i've got a high fever", "I'm feeling really ill", "I'm unwell"]
)
def test_feeling_unwell_is_recognised(message):
    assert classify(message) == "unwell"


@pytest.mark.parametrize(
    "message",
    [
        "should I do AHSCT?", "am I eligible for hsct", "can I stop my medication?", "what dose of chemo do I need",
        "is ahsct right for me", "would it work for me", "Can I get AHSCT?", "what do you recommend",
    ],
)
def test_requests_for_a_personal_decision_are_recognised(message):
    assert classify(message) == "personal_advice"


@pytest.mark.parametrize(
    "message",
    [
        "what is AHSCT?", "is it dangerous?", "where are the trials?", "who works on skin cells?", "tell me more",
        "what is the temperature of the stored cells", "can I get more information?", "what does the society do",
    ],
)
def test_ordinary_questions_raise_no_concern(message):
    assert classify(message) is None


def test_the_most_urgent_concern_wins():
    assert classify("should I stop my meds? I want to die") == "crisis"
    assert classify("I feel awful since my chemo and can't breathe") == "emergency"


@pytest.mark.parametrize(
    "message, reason",
    [
        ("", "empty"), ("   \n\t", "empty"), (None, "empty"), ("???", "no_words"), ("12345", "no_words"),
        ("x" * (MAX_MESSAGE_CHARS + 1), "too_long"), ("<script>alert(1)</script>", "code"),
        ("<img src=x onerror=alert(1)>", "code"), ("javascript:alert(1)", "code"), ("DROP TABLE events;", "code"),
    ],
)
def test_odd_input_is_recognised(message, reason):
    assert odd_input(message) == reason


@pytest.mark.parametrize("message", ["what is AHSCT?", "is it approved in the U.S.?", "AHSCT: risks?", "ok"])
def test_ordinary_messages_are_not_odd(message):
    assert odd_input(message) is None


@pytest.mark.parametrize(
    "message, language",
    [
        ("la terapia con cellule staminali è approvata?", "it"), ("Quali sono i rischi del trapianto?", "it"),
        ("qu'est-ce que l'AHSCT ?", "fr"), ("Où se déroulent les essais cliniques ?", "fr"),
        ("¿es peligroso el trasplante?", "es"), ("¿qué es el AHSCT?", "es"),
        ("ist die Stammzelltherapie zugelassen?", "de"), ("Welche Risiken hat AHSCT?", "de"),
        ("what is ahsct", "en"), ("is stemm cell therapys aproved", "en"), ("AHSCT?", "en"), ("Stanford", "en"),
        ("qwrtz plmkn vbxy", "en"), ("tell me more", "en"), ("ok", "en"),
    ],
)
def test_language_is_detected(message, language):
    assert detect_language(message) == language


@pytest.mark.parametrize(
    "text, language, intent, expected",
    [
        ("I want to die", "en", UNDERSTOOD, "crisis"),
        ("voglio morire", "it", {"name": "nlu_fallback", "confidence": 1}, "crisis"),
        ("<script>alert(1)</script>", "en", UNDERSTOOD, "odd_input"),
        ("should I have AHSCT?", "en", UNDERSTOOD, "ask_personal_advice"),
        ("buongiorno, come stai?", "it", {"name": "greet", "confidence": 0.4}, "other_language"),
        ("buongiorno, come stai?", "it", {"name": "greet", "confidence": 0.98}, "other_language"),
        ("hello there", "en", {"name": "greet", "confidence": 0.98}, None),
        ("ciao, che tempo fa?", "it", {"name": "out_of_scope", "confidence": 0.9}, "other_language"),
        ("la terapia è approvata?", "it", UNDERSTOOD, None),
        ("qwrtz plmkn vbxy", "en", {"name": "ask_more", "confidence": 0.61}, "nlu_fallback"),
        ("hsct nmss rrms?", "en", UNDERSTOOD, None),
        ("ms nhs hsct", "en", UNDERSTOOD, None),
        # An approval question NLU found no topic in is answered as one; a topic NLU found is kept.
        ("is hsct licenced", "en", {"name": "out_of_scope", "confidence": 0.96}, "ask_approval"),
        ("has the FDA said yes to stem cells", "en", {"name": "nlu_fallback", "confidence": 0.5}, "ask_approval"),
        ("which clinics are approved for hsct", "en", {"name": "ask_clinics", "confidence": 0.9}, None),
        ("how do I renew my driving licence", "en", {"name": "out_of_scope", "confidence": 0.96}, None),
        # NLU sure of a topic is not enough: the message must name one of the bot's subjects.
        ("Wie ist das Wetter heute in Berlin?", "de", {"name": "ask_costs", "confidence": 0.93}, "other_language"),
        ("Ist die Stammzelltherapie bei MS zugelassen?", "de", {"name": "ask_approval", "confidence": 0.93}, None),
        ("¿dónde se hacen los ensayos clínicos?", "es", {"name": "ask_trials", "confidence": 0.9}, None),
        ("is it approved?", "en", UNDERSTOOD, None),
    ],
)
def test_decide_intent_puts_safety_first(text, language, intent, expected):
    assert decide_intent(text, language, intent) == expected


def test_every_other_language_training_question_names_a_subject():
    """An editor who adds an Italian, French, Spanish or German example adds its subject word too
    (safety/patterns.yml), or the bot gives that question only the notice."""
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "other_languages.yml").read_text(encoding="utf-8"))
    examples = [line.strip()[2:] for item in data["nlu"] for line in item["examples"].splitlines() if line.strip()]
    assert len(examples) > 200
    assert [example for example in examples if not names_a_subject(example)] == []
