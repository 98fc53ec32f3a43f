"""Rank corpus passages by words (BM25, the bm25s library, over spaCy terms) and by meaning (sentence
embeddings of each passage and of the questions its editor wrote for it), fused by reciprocal rank."""
from __future__ import annotations

from collections import Counter
from difflib import get_close_matches
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import bm25s
import numpy as np
from spacy.language import Language

from actions.knowledge.corpus import Passage
from actions.knowledge.terms import ENTITY_PREFIX, Terms, places_in, terms_of

# An open search (no topic) must share this many content terms with a passage, or one named entity.
MIN_SHARED_CONTENT_TERMS = 2
# A word found in at most this share of the passages says what a question is specifically about.
SPECIFIC_TERM_SHARE = 0.05
TREATMENT_TERMS = {"ent:ahsct", "ent:stem_cell_therapy"}
# How alike (difflib's ratio) a word must be to one of the corpus's to count as its misspelling ("trails", "aproved").
TYPO_SIMILARITY = 0.8
# Shorter words are too alike to tell a misspelling from another word ("diet" is not "die").
MIN_TYPO_LENGTH = 5
# Reciprocal rank fusion's constant: the usual 60 lets neither ranking's top place dominate alone.
FUSION_K = 60
# A turn asks the index about one question several times; its analysis is kept for the last few questions.
QUERY_CACHE_SIZE = 32


@dataclass
class Query:
    """A question analysed once: its terms, places, and its similarity in meaning to every passage."""

    text: str
    terms: Terms
    places: List[Tuple[str, str]]
    bm25: np.ndarray
    meaning: np.ndarray  # best cosine similarity of the question to each passage (0 without embeddings)
    fused: np.ndarray = field(default_factory=lambda: np.zeros(0))


