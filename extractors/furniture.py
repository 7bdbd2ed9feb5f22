"""Remove page furniture: running headers, running footers and page numbers.

Furniture is found by repetition across pages, not by a list of known lines. Only the few
non-blank lines at the top and bottom of each page are candidates:

- a lone page number ("7", "Page 7", "Page 7 of 13", "- 7 -") is removed when it is the very
  first or last line of its page and equals the page's position, or when numbers in the same
  place follow the page positions with one fixed offset on a good share of pages (reports whose
  numbering starts after a cover);
- any other line is removed when, after digits and spaces are normalised, it recurs in the same
  place (top or bottom) on a good share of pages: a report title, or a title with the page
  number appended ("11 to 22 May 2026 2");
- a title line that carries the page number is also removed when it recurs on only two pages,
  provided its number follows the page positions (short reports).

Documents under three pages keep everything except a lone page number at the very top/bottom.
Footnotes and numbered paragraphs at page edges do not repeat in shape, so they stay.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from extractors.records import Boilerplate

EDGE_LINES = 4  # non-blank lines at each end of a page that may be furniture
MIN_PAGES_FOR_REPEATS = 3
MIN_REPEATS = 3  # a line seen on only one or two pages may be genuine content
MIN_SHARE = 0.4  # ...and on at least this share of pages (headers may alternate odd/even)
MIN_TITLE_WORDS = 2  # letter words before the number in a numbered title (two-page rule)

_PAGE_NUMBER = re.compile(
    r"""^[\s\-–—|]*
        (?P<word>page\s+)?
        (?P<number>\d{1,4})
        (?:\s*(?:of|/)\s*(?P<total>\d{1,4}))?
        [\s\-–—|]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING_NUMBER = re.compile(r"^(?P<title>.*\D)\s(?P<number>\d{1,4})$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class _Edge:
    """A non-blank line near the top or bottom of a page."""

    page: int  # 0-based position of the page in the document
    line: int  # index of the line in the page
    side: str  # "top" or "bottom"
    outermost: bool  # first line (top) or last line (bottom) of the page
    text: str

    @property
    def page_number(self) -> int:
        return self.page + 1


def strip_page_furniture(
    pages: list[list[str]],
) -> tuple[list[list[str]], list[Boilerplate]]:
    """Remove running headers/footers and page numbers from each page's lines.

    Pages are numbered by position (the first is page 1). Returns the pages without those lines
    and one Boilerplate per removed line.
    """
    edges = [edge for index, lines in enumerate(pages) for edge in _edge_lines(index, lines)]
    kinds: dict[tuple[int, int], str] = {}
    for edge in _page_number_lines(edges, len(pages)):
        kinds[(edge.page, edge.line)] = "page_number"
    if len(pages) >= MIN_PAGES_FOR_REPEATS:
        for edge in _running_lines(edges, len(pages)):
            kind = "running_header" if edge.side == "top" else "running_footer"
            kinds.setdefault((edge.page, edge.line), kind)
    return _remove(pages, kinds)


def _edge_lines(page: int, lines: list[str]) -> list[_Edge]:
    filled = [index for index, line in enumerate(lines) if line.strip()]
    # On a short page the top and bottom zones split the lines rather than overlap.
    top_count = min(EDGE_LINES, (len(filled) + 1) // 2)
    bottom_count = min(EDGE_LINES, len(filled) - top_count)
    top = filled[:top_count]
    bottom = filled[len(filled) - bottom_count:]
    edges = [_Edge(page, i, "top", k == 0, lines[i]) for k, i in enumerate(top)]
    edges += [
        _Edge(page, i, "bottom", k == bottom_count - 1, lines[i]) for k, i in enumerate(bottom)
    ]
    return edges


def _repeat_threshold(page_count: int) -> int:
    return max(MIN_REPEATS, math.ceil(MIN_SHARE * page_count))


def _page_number_lines(edges: list[_Edge], page_count: int) -> list[_Edge]:
    numbered = [(edge, number) for edge in edges if (number := _page_number(edge.text)) is not None]
    pages_by_offset: dict[tuple[str, int], set[int]] = defaultdict(set)
    for edge, number in numbered:
        pages_by_offset[(edge.side, number - edge.page_number)].add(edge.page)
    threshold = _repeat_threshold(page_count)
    found = []
    for edge, number in numbered:
        offset = number - edge.page_number
        at_own_position = edge.outermost and offset == 0
        in_sequence = (
            page_count >= MIN_PAGES_FOR_REPEATS
            and len(pages_by_offset[(edge.side, offset)]) >= threshold
        )
        if at_own_position or in_sequence:
            found.append(edge)
    return found


def _page_number(text: str) -> int | None:
    """The number in a line that is only a page number ("7", "Page 7 of 13"), else None."""
    match = _PAGE_NUMBER.match(text)
    if match is None:
        return None
    number = int(match["number"])
    if match["total"] is not None and number > int(match["total"]):
        return None  # "12 of 5" is a ratio, not a page label
    return number


def _running_lines(edges: list[_Edge], page_count: int) -> list[_Edge]:
    pages_by_shape: dict[tuple[str, str], set[int]] = defaultdict(set)
    pages_by_title: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    for edge in edges:
        shape = _shape(edge.text)
        if not _LETTERS.search(shape):
            continue  # bare numbers are left to the page-number rule
        pages_by_shape[(edge.side, shape)].add(edge.page)
        if (title_offset := _numbered_title_offset(edge)) is not None:
            pages_by_title[(edge.side, shape, title_offset)].add(edge.page)
    threshold = _repeat_threshold(page_count)
    found = []
    for edge in edges:
        shape = _shape(edge.text)
        repeated = len(pages_by_shape.get((edge.side, shape), ())) >= threshold
        title_offset = _numbered_title_offset(edge)
        numbered_title = (
            title_offset is not None
            and len(pages_by_title.get((edge.side, shape, title_offset), ())) >= 2
        )
        if repeated or numbered_title:
            found.append(edge)
    return found


def _numbered_title_offset(edge: _Edge) -> int | None:
    """For "<title of 2+ words> <n>", n minus the page number; else None."""
    match = _TRAILING_NUMBER.match(edge.text.strip())
    if match is None or len(_LETTERS.findall(match["title"])) < MIN_TITLE_WORDS:
        return None
    return int(match["number"]) - edge.page_number


def _shape(text: str) -> str:
    """A line with digits and spacing normalised, so running lines with page numbers match."""
    return _SPACES.sub(" ", _DIGITS.sub("#", text)).strip().casefold()


def _remove(
    pages: list[list[str]], kinds: dict[tuple[int, int], str]
) -> tuple[list[list[str]], list[Boilerplate]]:
    kept_pages: list[list[str]] = []
    removed: list[Boilerplate] = []
    for page, lines in enumerate(pages):
        kept = []
        for index, line in enumerate(lines):
            kind = kinds.get((page, index))
            if kind is None:
                kept.append(line)
            else:
                removed.append(Boilerplate(kind=kind, text=line, page=page + 1))
        kept_pages.append(kept)
    return kept_pages, removed
