"""Load the Markdown corpus: one file per source document, split into passages.

A document is a Markdown file with YAML front matter (``title``, ``organisation``,
``url``, ``date``, ``reviewed``). Each passage starts with a ``## heading`` and a
``topics:`` line (its main topic first), so every passage knows its document and
therefore its source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import frontmatter

REQUIRED_FIELDS = ("title", "organisation", "url", "date", "reviewed")
# A passage is a level-2 heading and the text up to the next one.
PASSAGE_HEADING = re.compile(r"^## +(.+?) *$", re.MULTILINE)
TOPICS_LINE = re.compile(r"^topics: *(.+)$")


class CorpusError(ValueError):
    """A corpus file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    organisation: str
    url: str
    date: str
    reviewed: str

    def citation(self) -> str:
        """How the bot names this document, e.g. `National MS Society (USA), "Research in Stem Cells" (2017)`."""
        cited = f'{self.organisation}, "{self.title}" ({self.date})'
        return f"{cited}, {self.url}" if self.url else cited


@dataclass(frozen=True)
class Passage:
    id: str
    heading: str
    topics: Tuple[str, ...]
    text: str
    document: Document

    @property
    def main_topic(self) -> str:
        """The first topic listed: the one this passage answers directly."""
        return self.topics[0]

    @property
    def source(self) -> str:
        return self.document.citation()


def load_corpus(folder: Path) -> List[Passage]:
    files = sorted(Path(folder).glob("*.md"))
    if not files:
        raise CorpusError(f"{folder}: no corpus documents (*.md) found")
    return [passage for path in files for passage in load_document(path)]


def load_document(path: Path) -> List[Passage]:
    post = frontmatter.load(str(path))
    missing = [field for field in REQUIRED_FIELDS if field not in post.metadata]
    if missing:
        raise CorpusError(f"{path}: front matter is missing {', '.join(missing)}")
    document = Document(str(path), *(str(post.metadata[field] or "") for field in REQUIRED_FIELDS))
    passages = [_passage(path, document, number, block) for number, block in enumerate(_blocks(post.content), 1)]
    if not passages:
        raise CorpusError(f"{path}: no passages (each starts with a '## ' heading)")
    return passages


def _blocks(content: str) -> List[Tuple[str, str]]:
    """(heading, body) pairs; anything before the first heading is not a passage."""
    parts = PASSAGE_HEADING.split(content)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def _passage(path: Path, document: Document, number: int, block: Tuple[str, str]) -> Passage:
    heading, body = block
    first_line, _, text = body.partition("\n")
    topics = TOPICS_LINE.match(first_line.strip())
    if not topics:
        raise CorpusError(f"{path}: passage '{heading}' must start with a 'topics:' line")
    if not text.strip():
        raise CorpusError(f"{path}: passage '{heading}' is empty")
    return Passage(
        id=f"{path.stem}#{number}",
        heading=heading,
        topics=tuple(t.strip() for t in topics.group(1).split(",") if t.strip()),
        text=text.strip(),
        document=document,
    )
