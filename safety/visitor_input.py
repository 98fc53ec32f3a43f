"""What a visitor sends, made safe before Rasa reads or stores it.

- Control characters go (they can hide text in logs and reports); new lines and tabs stay.
- Very long messages are cut: the message guard still sees they were too long and answers kindly.
- Rasa treats a message starting with '/' as an intent to trigger, with entities to set. Visitors may only
  send what the bot's own buttons send (`/greet`, `/ask_<topic>`, the widget's ratings); anything else
  ('/restart', '/session_start', '/ask_risks{"language": "it"}') is read as ordinary words.
- E-mail addresses and phone numbers are redacted, so they are never stored.
- Markup around a question goes ("<b>is AHSCT approved?</b>", "<script>alert(1)</script> is it safe?"): the
  question inside is answered. Script and style code goes with its tags; other text inside tags stays, so a
  crisis message wrapped in markup still reaches the safety checks. Markup and nothing else is kept as sent,
  and the guard answers it as code.
"""
from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser

from actions.knowledge.topics import topic_intents
from safety.redaction import redact
from settings import MAX_KEPT_CHARACTERS  # longer than the guard's limit (1,000): a cut message is still "too long"

# The buttons' payloads: the welcome's /greet, "Tell me more", and the topics' (content/topics.yml).
CONVERSATION_BUTTONS = ("greet", "ask_more")
RATING_PAYLOAD = re.compile(r"^/(rate_helpful|rate_not_helpful)(\{.*\})?$", re.DOTALL)
RATING_ENTITIES = {"rated_answer"}
KEPT_CONTROLS = {"\n", "\t", "\u200c", "\u200d"}  # zero-width (non-)joiners belong to some scripts


MARKUP_TAG = re.compile(r"<\s*/?\s*[a-z!][^>]*>", re.IGNORECASE)
CODE_ELEMENTS = {"script", "style"}
CODE_TEXT = re.compile(r"[(){};=]|=>")


def visitor_text(raw: str) -> str:
    text = without_markup(without_control_characters(raw))[:MAX_KEPT_CHARACTERS]
    if text.startswith("/") and not is_allowed_payload(text):
        text = text.lstrip("/")
    return redact(text)


class _TextOutside(HTMLParser):
    """The text of a message without its tags (the standard library's HTML parser, not a hand-written one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list = []
        self._inside_code = 0

    def handle_starttag(self, tag, attrs):
        self._inside_code += tag in CODE_ELEMENTS

    def handle_endtag(self, tag):
        self._inside_code -= tag in CODE_ELEMENTS and self._inside_code > 0

    def handle_data(self, data):
        if not (self._inside_code and CODE_TEXT.search(data)):
            self.parts.append(data)


def without_markup(text: str) -> str:
    if not MARKUP_TAG.search(text):
        return text  # "EDSS < 6" and other plain text are never parsed as HTML
    parser = _TextOutside()
    parser.feed(text)
    parser.close()
    words = " ".join(" ".join(parser.parts).split())
    return words if re.search(r"[^\W\d_]{2,}", words) else text


def without_control_characters(text: str) -> str:
    return "".join(c for c in text if c in KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def is_allowed_payload(text: str) -> bool:
    if text[1:] in CONVERSATION_BUTTONS or text[1:] in topic_intents():
        return True
    rating = RATING_PAYLOAD.match(text)
    if not rating:
        return False
    if not rating.group(2):
        return True
    try:
        entities = json.loads(rating.group(2))
    except ValueError:
        return False
    return isinstance(entities, dict) and set(entities) <= RATING_ENTITIES and all(isinstance(v, str) for v in entities.values())
