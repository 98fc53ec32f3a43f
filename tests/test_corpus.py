"""The corpus: every passage has a source, and every fact of FACTS.md is in it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import yaml

import settings
from actions.knowledge.corpus import CorpusError, load_corpus, load_document
from actions.knowledge.topics import topic_policies
from scripts.evaluate import approval_claims
from scripts.readability import grades as readability_grades


# The source documents sit beside the project (../shared/sources), as in CI; AHSCT_SOURCES_DIR overrides.
SOURCES_DIR = settings.path("AHSCT_SOURCES_DIR")
FACTS_FILE = SOURCES_DIR / "FACTS.md"
MSIF, NMSS = "msif-ahsct", "nmss-research-in-stem-cells"
CORPUS_DIR = settings.default_path("AHSCT_CORPUS_DIR")
# "About 90 words at most" (issue 12.5): summaries bringing up to eight countries together need a few more.
MAX_PASSAGE_WORDS = 100
# The documents written from the current pack (../shared/sources/current/), each naming its source file.
CURRENT_DOCUMENTS = sorted(p for p in CORPUS_DIR.glob("[0-9][0-9]*.md") if not p.name.startswith("00-"))

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
        assert passage.document.title and passage.document.reviewed, passage.id
        for document in passage.cited_documents:
            assert document.organisation and document.title and document.date and document.reviewed, passage.id
            assert f'{document.organisation}, "{document.title}"' in passage.source, passage.id
        assert passage.topics, passage.id


def test_both_seed_documents_and_every_current_source_are_in_the_corpus(passages):
    names = {p.document.name for p in passages}
    assert {MSIF, NMSS} <= names
    written_from = {Path(p.document.source_file).name for p in passages if p.document.source_file}
    pack = {path.name for path in (SOURCES_DIR / "current").glob("[0-9][0-9]-*.txt")}
    assert pack and pack <= written_from, sorted(pack - written_from)


def test_no_passage_claims_approval_or_a_cure(passages):
    assert [(p.id, sentence) for p in passages for sentence in approval_claims(p.text)] == []


@pytest.mark.parametrize(
    "sentence, is_claim",
    [
        ("AHSCT is approved for MS.", True),
        ("Stem cell therapy is now licensed in the UK.", True),
        ("HSCT has been approved by the NHS.", True),
        ("AHSCT cures MS.", True),
        ("These therapies have not been approved to treat any neurological disorder.", False),
        ("The medicines and procedures used in aHSCT are already approved by the FDA.", False),
        ("No stem cell product is licensed for MS.", False),
    ],
)
def test_the_approval_claim_check_tells_claims_from_facts(sentence, is_claim):
    assert bool(approval_claims(sentence)) == is_claim


def test_each_passage_cites_every_source_it_uses_with_date_and_address(passages):
    for passage in passages:
        assert passage.cited_documents, passage.id
        for document in passage.cited_documents:
            assert document.organisation and document.title and document.date, (passage.id, document.path)
            assert document.url or document.name in (MSIF, NMSS), (passage.id, document.path)
        if passage.is_summary:
            assert len(passage.cited_documents) == len(passage.source_names), passage.id


def test_every_stored_page_a_passage_cites_is_in_its_source_file(passages):
    """A `page:` line points a reader to the stored page a passage comes from: its address is the source's own."""
    cited_pages = [p for p in passages if p.pages]
    assert cited_pages, "no passage names a stored page: bundled source files would all be cited by their main address"
    for passage in cited_pages:
        source = (SOURCES_DIR / passage.document.source_file).read_text(encoding="utf-8")
        for page in passage.pages:
            # A copy's original is cited by its DOI where the source gives one (docs/CORPUS.md, "Copies").
            assert not page.url or page.url.removeprefix("https://doi.org/") in source, (passage.id, page.url)
            assert f"{page.label}, {page.url}" in passage.source if page.url else page.label in passage.source


