"""Hostile and broken input through the real REST channel: every message gets a 200 and a reply, every
malformed request a 4xx, visitor 'commands' steer nothing, e-mails and phone numbers are never stored, and
the bot answers normally afterwards."""
from __future__ import annotations

import json
import uuid

import pytest
import requests

from safety.visitor_input import MAX_KEPT_CHARACTERS, visitor_text
from tests.test_widget import XSS_PAYLOADS
from web.channel import MAX_REQUEST_BYTES

APPROVAL_QUESTION = "Is any stem cell therapy approved for MS?"

COMMANDS = [
    "/restart", "/session_start", "/back", "/action_restart", "/action_session_start", "/nlu_fallback",
    '/intent{"x": 1}', '/ask_approval{"language": "it"}', '/ask_more{"topic": "risks"}', "/crisis", "/emergency",
    '/rate_helpful{"topic": "approval"}', "/rate_helpful{not json}", "//greet", "/", "/ask_approval/restart",
    '/greet{"language": "de"}', "/out_of_scope", "/utter_welcome", "/ask_",
]
ODD = [
    "", " ", "\n\n\n", "\t", "\x00", "\x00" * 50, "hello\x00world", "\x1b[31mred\x1b[0m", "\u202eevil reversed",
    "\ufeffis it approved?", "\ud800 lone surrogate", "\U0001F600" * 30, "Z\u0351\u0352\u0353a\u0354l\u0355go",
    "a" * 1001, "word " * 1500, "x" * 100_000, "{answer}", "{source} %s %d {0}", "{{7*7}}", "${jndi:ldap://x}",
    "'; DROP TABLE events; --", "\" OR 1=1 --", "../../../../etc/passwd", "C:\\Windows\\System32", "<!-- -->",
    "```rm -rf /```", "SELECT * FROM events", "null", "undefined", "NaN", "true", "[]", "{}", "0", "-1", "1e309",
    "🙂", "😡😡😡", "?", "!!!!", "...", "ok", "k", "¿Está aprobada la terapia?", "Ist AHSCT zugelassen?",
    "这个治疗被批准了吗", "هل العلاج معتمد؟", "Это лечение одобрено?", "承認されていますか", "is it approved?" * 40,
    "AHSCT " * 200, "ahsct\nahsct\nahsct", "\r\n\r\n", "approved\u200b?", "ms" * 600, "my email is jane@example.org",
    "call me on +44 7700 900123", "https://evil.example/phish", "javascript:alert(1)", "data:text/html,hi",
]


def hostile_inputs():
    base = COMMANDS + ODD + XSS_PAYLOADS
    mixed = [f"{APPROVAL_QUESTION} {payload}" for payload in XSS_PAYLOADS + COMMANDS[:12]]
    wrapped = [f"{payload}\n{payload}" for payload in ODD[:40]]
    prefixed = [f"/{payload}" for payload in ODD[20:50]]  # commands made of junk
    return base + mixed + wrapped + prefixed


def test_there_are_at_least_200_hostile_inputs():
    assert len(hostile_inputs()) >= 200


def test_every_hostile_input_gets_a_reply_and_the_bot_answers_normally_afterwards(chat):
    sender = f"hostile-{uuid.uuid4().hex[:8]}"
    for text in hostile_inputs():
        body = json.dumps({"sender": sender, "message": text})
        response = requests.post(chat.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=60)
        if len(body.encode()) > MAX_REQUEST_BYTES:  # far bigger than any message: refused at the door, a clear error
            assert response.status_code == 413, (text[:80], response.status_code)
            continue
        assert response.status_code == 200, (text[:80], response.status_code, response.text[:300])
        replies = response.json()
        assert replies and all(reply.get("text") or reply.get("buttons") for reply in replies), text[:80]
    assert "no approved stem cell therapies" in chat.ask(sender, APPROVAL_QUESTION)


