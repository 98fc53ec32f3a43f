"""The knowledge base the actions ask: the corpus, its index, and how answers are chosen."""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import List, Sequence

import spacy

from actions.knowledge.corpus import Passage, load_corpus
from actions.knowledge.search import PassageIndex

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"
DEFAULT_SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy" / "ahsct_pipeline"
# One passage from each source at most, so an answer stays short and names every source once.
PASSAGES_PER_ANSWER = 2


class KnowledgeBase:
    def __init__(self, passages: Sequence[Passage], nlp: "spacy.language.Language"):
        self.passages = list(passages)
        self.index = PassageIndex(nlp, self.passages)

    @classmethod
    def from_folder(cls, corpus_dir: Path, spacy_pipeline: Path) -> "KnowledgeBase":
        return cls(load_corpus(corpus_dir), spacy.load(spacy_pipeline))

    def topics(self) -> set:
        return {topic for passage in self.passages for topic in passage.topics}

    def answer(self, topic: str, question: str, limit: int = PASSAGES_PER_ANSWER) -> List[Passage]:
        """The passages that answer a question on a known topic, best first, one per document.

        A passage whose first topic is this one answers it directly, so it comes before
        passages that only touch the topic, whatever the question's words (typos included).
        """
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages))
        ranked.sort(key=lambda passage: passage.main_topic != topic)  # stable: keeps the BM25 order
        chosen: List[Passage] = []
        for passage in ranked:
            if all(passage.document != other.document for other in chosen):
                chosen.append(passage)
            if len(chosen) == limit:
                break
        return chosen


@functools.lru_cache(maxsize=1)
def shared_knowledge_base() -> KnowledgeBase:
    """Loaded and indexed once per action-server process, on first use."""
    corpus_dir = Path(os.environ.get("AHSCT_CORPUS_DIR", DEFAULT_CORPUS_DIR))
    pipeline = Path(os.environ.get("AHSCT_SPACY_PIPELINE", DEFAULT_SPACY_PIPELINE))
    return KnowledgeBase.from_folder(corpus_dir, pipeline)
