"""The knowledge base the actions ask: the corpus, its index, and how answers are chosen."""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

import spacy

from actions.knowledge.corpus import Passage, load_corpus
from actions.knowledge.search import PassageIndex

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"
DEFAULT_SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy" / "ahsct_pipeline"
# One passage from each source at most, so an answer stays short and names every source once.
PASSAGES_PER_ANSWER = 2
# A question naming something ("skin cells", "Paris") gets every passage about it, up to this many.
PASSAGES_PER_NAMED_ANSWER = 3


class KnowledgeBase:
    def __init__(self, passages: Sequence[Passage], nlp: "spacy.language.Language"):
        self.passages = list(passages)
        self.index = PassageIndex(nlp, self.passages)

    @classmethod
    def from_folder(cls, corpus_dir: Path, spacy_pipeline: Path) -> "KnowledgeBase":
        return cls(load_corpus(corpus_dir), spacy.load(spacy_pipeline))

    def topics(self) -> set:
        return {topic for passage in self.passages for topic in passage.topics}

    def answer(self, topic: str, question: str) -> List[Passage]:
        """The passages that answer a question on a known topic, best first.

        A question that names something (an institution, a cell type, a place...) gets the
        topic's passages about it, after the topic's direct answer when none of them is one.
        Otherwise a passage whose first topic is this one answers directly, so it comes before
        passages that only touch the topic, whatever the question's words (typos included),
        one passage per document.
        """
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages))
        ranked.sort(key=lambda passage: passage.main_topic != topic)  # stable: keeps the BM25 order
        direct = one_per_document(ranked, PASSAGES_PER_ANSWER)
        named = self._about_named_things(question, [topic])
        if named and not any(passage.main_topic == topic for passage in named):
            # "Would it help progressive MS?": the direct answer first, then what names progressive MS.
            return (direct[:1] + [p for p in named if p not in direct[:1]])[:PASSAGES_PER_NAMED_ANSWER]
        return named or direct

    def follow_up(self, topic: Optional[str], question: str) -> List[Passage]:
        """'What about in Paris?': the current topic's passages about what the question names, else any passage about it."""
        named = self._about_named_things(question, [topic] if topic else None)
        return named or self._about_named_things(question, None)

    def more(self, topic: str, shown_ids: Iterable[str]) -> List[Passage]:
        """'Tell me more': the topic's passages not shown yet, direct answers first."""
        shown = set(shown_ids)
        fresh = [p for p in self.passages if topic in p.topics and p.id not in shown]
        fresh.sort(key=lambda passage: passage.main_topic != topic)
        return fresh[:PASSAGES_PER_ANSWER]

    def open_search(self, question: str, topics: Optional[Iterable[str]] = None) -> List[Passage]:
        """Passages that truly share something with the question, for questions NLU did not place."""
        found = self.index.search(question, limit=len(self.passages))
        if topics is not None:
            wanted = set(topics)
            found = [p for p in found if wanted.intersection(p.topics)]
        return one_per_document(found, PASSAGES_PER_ANSWER)

    def _about_named_things(self, question: str, topics: Optional[List[str]]) -> List[Passage]:
        # With entities_only, a question that names nothing specific matches no passage.
        return self.index.search(question, topics=topics, limit=PASSAGES_PER_NAMED_ANSWER, entities_only=True)


def one_per_document(ranked: Iterable[Passage], limit: int) -> List[Passage]:
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
