"""Score the trained model's intent classification on held-out examples (tests/nlu_holdout.yml).

Writes Rasa's full report to reports/nlu/ and a short summary to reports/nlu/SUMMARY.md.
Exits 1 when the intent macro-F1 is below the target.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402

HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
REPORT_DIR = ROOT / "reports" / "nlu"
# 0.95 until issue 11; the held-out examples were then also taken out of the training data, where some were
# word for word, and four intents were added: measured 0.930 to 0.950 over retrainings (docs/EVALUATION.md).
TARGET_MACRO_F1 = 0.92


def run_rasa_test_nlu() -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "test", "nlu", "--nlu", str(HOLDOUT),
         "--model", str(settings.MODEL_FILE), "--out", str(REPORT_DIR)],
        cwd=ROOT, check=True, env=dict(os.environ, RASA_TELEMETRY_ENABLED="false"),
        stdout=subprocess.DEVNULL,
    )


def summarise(report: dict) -> str:
    per_intent = {name: scores for name, scores in report.items() if isinstance(scores, dict) and "support" in scores
                  and name not in ("macro avg", "weighted avg", "micro avg")}
    lines = [
        "# NLU evaluation on held-out examples", "",
        f"Examples: {HOLDOUT.relative_to(ROOT)} (not in the training data).", "",
        f"- intent macro-F1: **{report['macro avg']['f1-score']:.3f}** (target ≥ {TARGET_MACRO_F1})",
        f"- intent accuracy: {report.get('accuracy', 0):.3f}", "",
        "| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|",
    ]
    lines += [f"| {name} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1-score']:.2f} | {s['support']} |"
              for name, s in sorted(per_intent.items())]
    return "\n".join(lines) + "\n"


def main() -> int:
    run_rasa_test_nlu()
    report = json.loads((REPORT_DIR / "intent_report.json").read_text())
    summary = summarise(report)
    (REPORT_DIR / "SUMMARY.md").write_text(summary)
    print(summary)
    return 0 if report["macro avg"]["f1-score"] >= TARGET_MACRO_F1 else 1


if __name__ == "__main__":
    sys.exit(main())
