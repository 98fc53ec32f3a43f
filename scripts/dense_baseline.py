"""How far sentence embeddings alone take intent classification: a measurement for issue 12, not the pipeline.

Embeds every training example of data/nlu/ with the project's MiniLM (the build's copy, nothing downloaded)
and scores a linear classifier on them by stratified 5-fold cross-validation, on all examples and on the
English ones only (the model was trained on English). Compare with `rasa test nlu --cross-validation`.

Usage: .venv/bin/python scripts/dense_baseline.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from nlp.embeddings import shared_embedder  # noqa: E402
from nlp.language_detection import ENGLISH, detect_language  # noqa: E402

FOLDS = 5
SEED = 42


def cross_validated(vectors: np.ndarray, intents: np.ndarray) -> str:
    # Intents with fewer examples than folds cannot be stratified; they are left out and counted.
    counts = {intent: int((intents == intent).sum()) for intent in set(intents)}
    kept = np.array([counts[intent] >= FOLDS for intent in intents])
    vectors, intents = vectors[kept], intents[kept]
    predicted = np.empty(len(intents), dtype=object)
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(vectors, intents):
        predicted[test] = LinearSVC(C=1.0).fit(vectors[train], intents[train]).predict(vectors[test])
    return (f"{len(intents)} examples, {len(set(intents))} intents ({int((~kept).sum())} examples of smaller intents left out): "
            f"macro-F1 {f1_score(intents, predicted, average='macro'):.3f}, accuracy {accuracy_score(intents, predicted):.3f}")


def main() -> None:
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    texts = [example.get("text") for example in examples]
    intents = np.array([example.get("intent") for example in examples])
    vectors = shared_embedder(str(settings.path("AHSCT_EMBEDDING_MODEL"))).embed(texts)
    english = np.array([detect_language(text) == ENGLISH for text in texts])
    print("all examples:", cross_validated(vectors, intents))
    print("English only:", cross_validated(vectors[english], intents[english]))


if __name__ == "__main__":
    main()
