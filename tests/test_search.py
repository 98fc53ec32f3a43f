"""Retrieval and answer choice, without Rasa: BM25 over spaCy lemmas and entity ids."""
from __future__ import annotations

import re

import pytest

from actions.knowledge.terms import analyse, search_terms
from actions.knowledge.topics import retrieval_setting


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


@pytest.mark.parametrize("question", [
    "What are the treatments for Multiple Sclerosis?",  # was: the Lisbon conference, by ECTRIMS's full name
    "what other ms treatments are there",
    "what's the best diet for ms",
])
def test_naming_the_disease_is_not_what_a_question_shares_with_a_passage(knowledge_base, question):
    # Every passage is about MS: a question that shares only MS and one common word with a passage is not
    # answered by it.
    assert knowledge_base.open_search(question) == []


def test_the_disease_is_a_search_term_but_not_what_a_text_is_about(knowledge_base):
    terms = analyse(knowledge_base.index.nlp, "treatments for Multiple Sclerosis and MS")
    assert {"multiple", "sclerosis", "ms"} <= set(terms.all)
    assert terms.content == {"treatment"}


@pytest.mark.parametrize(
    "topic, question",
    [
        ("approval", "is any stem cell therapy approved?"),
        ("approval", ""),
        ("availability", "is HSCT available on the NHS?"),
        ("mortality", "what is the death rate"),
        ("risks", "what are the risks of AHSCT"),
        ("who_benefits", "who is it for"),
        ("trials", "whats the status of the stem cell trails"),
        ("costs", "how much does it cost in Mexico"),
        ("clinics", "is a clinic abroad safe"),
    ],
)
def test_a_topic_with_a_summary_answers_with_it_alone(knowledge_base, topic, question):
    """How things stand, with every source's date, in one message; "tell me more" brings the rest."""
    answer = knowledge_base.answer(topic, question)
    assert len(answer) == 1 and answer[0].is_summary and answer[0].main_topic == topic


def test_an_outdated_single_source_never_answers_the_approval_question_first(knowledge_base):
    for question in ("is it FDA approved?", "are there approved stem cell therapies", "is hsct licensed in Europe"):
        assert knowledge_base.answer("approval", question)[0].heading == "Is any stem cell therapy approved for MS?"


def test_a_named_thing_follows_the_summary_on_a_summary_first_topic(knowledge_base):
    answer = knowledge_base.answer("availability", "is hsct available in Scotland?")
    assert answer[0].is_summary and "Scotland" in answer[1].text and len(answer) == 2


@pytest.mark.parametrize(
    "topic, question, wanted",
    [
        ("what_is_ahsct", "what is AHSCT?", r"[Aa]utologous"),
        ("how_ahsct_works", "how is it done", r"stem cells"),
        ("how_ahsct_works", "how long is the hospital stay", r"3 weeks|3 months|several months"),
    ],
)
def test_a_topic_without_a_first_summary_answers_with_its_best_passages(knowledge_base, topic, question, wanted):
    answer = knowledge_base.answer(topic, question)
    assert answer and any(re.search(wanted, passage.text) for passage in answer)
    assert all(topic in passage.topics for passage in answer)
    assert len({passage.document for passage in answer}) == len(answer), "one passage per source"


def test_button_payload_without_words_still_answers_the_topic(knowledge_base):
    answer = knowledge_base.answer("how_ahsct_works", "")
    assert answer and all(p.main_topic == "how_ahsct_works" and not p.is_summary for p in answer)


def test_tell_me_more_gives_the_passages_closest_to_the_question_first(knowledge_base):
    shown = [knowledge_base.answer("mortality", "")[0].id]
    more = knowledge_base.more("mortality", shown, "how many died in the London study?")
    assert "London" in more[0].text or "London" in more[0].heading


def test_places_the_sources_do_not_cover_are_named_as_written(knowledge_base):
    assert knowledge_base.places_not_covered("is it offered in Germany or Scotland?", "availability") == ["Germany"]
    assert knowledge_base.places_not_covered("is it offered in Scotland?", "availability") == []


def test_unknown_topic_has_no_answer(knowledge_base):
    assert knowledge_base.answer("horoscopes", "what is my horoscope") == []


def test_a_passage_of_another_topic_joins_when_it_shares_the_questions_specific_words(knowledge_base):
    """'How many women had periods again?' placed under trials still finds the fertility study."""
    answer = knowledge_base.answer("trials", "how many women had their periods come back after ahsct and how soon?")
    assert any("43 women" in p.text and "70%" in p.text for p in answer)
    assert answer[0].main_topic == "trials" and sum("trials" not in p.topics for p in answer) == 1


