"""The question inside a long, worried message: what NLU and retrieval should read.

A visitor may tell their story first ("I was diagnosed three years ago... we saw a clinic in Mexico...") and
ask at the end ("Is AHSCT available on the NHS for someone like me?"). Word counts of the whole story pull
NLU towards whatever the story names most; the question is what needs an answer. The safety checks still
read the whole message (rasa_plugins/message_guard.py).
"""
from __future__ import annotations

import re

# Shorter than this, a message is read whole.
LONG_MESSAGE_WORDS = 40
# A last question this short ("what do you think?") needs the sentence before it.
SHORT_QUESTION_WORDS = 5
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def question_in(text: str) -> str:
    """The message's last question (with the sentence before it when it is very short), or the message."""
    if len(text.split()) < LONG_MESSAGE_WORDS:
        return text
    sentences = [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]
    questions = [i for i, sentence in enumerate(sentences) if sentence.endswith("?")]
    if not questions:
        return text
    last = questions[-1]
    start = last - 1 if len(sentences[last].split()) < SHORT_QUESTION_WORDS and last > 0 else last
    return " ".join(sentences[start:last + 1])
