"""Rank corpus passages with BM25 (the bm25s library) over spaCy search terms."""
from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

import bm25s
from spacy.language import Language

from actions.knowledge.corpus import Passage
from actions.knowledge.language import search_terms


class PassageIndex:
    def __init__(self, nlp: Language, passages: Sequence[Passage]):
        self.nlp = nlp
        self.passages = list(passages)
        self._bm25 = bm25s.BM25()
        # Headings are indexed with the text: they say in a few words what a passage answers.
        self._bm25.index(
            [search_terms(nlp, f"{p.heading}\n{p.text}") for p in self.passages],
            show_progress=False,
        )

    def search(self, query: str, topics: Optional[Iterable[str]] = None, limit: int = 3) -> List[Passage]:
        """Best passages for the query, best first.

        With ``topics``, only passages tagged with one of them, in corpus order
        when the query has no useful words (a button press, say). Without
        ``topics``, only passages that share a term with the query.
        """
        wanted = set(topics or ())
        terms = search_terms(self.nlp, query)
        # bm25s cannot score an empty query (a button press has no words): all passages score 0.
        scores = self._bm25.get_scores(terms) if terms else [0.0] * len(self.passages)
        candidates = [
            (score, position)
            for position, (score, passage) in enumerate(zip(scores, self.passages))
            if _eligible(passage, score, wanted)
        ]
        candidates.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.passages[position] for _, position in candidates[:limit]]


def _eligible(passage: Passage, score: float, wanted_topics: set) -> bool:
    if wanted_topics:
        return bool(wanted_topics.intersection(passage.topics))
    return score > 0
