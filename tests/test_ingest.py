"""`make ingest` and the corpus checks: problems named by file and line, conversion of .txt and .html,
review age, the published snapshot, and the action servers' switch to a new snapshot without retraining."""
from __future__ import annotations

import asyncio
import datetime
import json
import shutil
from pathlib import Path

import pytest

from settings import PROJECT_ROOT
from actions.actions import ActionAnswerFromCorpus, ActionAnswerOutOfScope
from actions.knowledge.base import live_knowledge_base, refresh_knowledge_base, shared_knowledge_base
from actions.knowledge.corpus import load_corpus
from editors.ingest import check_corpus, main as ingest
from actions.knowledge.snapshot import read_snapshot
from tests.test_actions import run, tracker_for

ROOT = PROJECT_ROOT
CORPUS = ROOT / "data" / "corpus"
TODAY = datetime.date(2026, 11, 21)
FRONT = """---
title: Parking at the Example MS Centre
organisation: Example MS Charity (a made-up test document)
url: https://example.org/parking
date: 2026-10
reviewed: 2026-11-01
---
"""
PARKING = """
## Parking at the Example MS Centre
topics: visiting
Visitors to the Example MS Centre can park for free in the blue car park beside the main entrance.
"""


def write(folder: Path, name: str, text, binary: bool = False) -> Path:
    path = folder / name
    path.write_bytes(text) if binary else path.write_text(text, encoding="utf-8")
    return path


def errors_of(folder: Path):
    return [str(problem) for problem in check_corpus(folder, TODAY, 730).errors]


def test_the_project_corpus_passes_every_check():
    check = check_corpus(CORPUS, TODAY, 730)
    assert check.errors == [] and check.warnings == []
    assert all(d.organisation and d.date for p in check.passages for d in p.cited_documents)


@pytest.mark.parametrize(
    "text, expected",
    [
        (FRONT.replace("organisation: Example MS Charity (a made-up test document)\n", "") + PARKING,
         "bad.md:6: the front matter is missing: organisation"),
        (FRONT.replace("date: 2026-10", "date:") + PARKING, "bad.md:5: 'date' is empty"),
        (FRONT.replace("reviewed: 2026-11-01", "reviewed: last spring") + PARKING,
         "bad.md:6: 'reviewed' must be a date: YYYY-MM-DD"),
        (PARKING, "bad.md:1: the file must start with front matter"),
        (FRONT + "\n## Empty passage\ntopics: visiting\n\n" + PARKING, "bad.md:9: passage 'Empty passage' is empty"),
        (FRONT + "\n## No topics\nJust text.\n", "bad.md:9: passage 'No topics' must start with a 'topics:' line"),
        (FRONT + PARKING + PARKING.replace("free", "nothing"), "bad.md:13: the heading 'Parking at the Example MS Centre' is used twice (also line 9)"),
        (FRONT + "\nSome words, but no passage.\n", "bad.md:8: no passages"),
        ("---\ntitle: [unclosed\n---\n" + PARKING, "bad.md:2: the front matter is not valid YAML"),
        (FRONT + PARKING.replace("topics: visiting\n", "topics: visiting\npage: | https://example.org/map\n"),
         "bad.md:9: passage 'Parking at the Example MS Centre' has a 'page:' line with no label"),
    ],
)
def test_a_malformed_document_is_refused_naming_file_and_line(tmp_path, text, expected):
    write(tmp_path, "bad.md", text)
    assert any(expected in error for error in errors_of(tmp_path)), errors_of(tmp_path)


def test_unreadable_text_is_named_by_line(tmp_path):
    write(tmp_path, "latin1.md", (FRONT + PARKING).replace("free", "frée").encode("latin-1"), binary=True)
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", binary=True)
    errors = errors_of(tmp_path)
    assert any("latin1.md:11: this line is not readable UTF-8 text" in e for e in errors), errors
    assert any("binary.txt:3: this is not a text file" in e for e in errors), errors


def test_two_passages_saying_the_same_thing_are_refused(tmp_path):
    write(tmp_path, "one.md", FRONT + PARKING)
    write(tmp_path, "two.md", FRONT + PARKING.replace("Parking at", "Car parking at").replace("free", "free,"))
    assert any("two.md:9: passage 'Car parking at the Example MS Centre' says the same as" in e and "one.md:9" in e
               for e in errors_of(tmp_path))


def test_plain_text_and_html_documents_are_converted(tmp_path):
    write(tmp_path, "parking.txt", FRONT + PARKING)
    html = FRONT + (
        "<html><body><h1>Ignored title</h1><h2>Opening hours</h2><p>topics: visiting</p>"
        "<p>The <b>Example MS Centre</b> is open <a href='https://example.org'>every weekday</a>.</p></body></html>"
    )
    write(tmp_path, "hours.html", html)
    check = check_corpus(tmp_path, TODAY, 730)
    assert check.errors == []
    by_heading = {p.heading: p for p in check.passages}
    assert by_heading["Opening hours"].text == "The Example MS Centre is open every weekday."
    assert by_heading["Opening hours"].topics == ("visiting",)
    assert by_heading["Parking at the Example MS Centre"].document.citation() == (
        'Example MS Charity (a made-up test document), "Parking at the Example MS Centre" (2026-10), https://example.org/parking'
    )


def test_a_document_past_its_review_age_is_flagged_but_published(tmp_path):
    write(tmp_path, "old.md", FRONT.replace("reviewed: 2026-11-01", "reviewed: 2023-01-15") + PARKING)
    check = check_corpus(tmp_path, TODAY, 730)
    assert check.errors == [] and len(check.passages) == 1
    assert [str(w) for w in check.warnings] == [
        f"{tmp_path / 'old.md'}:1: last reviewed 2023-01-15, more than 730 days ago: please check it is still right"
    ]


