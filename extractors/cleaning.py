"""Clean OCR'd or converted text into the one text every later stage works on.

What it does, in order, per page: repair unicode (ftfy), strip markup (``<i>``, ``**``) and
footnote marks, set aside boilerplate lines (protective markings, letterheads, slogans, dashed
table rules, lone footnote numbers, website banners), normalise whitespace while keeping
tab-separated table rows as rows, then join wrapped lines into paragraphs and undo line-end
hyphenation where the joined word is a word. Pages are then concatenated with their spans kept,
so every offset downstream points into ``CleanText.text`` and maps back to a page.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ftfy
import ftfy.badness
import ftfy.fixes

from models.vocabulary import GRADE_WORDS_RX, report_grade_words

from .records import Boilerplate, HeadingMark, LineStyle, PageSpan, RawPage

# --- boilerplate rules (v1) --------------------------------------------------------------------
# Each rule is (kind, pattern matched against the whole stripped line, case-insensitively).
BOILERPLATE_RULES_V1: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("protective_marking", r"(PROTECT|RESTRICTED|OFFICIAL(-SENSITIVE)?|UNCLASSIFIED)\s*[:\-–]?\s*"
                               r"(INSPECTION|SENSITIVE|PERSONAL|POLICY)?"),
        ("slogan", r"making social care better for people|better education and care"
                   r"|raising standards,? improving lives"),
        # Ofsted's and CSCI's address and contact block at the head of letters.
        ("letterhead", r".{0,60}\b(Kingsway|Piccadilly Gate|Store Street|Aviation House|Alexandra House)\b"
                       r".{0,40}\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"),
        ("letterhead", r"(T|Tel|F|Fax)\s*:?\s*[\d ]{10,16}\s*(\S+@ofsted\.gov\.uk)?\s*(www\.ofsted\.gov\.uk)?"
                       r"(\s*(textphone|minicom)\b.*)?"),
        ("letterhead", r"(\S+@(ofsted|csci)\.gov\.uk\s*)?(www\.(ofsted|csci)\.(gov|org)\.uk)"),
        ("table_rule", r"[-=_]{3,}[-=_\s\t]*"),
        ("footnote_marker", r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2}"),
        # "• Tue. Apr 16th, 2024": a website's date banner, not the article's date.
        ("web_banner", r"[•·\-–]\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+.{3,30}\d{4}"),
    )
)

MARKUP_RE = re.compile(r"</?(?:i|b|u|em|strong|span|sup|sub|p|br|font)\b[^>]{0,80}>|\*\*|__(?=\w)|(?<=\w)__",
                       re.IGNORECASE)
SUPERSCRIPT_RE = re.compile(r"\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
SPACES_RE = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u3000]+")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe]")
BULLET_RE = re.compile(r"^[•·◼▪■●○◦\u2022\uf0b7\uf0a7-]\s+")
TERMINAL_RE = re.compile(r"[.!?:;][’”'\")\]]*$")
HYPHEN_END_RE = re.compile(r"(\w+)-$")
# Characters that UTF-8 read as Windows-1252 or Latin-1 leaves behind; without one of them
# there is no mojibake for ftfy's (slow) badness test to find.
MOJIBAKE_HINT_RE = re.compile("[\u0080-\u009f\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00e2\u00ef\ufffd]")


@dataclass(slots=True)
class CleanText:
    """The cleaned text of a document, its page spans, what was set aside, and (for a PDF with a
    text layer) the headings its typography shows."""

    text: str
    pages: list[PageSpan] = field(default_factory=list)
    boilerplate: list[Boilerplate] = field(default_factory=list)
    headings: list[HeadingMark] = field(default_factory=list)
    # Page start offsets, once: page_at runs for every judgement, section and entity.
    _page_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._page_starts = [span.start for span in self.pages]

    def page_at(self, offset: int) -> int | None:
        """The page number holding a character offset (the last page for offsets past the end)."""
        if not self.pages:
            return None
        index = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[max(index, 0)].number

    def assign_pages(self, items: Iterable[Any]) -> None:
        """Set ``page`` on records with a ``start`` offset (sections, judgements, entities, people),
        and ``page_end`` (the page its last character is on) on those that have one."""
        for item in items:
            if item.start is not None:
                item.page = self.page_at(item.start)
                if hasattr(item, "page_end") and item.end is not None:
                    item.page_end = self.page_at(max(item.start, item.end - 1))


def repair_unicode(text: str) -> str:
    """Undo mojibake and odd code points; ftfy's full repair only where its badness test fires."""
    if text.isascii():
        return text
    if MOJIBAKE_HINT_RE.search(text) and ftfy.badness.is_bad(text):
        return ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=True)
    # Most PDF text layers are clean: the cheap fixes are enough and 10x faster.
    return unicodedata.normalize("NFC", ftfy.fixes.fix_latin_ligatures(text))


