"""Rasa NLU component: a pretrained sentence embedding (all-MiniLM-L6-v2) as the message's dense sentence feature.

Sparse word and character counts learned from a few hundred examples cannot place words they never saw;
a pretrained embedding puts "How does HSCT work?" near "how is AHSCT done". DIET takes the vector beside
the sparse features. Rasa's own LanguageModelFeaturizer runs the same model eagerly (about 77 ms a message
here); nlp/embeddings.py runs it as one compiled graph (about 9 ms).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.embeddings import shared_embedder

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # A path relative to the project root, so a trained model works wherever the project is cloned.
        return {**DenseFeaturizer.get_default_config(), "model_folder": "build/minilm"}

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._folder = PROJECT_ROOT / self._config["model_folder"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process(self, messages: List[Message]) -> List[Message]:
        # Only messages the tokenizer found words in: DIET expects sentence features beside sparse ones, and a
        # message of blanks has none (its dense feature alone broke DIET's input signature).
        wanted = [(message, message.get(TEXT)) for message in messages if message.get(TOKENS_NAMES[TEXT])]
        if not wanted:
            return messages
        # One batch for all messages: training featurises every example in a few seconds.
        vectors = shared_embedder(str(self._folder)).embed([text for _, text in wanted])
        for (message, _), vector in zip(wanted, vectors):
            message.add_features(Features(
                vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, self._config[FEATURIZER_CLASS_ALIAS],
            ))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
