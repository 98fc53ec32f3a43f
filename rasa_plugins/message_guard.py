"""A Rasa NLU component that runs last and decides, before any answer, how a message must be handled.

Thin: the decisions are made by safety.checks and nlp.language_detection, which are tested without Rasa.
- crisis, emergency, unwell (safety/patterns.yml) override the intent, so the safe reply comes first;
- odd input (empty, no words, huge, code-like) becomes `odd_input`;
- a request for a personal decision becomes `ask_personal_advice`;
- a message in Italian, French, Spanish or German that NLU did not understand becomes `other_language`.
Every message also gets a `language` entity, which fills the `language` slot.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from nlp.language_detection import ENGLISH, detect_language
from rasa_plugins.question_focus import FULL_TEXT
from rasa_plugins.stateless import StatelessComponent
from safety.checks import decide_intent, odd_input


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageGuard(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._guard(message)
        return messages

    def _guard(self, message: Message) -> None:
        # The whole message, not only the question NLU read (rasa_plugins/question_focus.py): a crisis may be in the story.
        text = message.get(FULL_TEXT) or message.get("text") or ""
        language = ENGLISH if odd_input(text) else detect_language(text)
        message.set("entities", [*message.get("entities", []), _language_entity(text, language)], add_to_output=True)
        override = decide_intent(text, language, message.get("intent") or {})
        if override:
            _set_intent(message, override)


def _language_entity(text: str, language: str) -> Dict[Text, Any]:
    return {"entity": "language", "value": language, "start": 0, "end": len(text),
            "confidence": 1.0, "extractor": "MessageGuard"}


def _set_intent(message: Message, name: str) -> None:
    chosen = {"name": name, "confidence": 1.0}
    ranking = [entry for entry in message.get("intent_ranking", []) if entry.get("name") != name]
    message.set("intent", chosen, add_to_output=True)
    message.set("intent_ranking", [chosen, *ranking], add_to_output=True)
