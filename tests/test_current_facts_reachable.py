"""Every fact of the current pack can be reached by a plain question, through the real servers.

Each fact of FACTS-current.md §0–§7 has, in tests/facts_current.yml, a question in a visitor's own words
(written for this check, not taken from the training data) and what the reply must show. A fact counts as
reached when its reply, or the replies to up to two "tell me more", show it.
"""
from __future__ import annotations

import re
import uuid

import pytest

from scripts.evaluate import approval_claims
from tests.test_corpus import current_fact_map

TARGET_REACHED = 0.85
TELL_ME_MORE = "tell me more"


def conversation_reaches(chat, entry) -> bool:
    sender = f"fact-{uuid.uuid4().hex[:10]}"
    replies = [r.get("text", "") for r in chat.send(sender, entry["ask"])]
    for attempt in range(3):
        text = "\n".join(replies)
        if all(re.search(pattern, text, re.I | re.S) for pattern in entry["expect"]):
            return True
        if attempt < 2:
            replies += [r.get("text", "") for r in chat.send(sender, TELL_ME_MORE)]
    return False


@pytest.fixture(scope="module")
def outcomes(stack):
    return [(entry, conversation_reaches(stack.chat, entry)) for entry in current_fact_map() if entry.get("ask")]


def test_most_current_facts_are_reached_by_a_plain_question(outcomes):
    missed = [f"{entry['ask']!r} -> {entry['expect']}" for entry, reached in outcomes if not reached]
    rate = 1 - len(missed) / len(outcomes)
    assert rate >= TARGET_REACHED, f"{rate:.0%} reached; missed:\n" + "\n".join(missed)


def test_no_reply_on_the_way_claims_approval(stack, sender):
    replies = [r.get("text", "") for r in stack.chat.send(sender, "is hsct approved by the nhs now?")]
    assert [s for text in replies for s in approval_claims(text)] == []
