"""Read the corpus: one file per source document, split into passages, with every problem named by file and line.

A document is a Markdown file (or plain text, or HTML, converted to Markdown) that starts with YAML front
matter (``title``, ``organisation``, ``url``, ``date``, ``reviewed``). Each passage starts with a
``## heading`` and a ``topics:`` line (its main topic first), so every passage knows its document and
therefore its source.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml
from markdownify import markdownify

REQUIRED_FIELDS = ("title", "organisation", "url", "date", "reviewed")
# Where the pack's copy came from: optional, kept so an editor (and the corpus tests) can check each fact.
OPTIONAL_FIELDS = ("source_file", "section", "copy_url", "kind")
# A summary brings several documents together: its passages name them, so it has no source of its own.
SUMMARY_KIND = "summary"
SUMMARY_FIELDS = ("title", "reviewed")
# A web address may be unknown (""); everything else must say something.
MAY_BE_EMPTY = {"url"}
DOCUMENT_SUFFIXES = (".md", ".txt", ".html", ".htm")
PASSAGE_HEADING = re.compile(r"^## +(.+?) *$")
TOPICS_LINE = re.compile(r"^topics: *(.*)$")
SOURCES_LINE = re.compile(r"^sources: *(.*)$")
# Example questions an editor writes for a passage, separated by " | ": retrieval matches visitors' words to them.
QUESTIONS_LINE = re.compile(r"^questions: *(.*)$")
QUESTION_SEPARATOR = "|"
# A passage drawn from one stored page of a bundled source file names that page: "label | address".
# Its citation then points to that page, not to the file's main address.
PAGE_LINE = re.compile(r"^page: *(.*)$")
PAGE_SEPARATOR = "|"
# The reply's template ends "Source: {source}"; a passage with several sources gives each its own line.
CITATION_SEPARATOR = "\nSource: "
FRONT_MATTER_FENCE = "---"
# Inline HTML formatting becomes plain text: the widget shows text, never markup.
HTML_TAGS_KEPT_AS_TEXT = ["a", "b", "strong", "i", "em", "span", "img", "u", "small"]


class CorpusError(ValueError):
    """Corpus files that cannot be used; the message names each file and line."""

    @classmethod
    def of(cls, problems: List["Problem"]) -> "CorpusError":
        return cls("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    organisation: str
    url: str
    date: str
    reviewed: str
    source_file: str = ""
    section: str = ""
    copy_url: str = ""
    kind: str = ""

    @property
    def is_undated(self) -> bool:
        """Whether the source gives no date of its own ("undated", "undated; published August 2020")."""
        return self.date.lower().startswith("undated")

    @property
    def name(self) -> str:
        """How summaries refer to a document: its file name without the suffix."""
        return Path(self.path).stem

    @property
    def is_summary(self) -> bool:
        return self.kind == SUMMARY_KIND

    def citation(self) -> str:
        """How the bot names this document, e.g. `National MS Society (USA), "Research in Stem Cells" (2017)`."""
        cited = f'{self.organisation}, "{self.title}" ({self.date})'
        return f"{cited}, {self.url}" if self.url else cited

    def citation_of_page(self, page: "Page") -> str:
        """The document named as usual, then the stored page the passage comes from, with that page's address."""
        cited = f'{self.organisation}, "{self.title}" ({self.date}): {page.label}'
        return f"{cited}, {page.url}" if page.url else cited


@dataclass(frozen=True)
class Page:
    """One stored page of a bundled source file: who wrote it, what and when (the label), and its address."""

    label: str
    url: str = ""

    @classmethod
    def parse(cls, value: str) -> "Page":
        label, _, url = value.partition(PAGE_SEPARATOR)
        return cls(label.strip(), url.strip())


@dataclass(frozen=True)
class Passage:
    id: str
    heading: str
    topics: Tuple[str, ...]
    text: str
    document: Document
    line: int = 0
    # The documents a passage names on its `sources:` line (resolved by parse_corpus): a summary's sources,
    # or the other documents whose facts a passage also states.
    source_names: Tuple[str, ...] = ()
    cited: Tuple[Document, ...] = ()
    questions: Tuple[str, ...] = ()
    pages: Tuple[Page, ...] = ()

    @property
    def main_topic(self) -> str:
        """The first topic listed: the one this passage answers directly."""
        return self.topics[0]

    @property
    def is_summary(self) -> bool:
        return self.document.is_summary

    @property
    def cited_documents(self) -> Tuple[Document, ...]:
        # A passage that also states another document's facts names it on a `sources:` line, and cites it too.
        return self.cited if self.is_summary else (self.document, *self.cited)

    @property
    def citations(self) -> List[str]:
        return [citation for document in self.cited_documents for citation in self.citations_of(document)]

    def citations_of(self, document: Document) -> List[str]:
        """The document's citation; for the passage's own document, one per stored page it names, if any."""
        if document != self.document or not self.pages:
            return [document.citation()]
        return [document.citation_of_page(page) for page in self.pages]

    @property
    def source(self) -> str:
        """What follows "Source: " in a reply (domain.yml): one citation a line, each line its own "Source: "."""
        return CITATION_SEPARATOR.join(self.citations)