def boilerplate_kind(line: str) -> str | None:
    """The kind of boilerplate a whole line is, or None if it is content."""
    stripped = line.strip()
    if not stripped:
        return None
    for kind, pattern in BOILERPLATE_RULES_V1:
        if pattern.fullmatch(stripped):
            return kind
    return None


def normalise_line(line: str) -> str:
    """Repairable damage inside one line: markup, footnote marks, spacing, table cells."""
    line = CONTROL_RE.sub("", line)
    line = MARKUP_RE.sub("", line)
    line = SUPERSCRIPT_RE.sub("", line)
    if "\t" in line:
        cells = [SPACES_RE.sub(" ", cell).strip() for cell in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        while cells and not cells[0]:
            cells.pop(0)
        return "\t".join(cells)
    return SPACES_RE.sub(" ", line).strip()


@lru_cache(maxsize=1)
def _dictionary():
    from spellchecker import SpellChecker  # 0.3 s to load: only when a hyphen needs judging

    return SpellChecker(distance=1)


def join_hyphenated(head: str, tail: str, document_words: DocumentWords | set[str]) -> str:
    """Join ``head-`` + ``tail`` dropping the hyphen only where the joined word is a word."""
    match = HYPHEN_END_RE.search(head)
    first, rest = (tail.split(" ", 1) + [""])[:2]
    word = match.group(1) + re.sub(r"\W+$", "", first)
    joined_lower = word.lower()
    if joined_lower in document_words or (
        f"{match.group(1)}-{first}".lower() not in document_words and joined_lower in _dictionary()
    ):
        return head[:-1] + tail
    return head + tail


def _starts_continuation(line: str) -> bool:
    return bool(line) and (line[0].islower() or line[0] in ",;)")


def _ends_sentence(line: str) -> bool:
    return bool(TERMINAL_RE.search(line))


def join_block_lines(lines: list[str], *, wrap_width: int | None, document_words: DocumentWords | set[str]) -> list[str]:
    """Join the lines of one block into paragraphs.

    ``wrap_width`` is the page's typical full line length for text laid out in columns (PDF
    pages): a line that long is a wrapped line. For converted text, lines are already
    paragraphs and only an obvious continuation (next line starts in lower case, or the line
    ends in a hyphen) is joined.
    """
    out: list[str] = []
    for line in lines:
        if not out:
            out.append(line)
            continue
        prev = out[-1]
        if "\t" in prev or "\t" in line or BULLET_RE.match(line):
            out.append(line)
            continue
        wrapped = _starts_continuation(line) or (
            wrap_width is not None and len(prev) >= 0.6 * wrap_width and not _ends_sentence(prev)
        )
        if prev.endswith("-") and HYPHEN_END_RE.search(prev) and line[:1].isalpha() and (wrapped or line[0].islower()):
            out[-1] = join_hyphenated(prev, line, document_words)
        elif wrapped:
            out[-1] = prev + " " + line
        else:
            out.append(line)
    return out


def _typical_width(lines: list[str]) -> int | None:
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 4:
        return None
    return lengths[int(len(lengths) * 0.9) - 1]


# -- headings from typography ------------------------------------------------------------------
# A heading is printed larger than the body text, or in bold where the body is not: measured on
# the 48 reports of the development corpus, ILACS and SIF body text is 12 pt, section headings
# 14-16 pt bold, subsections ("Summary", "Inspection findings") 12 pt bold, titles 26 pt; running
# headers and footnotes are smaller than the body and never headings.
LARGER_RATIO = 1.08
TITLE_RATIO = 1.6
MAX_HEADING_WORDS = 22
MAX_LEVEL = 4
LETTER_RE = re.compile(r"[A-Za-z]")
CONTENTS_ENTRY_RE = re.compile(r"[A-Za-z?)]\s+\d{1,3}$")  # "Executive summary 5": a contents line
# A labelled field printed like a heading: "Inspection dates: 7 to 18 November 2022", "Lead
# inspector: ...", "Report published: ..." (not "What the inspection judgements mean: the local
# authority", nor "... help and protection: good").
FIELD_RE = re.compile(r"^[^:]{0,40}\b(?:dates?|published|inspectors?|telephone|tel|email|reference|urn|ref)\s*:\s*\S",
                      re.IGNORECASE)
LONE_WORDS = frozenset({"and", "or", "of", "the", "with", "for"})
NUMBERED_RE = re.compile(r"^\(?\d{1,2}[.)]\s")
CONTENTS_PAGE_ENTRIES = 3  # a page with this many "Heading  12" lines is a contents page


@dataclass(frozen=True, slots=True)
class Typography:
    """A document's body style and the levels of its heading styles."""

    body: LineStyle
    levels: dict[LineStyle, int]

    def level(self, line: str, style: LineStyle | None, *, continuing: bool = False) -> int | None:
        """The heading level of a line printed in ``style`` (1 = title), or None for body text.
        ``continuing``: the line would wrap a heading of its style ("...that it requires" +
        "improvement."), so its full stop ends that heading."""
        if style is None or style not in self.levels:
            return None
        if not LETTER_RE.search(line) or len(line.split()) > MAX_HEADING_WORDS or CONTENTS_ENTRY_RE.search(line):
            return None
        if line.endswith((".", ",", ";")) and not line.endswith("etc.") and not (
                continuing or (line.endswith(".") and _ends_in_grade(line[:-1]))):
            return None  # a sentence printed in bold, not "The graded judgement for adoption ... is good."
        if FIELD_RE.search(line) or (not continuing and line.lower() in LONE_WORDS):
            return None  # a labelled field; a lone "and" between two titles
        return self.levels[style]


def document_typography(pages: list[RawPage]) -> Typography | None:
    """The body style (the one most characters are printed in) and a level for each heading style:
    1 for titles, 2-3 for larger sizes in order, 4 for bold at the body's size. None without a
    text layer."""
    weight: dict[LineStyle, int] = {}
    for page in pages:
        for line, style in (page.styles or {}).items():
            weight[style] = weight.get(style, 0) + len(line)
    if not weight:
        return None
    body = max(weight, key=weight.__getitem__)
    larger = sorted({style.size for style in weight if style.size >= body.size * LARGER_RATIO}, reverse=True)
    levels: dict[LineStyle, int] = {}
    section_sizes = [size for size in larger if size < body.size * TITLE_RATIO]
    for style in weight:
        if style.size >= body.size * TITLE_RATIO:
            levels[style] = 1
        elif style.size in section_sizes:
            levels[style] = min(2 + section_sizes.index(style.size), MAX_LEVEL - 1)
        elif style.bold and not body.bold and abs(style.size - body.size) < 0.5:
            levels[style] = MAX_LEVEL
    return Typography(body, levels)


GRADE_SUFFIX_RE = re.compile(rf"(?:^|[\s:–-])(?:{GRADE_WORDS_RX})\s*$", re.IGNORECASE)


def _ends_in_grade(line: str) -> bool:
    return bool(GRADE_SUFFIX_RE.search(line))


def _is_grade_only(line: str) -> bool:
    """A heading's grade printed on a line of its own ("Requires improvement", "to be good" after
    "Requires improvement", "Grade 4 (inadequate)")."""
    if len(line) > MAX_GRADE_LINE:
        return False
    words = line.strip(" .:").lower()
    return words in GRADE_LINES or bool(GRADE_NUMBER_LINE_RE.match(words))


MAX_GRADE_LINE = 40
GRADE_LINES = frozenset(report_grade_words()) | {"to be good"}


GRADE_START_RE = re.compile(r"\brequires?$", re.IGNORECASE)
GRADE_NUMBER_LINE_RE = re.compile(r"^grade\s+[1-4]\s*\([a-z ]+\)$")


CONNECTING_WORD_RE = re.compile(r"(?:\b(?:of|and|the|for|in|to|with|who|on|at|by|from|are|is)|[&,–-])$", re.IGNORECASE)


def _heading_continues(previous: str, line: str) -> bool:
    """Whether a heading line wraps onto the next line of its style: "The experiences and progress
    of" + "children who need help and protection: good"; a grade on a line of its own."""
    if _is_grade_only(line) or (GRADE_START_RE.search(previous) and line.lower().startswith("improvement")):
        return True  # "... protection Requires" + "Improvement"
    if (_ends_sentence(previous) and not previous.endswith(":")) or NUMBERED_RE.match(line) or _ends_in_grade(previous):
        return False  # a numbered line is an item of its own; a heading ending in its grade is whole
    return _starts_continuation(line) or bool(CONNECTING_WORD_RE.search(previous)) or len(previous) >= HEADING_WRAP_CHARS


@dataclass(slots=True)
class _Block:
    """Lines between blank lines, or one heading's lines (with its level and style)."""

    lines: list[str] = field(default_factory=list)
    level: int | None = None
    style: LineStyle | None = None


def clean_page_lines(page: RawPage, *, document_words: DocumentWords | set[str], layout: bool,
                     boilerplate: list[Boilerplate], typography: Typography | None = None) -> list[str]:
    """Clean one page into paragraphs; a paragraph may keep short lines joined by ``\\n``. With
    ``typography``, a heading is a paragraph of its own, its wrapped lines joined, and is kept
    as a ``Heading`` (a ``str`` that knows its level)."""
    original = page.text.split("\n")
    text = repair_unicode(page.text)
    repaired = text.split("\n")
    styles = (page.styles or {}) if typography is not None and len(original) == len(repaired) else {}
    if styles and sum(bool(CONTENTS_ENTRY_RE.search(line)) for line in map(str.rstrip, repaired)
                      if line[-1:].isdigit()) >= CONTENTS_PAGE_ENTRIES:
        styles = {}  # a contents page: its entries are printed like the headings they point to
    blocks = [_Block()]
    for raw_line, source in zip(repaired, original if styles else repaired):
        kind = boilerplate_kind(MARKUP_RE.sub("", raw_line))
        if kind:
            boilerplate.append(Boilerplate(kind=kind, text=raw_line.strip(), page=page.number))
            continue
        line = normalise_line(BULLET_RE.sub("", raw_line.strip()) if not layout else raw_line)
        if not line:
            if blocks[-1].lines:
                blocks.append(_Block())
            continue
        style = styles.get(source.strip()) if styles else None
        level = typography.level(line, style) if style is not None else None
        if level is None and style is not None and blocks[-1].style == style and _starts_continuation(line):
            level = typography.level(line, style, continuing=True)
        grade_only = _is_grade_only(line)
        if grade_only and not blocks[-1].lines and len(blocks) > 1 and blocks[-2].level is not None:
            blocks.pop()  # a heading's grade after a blank line: "1. Children who ... protection" / "" / "Good"
        current = blocks[-1]
        if current.level is not None and current.lines and (
                # a heading's grade may be printed on its own line in another style ("Requires improvement")
                (grade_only and not _ends_in_grade(current.lines[-1]))
                or (current.level == level and current.style == style and _heading_continues(current.lines[-1], line))):
            current.lines.append(line)
        elif level is not None and not grade_only:
            blocks.append(_Block([line], level, style))
        else:  # body text, or a grade cell in bold with no heading to belong to (a table's cell)
            if current.level is not None:
                blocks.append(_Block())
            blocks[-1].lines.append(line)
    width = _typical_width([line for block in blocks for line in block.lines]) if layout else None
    paragraphs: list[str] = []
    for block in blocks:
        if not block.lines:
            continue
        if block.level is not None:
            joined = block.lines[0]
            for line in block.lines[1:]:
                joined = (join_hyphenated(joined, line, document_words) if joined.endswith("-")
                          and HYPHEN_END_RE.search(joined) else f"{joined} {line}")
            paragraphs.append(Heading(joined, block.level))
            continue
        for para in _group_lines(join_block_lines(block.lines, wrap_width=width, document_words=document_words),
                                 layout=layout):
            paragraphs = _append_paragraph(paragraphs, para, document_words)
    return paragraphs


# A heading line this long that does not end a sentence wraps onto the next line of its style.
HEADING_WRAP_CHARS = 50


class Heading(str):
    """A paragraph that is a heading, with its level (1 = title)."""

    level: int

    def __new__(cls, text: str, level: int) -> "Heading":
        made = super().__new__(cls, text)
        made.level = level
        return made


def _group_lines(lines: list[str], *, layout: bool) -> list[str]:
    """Lines left unjoined inside one block: a PDF's are paragraphs; a text file's stay together."""
    if layout:
        return lines
    return ["\n".join(lines)]


def _append_paragraph(paragraphs: list[str], para: str, document_words: DocumentWords | set[str]) -> list[str]:
    """Append, joining a paragraph split by a page break or blank lines mid-sentence."""
    if paragraphs:
        prev = paragraphs[-1]
        if not isinstance(prev, Heading) and "\t" not in prev and "\t" not in para and not _ends_sentence(prev) and _starts_continuation(para):
            if prev.endswith("-") and HYPHEN_END_RE.search(prev):
                paragraphs[-1] = join_hyphenated(prev, para, document_words)
            else:
                paragraphs[-1] = prev + " " + para
            return paragraphs
    paragraphs.append(para)
    return paragraphs


class DocumentWords:
    """Words of the document as printed mid-line: evidence for how a hyphenated word is spelt
    ("decision-making" printed whole somewhere keeps its hyphen when a line break splits it).

    Looked up in the text when asked, not collected into a set of every word: a document asks
    a few dozen times, and collecting cost a twentieth of the whole extraction."""

    def __init__(self, pages: list[RawPage]):
        self.pages = pages
        self._text: str | None = None
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word not in self._known:
            if self._text is None:
                self._text = "\n".join(page.text for page in self.pages).lower()
            pattern = rf"(?<![a-z'-]){re.escape(word.lower())}(?![a-z'-])"
            self._known[word] = re.search(pattern, self._text) is not None
        return self._known[word]


def clean_pages(pages: list[RawPage], *, layout: bool = False) -> CleanText:
    """Clean a document's pages into one text with page spans and the boilerplate set aside.

    ``layout`` is true for pages read from a PDF text layer or OCR, whose lines are wrapped at
    the page width; false for converted text, whose lines are already paragraphs.
    """
    document_words = DocumentWords(pages)
    typography = document_typography(pages) if layout else None
    boilerplate: list[Boilerplate] = []
    headings: list[HeadingMark] = []
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for page in pages:
        paragraphs = clean_page_lines(page, document_words=document_words, layout=layout,
                                      boilerplate=boilerplate, typography=typography)
        page_text = "\n\n".join(paragraphs)
        if parts and page_text:
            # A sentence running on from the previous page joins it; otherwise a paragraph break.
            last_is_heading = bool(headings) and headings[-1].end == offset
            joiner = (" " if (not last_is_heading and not isinstance(paragraphs[0], Heading)
                              and not _ends_sentence(parts[-1]) and _starts_continuation(page_text)) else "\n\n")
            parts.append(joiner)
            offset += len(joiner)
        start = offset
        position = offset
        for para in paragraphs:
            if isinstance(para, Heading):
                headings.append(HeadingMark(position, position + len(para), para.level, page.number))
            position += len(para) + 2
        parts.append(page_text)
        offset += len(page_text)
        spans.append(PageSpan(number=page.number, start=start, end=offset, route=page.route,
                              ocr_confidence=page.ocr_confidence))
    text = "".join(parts)
    return CleanText(text=text, pages=spans, boilerplate=boilerplate, headings=headings)