MALFORMED = [
    ("not json", b"{this is not json", "application/json"),
    ("invalid utf-8", b'{"sender": "x", "message": "\xff\xfe\xfa"}', "application/json"),
    ("empty body", b"", "application/json"),
    ("a list", b'[{"sender": "x", "message": "hi"}]', "application/json"),
    ("a string", b'"hello"', "application/json"),
    ("null", b"null", "application/json"),
    ("no message", b'{"sender": "x"}', "application/json"),
    ("message is a number", b'{"sender": "x", "message": 42}', "application/json"),
    ("message is null", b'{"sender": "x", "message": null}', "application/json"),
    ("message is a list", b'{"sender": "x", "message": ["hi"]}', "application/json"),
    ("message is an object", b'{"sender": "x", "message": {"text": "hi"}}', "application/json"),
    ("no sender", b'{"message": "hi"}', "application/json"),
    ("empty sender", b'{"sender": "  ", "message": "hi"}', "application/json"),
    ("sender is a number", b'{"sender": 7, "message": "hi"}', "application/json"),
    ("huge sender", json.dumps({"sender": "s" * 5000, "message": "hi"}).encode(), "application/json"),
    ("metadata is a string", b'{"sender": "x", "message": "hi", "metadata": "m"}', "application/json"),
    ("form data", b"sender=x&message=hi", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize("case, body, content_type", MALFORMED, ids=[case for case, _, _ in MALFORMED])
def test_a_malformed_request_gets_a_4xx(chat, case, body, content_type):
    response = requests.post(chat.webhook, data=body, headers={"Content-Type": content_type}, timeout=30)
    assert 400 <= response.status_code < 500, (case, response.status_code, response.text[:300])


def test_wrong_method_gets_a_4xx(chat):
    assert 400 <= requests.get(chat.webhook, timeout=30).status_code < 500


def events_of(stack, sender):
    return stack.tracker(sender)["events"]


def test_visitor_commands_do_not_restart_or_steer_the_conversation(chat, stack, sender):
    chat.send(sender, APPROVAL_QUESTION)
    for command in ("/restart", "/session_start", '/ask_risks{"language": "it"}', "/back"):
        chat.send(sender, command)
    events = events_of(stack, sender)
    assert [e["event"] for e in events].count("session_started") == 1
    assert not {"restart", "rewind"} & {e["event"] for e in events}
    assert stack.tracker(sender)["slots"]["language"] != "it"
    assert "no approved stem cell therapies" in chat.ask(sender, APPROVAL_QUESTION)


def test_emails_and_phone_numbers_are_never_stored(chat, stack, sender):
    chat.send(sender, "I'm jane.doe@example.org, phone 07700 900123. Is AHSCT approved?")
    stored = json.dumps(events_of(stack, sender))
    assert "jane.doe@example.org" not in stored and "07700 900123" not in stored and "900123" not in stored
    user_texts = [e["text"] for e in events_of(stack, sender) if e["event"] == "user"]
    assert "I'm [email], phone [phone]. Is AHSCT approved?" in user_texts


@pytest.mark.parametrize(
    "raw, kept",
    [
        ("/ask_risks", "/ask_risks"),
        ("/greet", "/greet"),
        ("/ask_more", "/ask_more"),
        ("/ask_society", "/ask_society"),  # every topic's button (content/topics.yml), not only the welcome's
        ("/ask_personal_advice", "ask_personal_advice"),  # no button sends it: read as words, not a command
        ("/ask_followup", "ask_followup"),
        ('/rate_not_helpful{"rated_answer": "AHSCT is}"}', '/rate_not_helpful{"rated_answer": "AHSCT is}"}'),
        ("/rate_helpful", "/rate_helpful"),
        ("/restart", "restart"),
        ('/ask_risks{"language": "it"}', 'ask_risks{"language": "it"}'),
        ('/rate_helpful{"topic": "x"}', 'rate_helpful{"topic": "x"}'),
        ("hi\x00\x1b there\u202e", "hi there"),
        ("call 07700 900123", "call [phone]"),
        ("in 2015, phase 3", "in 2015, phase 3"),
        ("<script>alert(1)</script> is AHSCT approved?", "is AHSCT approved?"),
        ("<b>what is hsct</b>", "what is hsct"),
        ("<script>I want to die</script>", "I want to die"),  # still reaches the crisis check
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),  # only markup: the guard calls it code
        ("EDSS < 6 and > 2?", "EDSS < 6 and > 2?"),
    ],
)
def test_visitor_text_rules(raw, kept):
    assert visitor_text(raw) == kept


def test_the_question_inside_markup_is_answered(chat, sender):
    replies = chat.ask(sender, "<script>alert(1)</script> is AHSCT approved?")
    assert "No stem cell product is licensed for MS" in replies and "<script" not in replies


def test_long_text_is_cut_but_still_too_long_for_the_guard():
    assert len(visitor_text("x" * 100_000)) == MAX_KEPT_CHARACTERS > 1000