class PassageIndex:
    def __init__(self, nlp: Language, passages: Sequence[Passage], embedder=None):
        self.nlp = nlp
        self.passages = list(passages)
        self.position = {passage.id: position for position, passage in enumerate(self.passages)}
        # Headings are indexed with the text: they say in a few words what a passage answers.
        self.terms = [terms_of(nlp(f"{p.heading}\n{p.text}".lower())) for p in self.passages]
        self.document_frequency = Counter(term for terms in self.terms for term in terms.content)
        self.heading_entities = {p.id: terms_of(nlp(p.heading.lower())).entities for p in self.passages}
        # What a passage's document is about, by its organisation and title ("Scottish Health Technologies
        # Group", "Canadian phase 2 trial"): its passages need not name it again in every paragraph.
        about_document = {d.path: terms_of(nlp(f"{d.organisation}\n{d.title}\n{d.date}".lower())).entities for d in {p.document for p in self.passages}}
        self.about_entities = {p.id: self.terms[i].entities | about_document[p.document.path] for i, p in enumerate(self.passages)}
        # Every content word the corpus uses, its editors' questions included: a question word outside it (and
        # not a misspelling of one) is a subject the sources never mention ("diet").
        self.vocabulary = frozenset().union(*(t.content for t in self.terms),
                                            *(terms_of(nlp(q.lower())).content for p in self.passages for q in p.questions))
        self._bm25 = bm25s.BM25()
        self._bm25.index([terms.all for terms in self.terms], show_progress=False)
        self.embedder = embedder
        self._vectors, self._starts = self._embed_passages() if embedder is not None else (None, None)
        self._queries: Dict[str, Query] = {}

    def _embed_passages(self) -> Tuple[np.ndarray, np.ndarray]:
        # Each passage is met by its text, its heading and each question its editor wrote: rows are contiguous
        # per passage, so the best row of each passage is one np.maximum.reduceat.
        starts = np.cumsum([0] + [len(texts_of(p)) for p in self.passages[:-1]])
        return self.embedder.embed(texts_to_embed(self.passages)), starts

    def query(self, text: str) -> Query:
        """The question's analysis: spaCy, BM25 and the embedding each run once per question."""
        found = self._queries.get(text)
        if found is None:
            if len(self._queries) >= QUERY_CACHE_SIZE:
                self._queries.clear()
            found = self._queries[text] = self._analyse(text)
        return found

    def _analyse(self, text: str) -> Query:
        doc = self.nlp(text.lower())
        terms = terms_of(doc)
        # bm25s cannot score an empty query: then every passage scores 0.
        bm25 = np.asarray(self._bm25.get_scores(terms.all), dtype=float) if terms.all else np.zeros(len(self.passages))
        meaning = np.zeros(len(self.passages))
        if self._vectors is not None and text.strip() and self.passages:
            meaning = np.maximum.reduceat(self._vectors @ self.embedder.embed([text])[0], self._starts).astype(float)
        query = Query(text=text, terms=terms, places=places_in(doc, text), bm25=bm25, meaning=meaning)
        query.fused = fused_ranks(bm25, meaning) if terms.all else np.zeros(len(self.passages))
        return query

    def meaning(self, passage: Passage, question: str) -> float:
        """How close in meaning the question is to the passage (its text, heading or editor's questions), -1 to 1."""
        return float(self.query(question).meaning[self.position[passage.id]])

    def search(
        self,
        query: str,
        topics: Optional[Iterable[str]] = None,
        limit: int = 3,
        entities_only: bool = False,
        ranked_only: bool = False,
        min_specific_terms: Optional[int] = None,
        words_only: bool = False,
    ) -> List[Passage]:
        """Best passages for the query, best first (words and meaning fused).

        With ``topics``: only passages tagged with one of them (in corpus order when the
        query has no useful words, a button press say). Without: only passages that share
        enough with the query to answer it. With ``entities_only``: only passages naming an
        entity the query names. With ``ranked_only``: only passages its words score above 0. With
        ``min_specific_terms``: only passages sharing that many specific words (found in few passages). With
        ``words_only``: ranked by BM25 alone.
        """
        asked = self.query(query)
        wanted = set(topics or ())
        candidates = [
            position for position in range(len(self.passages))
            if self._eligible(position, asked.terms, wanted, entities_only)
            and (min_specific_terms is None or len(self._specific(asked.terms.content & self.terms[position].content)) >= min_specific_terms)
        ]
        if ranked_only:  # only passages the query's words actually score (not a button press's corpus order)
            candidates = [position for position in candidates if asked.bm25[position] > 0]
        order = asked.bm25 if words_only else asked.fused
        candidates.sort(key=lambda position: (-order[position], position))
        return [self.passages[position] for position in candidates[:limit]]

    def closest_in_meaning(self, query: str, eligible) -> List[Tuple[Passage, float]]:
        """(passage, similarity) of the passages ``eligible`` accepts, closest in meaning first."""
        meaning = self.query(query).meaning
        pairs = [(p, float(meaning[i])) for i, p in enumerate(self.passages) if eligible(p)]
        return sorted(pairs, key=lambda pair: -pair[1])

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
        return bool(self.terms[self.position[passage.id]].entities & self.query(query).terms.entities)

    def about_shared(self, passage: Passage, query: str) -> int:
        """How many of the specific things the query names the passage or its document (organisation, title)
        names: "the Canadian trial" is what every passage of the trial's paper is about."""
        return len(self.about_entities[passage.id] & self.query(query).terms.entities)

    def heading_names(self, passage: Passage, query: str) -> int:
        """How many of the specific things the query names the passage's heading names."""
        return len(self.heading_entities.get(passage.id, frozenset()) & self.query(query).terms.entities)

    def places(self, query: str) -> List[Tuple[str, str]]:
        """(the words as written, the entity term) of each place the query names."""
        return self.query(query).places

    def unknown_words(self, query: str) -> List[str]:
        """The query's content words that no passage uses, nor anything spelt like them ("aproved" is approved)."""
        words = [word for word in self.query(query).terms.content
                 if not word.startswith(ENTITY_PREFIX) and word.isalpha() and len(word) > 2 and word not in self.vocabulary]
        return [word for word in words
                if len(word) < MIN_TYPO_LENGTH or not get_close_matches(word, self.vocabulary, n=1, cutoff=TYPO_SIMILARITY)]

    def names_treatment(self, query: str) -> bool:
        """Whether the query names AHSCT or stem cell therapy in any of their spellings."""
        return bool(self.query(query).terms.content & TREATMENT_TERMS)


def texts_of(passage: Passage) -> List[str]:
    return [f"{passage.heading}\n{passage.text}", passage.heading, *passage.questions]


def texts_to_embed(passages: Sequence[Passage]) -> List[str]:
    """What `make ingest` embeds, and the index meets questions with: each passage's rows, in corpus order."""
    return [text for passage in passages for text in texts_of(passage)]


def fused_ranks(bm25: np.ndarray, meaning: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion: 1/(k + rank) summed over the word ranking and the meaning ranking.

    A passage no query word scores gets no word rank, so words never promote a passage they do not match.
    """
    fused = np.zeros(len(bm25))
    word_order = np.argsort(-bm25, kind="stable")
    for rank, position in enumerate(word_order, 1):
        if bm25[position] > 0:
            fused[position] += 1.0 / (FUSION_K + rank)
    if np.any(meaning):
        for rank, position in enumerate(np.argsort(-meaning, kind="stable"), 1):
            fused[position] += 1.0 / (FUSION_K + rank)
    return fused
