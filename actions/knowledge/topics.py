"""The content policy editors keep in content/topics.yml: how the bot treats each corpus topic."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import yaml

DEFAULT_TOPICS_FILE = Path(__file__).resolve().parents[2] / "content" / "topics.yml"


@dataclass(frozen=True)
class TopicPolicy:
    name: str
    time_sensitive: bool = False
    advice_prone: bool = False
    by_country: bool = False
    summary_first: bool = False


@functools.lru_cache(maxsize=1)
def topic_policies() -> Dict[str, TopicPolicy]:
    path = Path(os.environ.get("AHSCT_TOPICS_FILE", DEFAULT_TOPICS_FILE))
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {name: TopicPolicy(name, **(flags or {})) for name, flags in entries.items()}


def policy_of(topic: str) -> TopicPolicy:
    """A topic the file does not list gets no special treatment."""
    return topic_policies().get(topic, TopicPolicy(topic))


def advice_topics() -> tuple:
    return tuple(name for name, policy in topic_policies().items() if policy.advice_prone)


DEFAULT_RETRIEVAL_FILE = Path(__file__).resolve().parents[2] / "content" / "retrieval.yml"


@functools.lru_cache(maxsize=1)
def retrieval_settings() -> Dict[str, float]:
    path = Path(os.environ.get("AHSCT_RETRIEVAL_FILE", DEFAULT_RETRIEVAL_FILE))
    return {name: float(value) for name, value in yaml.safe_load(path.read_text(encoding="utf-8"))["similarity"].items()}


def retrieval_setting(name: str) -> float:
    """A similarity threshold of content/retrieval.yml (calibrated by scripts/calibrate_retrieval.py)."""
    return retrieval_settings()[name]
