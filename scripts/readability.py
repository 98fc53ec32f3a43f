"""Reading grade of the corpus: Flesch–Kincaid grade per document (textstat), aiming at grade 7 or lower.

    python scripts/readability.py [corpus folder] [--max-grade 7]

Only the passage texts are measured (not headings or front matter): that is what a visitor reads.
Exits non-zero when a document is above the limit, naming it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List

import textstat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import settings  # noqa: E402
from actions.knowledge.corpus import parse_corpus  # noqa: E402

DEFAULT_CORPUS = settings.default_path("AHSCT_CORPUS_DIR")
TARGET_GRADE = 7.0


def grades(folder: Path) -> Dict[str, float]:
    """Flesch–Kincaid grade of each document's passages, read as one text."""
    result: Dict[str, float] = {}
    for parsed in parse_corpus(folder).documents:
        text = "\n".join(as_sentences(p.text) for p in parsed.passages)
        if text.strip():
            result[parsed.path.name] = textstat.flesch_kincaid_grade(text)
    return result


def as_sentences(text: str) -> str:
    # A list item is a sentence of its own for a reader; without a full stop textstat would join it to the next.
    lines = [line.strip().lstrip("-*0123456789. ").strip() for line in text.split("\n") if line.strip()]
    return " ".join(line if line.endswith((".", "!", "?", ":")) else line + "." for line in lines)


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-grade", type=float, default=TARGET_GRADE)
    args = parser.parse_args(argv)
    measured = grades(args.folder)
    for name, grade in sorted(measured.items()):
        print(f"{grade:5.1f}  {name}{'  <-- above the target' if grade > args.max_grade else ''}")
    above = [name for name, grade in measured.items() if grade > args.max_grade]
    print(f"{len(measured)} documents, highest grade {max(measured.values()):.1f}, target {args.max_grade:g} or lower")
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main())
