"""The published corpus: the checked passages of every document, in one JSON file the action servers read.

`make ingest` writes it only when the corpus folder has no problems, and replaces it in one step, so a
running action server never sees half a file and a broken document never reaches visitors.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import List, Sequence

from actions.knowledge.corpus import Document, Page, Passage

FORMAT_VERSION = 4


def write_snapshot(passages: Sequence[Passage], path: Path) -> None:
    documents = list(dict.fromkeys(d for p in passages for d in (p.document, *p.cited)))
    content = {
        "format": FORMAT_VERSION,
        "documents": [dataclasses.asdict(document) for document in documents],
        "passages": [
            {
                "id": p.id, "heading": p.heading, "topics": list(p.topics), "text": p.text, "line": p.line,
                "document": documents.index(p.document),
                "source_names": list(p.source_names), "cited": [documents.index(d) for d in p.cited],
                "questions": list(p.questions), "pages": [dataclasses.asdict(page) for page in p.pages],
            }
            for p in passages
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as out:
        json.dump(content, out, ensure_ascii=False, indent=1)
    os.replace(out.name, path)


def read_snapshot(path: Path) -> List[Passage]:
    content = json.loads(path.read_text(encoding="utf-8"))
    if content.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unknown snapshot format {content.get('format')!r}; run `make ingest`")
    documents = [Document(**fields) for fields in content["documents"]]
    return [
        Passage(
            id=p["id"], heading=p["heading"], topics=tuple(p["topics"]), text=p["text"],
            document=documents[p["document"]], line=p["line"],
            source_names=tuple(p["source_names"]), cited=tuple(documents[i] for i in p["cited"]),
            questions=tuple(p["questions"]), pages=tuple(Page(**page) for page in p["pages"]),
        )
        for p in content["passages"]
    ]
