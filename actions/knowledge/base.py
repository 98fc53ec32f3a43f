"""The knowledge base the actions ask: the corpus, its index, and how answers are chosen."""
from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Collection, Iterable, List, Optional, Sequence, Tuple

import spacy

from actions.knowledge.corpus import Passage, load_corpus
from actions.knowledge.search import PassageIndex
from actions.knowledge.snapshot import read_snapshot
from actions.knowledge.topics import policy_of

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"
DEFAULT_SNAPSHOT = PROJECT_ROOT / "build" / "corpus" / "corpus.json"
DEFAULT_SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy" / "ahsct_pipeline"
# A passage on a topic no intent routes to (an editor's new document) answers a question only when it
# shares this many content words with it: enough that it is about the question, not just about AHSCT.
NEW_TOPIC_MIN_SHARED_TERMS = 3
# One passage from each source at most, so an answer stays short and names every source once.
PASSAGES_PER_ANSWER = 2
# A question naming something ("skin cells", "Paris") gets every passage about it, up to this many.
PASSAGES_PER_NAMED_ANSWER = 3
# A passage of another topic joins an answer when it shares this many specific words with the question
# (search.py: words found in few passages). Two, like the open search's rule, so a question's general words
# ("stem cell", "MS", "treatment") never pull in a passage.
OTHER_TOPIC_MIN_SPECIFIC_TERMS = 2


class KnowledgeBase:
    def __init__(self, passages: Sequence[Passage], nlp: "spacy.language.Language"):
        self.passages = list(passages)
        self.index = PassageIndex(nlp, self.passages)

    def topics(self) -> set:
        return {topic for passage in self.passages for topic in passage.topics}

    def answer(self, topic: str, question: str) -> List[Passage]:
        """The topic's answer (below), and the passage of another topic that matches the question's specific
        words, when one does: NLU may place "will the chemo make me infertile?" in a neighbouring topic."""
        chosen = self._topic_answer(topic, question)
        return chosen + self._beyond_the_topic(topic, question, chosen) if chosen else chosen

    def _beyond_the_topic(self, topic: str, question: str, chosen: List[Passage]) -> List[Passage]:
        # A thing the question names ("the work group on HSCT") that nothing in the topic's answer names.
        named = [p for p in self.index.search(question, limit=len(self.passages), entities_only=True)
                 if topic not in p.topics and not p.is_summary]
        if named and not any(self.index.names_what_query_names(p, question) for p in chosen):
            return named[:1]
        found = self.index.search(question, limit=3, min_specific_terms=OTHER_TOPIC_MIN_SPECIFIC_TERMS)
        return [p for p in found if p not in chosen and not p.is_summary and topic not in p.topics][:1]

    def _topic_answer(self, topic: str, question: str) -> List[Passage]:
        """The passages that answer a question on a known topic, best first.

        A question that names something (an institution, a cell type, a place, a trial...) gets the
        topic's passages about it, after the topic's direct answer when none of them is one.
        Otherwise the topic's summary (the short first answer that brings the sources together, with
        their dates) answers alone, and "tell me more" gives the rest. A topic without a summary is
        answered by the passages whose first topic it is, before those that only touch it, whatever
        the question's words (typos included), one passage per document.
        """
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages))
        ranked.sort(key=lambda passage: passage.main_topic != topic)  # stable: keeps the BM25 order
        lead = self._lead(topic, question, ranked)
        named = self._about_named_things(question, [topic])
        if lead and policy_of(topic).summary_first:
            # "Is it FDA approved?", "is it available in Scotland?": how things stand first, then the named thing.
            return lead + named[:1]
        direct = lead or one_per_document([p for p in ranked if not p.is_summary], PASSAGES_PER_ANSWER)
        if named and not any(passage.main_topic == topic for passage in named):
            # "Would it help progressive MS?": the direct answer first, then what names progressive MS.
            return (direct[:1] + [p for p in named if p not in direct[:1]])[:PASSAGES_PER_NAMED_ANSWER]
        return named or direct

    def _lead(self, topic: str, question: str, ranked: List[Passage]) -> List[Passage]:
        """The topic's summary, when it answers first: always where the content policy says so (an outdated
        single source must never answer "is it approved?" first), else when it matches the question best."""
        summaries = [p for p in ranked if p.is_summary and p.main_topic == topic]
        if not summaries or policy_of(topic).summary_first:
            # The topic's first summary in the file is its main answer; "tell me more" brings the others.
            return sorted(summaries, key=self.passages.index)[:1]
        best = self.index.search(question, topics=[topic], limit=1, ranked_only=True)
        return best if best and best[0] in summaries else []

    def places_not_covered(self, question: str, topic: str) -> List[str]:
        """The places the question names (as written) that no passage on the topic mentions."""
        covered = {entity for p, terms in zip(self.passages, self.index.terms) if topic in p.topics for entity in terms.entities}
        return [text for text, entity in self.index.places(question) if entity not in covered]

    def follow_up(self, topic: Optional[str], question: str) -> List[Passage]:
        """'What about in Paris?': the current topic's passages about what the question names, else any passage about it."""
        named = self._about_named_things(question, [topic] if topic else None)
        return named or self._about_named_things(question, None)

    def more(self, topic: str, shown_ids: Iterable[str], question: str = "") -> List[Passage]:
        """'Tell me more': the topic's passages not shown yet, those closest to the visitor's question first,
        and those whose first topic it is before those that only touch it."""
        shown = set(shown_ids)
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages))  # BM25, else corpus order
        fresh = [p for p in ranked if p.id not in shown]
        fresh.sort(key=lambda passage: passage.main_topic != topic)  # stable: keeps the BM25 order
        return fresh[:PASSAGES_PER_ANSWER]

    def has_more(self, topic: str, shown_ids: Iterable[str]) -> bool:
        shown = set(shown_ids)
        return any(topic in p.topics and p.id not in shown for p in self.passages)

    def open_search(self, question: str, topics: Optional[Iterable[str]] = None) -> List[Passage]:
        """Passages that truly share something with the question, for questions NLU did not place."""
        found = self.index.search(question, limit=len(self.passages))
        if topics is not None:
            wanted = set(topics)
            found = [p for p in found if wanted.intersection(p.topics)]
        return one_per_document(found, PASSAGES_PER_ANSWER)

    def on_new_topics(self, question: str, routed_topics: Collection[str]) -> List[Passage]:
        """Passages whose main topic no intent asks about, sharing several content words with the question.

        An editor's document on a new subject has no intent of its own until the model is retrained; this is
        how its passages answer in the meantime, whatever intent NLU guessed.
        """
        candidates = [p for p in self.passages if p.main_topic not in routed_topics]
        if not candidates:
            return []
        found = self.index.search(question, limit=len(self.passages), min_shared_terms=NEW_TOPIC_MIN_SHARED_TERMS)
        return one_per_document([p for p in found if p in candidates], PASSAGES_PER_ANSWER)

    def _about_named_things(self, question: str, topics: Optional[List[str]]) -> List[Passage]:
        # With entities_only, a question that names nothing specific matches no passage. Summaries name
        # nearly everything; a question about one thing ("and in Scotland?") wants the passage about it.
        found = self.index.search(question, topics=topics, limit=len(self.passages), entities_only=True)
        # A passage whose heading names the thing is about it, not just mentioning it ("What is the BEAT-MS trial?").
        found.sort(key=lambda passage: not self.index.heading_names(passage, question))
        return [p for p in found if not p.is_summary][:PASSAGES_PER_NAMED_ANSWER]


