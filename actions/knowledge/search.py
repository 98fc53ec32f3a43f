"""Rank corpus passages with BM25 (the bm25s library) over spaCy search terms."""
from __future__ import annotations

from collections import Counter
from typing import Iterable, List, Optional, Sequence, Tuple

import bm25s
from spacy.language import Language

from actions.knowledge.corpus import Passage
from actions.knowledge.language import Terms, analyse, places_named

# An open search (no topic) must share this many content terms with a passage, or one named entity.
MIN_SHARED_CONTENT_TERMS = 2
# A word found in at most this share of the passages says what a question is specifically about.
SPECIFIC_TERM_SHARE = 0.05
TREATMENT_TERMS = {"ent:ahsct", "ent:stem_cell_therapy"}


class PassageIndex:
    def __init__(self, nlp: Language, passages: Sequence[Passage]):
        self.nlp = nlp
        self.passages = list(passages)
        # Headings are indexed with the text: they say in a few words what a passage answers.
        self.terms = [analyse(nlp, f"{p.heading}\n{p.text}") for p in self.passages]
        self.document_frequency = Counter(term for terms in self.terms for term in terms.content)
        self.heading_entities = {p.id: analyse(nlp, p.heading).entities for p in self.passages}
        self._bm25 = bm25s.BM25()
        self._bm25.index([terms.all for terms in self.terms], show_progress=False)

    def search(
        self,
        query: str,
        topics: Optional[Iterable[str]] = None,
        limit: int = 3,
        entities_only: bool = False,
        min_shared_terms: Optional[int] = None,
        ranked_only: bool = False,
        min_specific_terms: Optional[int] = None,
    ) -> List[Passage]:
        """Best passages for the query, best first.

        With ``topics``: only passages tagged with one of them (in corpus order when the
        query has no useful words, a button press say). Without: only passages that share
        enough with the query to answer it. With ``entities_only``: only passages naming an
        entity the query names. With ``min_shared_terms``: only passages sharing that many content
        words with the query, named things or not. With ``ranked_only``: only passages it scores above 0. With
        ``min_specific_terms``: only passages sharing that many specific words (found in few passages).
        """
        query_terms = analyse(self.nlp, query)
        # bm25s cannot score an empty query: then every passage scores 0.
        scores = self._bm25.get_scores(query_terms.all) if query_terms.all else [0.0] * len(self.passages)
        wanted = set(topics or ())
        candidates = [
            (score, position)
            for position, score in enumerate(scores)
            if self._eligible(position, query_terms, wanted, entities_only)
            and (min_shared_terms is None or len(query_terms.content & self.terms[position].content) >= min_shared_terms)
            and (min_specific_terms is None or len(self._specific(query_terms.content & self.terms[position].content)) >= min_specific_terms)
        ]
        if ranked_only:  # only passages the query's words actually score (not a button press's corpus order)
            candidates = [pair for pair in candidates if pair[0] > 0]
        candidates.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.passages[position] for _, position in candidates[:limit]]

    def _eligible(self, position: int, query: Terms, wanted_topics: set, entities_only: bool) -> bool:
        passage_terms = self.terms[position]
        if entities_only and not query.entities & passage_terms.entities:
            return False
        if wanted_topics:
            return bool(wanted_topics.intersection(self.passages[position].topics))
        shared = query.content & passage_terms.content
        return len(shared) >= MIN_SHARED_CONTENT_TERMS or bool(query.entities & passage_terms.entities)

    def _specific(self, terms: Iterable[str]) -> set:
        most = SPECIFIC_TERM_SHARE * len(self.passages)
        return {term for term in terms if self.document_frequency.get(term, 0) <= most}

    def names_what_query_names(self, passage: Passage, query: str) -> bool:
        """Whether the passage names a specific thing the query names."""
        return bool(self.terms[self.passages.index(passage)].entities & analyse(self.nlp, query).entities)

    def heading_names(self, passage: Passage, query: str) -> bool:
        """Whether the passage's heading names a specific thing the query names."""
        return bool(self.heading_entities.get(passage.id, frozenset()) & analyse(self.nlp, query).entities)

    def places(self, query: str) -> List[Tuple[str, str]]:
        """(the words as written, the entity term) of each place the query names."""
        return places_named(self.nlp, query)

    def names_treatment(self, query: str) -> bool:
        """Whether the query names AHSCT or stem cell therapy in any of their spellings."""
        return bool(analyse(self.nlp, query).content & TREATMENT_TERMS)
