"""The evaluation sets stay out of what the bot learns from: training examples and the corpus's questions."""
from __future__ import annotations

import re

import pytest
import yaml

from settings import PROJECT_ROOT
from actions.knowledge.corpus import load_corpus

ROOT = PROJECT_ROOT
EVAL = ROOT / "tests" / "eval"


def normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def evaluation_questions() -> set:
    asked = set()
    for name in ("conversations.yml", "real_questions.yml"):
        for case in yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))["cases"]:
            asked |= {turn["say"] for turn in case.get("turns") or [case]}
    asked |= {fact["ask"] for fact in yaml.safe_load((ROOT / "tests" / "facts_current.yml").read_text(encoding="utf-8"))["facts"] if fact.get("ask")}
    held_out = yaml.safe_load((ROOT / "tests" / "nlu_holdout.yml").read_text(encoding="utf-8"))["nlu"]
    asked |= {line[2:] for block in held_out for line in block["examples"].splitlines() if line.startswith("- ")}
    # Button payloads and one-word acts ("tell me more", "yes") are the same everywhere by design.
    return {normalised(q) for q in asked if not q.startswith("/") and len(normalised(q).split()) >= 3}


def training_examples() -> set:
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            lines = block.get("examples", "").splitlines()
            examples |= {normalised(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line[2:])) for line in lines if line.startswith("- ")}
    return examples


@pytest.fixture(scope="module")
def asked():
    return evaluation_questions()


def test_the_real_question_set_has_at_least_100_questions_each_with_its_address():
    cases = yaml.safe_load((EVAL / "real_questions.yml").read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 100
    assert all(case["url"].startswith("http") and case["say"] and case["expect"] for case in cases)
    assert len({normalised(case["say"]) for case in cases}) == len(cases)


def test_no_evaluation_question_is_a_training_example(asked):
    assert sorted(asked & training_examples()) == []


def test_no_evaluation_question_is_one_of_the_corpus_questions(asked):
    # The editors' `questions:` are embedded for retrieval, like training data. (A heading is the passage's own
    # plain question, "What is AHSCT?", and may well be what a visitor asks.)
    written = {normalised(q) for p in load_corpus(ROOT / "data" / "corpus") for q in p.questions}
    assert sorted(asked & written) == []
