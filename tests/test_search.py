"""Retrieval and answer choice, without Rasa: BM25 over spaCy lemmas and entity ids."""
from __future__ import annotations

import pytest

from actions.knowledge.language import search_terms


def headings(passages):
    return [p.heading for p in passages]


def test_search_terms_are_lemmas_plus_domain_entities(knowledge_base):
    terms = search_terms(knowledge_base.index.nlp, "Were the HSCT studies approved?")
    assert {"were", "study", "approve", "ent:ahsct"} <= set(terms)
    assert "?" not in terms


def test_lay_names_and_abbreviations_meet_on_one_entity(knowledge_base):
    nlp = knowledge_base.index.nlp
    for words in ("AHSCT", "hsct", "a stem cell transplant", "Autologous Haematopoietic Stem Cell Transplantation"):
        assert "ent:ahsct" in search_terms(nlp, words), words


@pytest.mark.parametrize(
    "question, expected_heading",
    [
        ("who works on skin cells?", "Cells from adult skin: University of California, Davis"),
        ("what is happening in Paris?", "Myelin-making cells from outside the brain: Paris"),
        ("stem cells from the nose", "Stem cells from the nose: University of Glasgow"),
        ("what is MS in a dish", '"MS in a dish": Mayo Clinic'),
        ("when was the San Francisco summit", "The 2007 stem cell summit in San Francisco"),
        ("how much does the society invest", "What does the National MS Society aim to do, and how much does it invest?"),
    ],
)
def test_open_search_finds_the_passage_that_answers(knowledge_base, question, expected_heading):
    assert headings(knowledge_base.index.search(question, limit=3))[0] == expected_heading


def test_open_search_returns_nothing_for_words_the_corpus_lacks(knowledge_base):
    assert knowledge_base.index.search("zebra xylophone quokka") == []


@pytest.mark.parametrize(
    "topic, question, first_heading",
    [
        ("approval", "is it FDA approved?", "Is any stem cell therapy approved for MS?"),
        ("what_is_ahsct", "what does AHSCT stand for", "What is AHSCT?"),
        ("how_ahsct_works", "how is it done", "How is AHSCT done?"),
        ("risks", "what are the risks of AHSCT", "What are the risks of AHSCT?"),
        ("who_benefits", "who is it for", "Who might AHSCT help?"),
        ("trials", "where are the trials", "Where is AHSCT being tested?"),
    ],
)
def test_topic_answer_starts_with_the_best_passage(knowledge_base, topic, question, first_heading):
    answer = knowledge_base.answer(topic, question)
    assert answer[0].heading == first_heading
    assert all(topic in passage.topics for passage in answer)


def test_topic_answer_takes_one_passage_per_source(knowledge_base):
    answer = knowledge_base.answer("approval", "is any stem cell therapy approved")
    assert len(answer) == 2
    assert len({passage.document for passage in answer}) == 2


def test_button_payload_without_words_still_answers_the_topic(knowledge_base):
    assert headings(knowledge_base.answer("how_ahsct_works", "")) == ["How is AHSCT done?"]


def test_unknown_topic_has_no_answer(knowledge_base):
    assert knowledge_base.answer("horoscopes", "what is my horoscope") == []


def test_a_passage_that_answers_the_topic_comes_before_one_that_touches_it(knowledge_base):
    """Typos ("trails") match no word, yet the direct answer still leads."""
    answer = knowledge_base.answer("trials", "whats the status of the stem cell trails")
    assert "Where is AHSCT being tested?" in headings(answer)
    assert all(passage.main_topic == "trials" for passage in answer)
