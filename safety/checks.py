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

from settings import ENTITY_PATTERNS_FILE

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
# The patterns.yml list of words that name the bot's subjects in other languages.
SUBJECT_WORDS = "subject_words"
# The patterns.yml list of approval questions, and the intents that mean NLU found no topic in a message.
APPROVAL_QUESTION = "approval_question"
NO_TOPIC = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "bot_challenge", "rate_helpful", "rate_not_helpful"}
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Keyboard mash ("qwrtz plmkn"): most words are long runs of consonants that name nothing the bot knows.
# Acronyms are known from the entity patterns (HSCT, NMSS, RRMS), so "hsct nmss?" is a question.
VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöùûüáíóú]", re.IGNORECASE)
MASH_WORD_LETTERS = 4


@functools.lru_cache(maxsize=None)
def load_patterns(path: Path = PATTERNS_FILE) -> Dict[str, List[re.Pattern]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {concern: [re.compile(pattern) for pattern in raw[concern]] for concern in (*PRIORITY, SUBJECT_WORDS, APPROVAL_QUESTION)}


def classify(text: str, patterns: Optional[Dict[str, List[re.Pattern]]] = None) -> Optional[str]:
    """The most urgent concern the message raises, or None."""
    return next((concern for concern in PRIORITY if matches(text, concern, patterns)), None)


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


def is_keyboard_mash(text: str) -> bool:
    words = [word.lower() for word in WORD.findall(text or "")]
    mashed = [w for w in words if len(w) >= MASH_WORD_LETTERS and not VOWELS.search(w) and w not in known_spellings()]
    return bool(words) and len(mashed) * 2 > len(words)


@functools.lru_cache(maxsize=1)
def known_spellings() -> frozenset:
    """Every one-word spelling of the entity patterns, lower-cased."""
    raw = yaml.safe_load(ENTITY_PATTERNS_FILE.read_text(encoding="utf-8"))
    spellings = (s for ids in raw.values() for names in ids.values() for s in names)
    return frozenset(s.lower() for s in spellings if " " not in s)


def decide_intent(text: str, language: str, intent: Dict) -> Optional[str]:
    """The intent that must replace NLU's (crisis first, then odd input, advice, language), or None to keep it."""
    concern = classify(text)
    if concern in URGENT:
        return concern
    if odd_input(text):
        return "odd_input"
    if is_keyboard_mash(text):  # NLU is sometimes sure of something in "qwrtz plmkn": the "don't guess" reply
        return "nlu_fallback"
    if concern == "personal_advice":
        return "ask_personal_advice"
    if concern == "pushed_claim":  # "approved in Mexico, confirm": NLU takes it for a question (CV F1 0.0)
        return "claim_approved"
    if intent.get("name") in NO_TOPIC and matches(text, APPROVAL_QUESTION):
        return "ask_approval"
    # "Buongiorno, come stai?": the bot cannot chat in Italian; the notice in Italian is the kind answer.
    if language != "en" and not understood_in_other_language(text, intent):
        return "other_language"
    return None


def understood_in_other_language(text: str, intent: Dict) -> bool:
    """NLU is sure of a topic, and the message names one of the bot's subjects. NLU alone is not trusted:
    trained on few examples per language, it can be sure that "Wie ist das Wetter?" asks about a topic."""
    sure = intent.get("name") not in NOT_UNDERSTOOD and intent.get("confidence", 0) >= UNDERSTOOD_CONFIDENCE
    return sure and intent.get("name") not in SMALL_TALK and names_a_subject(text)


def names_a_subject(text: str) -> bool:
    return matches(text, SUBJECT_WORDS)


def matches(text: str, kind: str, patterns: Optional[Dict[str, List[re.Pattern]]] = None) -> bool:
    """Whether one of patterns.yml's `kind` patterns is in the message."""
    lowered = _normalise(text)
    return any(pattern.search(lowered) for pattern in (patterns or load_patterns())[kind])


def _normalise(text: str) -> str:
    # Curly apostrophes from phones ("don’t") must match the patterns' straight ones.
    return (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
