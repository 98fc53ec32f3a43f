"""The knowledge base the actions ask: the corpus, its index, and how answers are chosen."""
from __future__ import annotations

import asyncio
import functools
import logging
import threading
from pathlib import Path
from typing import Collection, Iterable, List, Optional, Sequence, Tuple

import spacy

from actions.knowledge.corpus import Passage, load_corpus
from actions.knowledge.search import PassageIndex
from actions.knowledge.snapshot import read_snapshot
from nlp.embeddings import shared_embedder
import settings
from actions.knowledge.topics import policy_of, retrieval_setting

logger = logging.getLogger(__name__)

# One passage from each source at most, so an answer stays short and names every source once.
PASSAGES_PER_ANSWER = 2
# A question naming something ("skin cells", "Paris") gets every passage about it, up to this many.
PASSAGES_PER_NAMED_ANSWER = 3
# A passage of another topic joins an answer when it shares this many specific words with the question
# (search.py: words found in few passages). Two, like the open search's rule, so a question's general words
# ("stem cell", "MS", "treatment") never pull in a passage.
OTHER_TOPIC_MIN_SPECIFIC_TERMS = 2
# A question NLU is unsure of, at least this share of whose content words the corpus never uses, is beyond it.
UNKNOWN_SHARE_BEYOND = 0.5
# Longer messages are stories, not short questions on another subject; each unknown word costs a typo search.
MAX_WORDS_BEYOND = 20


