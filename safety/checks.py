"""Decide how a message must be handled before the bot tries to answer it.

`classify` returns the first safety concern a message raises (crisis, emergency,
unwell, personal_advice) or None; `odd_input` says whether a message is empty,
punctuation only, huge or code-like. The patterns live in safety/patterns.yml,
where editors and clinicians can review them.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Dict, List, Optional

import yaml

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
PRIORITY = ("crisis", "emergency", "unwell", "personal_advice", "pushed_claim")
# Longer than any real question; Rasa still stores it, but the bot does not try to answer it.
MAX_MESSAGE_CHARS = 1000
CODE_LIKE = re.compile(r"<\s*/?\s*[a-z][^>]*>|[{};]\s*$|^\s*(select|drop|insert|function|import|def|var|let)\b|javascript:|=>",
                       re.IGNORECASE | re.MULTILINE)
URGENT = {"crisis", "emergency", "unwell"}
# Below this, an intent NLU guessed for a non-English message is not trusted.
# A question in another language is answered (after the notice) when NLU is this sure of its topic. 0.6: "Ist die
# Stammzelltherapie zugelassen?" scores 0.68 for approval once the tests' own questions left the training data.
UNDERSTOOD_CONFIDENCE = 0.6
NOT_UNDERSTOOD = {"nlu_fallback", "out_of_scope"}
# Conversation acts: in another language they get the "I answer in English" notice in that language.
SMALL_TALK = {"greet", "goodbye", "thank", "bot_challenge"}
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@functools.lru_cache(maxsize=None)
def load_patterns(path: Path = PATTERNS_FILE) -> Dict[str, List[re.Pattern]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {concern: [re.compile(pattern) for pattern in raw[concern]] for concern in PRIORITY}


def classify(text: str, patterns: Optional[Dict[str, List[re.Pattern]]] = None) -> Optional[str]:
    """The most urgent concern the message raises, or None."""
    lowered = _normalise(text)
    for concern in PRIORITY:
        if any(pattern.search(lowered) for pattern in (patterns or load_patterns())[concern]):
            return concern
    return None


def odd_input(text: Optional[str]) -> Optional[str]:
    """Why a message cannot be read as a question ('empty', 'too_long', 'no_words', 'code'), or None."""
    text = text or ""
    if not text.strip():
        return "empty"
    if len(text) > MAX_MESSAGE_CHARS:
        return "too_long"
    if not WORD.search(text):
        return "no_words"
    if CODE_LIKE.search(text):
        return "code"
    return None


def decide_intent(text: str, language: str, intent: Dict) -> Optional[str]:
    """The intent that must replace NLU's (crisis first, then odd input, advice, language), or None to keep it."""
    concern = classify(text)
    if concern in URGENT:
        return concern
    if odd_input(text):
        return "odd_input"
    if concern == "personal_advice":
        return "ask_personal_advice"
    if concern == "pushed_claim":  # "approved in Mexico, confirm": NLU takes it for a question (CV F1 0.0)
        return "claim_approved"
    understood = intent.get("name") not in NOT_UNDERSTOOD and intent.get("confidence", 0) >= UNDERSTOOD_CONFIDENCE
    # "Buongiorno, come stai?": the bot cannot chat in Italian; the notice in Italian is the kind answer.
    if language != "en" and (not understood or intent.get("name") in SMALL_TALK):
        return "other_language"
    return None


def _normalise(text: str) -> str:
    # Curly apostrophes from phones ("don’t") must match the patterns' straight ones.
    return (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
