"""The content policy editors keep in content/topics.yml: how the bot treats each corpus topic."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import yaml

import settings

TOPIC_INTENT_PREFIX = "ask_"
# Intents named ask_ that are conversation acts, not topics.
CONVERSATION_ACTS = ("ask_more", "ask_followup", "ask_personal_advice")


@dataclass(frozen=True)
class TopicPolicy:
    name: str
    time_sensitive: bool = False
    advice_prone: bool = False
    by_country: bool = False
    summary_first: bool = False
    corrects: Tuple[str, ...] = ()
    tag_only: bool = False

    @property
    def asked_by(self) -> Optional[str]:
        """The intent that asks about the topic, `ask_<topic>`; None for a tag."""
        return None if self.tag_only else f"{TOPIC_INTENT_PREFIX}{self.name}"


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


def topics_of_intent(intent: str) -> List[str]:
    """The topic an intent asks about, or the topics a claim's facts are corrected with; [] for other intents.

    An `ask_<topic>` intent the file does not list still asks about <topic>: an editor's new topic works
    before its entry is written."""
    policies = topic_policies().values()
    listed = [p.name for p in policies if p.asked_by == intent] or [p.name for p in policies if intent in p.corrects]
    if listed or intent in CONVERSATION_ACTS or not intent.startswith(TOPIC_INTENT_PREFIX):
        return listed
    return [intent[len(TOPIC_INTENT_PREFIX):]]


def is_claim(intent: str) -> bool:
    """Whether the intent is a claim a visitor pushes ("it cures MS"), corrected by a topic's facts."""
    return any(intent in policy.corrects for policy in topic_policies().values())


def advice_topics() -> tuple:
    return tuple(name for name, policy in topic_policies().items() if policy.advice_prone)




@functools.lru_cache(maxsize=1)
def retrieval_settings() -> Dict[str, float]:
    path = settings.path("AHSCT_RETRIEVAL_FILE")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: float(value) for block in ("similarity", "set_by_hand") for name, value in raw.get(block, {}).items()}


def retrieval_setting(name: str) -> float:
    """A similarity threshold of content/retrieval.yml (calibrated by scripts/calibrate_retrieval.py)."""
    return retrieval_settings()[name]