class KnowledgeBase:
    def __init__(self, passages: Sequence[Passage], nlp: "spacy.language.Language", embedder=None):
        self.passages = list(passages)
        self.index = PassageIndex(nlp, self.passages, embedder)

    def answer(self, topic: str, question: str) -> List[Passage]:
        """The topic's answer (below), and the passage of another topic that the question is clearly about,
        when there is one: NLU may place "will the chemo make me infertile?" in a neighbouring topic.

        When a passage of another topic is much closer in meaning than anything in the topic's answer, or alone
        names what the question names, it answers first (its topic then leads the conversation). Never for a
        topic whose summary must answer first: "is it approved?" is always answered by how things stand, with
        every source's date.
        """
        chosen = self._topic_answer(topic, question)
        if not chosen:
            return chosen
        beyond = self._beyond_the_topic(topic, question, chosen)
        if beyond and not policy_of(topic).summary_first and (
                self._much_closer(beyond[0], chosen, question) or self._alone_names_it(beyond[0], chosen, question)):
            # The other topic's passage answers, and one passage of the topic NLU chose follows it. When how
            # things stand changes and that topic's summary must answer first, the summary leads ("the position
            # in Wales": every source's answer with its date, not one 2020 news item alone).
            return self._summary_leading(beyond[0].main_topic) + beyond + [p for p in chosen if not p.is_summary][:1]
        return chosen + beyond

    def _summary_leading(self, topic: str) -> List[Passage]:
        policy = policy_of(topic)
        return self._main_summary(topic) if policy.summary_first and policy.time_sensitive else []

    def _main_summary(self, topic: str) -> List[Passage]:
        """The topic's first summary in the file: its main answer ("tell me more" brings the others)."""
        return [p for p in self.passages if p.is_summary and p.main_topic == topic][:1]

    def _alone_names_it(self, passage: Passage, chosen: List[Passage], question: str) -> bool:
        """Whether the passage names what the question names ("the position in Wales") and no passage of the
        topic's answer does: NLU may have put it under how AHSCT is done, whose passages never mention Wales."""
        names = self.index.names_what_query_names
        return names(passage, question) and not any(names(p, question) for p in chosen)

    def _much_closer(self, passage: Passage, chosen: List[Passage], question: str) -> bool:
        return self._closer_by(passage, chosen, question, retrieval_setting("lead_margin"))

    def _closer_by(self, passage: Passage, chosen: List[Passage], question: str, margin: float) -> bool:
        best_chosen = max(self.index.meaning(p, question) for p in chosen)
        return self.index.meaning(passage, question) - best_chosen >= margin

    def _beyond_the_topic(self, topic: str, question: str, chosen: List[Passage]) -> List[Passage]:
        # A thing the question names ("the work group on HSCT") that nothing in the topic's answer names.
        named = [p for p in self.index.search(question, limit=len(self.passages), entities_only=True)
                 if topic not in p.topics and not p.is_summary]
        if named and not any(self.index.names_what_query_names(p, question) for p in chosen):
            return named[:1]
        # The passage of another topic closest in meaning, when it is close enough to answer the question
        # and clearly closer than anything the topic's answer holds. After a summary that answers first, only
        # when very close and much closer: the summary brings every source's answer together, yet NLU may have
        # put "where is it safe to have it?" under the risks, whose summary does not say.
        closest = self.index.closest_in_meaning(question, lambda p: topic not in p.topics and not p.is_summary)
        summary_first = policy_of(topic).summary_first
        floor = retrieval_setting("after_summary_similarity" if summary_first else "answers_similarity")
        margin = retrieval_setting("lead_margin" if summary_first else "join_margin")
        if closest and closest[0][1] >= floor and self._closer_by(closest[0][0], chosen, question, margin):
            return [closest[0][0]]
        found = self.index.search(question, limit=3, min_specific_terms=OTHER_TOPIC_MIN_SPECIFIC_TERMS, words_only=True)
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
        # Inside the topic the question's words rank (meaning ranked passages that only sound alike first:
        # "people talk about" found a magazine's "people have talked about"); meaning reaches beyond it.
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages), words_only=True)
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
            return self._main_summary(topic)
        best = self.index.search(question, topics=[topic], limit=1, ranked_only=True, words_only=True)
        return best if best and best[0] in summaries else []

    def speaks_of(self, topic: str, question: str) -> bool:
        """Whether a passage of the topic shares a specific word with the question ("chaired")."""
        return bool(self.index.search(question, topics=[topic], limit=1, min_specific_terms=1, words_only=True))

    def far_from(self, topic: str, question: str) -> bool:
        """Whether the question names nothing specific and is far in meaning from every passage of the topic."""
        if not question.strip() or self.index.query(question).terms.entities:
            return False
        return self._closest_in_topic(question, topic) < retrieval_setting("topic_floor")

    def beyond_the_corpus(self, question: str) -> bool:
        """Whether the question is about something the sources never mention ("what's the best diet for MS?"):
        it names neither the treatment nor anything of the corpus's, and at least half its content words are
        words no passage uses. One unknown word among several ("remission", "adolescent") leaves it in scope."""
        index, asked = self.index, self.index.query(question)
        if index.names_treatment(question) or asked.terms.entities or not 0 < len(asked.terms.content) <= MAX_WORDS_BEYOND:
            return False
        return len(index.unknown_words(question)) >= UNKNOWN_SHARE_BEYOND * len(asked.terms.content)

    def clearly_closer_topic(self, question: str, topics: Sequence[str]) -> Optional[str]:
        """Of two topics NLU hesitated between, the one whose passages are clearly closer in meaning, or None."""
        best = sorted(((self._closest_in_topic(question, topic), topic) for topic in topics), reverse=True)
        if len(best) < 2 or best[0][0] < retrieval_setting("answers_similarity"):
            return None
        return best[0][1] if best[0][0] - best[1][0] >= retrieval_setting("choice_margin") else None

    def topic_of_named_thing(self, question: str) -> Optional[str]:
        """The topic of a question NLU put off the bot's subjects, or hesitated over, when it names one of the
        corpus's things (a trial, a body, a country) and is very close in meaning to a passage: NLU read "is
        BEAT-MS still open today?" as small talk about the day. None for all else: "what other MS treatments
        are there?" names nothing, and "book a flight to London" (0.56 from the London cohort) is not close enough."""
        if not question.strip() or not self.index.query(question).terms.entities:
            return None
        closest = self.index.closest_in_meaning(question, lambda p: not p.is_summary)
        if not closest or closest[0][1] < retrieval_setting("off_topic_naming_similarity"):
            return None
        return closest[0][0].main_topic

    def _closest_in_topic(self, question: str, topic: str) -> float:
        return max((self.index.meaning(p, question) for p in self.passages if topic in p.topics), default=-1.0)

    def places_not_covered(self, question: str, topic: str) -> List[str]:
        """The places the question names (as written) that no passage on the topic mentions."""
        covered = {entity for p, terms in zip(self.passages, self.index.terms, strict=True) if topic in p.topics for entity in terms.entities}
        return [text for text, entity in self.index.places(question) if entity not in covered]

    def places_not_covered_by_any(self, question: str, topics: Sequence[str]) -> List[str]:
        """The places the question names that no passage of any of these topics mentions."""
        uncovered = [self.places_not_covered(question, topic) for topic in topics]
        return [place for place in uncovered[0] if all(place in other for other in uncovered[1:])] if uncovered else []

    def follow_up(self, topic: Optional[str], question: str) -> List[Passage]:
        """'What about in Paris?': the current topic's passages about what the question names, else any passage about it."""
        return self.named_in_topic(topic, question) or self._about_named_things(question, None)

    def named_in_topic(self, topic: Optional[str], question: str) -> List[Passage]:
        """The topic's passages about what the question names ("and in Scotland?")."""
        return self._about_named_things(question, [topic]) if topic else []

    def more(self, topic: str, shown_ids: Iterable[str], question: str = "") -> List[Passage]:
        """'Tell me more': the topic's passages not shown yet, those closest to the visitor's question first.
        Those about more of what the question named come first ("the EMA", "the Canadian trial": more about
        it, not the topic's next passage); of the others, those whose first topic it is before those that only
        touch it."""
        shown = set(shown_ids)
        ranked = self.index.search(question, topics=[topic], limit=len(self.passages), words_only=True)  # BM25, else corpus order
        fresh = [p for p in ranked if p.id not in shown]
        fresh.sort(key=lambda passage: self._more_order(passage, topic, question))  # stable: keeps the BM25 order
        return fresh[:PASSAGES_PER_ANSWER]

    def _more_order(self, passage: Passage, topic: str, question: str) -> Tuple[int, bool]:
        # Among the passages about what was named, the question's words decide; the topic's own passages lead
        # only among the rest.
        about = self.index.about_shared(passage, question)
        return -about, not about and passage.main_topic != topic

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

    def closest_answer(self, question: str) -> List[Passage]:
        """For a question NLU did not place and no passage shares words with ("will I lose my hair?": the corpus
        says "hair loss"): the passage closest in meaning, when it is as close as a passage's own questions are
        (new_topic_similarity, calibrated on them against off-topic questions); after its topic's summary when
        how things stand there changes."""
        closest = self.index.closest_in_meaning(question, lambda p: not p.is_summary) if question.strip() else []
        if not closest or closest[0][1] < retrieval_setting("new_topic_similarity"):
            return []
        return self._summary_leading(closest[0][0].main_topic) + [closest[0][0]]

    def on_new_topics(self, question: str, routed_topics: Collection[str]) -> List[Passage]:
        """Passages whose main topic no intent asks about, sharing several content words with the question.

        An editor's document on a new subject has no intent of its own until the model is retrained; this is
        how its passages answer in the meantime, whatever intent NLU guessed.
        """
        if all(p.main_topic in routed_topics for p in self.passages) or not question.strip():
            return []
        # By meaning: "how does the skin-cell project work?" finds the new document's passage in other words.
        closest = self.index.closest_in_meaning(question, lambda p: True)
        best = [p for p, similarity in closest[:PASSAGES_PER_ANSWER]
                if similarity >= retrieval_setting("new_topic_similarity") and p.main_topic not in routed_topics]
        return one_per_document(best, PASSAGES_PER_ANSWER)

    def _about_named_things(self, question: str, topics: Optional[List[str]]) -> List[Passage]:
        # With entities_only, a question that names nothing specific matches no passage. Summaries name
        # nearly everything; a question about one thing ("and in Scotland?") wants the passage about it.
        found = self.index.search(question, topics=topics, limit=len(self.passages), entities_only=True, words_only=True)
        # A passage naming more of the things asked about answers better; then one whose heading names them is
        # about them, not just mentioning them ("can I join BEAT-MS in Britain?": "Is BEAT-MS running in the
        # UK?" before "Is BEAT-MS recruiting?", whose registry copy also lists the UK).
        found.sort(key=lambda passage: (-self.index.about_shared(passage, question), -self.index.heading_names(passage, question)))
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
        self._loading = threading.Lock()

    def current(self) -> KnowledgeBase:
        """The knowledge base loaded last (loaded now if none has been)."""
        knowledge = self._knowledge
        return knowledge if knowledge is not None else self.refresh()

    def refresh(self) -> KnowledgeBase:
        """The latest published snapshot, loaded if it changed. Slow when it did (the index is rebuilt), so the
        action server runs it in a worker thread (refresh_knowledge_base), never on its event loop."""
        with self._loading:
            return self._load_if_changed()

    def is_loading(self) -> bool:
        return self._loading.locked()

    def _load_if_changed(self) -> KnowledgeBase:
        snapshot = settings.path("AHSCT_CORPUS_SNAPSHOT")
        version = snapshot_version(snapshot)
        if self._knowledge is None or version != self._version:
            try:
                self._knowledge = KnowledgeBase(self._passages(snapshot, version), spacy_pipeline(), embedder(snapshot))
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
        return load_corpus(settings.path("AHSCT_CORPUS_DIR"))