@dataclass
class ParsedDocument:
    path: Path
    document: Optional[Document]
    passages: List[Passage]
    problems: List[Problem]


@dataclass
class ParsedCorpus:
    documents: List[ParsedDocument]

    @property
    def passages(self) -> List[Passage]:
        return [passage for doc in self.documents for passage in doc.passages]

    @property
    def problems(self) -> List[Problem]:
        return [problem for doc in self.documents for problem in doc.problems]


def corpus_files(folder: Path) -> List[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file())


def parse_corpus(folder: Path) -> ParsedCorpus:
    """Every document of the folder, parsed, problems collected (none found: no documents)."""
    corpus = ParsedCorpus([parse_document(path) for path in corpus_files(folder)])
    resolve_summary_sources(corpus)
    return corpus


def resolve_summary_sources(corpus: ParsedCorpus) -> None:
    """A passage cites the documents its `sources:` line names; a name no document has is a problem."""
    by_name = {doc.document.name: doc.document for doc in corpus.documents if doc.document and not doc.document.is_summary}
    for parsed in corpus.documents:
        for position, passage in enumerate(parsed.passages):
            if not passage.source_names:
                continue
            unknown = [name for name in passage.source_names if name not in by_name]
            if unknown:
                parsed.problems.append(Problem(str(parsed.path), passage.line, f"passage '{passage.heading}' names sources that are not in the corpus: {', '.join(unknown)}"))
            cited = tuple(by_name[name] for name in passage.source_names if name in by_name)
            parsed.passages[position] = dataclasses.replace(passage, cited=cited)


def load_corpus(folder: Path) -> List[Passage]:
    """Every passage of the folder's documents; CorpusError naming every problem if there is any."""
    corpus = parse_corpus(folder)
    if not corpus.documents:
        raise CorpusError(f"{folder}: no corpus documents ({', '.join('*' + s for s in DOCUMENT_SUFFIXES)}) found")
    if corpus.problems:
        raise CorpusError.of(corpus.problems)
    return corpus.passages


def load_document(path: Path) -> List[Passage]:
    parsed = parse_document(path)
    if parsed.problems:
        raise CorpusError.of(parsed.problems)
    return parsed.passages


def parse_document(path: Path) -> ParsedDocument:
    """Read one document; problems are collected, not raised, so an editor sees them all at once."""
    text, problem = read_text(path)
    if problem:
        return ParsedDocument(path, None, [], [problem])
    front, body, body_start, problems = split_front_matter(path, text)
    if path.suffix.lower() in (".html", ".htm"):
        body = html_to_markdown(body)
    document = document_from(path, front, problems)
    passages = passages_from(path, document, body, body_start, problems) if document else []
    return ParsedDocument(path, document, passages, problems)


