"""Turn text into search terms with the project's spaCy pipeline.

Terms are the lemmas of the words plus one term per domain entity the
EntityRuler finds (``ent:ahsct``), so "HSCT", "stem cell transplant" and
"AHSCT" all meet on the same term.
"""
from __future__ import annotations

from typing import List

from spacy.language import Language


def search_terms(nlp: Language, text: str) -> List[str]:
    doc = nlp(text.lower())
    # Stop words stay: "where", "who" and "how" tell which passage answers; BM25 weighs them down anyway.
    # Stop words keep their own form: the lookup table turns "does" into "doe".
    lemmas = [
        token.lower_ if token.is_stop else token.lemma_
        for token in doc
        if not (token.is_punct or token.is_space)
    ]
    return lemmas + [f"ent:{entity.ent_id_}" for entity in doc.ents if entity.ent_id_]