def test_a_passage_from_a_stored_page_cites_that_page_and_keeps_it_when_published(tmp_path):
    pages = "page: Example Council car park notice (March 2026) | https://example.org/council\npage: Staff leaflet (undated)\n"
    write(tmp_path, "parking.md", FRONT + PARKING.replace("topics: visiting\n", "topics: visiting\n" + pages))
    passage, = load_corpus(tmp_path)
    document = 'Example MS Charity (a made-up test document), "Parking at the Example MS Centre" (2026-10)'
    assert passage.citations == [
        f"{document}: Example Council car park notice (March 2026), https://example.org/council",
        f"{document}: Staff leaflet (undated)",
    ]
    assert passage.text.startswith("Visitors to the Example MS Centre")
    assert ingest(["--corpus-dir", str(tmp_path), "--snapshot", str(tmp_path / "snapshot.json")]) == 0
    assert read_snapshot(tmp_path / "snapshot.json") == [passage]


def test_ingest_publishes_a_snapshot_and_refuses_a_broken_corpus_leaving_it_unchanged(tmp_path, capsys):
    corpus, snapshot = tmp_path / "corpus", tmp_path / "snapshot.json"
    shutil.copytree(CORPUS, corpus)
    assert ingest(["--corpus-dir", str(corpus), "--snapshot", str(snapshot)]) == 0
    published_passages = [(p.id, p.heading, p.topics, p.text, p.source, p.line) for p in read_snapshot(snapshot)]
    assert published_passages == [(p.id, p.heading, p.topics, p.text, p.source, p.line) for p in load_corpus(CORPUS)]
    published = snapshot.read_bytes()

    write(corpus, "broken.md", FRONT.replace("title: Parking at the Example MS Centre\n", "") + PARKING)
    assert ingest(["--corpus-dir", str(corpus), "--snapshot", str(snapshot)]) == 1
    err = capsys.readouterr().err
    assert f"{corpus / 'broken.md'}:6: the front matter is missing: title" in err
    assert "The previous corpus keeps serving." in err
    assert snapshot.read_bytes() == published


@pytest.fixture
def own_snapshot(tmp_path, monkeypatch):
    """The action server's snapshot is this test's own; afterwards the project's corpus is loaded again, so
    the tests that follow in this process see it."""
    snapshot = tmp_path / "snapshot.json"
    monkeypatch.setenv("AHSCT_CORPUS_SNAPSHOT", str(snapshot))
    yield snapshot
    monkeypatch.undo()
    live_knowledge_base().refresh()


def test_action_server_answers_from_a_newly_published_document_and_keeps_serving_if_a_snapshot_breaks(
        tmp_path, own_snapshot):
    corpus, snapshot = tmp_path / "corpus", own_snapshot
    shutil.copytree(CORPUS, corpus)
    assert ingest(["--corpus-dir", str(corpus), "--snapshot", str(snapshot)]) == 0
    question = "Where can visitors park at the Example MS Centre?"
    messages, _ = run(ActionAnswerOutOfScope(), tracker_for(question, "out_of_scope"))
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]

    write(corpus, "parking.md", FRONT + PARKING)
    assert ingest(["--corpus-dir", str(corpus), "--snapshot", str(snapshot)]) == 0
    for action, intent in ((ActionAnswerOutOfScope(), "out_of_scope"), (ActionAnswerFromCorpus(), "ask_trials")):
        messages, events = run(action, tracker_for(question, intent))
        assert [m["response"] for m in messages] == ["utter_cited_answer"], intent
        assert messages[0]["answer"].startswith("Visitors to the Example MS Centre can park for free")
        assert "Example MS Charity" in messages[0]["source"]
        assert events[0] == {"event": "slot", "timestamp": None, "name": "topic", "value": "visiting"}

    # A question on a known topic that merely mentions AHSCT still gets its usual answer.
    messages, _ = run(ActionAnswerFromCorpus(), tracker_for("what is ahsct", "ask_what_is_ahsct"))
    assert "Autologous Haematopoietic Stem Cell Transplantation" in messages[0]["answer"]

    snapshot.write_text(json.dumps({"format": 99}))
    asyncio.run(refresh_knowledge_base())
    assert len(shared_knowledge_base().passages) == len(load_corpus(corpus))  # the last good corpus serves on


def test_a_newly_published_corpus_loads_while_the_event_loop_answers_others(tmp_path, own_snapshot):
    """Rebuilding the index takes seconds: it must happen in a worker thread, not on the action server's loop."""
    corpus, snapshot = tmp_path / "corpus", own_snapshot
    shutil.copytree(CORPUS, corpus)
    shared_knowledge_base()  # the corpus as it was
    write(corpus, "parking.md", FRONT + PARKING)
    assert ingest(["--corpus-dir", str(corpus), "--snapshot", str(snapshot)]) == 0

    async def reload_beside_another_conversation():
        reload = asyncio.create_task(refresh_knowledge_base())
        served_during_reload = False
        while not reload.done():  # never entered if the reload held the loop until it finished
            served_during_reload = served_during_reload or live_knowledge_base().is_loading()
            shared_knowledge_base()  # another conversation's answer: the corpus loaded before, at once
            await asyncio.sleep(0.005)
        await reload
        return served_during_reload

    assert asyncio.run(reload_beside_another_conversation())
    assert any(p.document.name == "parking" for p in shared_knowledge_base().passages)
