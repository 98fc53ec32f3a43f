"""The content policy editors keep in content/topics.yml: how the bot treats each corpus topic."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import yaml

import settings


@dataclass(frozen=True)
class TopicPolicy:
    name: str
    intent: Optional[str] = None  # None for a tag
    button: Optional[str] = None
    on_welcome: bool = False
    after_personal: bool = False
    time_sensitive: bool = False
    advice_prone: bool = False
    by_country: bool = False
    summary_first: bool = False
    corrects: Tuple[str, ...] = ()
    tag_only: bool = False


@functools.lru_cache(maxsize=1)
def topic_policies() -> Dict[str, TopicPolicy]:
    path = settings.path("AHSCT_TOPICS_FILE")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {name: _policy(name, flags or {}) for name, flags in entries.items()}


def _policy(name: str, flags: Dict) -> TopicPolicy:
    return TopicPolicy(name, **{**flags, "corrects": tuple(flags.get("corrects", ()))})


def policy_of(topic: str) -> TopicPolicy:
    """A topic the file does not list gets no special treatment."""
    return topic_policies().get(topic, TopicPolicy(topic))


def topic_asked_by(intent: str) -> Optional[str]:
    """The topic the intent asks about; None for a claim, a conversation act (ask_more) or small talk."""
    return next((name for name, policy in topic_policies().items() if policy.intent == intent), None)


def topics_of_intent(intent: str) -> List[str]:
    """The topic an intent asks about, or the topics a claim's facts are corrected with; [] for other intents
    (the conversation acts, such as ask_more, and small talk)."""
    asked = topic_asked_by(intent)
    return [asked] if asked else [name for name, policy in topic_policies().items() if intent in policy.corrects]


def topic_intents() -> Tuple[str, ...]:
    """The intents that ask about a topic: what a topic button may send."""
    return tuple(policy.intent for policy in topic_policies().values() if policy.intent)


def topic_after_personal_question() -> Optional[str]:
    """The topic whose general facts follow the reply to "am I eligible?"."""
    return next((name for name, policy in topic_policies().items() if policy.after_personal), None)


def is_claim(intent: str) -> bool:
    """Whether the intent is a claim a visitor pushes ("it cures MS"), corrected by a topic's facts."""
    return any(intent in policy.corrects for policy in topic_policies().values())


def advice_topics() -> tuple:
    return tuple(name for name, policy in topic_policies().items() if policy.advice_prone)


def by_country_topics() -> tuple:
    return tuple(name for name, policy in topic_policies().items() if policy.by_country)




@functools.lru_cache(maxsize=1)
def retrieval_settings() -> Dict[str, float]:
    path = settings.path("AHSCT_RETRIEVAL_FILE")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: float(value) for block in ("similarity", "set_by_hand") for name, value in raw.get(block, {}).items()}


def retrieval_setting(name: str) -> float:
    """A similarity threshold of content/retrieval.yml (calibrated by scripts/calibrate_retrieval.py)."""
    return retrieval_settings()[name]