def snapshot_version(snapshot: Path) -> Optional[Tuple]:
    try:
        stat = snapshot.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@functools.lru_cache(maxsize=1)
def spacy_pipeline() -> "spacy.language.Language":
    return spacy.load(settings.path("AHSCT_SPACY_PIPELINE"))


def embedder(snapshot: Path):
    """The sentence embedder, holding the vectors `make ingest` saved beside the snapshot (others are computed)."""
    model = shared_embedder(str(settings.path("AHSCT_EMBEDDING_MODEL")))
    for saved in saved_embeddings(snapshot):
        model.load(saved)
    return model


def saved_embeddings(snapshot: Path) -> List[Path]:
    """The vectors saved beside this snapshot, then the project's own (a test's snapshot shares most texts)."""
    return list(dict.fromkeys([embeddings_file(snapshot), embeddings_file(settings.default_path("AHSCT_CORPUS_SNAPSHOT"))]))


def embeddings_file(snapshot: Path) -> Path:
    return snapshot.with_name("embeddings.npz")


@functools.lru_cache(maxsize=1)
def live_knowledge_base() -> LiveKnowledgeBase:
    return LiveKnowledgeBase()


def shared_knowledge_base() -> KnowledgeBase:
    """The action server's knowledge base: loaded on first use, then again whenever `make ingest` publishes
    (refresh_knowledge_base)."""
    return live_knowledge_base().current()


async def refresh_knowledge_base() -> None:
    """Before each answer: a newly published corpus is loaded in a worker thread; meanwhile the action
    server's event loop goes on answering other conversations from the corpus loaded before."""
    await asyncio.to_thread(live_knowledge_base().refresh)
