"""Whether a short question refers back to the conversation's topic (content/context.yml, editable as data)."""
from __future__ import annotations

import functools
import re
from typing import Any, Dict

import yaml

import settings

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@functools.lru_cache(maxsize=1)
def context_policy() -> Dict[str, Any]:
    path = settings.path("AHSCT_CONTEXT_FILE")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def refers_back(question: str, names_something: bool) -> bool:
    """A short question that points back ("and who chaired it?") rather than naming its own subject."""
    policy = context_policy()
    words = [word.lower() for word in WORD.findall(question)]
    if not words or len(words) > policy["max_words"] or names_something:
        return False
    return words[0] in policy["opening_words"] or bool(set(words) & set(policy["refers_back_words"]))


def keeps_topic(question: str, names_something: bool, confidence: float) -> bool:
    """Whether the conversation's topic should answer, not the one NLU guessed with this confidence."""
    return confidence < context_policy()["keep_topic_below_confidence"] and refers_back(question, names_something)


def follows_up(question: str, confidence: float) -> bool:
    """A short question that carries the conversation on to a thing it names ("and in Scotland?")."""
    policy = context_policy()
    words = [word.lower() for word in WORD.findall(question)]
    if not words or len(words) > policy["max_words"] or confidence >= policy["keep_topic_below_confidence"]:
        return False
    opening = " ".join(words)
    return any(opening == phrase or opening.startswith(f"{phrase} ") for phrase in policy["follow_up_openings"])