def read_text(path: Path) -> Tuple[str, Optional[Problem]]:
    data = path.read_bytes()
    if b"\x00" in data:
        return "", Problem(str(path), line_of_offset(data, data.index(b"\x00")), "this is not a text file (it holds binary data)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = line_of_offset(data, error.start)
        return "", Problem(str(path), line, "this line is not readable UTF-8 text; save the file as UTF-8")


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def html_to_markdown(html: str) -> str:
    return markdownify(html, heading_style="ATX", strip=HTML_TAGS_KEPT_AS_TEXT)


def split_front_matter(path: Path, text: str) -> Tuple[Dict, str, int, List[Problem]]:
    """(fields, body, line number where the body starts, problems)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return {}, text, 1, [Problem(str(path), 1, "the file must start with front matter between '---' lines")]
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None)
    if closing is None:
        return {}, text, 1, [Problem(str(path), 1, "the front matter has no closing '---' line")]
    try:
        front = yaml.safe_load("\n".join(lines[1:closing])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        return {}, "", 1, [Problem(str(path), line, f"the front matter is not valid YAML ({getattr(error, 'problem', error)})")]
    if not isinstance(front, dict):
        return {}, "", 1, [Problem(str(path), 2, "the front matter must be 'field: value' lines")]
    front["_lines"] = {line.split(":", 1)[0].strip(): number for number, line in enumerate(lines[1:closing], 2)}
    front["_closing"] = closing + 1
    return front, "\n".join(lines[closing + 1:]), closing + 2, []


def document_from(path: Path, front: Dict, problems: List[Problem]) -> Optional[Document]:
    if not front:
        return None
    if front.get("kind") == SUMMARY_KIND:
        for field in REQUIRED_FIELDS:
            front.setdefault(field, "")
        required = SUMMARY_FIELDS
    else:
        required = REQUIRED_FIELDS
    missing = [field for field in required if field not in front]
    if missing:
        problems.append(Problem(str(path), front["_closing"], f"the front matter is missing: {', '.join(missing)}"))
    for field in required:
        if field in front and field not in MAY_BE_EMPTY and not str(front[field] or "").strip():
            problems.append(Problem(str(path), front["_lines"].get(field, 1), f"'{field}' is empty"))
    if "reviewed" in front and front["reviewed"] and as_date(front["reviewed"]) is None:
        problems.append(Problem(str(path), front["_lines"].get("reviewed", 1), "'reviewed' must be a date: YYYY-MM-DD"))
    if problems:
        return None
    fields = REQUIRED_FIELDS + OPTIONAL_FIELDS
    return Document(str(path), *(str(front.get(field) or "").strip() for field in fields))


def as_date(value) -> Optional[datetime.date]:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def passages_from(path: Path, document: Document, body: str, first_line: int, problems: List[Problem]) -> List[Passage]:
    passages, seen_headings = [], {}
    for number, (heading, line, block) in enumerate(blocks(body, first_line), 1):
        if heading in seen_headings:
            problems.append(Problem(str(path), line, f"the heading '{heading}' is used twice (also line {seen_headings[heading]})"))
        seen_headings.setdefault(heading, line)
        passage = passage_from(path, document, number, heading, line, block, problems)
        if passage:
            passages.append(passage)
    if not passages and not problems:
        problems.append(Problem(str(path), first_line, "no passages: each starts with a '## ' heading and a 'topics:' line"))
    return passages


def blocks(body: str, first_line: int) -> List[Tuple[str, int, List[str]]]:
    """(heading, its line number, the lines under it); anything before the first heading is not a passage."""
    found: List[Tuple[str, int, List[str]]] = []
    for offset, line in enumerate(body.split("\n")):
        heading = PASSAGE_HEADING.match(line.strip())
        if heading:
            found.append((heading.group(1), first_line + offset, []))
        elif found:
            found[-1][2].append(line)
    return found


def passage_from(path, document, number, heading, line, block, problems) -> Optional[Passage]:
    content = [text for text in block if text.strip()]
    topics = TOPICS_LINE.match(content[0].strip()) if content else None
    if not topics:
        problems.append(Problem(str(path), line, f"passage '{heading}' must start with a 'topics:' line"))
        return None
    topic_names = tuple(t.strip() for t in topics.group(1).split(",") if t.strip())
    if not topic_names:
        problems.append(Problem(str(path), line, f"passage '{heading}' lists no topics"))
        return None
    source_names, questions, pages, rest = passage_lines(block, content)
    if any(not page.label for page in pages):
        problems.append(Problem(str(path), line, f"passage '{heading}' has a 'page:' line with no label before '|'"))
        return None
    if document.is_summary and not source_names:
        problems.append(Problem(str(path), line, f"passage '{heading}' of a summary must name its sources on a 'sources:' line"))
        return None
    text = "\n".join(rest).strip()
    if not text:
        problems.append(Problem(str(path), line, f"passage '{heading}' is empty"))
        return None
    return Passage(
        id=f"{path.stem}#{number}", heading=heading, topics=topic_names, text=text, document=document, line=line,
        source_names=source_names, questions=questions, pages=pages,
    )


def passage_lines(block: List[str], content: List[str]) -> Tuple[Tuple[str, ...], Tuple[str, ...], Tuple[Page, ...], List[str]]:
    """The `sources:`, `questions:` and `page:` lines that may follow `topics:` (any order), and the text after them."""
    source_names: Tuple[str, ...] = ()
    questions: Tuple[str, ...] = ()
    pages: List[Page] = []
    last = content[0]
    for line in content[1:]:
        sources, asked, page = (pattern.match(line.strip()) for pattern in (SOURCES_LINE, QUESTIONS_LINE, PAGE_LINE))
        if sources:
            source_names = tuple(name.strip() for name in sources.group(1).split(",") if name.strip())
        elif asked:
            questions = tuple(q.strip() for q in asked.group(1).split(QUESTION_SEPARATOR) if q.strip())
        elif page:
            pages.append(Page.parse(page.group(1)))
        else:
            break
        last = line
    return source_names, questions, tuple(pages), block[block.index(last) + 1:]
