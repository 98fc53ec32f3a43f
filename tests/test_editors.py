"""The editors' tools against the real servers: a new document answers after `ingest` with no retraining,
a broken one is refused while the old corpus keeps serving, and the report counts real conversations."""
from __future__ import annotations

import csv
import datetime
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy

from editors.report import Question
from settings import MODEL_FILE, PROJECT_ROOT
from devtools.databases import drop_database, scratch_database_name
from devtools.stack import running_stack

ROOT = PROJECT_ROOT
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MODEL = MODEL_FILE
NEW_DOCUMENT = """---
title: Parking at the Example MS Centre
organisation: Example MS Charity (a made-up test document)
url: https://example.org/parking
date: October 2026
reviewed: 2026-11-01
---

## Parking at the Example MS Centre
topics: visiting
Visitors to the Example MS Centre can park for free in the blue car park beside the main entrance.
"""
PARKING_QUESTION = "Where can visitors park at the Example MS Centre?"


def ingest(corpus: Path, snapshot: Path) -> subprocess.CompletedProcess:
    """What `make ingest` runs, pointed at this test's corpus and snapshot."""
    return subprocess.run([PYTHON, "-m", "editors.ingest", "--corpus-dir", str(corpus), "--snapshot", str(snapshot)],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def editors_stack(tmp_path_factory):
    """Servers of their own, with their own corpus, and conversations kept in PostgreSQL (a database of
    their own on the local server, dropped afterwards)."""
    workdir = tmp_path_factory.mktemp("editors")
    corpus, snapshot = workdir / "corpus", workdir / "snapshot.json"
    shutil.copytree(ROOT / "data" / "corpus", corpus)
    assert ingest(corpus, snapshot).returncode == 0
    env = {"AHSCT_CORPUS_SNAPSHOT": str(snapshot), "AHSCT_CORPUS_DIR": str(corpus)}
    database = scratch_database_name("editors")
    try:
        with running_stack(workdir, actions_env=env, postgres_db=database) as stack:
            yield stack, corpus, snapshot
    finally:
        drop_database(database)



def new_sender() -> str:
    return f"editor-test-{uuid.uuid4().hex[:8]}"


def test_a_new_document_is_answered_after_ingest_without_retraining(editors_stack):
    stack, corpus, snapshot = editors_stack
    model_before = MODEL.stat().st_mtime_ns
    assert "Example MS Charity" not in stack.chat.ask(new_sender(), PARKING_QUESTION)

    (corpus / "example-parking.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    published = ingest(corpus, snapshot)
    assert published.returncode == 0, published.stderr
    answer = stack.chat.ask(new_sender(), PARKING_QUESTION)
    assert "park for free in the blue car park" in answer
    assert 'Source: Example MS Charity (a made-up test document), "Parking at the Example MS Centre" (October 2026)' in answer

    (corpus / "broken.md").write_text(NEW_DOCUMENT.replace("organisation: Example MS Charity (a made-up test document)\n", "")
                                      .replace("Parking at", "Cycling to"), encoding="utf-8")
    refused = ingest(corpus, snapshot)
    assert refused.returncode == 1
    assert f"{corpus / 'broken.md'}:6: the front matter is missing: organisation" in refused.stderr
    assert "park for free in the blue car park" in stack.chat.ask(new_sender(), PARKING_QUESTION)  # old corpus serves on
    assert MODEL.stat().st_mtime_ns == model_before  # no retraining
    (corpus / "broken.md").unlink()


def run_report(database_url: str, since: datetime.datetime, out: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "editors.report", "--db", database_url, "--since", f"{since:%Y-%m-%d}", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_report_reads_the_default_sqlite_store_too(stack, tmp_path):
    sender = new_sender()
    stack.chat.send(sender, "can you order me a pizza")
    run_report(stack.database_url, datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1), tmp_path)
    unanswered = [row["question"] for row in csv.DictReader((tmp_path / "questions.csv").open(encoding="utf-8"))
                  if row["answered"] == "no"]
    assert "can you order me a pizza" in unanswered


def test_report_counts_what_visitors_asked_and_rated(editors_stack, tmp_path):
    stack, _, _ = editors_stack
    started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    covered, uncovered, rater = new_sender(), new_sender(), new_sender()
    stack.chat.send(covered, "/greet")  # what the widget sends unseen: not a question
    stack.chat.send(covered, "Is any stem cell therapy approved? Mail me at jane.doe@example.org or call 07700 900123")
    stack.chat.send(covered, "/ask_risks")
    stack.chat.send(uncovered, "how do I renew my passport")
    stack.chat.send(rater, "what is ahsct")
    stack.chat.send(rater, '/rate_not_helpful{"rated_answer": "AHSCT is short for Autologous Haematopoietic"}')
    stack.chat.send(rater, "/rate_helpful")

    out = tmp_path / "report"
    assert stack.database_url.startswith("postgresql://")
    run_report(stack.database_url, started, out)
    rows = list(csv.DictReader((out / "questions.csv").open(encoding="utf-8")))
    ours = {row["conversation"] for row in rows}
    mine = [row for row in rows if row["question"] in {
        "Is any stem cell therapy approved? Mail me at [email] or call [phone]", "/ask_risks",
        "how do I renew my passport", "what is ahsct"}]
    assert len(mine) == 4 and len(ours) >= 3
    by_question = {row["question"]: row for row in mine}
    assert by_question["how do I renew my passport"]["answered"] == "no"
    assert by_question["what is ahsct"]["answered"] == "yes"
    assert by_question["/ask_risks"]["topic"] == "risks"

    report = (out / "report.md").read_text(encoding="utf-8")
    assert "jane.doe@example.org" not in report and "07700 900123" not in report
    assert "jane.doe" not in (out / "questions.csv").read_text(encoding="utf-8")
    unanswered = report.split("## Questions the bot could not answer")[1].split("## Answers rated not helpful")[0]
    assert "how do I renew my passport" in unanswered and "what is ahsct" not in unanswered
    not_helpful = report.split("## Answers rated not helpful")[1].split("## Most asked topics")[0]
    assert "| what is ahsct | AHSCT is short for Autologous Haematopoietic |" in not_helpful
    assert (out / "questions-per-topic.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_copes_with_control_characters_stored_before_they_were_removed(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL,"
            " intent_name TEXT, action_name TEXT, data TEXT)"))
        connection.execute(sqlalchemy.text("INSERT INTO events VALUES (1, 'old', 'user', :t, 'out_of_scope', NULL, :d)"),
                           {"t": datetime.datetime.now().timestamp(), "d": '{"text": "null\\u0000byte\\r\\nand\\u001b[31m"}'})
    engine.dispose()
    run_report(f"sqlite:///{tmp_path / 'old.db'}", datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1),
               tmp_path / "out")
    rows = list(csv.DictReader((tmp_path / "out" / "questions.csv").open(encoding="utf-8", newline="")))
    assert rows[0]["question"] == "nullbyte\nand[31m"


@pytest.mark.parametrize("intent, topic", [("ask_risks", "risks"), ("ask_more", "ask_more"),
                                            ("claim_approved", "claim_approved"), ("greet", "greet")])
def test_the_report_counts_a_question_under_the_topic_its_intent_asks_about(intent, topic):
    question = Question("c", datetime.datetime(2026, 12, 3), "text", intent)
    assert question.topic == topic
