"""`make ingest`: check the corpus folder and publish it to the running action servers, without retraining.

Errors (the file cannot be used) stop the publication and the previous corpus keeps serving. Warnings
(a document past its review age) are printed, and the document is still published.
"""
from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import List, Optional, Sequence

from actions.knowledge.corpus import Document, Passage, Problem, as_date, parse_corpus
from actions.knowledge.base import embedder, embeddings_file
from actions.knowledge.search import texts_to_embed
from actions.knowledge.snapshot import write_snapshot
from nlp.embeddings import saved_texts
import settings

# Two passages this alike (0..1, difflib's ratio on lower-case text) say the same thing.
SAME_THING_SIMILARITY = 0.85
# Passages sharing fewer of their words than this (0..1) are not compared letter by letter.
SHARED_WORDS_TO_COMPARE = 0.6


@dataclass
class CorpusCheck:
    passages: List[Passage] = field(default_factory=list)
    errors: List[Problem] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)


def check_corpus(folder: Path, today: datetime.date, review_age_days: int) -> CorpusCheck:
    corpus = parse_corpus(folder)
    if not corpus.documents:
        return CorpusCheck(errors=[Problem(str(folder), 0, "no corpus documents found")])
    passages = corpus.passages
    documents = [doc.document for doc in corpus.documents if doc.document]
    return CorpusCheck(
        passages=passages,
        errors=corpus.problems + same_thing_twice(passages),
        warnings=due_for_review(documents, today, review_age_days),
    )


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def same_thing_twice(passages: Sequence[Passage]) -> List[Problem]:
    problems = []
    texts = [normalised(p.text) for p in passages]
    words = [Counter(text.split()) for text in texts]
    sizes = [sum(counts.values()) for counts in words]
    for i, first in enumerate(passages):
        for j in range(i + 1, len(passages)):
            # ratio() on every pair of a few hundred passages takes about a minute. Two passages that say the
            # same thing share most of their words, so only those are compared letter by letter.
            shared = sum((words[i] & words[j]).values())
            if 2 * shared / ((sizes[i] + sizes[j]) or 1) < SHARED_WORDS_TO_COMPARE:
                continue
            if SequenceMatcher(None, texts[i], texts[j], autojunk=False).ratio() >= SAME_THING_SIMILARITY:
                second = passages[j]
                problems.append(Problem(
                    second.document.path, second.line,
                    f"passage '{second.heading}' says the same as '{first.heading}' ({first.document.path}:{first.line})",
                ))
    return problems


def due_for_review(documents: Sequence[Document], today: datetime.date, review_age_days: int) -> List[Problem]:
    due = []
    for document in documents:
        reviewed = as_date(document.reviewed)
        if reviewed and (today - reviewed).days > review_age_days:
            due.append(Problem(
                document.path, 1,
                f"last reviewed {reviewed.isoformat()}, more than {review_age_days} days ago: please check it is still right",
            ))
    return due


def publish_embeddings(passages: Sequence[Passage], snapshot: Path) -> None:
    """Embed each passage's text, heading and questions beside the snapshot; only new texts need the model."""
    texts, path = texts_to_embed(passages), embeddings_file(snapshot)
    if saved_texts(path) != set(texts):
        embedder(snapshot).save(texts, path)


def review_age_days() -> int:
    return int(settings.value("AHSCT_REVIEW_AGE_DAYS"))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the corpus and publish it to the action servers.")
    parser.add_argument("--corpus-dir", type=Path, default=settings.path("AHSCT_CORPUS_DIR"))
    parser.add_argument("--snapshot", type=Path, default=settings.path("AHSCT_CORPUS_SNAPSHOT"))
    parser.add_argument("--review-age-days", type=int, default=None, help="default: AHSCT_REVIEW_AGE_DAYS or 730")
    args = parser.parse_args(argv)

    age = args.review_age_days if args.review_age_days is not None else review_age_days()
    check = check_corpus(args.corpus_dir, datetime.date.today(), age)
    for warning in check.warnings:
        print(f"warning: {warning}")
    if check.errors:
        for error in check.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"Not published: fix the {len(check.errors)} error(s) above. The previous corpus keeps serving.", file=sys.stderr)
        return 1
    # The vectors first: an action server reloads when the snapshot changes, and then finds them ready.
    publish_embeddings(check.passages, args.snapshot)
    write_snapshot(check.passages, args.snapshot)
    documents = len({p.document for p in check.passages})
    print(f"Published {len(check.passages)} passages from {documents} documents to {args.snapshot}; "
          "running action servers use them from their next answer.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
