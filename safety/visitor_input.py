"""What a visitor sends, made safe before Rasa reads or stores it.

- Control characters go (they can hide text in logs and reports); new lines and tabs stay.
- Very long messages are cut: the message guard still sees they were too long and answers kindly.
- Rasa treats a message starting with '/' as an intent to trigger, with entities to set. Visitors may only
  send what the bot's own buttons send (`/greet`, `/ask_<topic>`, the widget's ratings); anything else
  ('/restart', '/session_start', '/ask_risks{"language": "it"}') is read as ordinary words.
- E-mail addresses and phone numbers are redacted, so they are never stored.
"""
from __future__ import annotations

import json
import re
import unicodedata

from safety.redaction import redact

# Longer than the guard's limit (1,000), so a cut message is still answered as "too long".
MAX_KEPT_CHARACTERS = 1200
BUTTON_PAYLOAD = re.compile(r"^/(greet|ask_[a-z_]+)$")
RATING_PAYLOAD = re.compile(r"^/(rate_helpful|rate_not_helpful)(\{.*\})?$", re.DOTALL)
RATING_ENTITIES = {"rated_answer"}
KEPT_CONTROLS = {"\n", "\t", "\u200c", "\u200d"}  # zero-width (non-)joiners belong to some scripts


def visitor_text(raw: str) -> str:
    text = without_control_characters(raw)[:MAX_KEPT_CHARACTERS]
    if text.startswith("/") and not is_allowed_payload(text):
        text = text.lstrip("/")
    return redact(text)


def without_control_characters(text: str) -> str:
    return "".join(c for c in text if c in KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def is_allowed_payload(text: str) -> bool:
    if BUTTON_PAYLOAD.match(text):
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
