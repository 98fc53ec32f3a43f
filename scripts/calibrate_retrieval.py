"""Calibrate the meaning thresholds of content/retrieval.yml on a held-out split of the corpus's own questions.

The split: each passage with two or more editor-written `questions:` keeps its last one out of the index; those
held-out questions are the positives (each should find its own passage). The negatives are the off-topic and
small-talk examples of the NLU training data (out_of_scope, greet, thank, goodbye, bot_challenge), which no
passage should answer. No evaluation set (tests/eval/, tests/nlu_holdout.yml, tests/facts_current.yml) is read.

- new_topic_similarity: a passage on a topic no intent knows answers only above the similarity that all
  but 2% of the negatives stay below.
- answers_similarity: a passage of another topic joins an answer only above the similarity that all but 5%
  of the negatives stay below.
- lead_margin: a passage of another topic answers first only when it beats the topic's closest passage by more
  than the best other-topic passage beats the closest passage of their own topic for 95% of held-out questions.

    python scripts/calibrate_retrieval.py [--write]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

import settings as project_settings  # noqa: E402
from actions.knowledge.base import embeddings_file, spacy_pipeline  # noqa: E402
from actions.knowledge.corpus import load_corpus  # noqa: E402
from actions.knowledge.search import PassageIndex  # noqa: E402
from nlp.embeddings import shared_embedder  # noqa: E402

NEGATIVE_INTENTS = {"out_of_scope", "greet", "thank", "goodbye", "bot_challenge"}


def negatives() -> List[str]:
    found = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") in NEGATIVE_INTENTS:
                found += [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
    return found


def calibrate() -> Dict[str, float]:
    passages = load_corpus(project_settings.path("AHSCT_CORPUS_DIR"))
    held_out = {p.id: p.questions[-1] for p in passages if len(p.questions) >= 2}
    indexed = [dataclasses.replace(p, questions=p.questions[:-1]) if p.id in held_out else p for p in passages]
    embedder = shared_embedder(str(project_settings.path("AHSCT_EMBEDDING_MODEL")))
    embedder.load(embeddings_file(project_settings.default_path("AHSCT_CORPUS_SNAPSHOT")))  # the vectors `make ingest` saved, when there are some
    index = PassageIndex(spacy_pipeline(), indexed, embedder)

    own, beaten_by_other, top1 = [], [], 0
    for passage in indexed:
        if passage.id not in held_out:
            continue
        meaning = index.query(held_out[passage.id]).meaning
        own_score = meaning[index.position[passage.id]]
        other = max(meaning[i] for i, p in enumerate(indexed) if p.main_topic != passage.main_topic and not p.is_summary)
        same = max(meaning[i] for i, p in enumerate(indexed) if p.main_topic == passage.main_topic)
        own.append(own_score)
        beaten_by_other.append(other - same)
        top1 += int(indexed[int(np.argmax(meaning))].main_topic == passage.main_topic)
    off_topic = [float(index.query(text).meaning.max()) for text in negatives()]

    settings = {
        "new_topic_similarity": round(float(np.percentile(off_topic, 98)), 3),
        "answers_similarity": round(float(np.percentile(off_topic, 95)), 3),
        "lead_margin": round(float(np.percentile(beaten_by_other, 95)), 3),
    }
    print(f"held-out corpus questions: {len(own)}; closest passage on its own passage's topic: {top1 / len(own):.1%}")
    print(f"off-topic examples: {len(off_topic)}; best similarity median {np.median(off_topic):.3f}")
    for name, value in settings.items():
        print(f"  {name}: {value}")
    for name in ("new_topic_similarity", "answers_similarity"):
        share = np.mean(np.array(own) >= settings[name])
        print(f"  held-out questions at or above {name}: {share:.1%}")
    return settings


def write(settings: Dict[str, float]) -> None:
    retrieval_file = project_settings.path("AHSCT_RETRIEVAL_FILE")
    text = retrieval_file.read_text(encoding="utf-8")
    header = text[:text.index("\nsimilarity:") + 1]  # the block's own line, not a setting whose name ends so
    body = "similarity:\n" + "".join(f"  {name}: {value}\n" for name, value in settings.items())
    retrieval_file.write_text(header + body, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the file of thresholds (AHSCT_RETRIEVAL_FILE)")
    settings = calibrate()
    if parser.parse_args().write:
        write(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
