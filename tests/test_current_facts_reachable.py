"""Every fact of the current pack can be reached by a plain question, through the real servers.

Each fact of FACTS-current.md §0–§7 has, in tests/facts_current.yml, a question in a visitor's own words
(written for this check, not taken from the training data) and what the reply must show. A fact counts as
reached when its reply, or the replies to up to two "tell me more", show it.
"""
from __future__ import annotations

import pytest

from scripts.evaluate import approval_claims, facts_reached

# 0.85 until 2026-12-06 (144 of 162 reached then); 153 of 162 (94%) since passages are ranked by all the things
# a question names, their documents included (docs/EVALUATION.md).
TARGET_REACHED = 0.90


@pytest.fixture(scope="module")
def outcomes(stack):
    return facts_reached(stack.chat)


def test_most_current_facts_are_reached_by_a_plain_question(outcomes):
    missed = [f"{entry['ask']!r} -> {entry['expect']}" for entry, reached in outcomes if not reached]
    rate = 1 - len(missed) / len(outcomes)
    assert rate >= TARGET_REACHED, f"{rate:.0%} reached; missed:\n" + "\n".join(missed)


def test_no_reply_on_the_way_claims_approval(stack, sender):
    replies = [r.get("text", "") for r in stack.chat.send(sender, "is hsct approved by the nhs now?")]
    assert [s for text in replies for s in approval_claims(text)] == []
