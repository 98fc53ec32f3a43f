"""A topic is added in a few places (docs/ARCHITECTURE.md, "Adding a topic"); these fail when one is missed."""
from __future__ import annotations


import yaml

from settings import PROJECT_ROOT
from actions.knowledge.corpus import load_corpus
from actions.knowledge.topics import topic_policies

ROOT = PROJECT_ROOT
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def yaml_files(folder: str):
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / folder).glob("*.yml"))]


def intents_with_examples() -> set:
    return {block["intent"] for data in yaml_files("data/nlu") for block in data.get("nlu", []) if "intent" in block}


def intents_answered_from_the_corpus() -> set:
    """Intents a rule answers with action_answer_from_corpus as its next step."""
    answered = set()
    for data in yaml_files("data/rules"):
        for rule in data.get("rules", []):
            steps = rule.get("steps", [])
            for step, following in zip(steps, steps[1:], strict=False):
                if "intent" in step and following.get("action") == "action_answer_from_corpus":
                    answered.add(step["intent"])
    return answered


def asking_intents() -> set:
    return {policy.asked_by for policy in topic_policies().values() if policy.name in corpus_topics() and policy.asked_by}


def corpus_topics() -> set:
    return {topic for passage in load_corpus(ROOT / "data" / "corpus") for topic in passage.topics}


def test_every_corpus_topic_has_its_content_policy():
    assert corpus_topics() - set(topic_policies()) == set()


def test_every_topics_intent_is_in_the_domain_with_training_examples_and_a_rule():
    intents = asking_intents()
    assert intents - set(DOMAIN["intents"]) == set(), "add the intent to domain.yml"
    assert intents - intents_with_examples() == set(), "add training examples under data/nlu/"
    assert intents - intents_answered_from_the_corpus() == set(), "add a rule: the intent, then action_answer_from_corpus"


def test_every_topic_button_sends_an_intent_of_the_domain():
    buttons = DOMAIN["responses"]["utter_topic_menu"][0]["buttons"]
    sent = {button["payload"][1:].split("{")[0] for button in buttons}
    assert sent - set(DOMAIN["intents"]) == set()
