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


def asking_topics() -> list:
    return [policy for policy in topic_policies().values() if not policy.tag_only]


def asking_intents() -> set:
    return {policy.intent for policy in asking_topics()}


def corpus_topics() -> set:
    return {topic for passage in load_corpus(ROOT / "data" / "corpus") for topic in passage.topics}


def test_every_corpus_topic_has_its_content_policy():
    assert corpus_topics() - set(topic_policies()) == set()


def test_every_topics_intent_is_in_the_domain_with_training_examples_and_a_rule():
    intents = asking_intents()
    assert intents - set(DOMAIN["intents"]) == set(), "add the intent to domain.yml"
    assert intents - intents_with_examples() == set(), "add training examples under data/nlu/"
    assert intents - intents_answered_from_the_corpus() == set(), "add a rule: the intent, then action_answer_from_corpus"


def test_every_topic_the_corpus_asks_about_has_its_intent_and_button_and_no_tag_is_asked():
    asked = {policy.name for policy in asking_topics()}
    assert corpus_topics() - asked == {policy.name for policy in topic_policies().values() if policy.tag_only}
    assert [policy.name for policy in asking_topics() if not (policy.intent and policy.button)] == []


def menu(response: str) -> list:
    return [(button["title"], button["payload"]) for button in DOMAIN["responses"][response][0]["buttons"]]


def test_the_domain_menus_are_the_topics_buttons_in_the_order_of_the_content_policy():
    every = [(policy.button, f"/{policy.intent}") for policy in asking_topics()]
    welcome = [(policy.button, f"/{policy.intent}") for policy in asking_topics() if policy.on_welcome]
    assert menu("utter_topic_menu") == every, "domain.yml's utter_topic_menu follows content/topics.yml"
    assert menu("utter_welcome") == welcome, "the welcome's topic_buttons are the topics marked on_welcome"


def test_exactly_one_topic_follows_a_personal_question():
    assert len([policy for policy in topic_policies().values() if policy.after_personal]) == 1