def one_per_document(ranked: Iterable[Passage], limit: int) -> List[Passage]:
    chosen: List[Passage] = []
    for passage in ranked:
        if all(passage.document != other.document for other in chosen):
            chosen.append(passage)
        if len(chosen) == limit:
            break
    return chosen


class LiveKnowledgeBase:
    """The knowledge base of the latest published corpus snapshot (`make ingest`), reloaded when it changes.

    Without a snapshot the corpus folder is read directly. A snapshot that cannot be read leaves the
    previous knowledge base serving.
    """

    def __init__(self) -> None:
        self._version: Optional[Tuple] = None
        self._knowledge: Optional[KnowledgeBase] = None

    def current(self) -> KnowledgeBase:
        snapshot = Path(os.environ.get("AHSCT_CORPUS_SNAPSHOT", DEFAULT_SNAPSHOT))
        version = snapshot_version(snapshot)
        if self._knowledge is None or version != self._version:
            try:
                self._knowledge = KnowledgeBase(self._passages(snapshot, version), spacy_pipeline())
                self._version = version
                logger.info("Corpus loaded: %d passages (%s)", len(self._knowledge.passages), snapshot if version else "folder")
            except (OSError, ValueError) as error:
                if self._knowledge is None:
                    raise
                logger.error("Corpus snapshot %s not loaded, the previous corpus keeps serving: %s", snapshot, error)
                self._version = version
        return self._knowledge

    @staticmethod
    def _passages(snapshot: Path, version: Optional[Tuple]) -> List[Passage]:
        if version is not None:
            return read_snapshot(snapshot)
        return load_corpus(Path(os.environ.get("AHSCT_CORPUS_DIR", DEFAULT_CORPUS_DIR)))


def snapshot_version(snapshot: Path) -> Optional[Tuple]:
    try:
        stat = snapshot.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@functools.lru_cache(maxsize=1)
def spacy_pipeline() -> "spacy.language.Language":
    return spacy.load(Path(os.environ.get("AHSCT_SPACY_PIPELINE", DEFAULT_SPACY_PIPELINE)))


@functools.lru_cache(maxsize=1)
def _live_knowledge_base() -> LiveKnowledgeBase:
    return LiveKnowledgeBase()


def shared_knowledge_base() -> KnowledgeBase:
    """The action server's knowledge base: loaded on first use, then again whenever `make ingest` publishes."""
    return _live_knowledge_base().current()
