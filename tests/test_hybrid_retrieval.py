"""Hybrid retrieval, without Rasa: words (BM25) and meaning (the real sentence embeddings) fused by rank."""
from __future__ import annotations

import numpy as np
import pytest

import settings
from actions.knowledge.base import KnowledgeBase, spacy_pipeline
from actions.knowledge.corpus import Document, Passage
from actions.knowledge.search import fused_ranks
from actions.knowledge.topics import retrieval_setting
from nlp.embeddings import shared_embedder

DOCUMENT = Document(path="made-up.md", title="A made-up page", organisation="Test charity", url="", date="2026",
                    reviewed="2026-12-01")


def passage(number: int, heading: str, topics: tuple, text: str, questions: tuple = ()) -> Passage:
    return Passage(id=f"made-up#{number}", heading=heading, topics=topics, text=text, document=DOCUMENT, questions=questions)


PASSAGES = [
    passage(1, "How long is the stay?", ("how_ahsct_works",),
            "Most people stay on the ward for about four weeks while their blood counts recover."),
    passage(2, "What does it cost?", ("costs",), "The page gives no price. A health system may pay."),
    passage(3, "What is the parking like?", ("parking",), "Visitors can leave their car in the blue car park for free.",
            ("where do I leave my car when I come to the centre",)),
    passage(4, "What are the risks?", ("risks",), "Infections are common in the weeks after the chemotherapy."),
]


@pytest.fixture(scope="module")
def knowledge():
    return KnowledgeBase(PASSAGES, spacy_pipeline(), shared_embedder(str(settings.path("AHSCT_EMBEDDING_MODEL"))))


def test_words_never_promote_a_passage_they_do_not_match():
    fused = fused_ranks(np.array([0.0, 2.0, 0.0]), np.zeros(3))
    assert fused[1] > 0 and fused[0] == fused[2] == 0


def test_both_rankings_count():
    # Passage 0 is first by words, passage 1 first by meaning: each beats passage 2, last in both.
    fused = fused_ranks(np.array([3.0, 1.0, 0.5]), np.array([0.2, 0.9, 0.1]))
    assert fused[2] < min(fused[0], fused[1])


def test_a_question_sharing_no_word_with_its_passage_finds_it_by_meaning(knowledge):
    question = "how many days will I be in hospital"
    assert not knowledge.index.query(question).terms.content & knowledge.index.terms[0].content
    closest = knowledge.index.closest_in_meaning(question, lambda p: True)
    assert closest[0][0].heading == "How long is the stay?"


def test_a_new_topic_is_found_by_meaning_without_retraining(knowledge):
    routed = {"how_ahsct_works", "costs", "risks"}  # no intent knows "parking"
    question = "where do visitors put their cars"
    # Fewer shared words than the old rule's three: only meaning finds it.
    assert len(knowledge.index.query(question).terms.content & knowledge.index.terms[2].content) < 3
    found = knowledge.on_new_topics(question, routed)
    assert [p.heading for p in found] == ["What is the parking like?"]


def test_below_the_calibrated_threshold_the_new_topic_stays_silent(knowledge):
    routed = {"how_ahsct_works", "costs", "risks"}
    question = "who won the football last night"
    assert knowledge.index.closest_in_meaning(question, lambda p: True)[0][1] < retrieval_setting("new_topic_similarity")
    assert knowledge.on_new_topics(question, routed) == []


def test_a_much_closer_passage_of_another_topic_answers_first(knowledge):
    # NLU placed it under how AHSCT is done; the question is about infections.
    answer = knowledge.answer("how_ahsct_works", "will I catch infections after the chemo")
    assert [p.heading for p in answer] == ["What are the risks?", "How long is the stay?"]


def test_a_summary_first_topic_keeps_its_answer_first(knowledge):
    # "Costs" must answer with what its own passages say first, whatever else the question is near.
    answer = knowledge.answer("costs", "will I catch infections after the chemo")
    assert answer[0].heading == "What does it cost?"


def test_a_button_press_has_no_meaning_and_keeps_the_corpus_order(knowledge):
    asked = knowledge.index.query("")
    assert not asked.meaning.any() and not asked.fused.any()
