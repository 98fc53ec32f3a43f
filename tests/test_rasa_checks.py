"""Rasa's own checks on the trained model: data validation, test conversations, held-out NLU."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from settings import PROJECT_ROOT
from scripts.nlu_eval import TARGET_MACRO_F1

pytestmark = pytest.mark.rasa

ROOT = PROJECT_ROOT
RASA = str(ROOT / ".venv" / "bin" / "rasa")
ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")


def rasa(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=cwd, env=ENV, capture_output=True, text=True)


def test_training_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_conversations_have_no_prediction_errors(tmp_path):
    result = rasa(
        "test", "core", "--stories", "tests/test_stories.yml", "--model", "models/ahsct.tar.gz",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    failed = (tmp_path / "failed_test_stories.yml")
    assert result.returncode == 0, (failed.read_text() if failed.exists() else "") + result.stderr[-3000:]


def _examples(path: Path) -> set:
    data = yaml.safe_load(path.read_text())
    return {
        line[2:].strip().lower()
        for block in data.get("nlu", []) if "examples" in block
        for line in block["examples"].splitlines() if line.startswith("- ")
    }


def test_held_out_examples_are_not_in_the_training_data():
    training = set().union(*(_examples(p) for p in (ROOT / "data" / "nlu").glob("*.yml")))
    assert _examples(ROOT / "tests" / "nlu_holdout.yml") & training == set()


def test_intent_macro_f1_on_held_out_examples_meets_the_target():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "scripts/nlu_eval.py"], cwd=ROOT, env=ENV,
                            capture_output=True, text=True)
    report = json.loads((ROOT / "reports" / "nlu" / "intent_report.json").read_text())
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert report["macro avg"]["f1-score"] >= TARGET_MACRO_F1
