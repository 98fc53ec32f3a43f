"""Rasa NLU component, first in the pipeline: NLU reads the question inside a long message
(safety/question_focus.py); the whole message is kept as `full_text` for the message guard's safety checks."""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.stateless import StatelessComponent
from safety.question_focus import question_in

FULL_TEXT = "full_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class QuestionFocus(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            message.set(FULL_TEXT, text)
            question = question_in(text)
            if question != text:
                message.set(TEXT, question)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples are questions already
