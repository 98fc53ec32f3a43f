"""Turn text into search terms with the project's spaCy pipeline.

Terms are the lemmas of the words plus one term per domain entity the EntityRuler
finds (``ent:ahsct``), so "HSCT", "stem cell transplant" and "AHSCT" all meet on
the same term. Content terms leave out stop words and the disease's names: they say what a text is about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, List, Tuple

from spacy.language import Language
from spacy.tokens import Doc

ENTITY_PREFIX = "ent:"
YEAR = re.compile(r"(19|20)\d\d")
# Nearly every question is about these (the treatments, the two source organisations),
# so naming one does not narrow an answer down.
PLACE_LABEL = "place"
# "On the NHS?" asks about the UK's health services as a whole: the summary answers it, nation by nation.
BROAD_ENTITIES = {"ahsct", "stem_cell_therapy", "chemotherapy", "nmss", "msif", "nhs"}
# The whole corpus is about MS: naming the disease, by either name, says nothing about what a text is about.
# Without this, "What are the treatments for Multiple Sclerosis?" shared "multiple" and "sclerosis" with
# ECTRIMS's full name and was answered with a conference.
DISEASE_NAME_WORDS = {"ms", "multiple", "sclerosis"}


@dataclass(frozen=True)
class Terms:
    all: List[str]  # for BM25: stop words stay ("where", "who", "how" tell which passage answers)
    content: FrozenSet[str]  # what the text is about: no stop words
    entities: FrozenSet[str]  # the specific things named (institution, place, cell type...), as ``ent:<id>``


def analyse(nlp: Language, text: str) -> Terms:
    return terms_of(nlp(text.lower()))


def terms_of(doc: Doc) -> Terms:
    words = [token for token in doc if not (token.is_punct or token.is_space)]
    # Stop words keep their own form: the lookup table turns "does" into "doe".
    lemmas = [token.lower_ if token.is_stop else token.lemma_ for token in words]
    entity_ids = [entity.ent_id_ for entity in doc.ents if entity.ent_id_]
    entity_terms = [f"{ENTITY_PREFIX}{entity_id}" for entity_id in entity_ids]
    specific = frozenset(f"{ENTITY_PREFIX}{entity_id}" for entity_id in entity_ids if entity_id not in BROAD_ENTITIES)
    # A year names a moment as specifically as a place names somewhere ("what did the Society recommend in 2020?").
    specific |= {f"{ENTITY_PREFIX}year_{token.text}" for token in words if YEAR.fullmatch(token.text)}
    content = {token.lemma_ for token in words if not token.is_stop and token.lower_ not in DISEASE_NAME_WORDS}
    content |= set(entity_terms)
    return Terms(all=lemmas + entity_terms, content=frozenset(content), entities=specific)


def places_named(nlp: Language, text: str) -> List[Tuple[str, str]]:
    return places_in(nlp(text.lower()), text)


def places_in(doc: Doc, text: str) -> List[Tuple[str, str]]:
    """(the words as written, ``ent:<id>``) for each place entity in the text (``doc`` is of its lower case)."""
    return [(text[e.start_char:e.end_char], f"{ENTITY_PREFIX}{e.ent_id_}") for e in doc.ents if e.label_ == PLACE_LABEL and e.ent_id_]


def search_terms(nlp: Language, text: str) -> List[str]:
    return analyse(nlp, text).all