def test_general_words_never_pull_in_another_topic(knowledge_base):
    for topic, question in [("approval", "is any stem cell therapy approved?"), ("risks", "what are the risks"),
                            ("availability", "is HSCT available on the NHS?")]:
        assert [p for p in knowledge_base.answer(topic, question) if topic not in p.topics] == []


def test_a_closer_passage_of_another_topic_joins_the_answer_after_the_topics_own(knowledge_base):
    # NLU placed it under the organisations; the Society's view of AHSCT is a passage on who it helps.
    question = "has the National MS Society come out in support of HSCT?"
    answer = knowledge_base.answer("society", question)
    assert len(answer) == 2 and "society" in answer[0].topics and "society" not in answer[1].topics
    gap = knowledge_base.index.meaning(answer[1], question) - knowledge_base.index.meaning(answer[0], question)
    assert retrieval_setting("join_margin") <= gap < retrieval_setting("lead_margin")  # it joins; it does not lead


def test_after_a_summary_that_answers_first_a_much_closer_passage_of_another_topic_follows(knowledge_base):
    # NLU placed it under the risks; the risks summary does not say where it is safe to have it.
    question = "where can I safely get stem cell treatment for MS?"
    answer = knowledge_base.answer("risks", question)
    assert answer[0].is_summary and answer[0].main_topic == "risks"  # how things stand still comes first
    assert len(answer) == 2 and "risks" not in answer[1].topics and "accredited" in answer[1].text


def test_a_passage_that_alone_names_what_the_question_names_answers_first(knowledge_base):
    # NLU put it under how AHSCT is done, whose passages never mention Wales: the Welsh passage leads.
    answer = knowledge_base.answer("how_ahsct_works", "how do things stand in Wales for stem cell transplants?")
    assert "Wales" in answer[1].text and "how_ahsct_works" not in answer[1].topics
    # How things stand there changes, so the availability summary, every source with its date, comes first.
    assert answer[0].is_summary and answer[0].main_topic == "availability" and "routine adoption" in answer[0].text
    assert not any(p.is_summary for p in answer[1:])


def test_a_leading_passage_of_a_topic_whose_summary_does_not_date_answers_alone(knowledge_base):
    # Who may have it is not a time-sensitive topic: the London criteria of 2016 lead without a summary.
    answer = knowledge_base.answer("how_ahsct_works", "what were the rules in London for referral in 2016?")
    assert not answer[0].is_summary and answer[0].document.name == "10c-london-criteria-2016"


def test_a_passage_naming_more_of_the_things_asked_about_comes_first(knowledge_base):
    # Both BEAT-MS pages on availability name the UK (the registry copy lists it as a country); the one whose
    # heading names both answers the question.
    named = knowledge_base.named_in_topic("availability", "is BEAT-MS open to people in the UK?")
    assert named[0].heading == "Is BEAT-MS running in the UK?"


def test_tell_me_more_after_a_question_on_a_named_thing_brings_more_about_it(knowledge_base):
    # Passages of the Canadian trial's paper need not say "Canadian": their document is about it. Without this
    # the trials topic's next passage (a 2016 list of trial countries) came before the trial's own results.
    question = "what did the Canadian trial find about MS activity?"
    shown = [p.id for p in knowledge_base.answer("trials", question)]
    more = knowledge_base.more("trials", shown, question)
    assert [p.document.name for p in more] == ["21f-canadian-trial-2016"] * 2
    assert any("69.6%" in p.text for p in more)


def test_a_year_is_a_specific_thing_a_question_names(knowledge_base):
    nlp = knowledge_base.index.nlp
    assert "ent:year_2009" in analyse(nlp, "what took place in 2009?").entities
    assert not any(e.startswith("ent:year_") for e in analyse(nlp, "is 20 mg or 12000 cells a lot?").entities)


@pytest.mark.parametrize(
    "topic, question, expected_heading",
    [
        ("consensus_history", "what took place in 2009?", "The 2009 stem cell meeting"),
        # NLU may place it under the organisations; the Society's 2020 paper, not its research budget.
        ("society", "which recommendations did the National MS Society publish in 2020?",
         "What did the National MS Society committee publish in 2020?"),
    ],
)
def test_a_question_naming_a_year_gets_the_passage_about_that_year(knowledge_base, topic, question, expected_heading):
    assert headings(knowledge_base.answer(topic, question))[0] == expected_heading


@pytest.mark.parametrize("question, beyond", [
    ("does yoga help with MS?", True),
    ("is acupuncture good for ms", True),
    ("What is the chance of remission after AHSCT?", False),  # names the treatment: in scope, whatever its words
    ("is it aproved?", False),  # a misspelling of a word the corpus uses
    ("what does the trial cost?", False),
])
def test_a_question_mostly_in_words_the_corpus_never_uses_is_beyond_it(knowledge_base, question, beyond):
    assert knowledge_base.beyond_the_corpus(question) is beyond
