"""Take e-mail addresses and phone numbers out of what visitors wrote, before anyone else reads it."""
from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the usual separators; it is a phone number when it holds 7 digits or more,
# so years ("2015"), phases ("phase 3") and ages stay.
PHONE_LIKE = re.compile(r"(?<![\w@])\+?\d[\d ().-]{5,}\d(?!\w)")
MIN_PHONE_DIGITS = 7


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    return PHONE_LIKE.sub(lambda match: "[phone]" if _digits(match.group()) >= MIN_PHONE_DIGITS else match.group(), text)


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)
