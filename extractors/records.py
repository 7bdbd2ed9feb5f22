"""The records the extractors produce: one ``DocumentResult`` per input file.

Offsets (``start``/``end``) are character offsets into ``DocumentResult.clean_text``; ``page`` is
the 1-based page the offset falls on (always 1 for a plain-text file).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from models.register import LocalAuthorityMatch  # noqa: F401  (a record of the results, defined with the register)


@dataclass(slots=True)
class RawPage:
    """One page as read from the file, before cleaning."""

    number: int
    text: str
    route: str = "text"  # "text" (text layer or .txt file) or "ocr"
    ocr_confidence: float | None = None  # mean tesseract word confidence, 0-100
    # A text layer's typography: each line (stripped) -> the style its first letter is printed in.
    styles: dict[str, LineStyle] | None = None


class LineStyle(NamedTuple):
    """How a PDF line is printed: its font size in points and whether it is bold (a tuple:
    hashed for every line of every page)."""

    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class HeadingMark:
    """A heading the page's typography shows: its offsets in the clean text, level (1 = title) and page."""

    start: int
    end: int
    level: int
    page: int


@dataclass(slots=True)
class PageSpan:
    """Where a page's cleaned text lies in the document's clean text."""

    number: int
    start: int
    end: int
    route: str = "text"
    ocr_confidence: float | None = None


@dataclass(slots=True)
class Boilerplate:
    """A line removed by cleaning (letterhead, protective marking, running header...)."""

    kind: str
    text: str
    page: int | None = None


@dataclass(slots=True)
class Section:
    label: str
    heading: str | None
    start: int
    end: int
    page: int | None = None
    # Read from a PDF's typography: the heading's level (1 = title, 2 = section, 3-4 = subsections),
    # the index of the section it is nested in, the grade its heading states, its last page.
    level: int | None = None
    parent: int | None = None
    grade: str | None = None
    page_end: int | None = None
    number: int | None = None  # its place in the document's sections, from 1 (``section_no``)

    @property
    def parent_no(self) -> int | None:
        """The ``number`` of the section this one is nested in (``parent`` is its list index)."""
        return None if self.parent is None else self.parent + 1


@dataclass(slots=True)
class Judgement:
    area: str
    label: str  # as written
    scale: str  # apa_1to4 | rating_1to4 | ofsted_4point
    grade: int | None
    score: int
    year: int | None
    local_authority: str | None
    evidence: str  # table | prose
    text: str
    start: int
    end: int
    page: int | None = None
    la_gss_code: str | None = None
    framework: str | None = None


@dataclass(slots=True)
class Entity:
    label: str
    text: str
    start: int
    end: int
    kb_id: str | None = None
    page: int | None = None
    normalized: str | None = None  # e.g. ISO date for a complete DATE


@dataclass(slots=True)
class Person:
    name: str
    title: str | None = None
    role: str | None = None
    variants: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    page: int | None = None


@dataclass(slots=True)
class DocumentResult:
    path: str
    doc_id: str
    error: str | None = None
    doc_type: str | None = None
    framework: str | None = None
    local_authority: LocalAuthorityMatch | None = None
    document_date: str | None = None  # ISO date
    year: int | None = None
    inspection_start: str | None = None
    inspection_end: str | None = None
    published: str | None = None
    lead_inspector: str | None = None
    judgements: list[Judgement] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    clean_text: str = ""
    pages: list[PageSpan] = field(default_factory=list)
    boilerplate: list[Boilerplate] = field(default_factory=list)
    pipeline_version: str | None = None
    file_size: int | None = None
    pdf_created: str | None = None  # ISO date of the PDF's own CreationDate, if it has one

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON Lines object (clean text and boilerplate are left out)."""
        data = asdict(self)
        for key in ("clean_text", "boilerplate", "file_size", "pdf_created"):
            data.pop(key)
        return data