@pytest.mark.parametrize("document", CURRENT_DOCUMENTS, ids=lambda path: path.stem)
def test_address_and_date_come_from_the_source_header(document):
    """No document records an address or a date its source file does not give."""
    front = yaml.safe_load(document.read_text(encoding="utf-8").split("---")[1])
    source = (SOURCES_DIR / front["source_file"]).read_text(encoding="utf-8")
    url = str(front["url"])
    doi = url.split("https://doi.org/", 1)[1] if url.startswith("https://doi.org/") else None
    assert (doi or url) in source, f"{document.name}: {url} is not in {front['source_file']}"
    for year in re.findall(r"\b(?:19|20)\d\d\b", str(front["date"])):
        assert year in source, f"{document.name}: the year {year} is not in {front['source_file']}"
    assert "(" not in str(front["date"]), f"{document.name}: a date is shown in brackets; keep notes in date_note"


def test_every_topic_is_one_the_content_policy_knows(passages):
    known = set(topic_policies())
    assert sorted({topic for p in passages for topic in p.topics} - known) == []


def test_no_passage_gives_a_price(passages):
    """Research budgets ("$90 million") are not prices; any other sum of money is."""
    money = re.compile(r"(?:[$£€]|\b(?:USD|EUR|GBP|dollars?|pounds?|euros?)\b)\s?\d|\d\s?(?:dollars|pounds|euros)\b", re.I)
    prices = [(p.id, m.group(0)) for p in passages for m in money.finditer(p.text)
              if not re.match(r"\s?million\b", p.text[m.end():m.end() + 12].lstrip("0123456789,."))]
    assert prices == []


def test_every_document_reads_at_grade_seven_or_lower():
    grades = readability_grades(CORPUS_DIR)
    assert {name: grade for name, grade in grades.items() if grade > 7.0} == {}


def test_sentences_are_short_enough_for_plain_reading(passages):
    """Aim at a reading age of about 12: no sentence over 45 words."""
    for passage in passages:
        for sentence in re.split(r"(?<=[.!?])\s+|\n", passage.text):  # list items are lines of their own
            assert len(sentence.split()) <= 45, f"{passage.id}: {sentence}"


def test_every_passage_fits_a_phone_screen(passages):
    """A passage is one message: at 360 px, about 90 words fit without scrolling; a few more are allowed (docs/CORPUS.md).
    Words are what a reader reads: a list's "-" marks are not counted."""
    too_long = {p.id: len(words) for p in passages
                if len(words := [w for w in p.text.split() if re.search(r"\w", w)]) > MAX_PASSAGE_WORDS}
    assert too_long == {}


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


# ---- the current pack: every fact line of FACTS-current.md §0–§7 (tests/facts_current.yml maps each) ----
FACTS_CURRENT_FILE = SOURCES_DIR / "current" / "FACTS-current.md"
FACT_MAP_FILE = Path(__file__).with_name("facts_current.yml")


def current_fact_map():
    return yaml.safe_load(FACT_MAP_FILE.read_text(encoding="utf-8"))["facts"]


def fact_lines_of_sections_0_to_7():
    text = FACTS_CURRENT_FILE.read_text(encoding="utf-8")
    body = text[text.index("## 0."):text.index("## Conflicts")]
    return [m.group(1).strip() for m in re.finditer(r"^\s*(?:-|\d+\.)\s+(.*)$", body, re.MULTILINE)]


def test_the_current_fact_map_covers_every_fact_line_in_order():
    lines, entries = fact_lines_of_sections_0_to_7(), current_fact_map()
    assert len(entries) == len(lines)
    assert [line for line, entry in zip(lines, entries, strict=True) if not line.startswith(entry["fact"].strip())] == []


@pytest.mark.parametrize("number", range(len(current_fact_map())), ids=lambda n: f"fact-{n + 1}")
def test_current_fact_is_in_one_passage_of_its_source(passages, number):
    entry = current_fact_map()[number]
    assert entry["in"], f"{entry['fact']}: {entry.get('missing', 'no document')}"
    candidates = [p for p in passages if p.document.name in entry["in"]]
    matching = [p for p in candidates if all(re.search(pattern, p.text, re.I | re.S) for pattern in entry["patterns"])]
    assert matching, f"{entry['fact']}: no passage of {entry['in']} holds all of {entry['patterns']}"
