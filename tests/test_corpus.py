"""The corpus: every passage has a source, and every fact of FACTS.md is in it."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from actions.knowledge.corpus import CorpusError, load_corpus, load_document


# The source documents sit beside the project (../shared/sources), as in CI; AHSCT_SOURCES_DIR overrides.
SOURCES_DIR = Path(os.environ.get("AHSCT_SOURCES_DIR", Path(__file__).resolve().parents[2] / "shared" / "sources"))
FACTS_FILE = SOURCES_DIR / "FACTS.md"
MSIF, NMSS = "msif-ahsct", "nmss-research-in-stem-cells"

# Fact id (from FACTS.md) -> the document it comes from and patterns that must all be in one passage.
FACT_PASSAGES = {
    "A1": (MSIF, [r"picture of the stem cell transplant process", r"MS Research Australia"]),
    "A2": (MSIF, [r"news", r"clinical trial", r"own stem cells", r"aggressive MS"]),
    "A3": (MSIF, [r"Autologous Haematopoietic Stem Cell Transplantation", r"AHSCT"]),
    "A4": (MSIF, [r'"reboot" the immune system']),
    "A5": (MSIF, [r"immune system is thought to attack the brain and the spinal cord"]),
    "A6": (MSIF, [r"clinical trials in Canada, the United States, Europe and other places"]),
    "A7": (MSIF, [r"trials are needed to fully understand the benefits and the risks", r"who might benefit most"]),
    "A8": (MSIF, [r"does not seem to work in all types of MS"]),
    "A9": (MSIF, [r"own bone marrow or blood and stored"]),
    "A10": (MSIF, [r"rest of the person's immune cells are wiped out, usually with chemotherapy"]),
    "A11": (MSIF, [r"stored stem cells are put back", r"Over time they make new cells", r"immune cells again"]),
    "A12": (MSIF, [r"many kinds of stem cells", r"slowing down MS disease activity", r"repairing damage to the nervous system"]),
    "A13": (MSIF, [r"no approved stem cell therapies for MS"]),
    "A14": (MSIF, [r"experimental stage"]),
    "A15": (MSIF, [r"best information", r"understand this research", r"make decisions about this complex question"]),
    "A16": (MSIF, [r"November 2015", r"MSIF helped to pay for", r"International Conference on Cell-Based Therapy"]),
    "A17": (MSIF, [r"National MS Society and ECTRIMS called the conference together"]),
    "A18": (MSIF, [r"researchers and doctors", r"which types of cells", r"route of delivery", r"types and stages of MS"]),
    "A19": (MSIF, [r"would be published later", r"speed up new cell-based treatments"]),
    "A20": (MSIF, [r"first published by the National MS Society", r"link .* was missing"]),
    "A21a": (MSIF, [r"MS Society of Canada", r"Landmark MS Scientific Research Foundation funded study"]),
    "A21b": (MSIF, [r"UK MS Society", r"Meet the Professors behind stem cell transplantation"]),
    "A21c": (MSIF, [r"MS Research Australia", r"Autologous Haematopoietic Stem Cell Transplant \(AHSCT\) for MS"]),
    "A21d": (MSIF, [r"Associazione Italiana Sclerosi Multipla", r"Speciale cellule staminali"]),
    "B1": (NMSS, [r"stop MS in its tracks", r"abilities that have been lost", r"end MS forever"]),
    "B2": (NMSS, [r"\$90 million", r"total for all of its research, not only for stem cells"]),
    "B3": (NMSS, [r"adult stem cells", r'"spare parts"']),
    "B4": (NMSS, [r"many kinds of stem cells", r"slow down MS disease activity", r"repair damage to the nervous system"]),
    "B5": (NMSS, [r"urgent need", r"more progressive forms of MS", r"every type of cell therapy should be explored"]),
    "B6": (NMSS, [r"now supporting 12 research projects", r"bone marrow, fat and skin"]),
    "B7": (NMSS, [r"past 10 years", r"68 stem cell studies"]),
    "B8a": (NMSS, [r"In 2005", r"Task Force on Stem Cell Research"]),
    "B8b": (NMSS, [r"early in 2007", r"from around the world", r"treating, preventing and curing MS"]),
    "B9a": (NMSS, [r"January 16 to 19, 2007", r"San Francisco, California"]),
    "B9b": (NMSS, [r"More than 75 experts"]),
    "B9c": (NMSS, [r"scholarly review", r"medical journal", r"which research should come first"]),
    "B10a": (NMSS, [r"May 20, 2009", r"UK and the USA organised"]),
    "B10b": (NMSS, [r"Canada, Italy, France and Australia", r"MS International Federation supported"]),
    "B10c": (NMSS, [r"urgent need", r"MS researchers wanted guidance"]),
    "B10d": (NMSS, [r"international agreement on the future of stem cell transplant research", r"joined-up research", r"better and quicker access to stem cell clinical trials"]),
    "B11a": (NMSS, [r"November 2015", r"Lisbon, Portugal"]),
    "B11b": (NMSS, [r"International Advisory Committee on Clinical Trials in MS", r"jointly by the National MS Society and ECTRIMS", r"European Committee for Treatment and Research in Multiple Sclerosis"]),
    "B12": (NMSS, [r"Jeffrey A\. Cohen, MD, of the Cleveland Clinic \(USA\)", r"Marcelo C\. Pasquini, MD, MS, of the Medical College of Wisconsin \(USA\)", r"Neil Scolding, PhD, FRCP, of Southmead Hospital Bristol \(UK\)"]),
    "B13a": (NMSS, [r"what is known so far about certain cell-based therapies and how useful they are"]),
    "B13b": (NMSS, [r"Saud Sadiq of the Tisch MS Research Center of New York", r"Richard Burt of Northwestern University", r"70 other leading researchers and doctors", r"does not give a total"]),
    "B13c": (NMSS, [r"which cells, which way of giving them, and which types and stages of MS"]),
    "B14": (NMSS, [r"have since published a review", r"agreement on next steps", r"speed up new cell-based treatments"]),
    "B15": (NMSS, [r"spring 2017", r"Work Group on HSCT in MS Management", r"still need to learn", r"people with MS, to health professionals and to those who pay for care"]),
    "B16": (NMSS, [r"spring 2017", r"phase 3 trial of HSCT", r"design and start the trial quickly", r"does not name the team"]),
    "B17": (NMSS, [r"more than ten years", r"bone marrow, fat and skin"]),
    "B18": (NMSS, [r"University of Glasgow in Scotland", r"adult stem cells from the nose", r"calm harmful parts of the immune system", r"myelin repair", r"rodents with myelin loss"]),
    "B19": (NMSS, [r"Milan, Italy", r"before any use in people", r"repair damaged myelin", r"adult stem cells \(iPSC\)"]),
    "B20": (NMSS, [r"Johns Hopkins University", r"different types of transplanted stem cells", r"immune system", r"repair, in models of MS"]),
    "B21": (NMSS, [r"University of California, Irvine", r"focused on how stem cells might treat MS", r"past tense"]),
    "B22": (NMSS, [r"Paris, France", r"myelin-making cells from outside the brain and spinal cord", r"peripheral nervous system", r"models of MS"]),
    "B23": (NMSS, [r"University of California, Davis", r"cells that come from adult skin", r"repair myelin"]),
    "B24": (NMSS, [r"University of Rochester Medical Center", r"myelin repair cells at work in mice", r"nervous system repair itself"]),
    "B25": (NMSS, [r"Yale University", r"transplants of myelin-making cells", r"animal model", r"safe and helpful for people with MS"]),
    "B26": (NMSS, [r"University of Utah", r"transplanted adult stem cells", r"repair myelin in mice"]),
    "B27": (NMSS, [r"Cleveland Clinic", r"follow mesenchymal stem cells inside the body during clinical trials"]),
    "B28": (NMSS, [r"Stanford University", r"skin cells to make myelin-making cells", r"large enough numbers to transplant", r"before they might be used in people"]),
    "B29": (NMSS, [r"Mayo Clinic", r"nerve cells and ways to protect them", r"skin cells from people with MS into stem cells", r'"MS in a dish"', r"test therapies"]),
    "B30": (NMSS, [r"no approved stem cell therapies for MS"]),
    "B31": (NMSS, [r"Bigger and longer studies, with control groups", r"how safe stem cells are and how well they work"]),
    "B32": (NMSS, [r"results of today's trials and later ones", r"best cells, the best ways to give them, how safe they are", r"different people with MS"]),
    "B33": (NMSS, [r"glossary", r"read about the 2015 review", r'"For More Information"', r"not in the copy we used"]),
}


@pytest.fixture(scope="module")
def passages(knowledge_base):
    return knowledge_base.passages


def fact_ids_in_facts_file():
    return re.findall(r"^- \*\*([AB]\d+[a-d]?)\*\*", FACTS_FILE.read_text(encoding="utf-8"), re.MULTILINE)


def test_the_fact_map_covers_every_fact_in_facts_md():
    assert sorted(fact_ids_in_facts_file()) == sorted(FACT_PASSAGES)


@pytest.mark.parametrize("fact_id", sorted(FACT_PASSAGES))
def test_fact_is_in_one_passage_of_its_source(passages, fact_id):
    document, patterns = FACT_PASSAGES[fact_id]
    candidates = [p for p in passages if Path(p.document.path).stem == document]
    matching = [
        p for p in candidates if all(re.search(pattern, p.text, re.IGNORECASE | re.DOTALL) for pattern in patterns)
    ]
    assert matching, f"{fact_id}: no passage of {document} holds all of {patterns}"


def test_every_passage_names_its_source(passages):
    for passage in passages:
        document = passage.document
        assert document.organisation and document.title and document.date and document.reviewed, passage.id
        assert passage.source.startswith(f'{document.organisation}, "{document.title}"'), passage.id
        assert passage.topics, passage.id


def test_both_sources_are_in_the_corpus(passages):
    assert {Path(p.document.path).stem for p in passages} == {MSIF, NMSS}


def test_no_passage_claims_approval_or_a_cure(passages):
    claim = re.compile(r"\b(is|are|been|now) (fully )?approved\b|\bcures? MS\b|\bproven\b", re.IGNORECASE)
    assert [p.id for p in passages if claim.search(p.text)] == []


def test_sentences_are_short_enough_for_plain_reading(passages):
    """Aim at a reading age of about 12: no sentence over 45 words."""
    for passage in passages:
        for sentence in re.split(r"(?<=[.!?])\s+|\n", passage.text):  # list items are lines of their own
            assert len(sentence.split()) <= 45, f"{passage.id}: {sentence}"


def test_a_document_without_its_source_fields_is_refused(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: Only a title\n---\n\n## A passage\ntopics: approval\nSome text.\n")
    with pytest.raises(CorpusError, match=r"bad\.md.*organisation"):
        load_document(bad)


def test_a_passage_without_topics_is_refused(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(
        "---\ntitle: T\norganisation: O\nurl: ''\ndate: '2020'\nreviewed: '2026-01-01'\n---\n\n## A passage\nNo topics line.\n"
    )
    with pytest.raises(CorpusError, match="topics"):
        load_document(bad)


def test_an_empty_corpus_folder_is_refused(tmp_path):
    with pytest.raises(CorpusError, match="no corpus documents"):
        load_corpus(tmp_path)
