"""Judgement rules for Ofsted inspection reports (SIF 2014-18, ILACS 2018-, 2013 looked-after-children).

Each rule is a small named function over one kind of evidence a report family prints, yielding
``Candidate``s like the rules of ``document_rules.py`` (``rules.py`` runs them on documents of
type ``inspection_report``):

- ``judgement_grade_table``: the ILACS page-1 table ("Judgement Grade", then rows "label grade"
  whose labels and grades wrap over lines; the April 2026 format has no overall row).
- ``ilacs_heading_judgements``: ILACS section headings "The experiences and progress of ...: good".
- ``sif_overall_headline``: "Children's services in X are good / require improvement to be good",
  "The overall judgement is (that children's services are) inadequate" on page 1.
- ``sif_numbered_judgements``: the numbered page-1 list "1. Children who need help and protection
  Good 2. ... 2.1 Adoption performance ... 3. Leadership, management and governance ...".
- ``lscb_headline``: "The Local Safeguarding Children Board requires improvement", "The
  (judgement for the) effectiveness of the LSCB is good": a headline, not praise of an activity.
- ``lac_main_findings``: the 2013 looked-after-children "Record of main findings" table (overall
  effectiveness and leadership and management only).

A table is read as a chain of rows: each row's label is the text between the previous grade and
this one, and the chain stops at the first piece of text that is not shaped like a row label
(too long, a sentence, or not ending with an area's name), so narrative after the table is never
read as a row. Grade legends ("Outstanding (Grade 1) A service that ...") are never read.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from models.vocabulary import HEADED_AREAS

from ..records import Section
from .grades import APOS, QUOTE, Candidate, area_patterns, grade_pattern, grade_regex, graded, lookup_grade

HEAD_CHARS = 6000  # page 1 of a report, where its judgement table or list is printed
MAX_LABEL_WORDS = 16
NUMBER_PREFIX_RE = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)*)\.?\s+")
# After a headline grade: end of sentence, line, or a new sentence (capital) on the same line.
HEADLINE_END = r"(?=\s*(?:[.:;]|$|(?-i:[A-Z0-9])|because\b))"


def row_area(label: str) -> tuple[str | None, int]:
    """The area a row label names and where that name ends: the name ending last wins
    (a block header such as "Services for looked after children" comes before the row's name)."""
    best, best_end = None, -1
    for area, pattern in area_patterns():  # longest phrase first
        for match in pattern.finditer(label):
            if match.end() > best_end:
                best, best_end = area, match.end()
    return best, best_end


def _row_shaped(label: str) -> bool:
    """A table row label: a short name, no sentence punctuation, starting with a capital."""
    stripped = label.strip()
    return (0 < len(stripped.split()) <= MAX_LABEL_WORDS and stripped[:1].isupper()
            and not re.search(r"[.;!?]", stripped))


# Words a row label may carry after the area's name ("... social work practice with children and their families").
LABEL_TAIL_RE = re.compile(r"(?:\s+(?:with|and|their|children|families|young|people|of|the|for|in|this|area))*\s*$",
                           re.IGNORECASE)


def _names_area_at_end(label: str) -> str | None:
    """The area a row label names, if the label ends with that area's name (give or take filler words)."""
    stripped = label.rstrip(" \n\t:–-")
    area, end = row_area(stripped)
    return area if area and LABEL_TAIL_RE.fullmatch(stripped[end:]) else None


def _candidate(area: str, match: re.Match[str], offset: int, start: int, evidence: str = "table"):
    label = match.group(0)
    score, family = lookup_grade(label)
    return Candidate(area, " ".join(label.split()), score, family, evidence, start, offset + match.end())


OCR_TABLE_RULE_RE = re.compile(r"[|—_]+")
OCR_JUNK = " \t\n.-–—·•*'‘’\""
# The SIF page-1 list numbers its judgements the same way in every report.
SIF_NUMBERED_AREAS = {"1": "help_and_protection", "2": "children_in_care", "2.1": "adoption", "2.2": "care_leavers",
                      "3": "leadership"}
# A grade wrapped round its row's label, as OCR reads a two-line cell: "Requires 1. Children who
# need help and protection improvement to be good" (the cell's first line before the row).
SPLIT_GRADE_RE = re.compile(
    r"\b(?P<first>Requires?)(?P<gap>\s+)(?P<row>\d(?:\.\d)?\.?\s+[^\n]{3,90}?)\s+"
    r"(?P<rest>improvement(?:\s+to\s+be\s+(?:\w{1,3}\s+)?good)?)\b", re.IGNORECASE)


SPLIT_GRADE_HEAD_RE = re.compile(r"\bRequires?\s*$", re.IGNORECASE)


def _rejoin_split_grade(match: re.Match[str]) -> str:
    """The row, then its whole grade, in the same number of characters (offsets hold)."""
    joined = f"{match.group('row')} {match.group('first')} {match.group('rest')}"
    return joined + " " * (len(match.group()) - len(joined))
# What is left of a grade wrapped over lines ("Requires improvement ... to be good").
GRADE_REST_RE = re.compile(r"\b(?:to|be|good)\b", re.IGNORECASE)
LABEL_AFTER_GRADE_RE = re.compile(r"[ \t\n]+(?P<label>(?-i:[A-Z])[^\n.;:!?]{2,80}?)[ \t\n]+to[ \t\n]+be[ \t\n]+good\b",
                                  re.IGNORECASE)
# Lower-case words up to the next capitalised one: the second line of a wrapped row label.
WRAPPED_TAIL_RE = re.compile(r"[ \t\n]*(?-i:[a-z])[^\n.;:!?]*?(?=[ \t\n]+(?-i:[A-Z0-9]))")


def _table_rows(text: str, start: int, end: int, *, numbered: bool,
                skip_unknown: bool = False) -> Iterator[tuple[str, re.Match[str], int]]:
    """(area, grade match, row start) for each row of a table printed from ``start`` on.

    ``numbered``: each row label starts with its number ("2.1 Adoption performance").
    ``skip_unknown``: a row-shaped label naming no area is passed over instead of ending the table.
    """
    # OCR reads a table's rules as "|", "—" or "_": blanked (same length, so offsets hold).
    block = OCR_TABLE_RULE_RE.sub(lambda rule: " " * len(rule.group()), text[start:end])
    if numbered:
        block = SPLIT_GRADE_RE.sub(_rejoin_split_grade, block)
    position = 0
    for grade in grade_pattern().finditer(block):
        if grade.start() < position:
            continue
        label_start = position
        wrapped = WRAPPED_TAIL_RE.match(block, position) if position else None
        if wrapped:  # the end of the previous row's label, which OCR read after that row's grade
            if wrapped.end() > grade.start():  # "... to be good": the rest of the previous row's grade
                position = wrapped.end()
                continue
            label_start = wrapped.end()
        label = block[label_start:grade.start()]
        row_start = start + label_start + (len(label) - len(label.lstrip()))
        if not label.strip() and position and (after := LABEL_AFTER_GRADE_RE.match(block, grade.end())):
            # OCR put the grade before its label: "Requires improvement Overall effectiveness to be good"
            area = _names_area_at_end(after.group("label"))
            if area is not None:
                yield area, grade, start + after.start("label")
            position = after.end()
            continue
        number = None
        if numbered:
            label = label.lstrip(OCR_JUNK)  # ". - " OCR left between two rows
            number = NUMBER_PREFIX_RE.match(label)
            if not number:
                return
            label = label[number.end():]
        known_number = number is not None and number.group("num") in SIF_NUMBERED_AREAS
        if not (_row_shaped(label) or (known_number and _row_shaped(label[:1].upper() + label[1:]))) \
                or not grade.group(0)[:1].isupper():
            return  # narrative after the table, or a grade word in a sentence ("is good")
        area = _names_area_at_end(label)
        if area is None and number is not None and label.strip():
            # OCR damaged the label ("2. cnieren ooked after and achieving"): SIF numbers its judgements
            area = SIF_NUMBERED_AREAS.get(number.group("num"))
        if area is None and (tail := WRAPPED_TAIL_RE.match(block, grade.end())):
            # A label wrapped over two lines of its cell, read by OCR line by line: "The impact of
            # leaders on social work Good practice with children and families", and with the grade
            # wrapped too: "... with Requires improvement to children and families be good".
            rest = GRADE_REST_RE.sub(" ", tail.group())
            area = _names_area_at_end(f"{label.rstrip()} {' '.join(rest.split())}")
        if area is None and not skip_unknown:
            return
        if area is not None:
            yield area, grade, row_start
        position = grade.end()


# --- ILACS ---------------------------------------------------------------------------------------

JUDGEMENT_TABLE_CUE_RE = re.compile(r"\bJudgement\s+Grade\b")


@lru_cache(maxsize=1)
def _overall_row_re() -> re.Pattern[str]:
    return re.compile(rf"(?-i:Overall)\s+effectiveness\s+(?P<grade>(?=(?-i:[A-Z])){grade_regex()})\b", re.IGNORECASE)


class _OverallRow:
    """``OVERALL_ROW_RE.search``, compiled when first used (the grade phrases load then)."""

    def search(self, text: str, start: int, end: int) -> re.Match[str] | None:
        return _overall_row_re().search(text, start, end)


OVERALL_ROW_RE = _OverallRow()


def judgement_grade_table(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """ILACS page-1 table: "Judgement Grade" then rows "The impact of leaders ... Good"."""
    head = text[:HEAD_CHARS]
    cue = JUDGEMENT_TABLE_CUE_RE.search(head)
    if not cue:
        return
    found = set()
    end = min(len(text), cue.end() + 1500)
    for area, grade, row_start in _table_rows(text, cue.end(), end, numbered=False, skip_unknown=True):
        found.add(area)
        yield _candidate(area, grade, cue.end(), row_start)
    if "overall" not in found:
        # the table's last row, read alone where OCR damage ended the rows before it
        # ("... G : ood protection Me experiences ... Overall effectiveness Good")
        row = OVERALL_ROW_RE.search(text, cue.end(), end)
        if row:
            yield graded("overall", row.group("grade"), "table", row.start(), row.end())


@lru_cache(maxsize=1)
def _ilacs_heading_re() -> re.Pattern[str]:
    label = (r"The\s+(?:experiences\s+and\s+progress\s+of\s+[^.:;\n]{3,90}?"
             r"|impact\s+of\s+leaders\s+on\s+social\s+work\s+practice[^.:;\n]{0,40}?)")
    return re.compile(rf"(?:^|(?<=[\s)]))(?P<label>{label})\s*:\s*(?P<grade>{grade_regex()})\b",
                      re.IGNORECASE | re.MULTILINE)


def ilacs_heading_judgements(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """ILACS section headings that carry their grade: "The experiences and progress of children
    who need help and protection: good"."""
    for match in _ilacs_heading_re().finditer(text):
        area = _names_area_at_end(match.group("label"))
        if area is None:
            continue
        yield graded(area, match.group("grade"), "prose", match.start(), match.end())


def section_heading_grades(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """The grade a report's section heading states, as the page's typography shows it: evidence
    for its area where the report's table has none (the table's grade stays the judgement)."""
    for section in sections:
        if section.grade and section.label in HEADED_AREAS and section.heading and lookup_grade(section.grade):
            yield graded(section.label, section.grade, "heading", section.start, section.start + len(section.heading))


# --- SIF -----------------------------------------------------------------------------------------

# A council's name as printed in the headline: capitalised words, with "the", "of", "and", "on", "upon".
COUNCIL_NAME = r"(?:the\s+)?(?-i:[A-Z][\w’'-]*)(?:\s+(?:(?-i:[A-Z][\w’'-]*)|of|and|on|upon|the|in|area))*?"


@lru_cache(maxsize=1)
def _sif_overall_res() -> list[re.Pattern[str]]:
    grade = rf"{QUOTE}(?P<grade>{grade_regex()}){QUOTE}"
    return [
        re.compile(rf"\bChildren{APOS}s\s+services\s+in\s+{COUNCIL_NAME}\s+(?:are\s+|is\s+)?{grade}{HEADLINE_END}",
                   re.IGNORECASE | re.MULTILINE),
        re.compile(rf"\bThe\s+overall\s+judgement\s+is\s+(?:that\s+(?:the\s+)?children{APOS}s\s+services\s+"
                   rf"(?:in\s+{COUNCIL_NAME}\s+)?(?:are|is)\s+)?{grade}{HEADLINE_END}", re.IGNORECASE | re.MULTILINE),
        # OCR read the headline's second line first: "require improvement to be Good Children's
        # services in the Borough of Redcar and Cleveland area" before the numbered list
        re.compile(rf"(?:^|(?<=\s)){grade}\s+Children{APOS}s\s+services\s+in\s+{COUNCIL_NAME}\s+"
                   rf"(?=1\.?\s+Children\s+who\s+need\b)", re.IGNORECASE | re.MULTILINE),
    ]


def sif_overall_headline(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """SIF page-1 headline: "Children's services in X are good", "The overall judgement is inadequate"."""
    head = text[:HEAD_CHARS]
    found = [m for pattern in _sif_overall_res() if (m := pattern.search(head))]
    if not found:
        return
    match = min(found, key=lambda m: m.start())  # the first headline on page 1 is the report's own
    yield graded("overall", match.group("grade"), "prose", match.start(), match.end())


SIF_LIST_START_RE = re.compile(r"(?:^|(?<=\s))1\.?\s+Children\s+who\s+need\s+help\s+and\s+protection\b",
                               re.IGNORECASE | re.MULTILINE)


def sif_numbered_judgements(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """SIF page-1 list: "1. Children who need help and protection Good", "2.1 Adoption performance ..."."""
    head = text[:HEAD_CHARS]
    start = SIF_LIST_START_RE.search(head)
    if not start:
        return
    # the first line of a grade OCR read before its row ("Requires" / "1. Children who ... improvement")
    before = SPLIT_GRADE_HEAD_RE.search(head, max(0, start.start() - 20), start.start())
    begin = before.start() if before else start.start()
    for area, grade, row_start in _table_rows(text, begin, min(len(text), start.start() + 1500),
                                              numbered=True, skip_unknown=True):
        yield _candidate(area, grade, begin, row_start)


@lru_cache(maxsize=1)
def _lscb_re() -> re.Pattern[str]:
    # "Local Safeguarding Children Board", "LSCB", or a board's own name ("Kent Safeguarding Children Board (KSCB)")
    board = (r"(?:(?:(?:(?-i:[A-Z][\w’'-]*)|local)\s+){0,4}Safeguarding\s+Children\s+Board|LSCB)"
             r"(?:\s*\((?-i:[A-Z]{3,6})\))?")
    subject = rf"The\s+(?:(?:judgement\s+for\s+the\s+)?effectiveness\s+of\s+the\s+{board}\s+is|{board}\s+(?:is\s+)?)"
    grade = rf"{QUOTE}(?P<grade>{grade_regex()}){QUOTE}"
    return re.compile(rf"(?:^|(?<=[\s.]))(?-i:{subject[:3]}){subject[3:]}\s*{grade}{HEADLINE_END}",
                      re.IGNORECASE | re.MULTILINE)


def lscb_headline(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """The LSCB judgement as a headline: "The Local Safeguarding Children Board requires improvement",
    "The judgement for the effectiveness of the LSCB is good" (not "... is good at ...")."""
    for match in _lscb_re().finditer(text):
        yield graded("lscb", match.group("grade"), "prose", match.start(), match.end())


# --- 2013 looked-after-children inspections ------------------------------------------------------

MAIN_FINDINGS_CUE_RE = re.compile(r"\bRecord\s+of\s+main\s+findings\b\s*")
LAC_AREAS = frozenset({"overall", "leadership"})  # outcomes, provision and capacity are not recorded


def lac_main_findings(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """2013 looked-after-children table "Record of main findings ... Overall effectiveness Inadequate
    ... Leadership and management Inadequate" (the table, not the contents line naming it)."""
    for cue in MAIN_FINDINGS_CUE_RE.finditer(text):
        for area, grade, row_start in _table_rows(text, cue.end(), min(len(text), cue.end() + 1500),
                                                  numbered=False, skip_unknown=True):
            if area in LAC_AREAS:
                yield _candidate(area, grade, cue.end(), row_start)
