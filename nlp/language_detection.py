"""Which language a message is in: English, or Italian, French, Spanish or German.

Two kinds of evidence, because questions here are short and full of acronyms:
lingua's confidence (accurate on short text) and how many common words
(spaCy's stop-word lists) of each language the message holds. A message is
called non-English only when the evidence agrees, so English typos and
gibberish are not taken for German.
"""
from __future__ import annotations

import functools
import re
from typing import Dict

from lingua import Language, LanguageDetectorBuilder
from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
from spacy.lang.it.stop_words import STOP_WORDS as ITALIAN

ENGLISH = "en"
COMMON_WORDS = {"it": ITALIAN, "fr": FRENCH, "es": SPANISH, "de": GERMAN}
SURE, FAIRLY_SURE, POSSIBLE = 0.8, 0.5, 0.15
WORDS = re.compile(r"[^\W\d_]+")
# Acronyms (AHSCT, HSCT, MS, iPSC) belong to no language and mislead the detector.
ACRONYM = re.compile(r"\b\w*[A-Z]\w*[A-Z]\w*\b")


@functools.lru_cache(maxsize=1)
def detector():
    languages = (Language.ENGLISH, Language.ITALIAN, Language.FRENCH, Language.SPANISH, Language.GERMAN)
    # Preloaded: lingua otherwise loads its models on the first message, which takes a second.
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def detect_language(text: str) -> str:
    """An ISO 639-1 code: 'en' unless the message is clearly Italian, French, Spanish or German."""
    text = ACRONYM.sub(" ", text or "")
    confidence = {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in detector().compute_language_confidence_values(text)
    }
    hits = common_word_hits(text)
    best = max(COMMON_WORDS, key=lambda code: confidence.get(code, 0))
    if confidence[best] >= SURE:
        return best
    most_words = max(COMMON_WORDS, key=lambda code: hits[code])
    runner_up = max(count for code, count in hits.items() if code != most_words)
    if hits[most_words] >= 2 and hits[most_words] > runner_up and confidence[most_words] >= POSSIBLE:
        return most_words
    if confidence[best] >= FAIRLY_SURE and hits[best] >= 1:
        return best
    return ENGLISH


def common_word_hits(text: str) -> Dict[str, int]:
    words = [word.lower() for word in WORDS.findall(text)]
    lists = {**COMMON_WORDS, ENGLISH: ENGLISH_WORDS}
    return {code: sum(word in common for word in words) for code, common in lists.items()}

