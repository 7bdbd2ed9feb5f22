"""Judgement rules for every kind of document: grade table rows, a line that is an area and its
grade, the headline statements of letters and reports, and judgements restated second hand in
minutes and news (with their own year where the text gives one).

Each rule is a small named function ``(text, sections) -> Iterator[Candidate]``; ``rules.py``
says which document types each runs on. Grade-scale legends ("4  Performs excellently  An
organisation that ...") are never judgements: a table row whose first cell is a bare grade
number, or a grade phrase followed by its definition, is a legend.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from models.vocabulary import APA_OUTCOME_AREAS

from ..records import Section
from .grades import (
    APOS,
    QUOTE,
    Candidate,
    area_in,
    earlier_year,
    grade_regex,
    iter_lines,
    iter_sentences,
    lookup_grade,
    statement,
)

NUMBER_CELL_RE = re.compile(r"^[1-4]$")
RATING_WITH_NUMBER_RE = re.compile(r"\((\d)\)\s*$")


def grade_table_rows(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """A table row: an area in the first cell, a grade (number or words) in the last."""
    for line in iter_lines(text, sections):
        cells = line.text.split("\t")
        if len(cells) < 2 or NUMBER_CELL_RE.match(cells[0].strip()):
            continue  # not a row, or a legend row ("4  A service that delivers well above ...")
        area = area_in(cells[0])
        grade_cell = cells[-1].strip()
        if not area:
            continue
        if NUMBER_CELL_RE.match(grade_cell):
            score, family = int(grade_cell), "number"
        else:
            found = lookup_grade(grade_cell)
            if not found:
                continue
            score, family = found
            number = RATING_WITH_NUMBER_RE.search(grade_cell)
            if number and int(number.group(1)) != score:
                continue  # words and number disagree: do not guess
        cell_start = line.start + line.text.rindex(grade_cell)
        yield Candidate(area, grade_cell, score, family, "table", line.start, cell_start + len(grade_cell))


@lru_cache(maxsize=1)
def headline_patterns() -> list[tuple[str | None, re.Pattern[str]]]:
    """Headline statements of letters and reports: (area or None = the section's area, pattern)."""
    copula = r"(?:is|are|remains?|has been|have been)\s+(?:judged\s+(?:to\s+be\s+|as\s+)?)?"
    return [
        (None, statement(rf"^(?:The|Overall,? the)\s+(?:[\w{APOS[1:-1]}]+\s+){{0,3}}contribution\b.{{0,300}}?\b{copula}GRADE\b")),
        (None, statement(rf"\bchildren{APOS}s services\s+makes?\s+an?\s+GRADE\s+contribution\b")),
        ("service_management", statement(
            rf"^The leadership and management of (?:the )?(?:council )?services for children and young people\b.{{0,120}}?\b{copula}GRADE\b")),
        ("overall", statement(rf"^(?:The )?overall (?:judgement|effectiveness)\b.{{0,60}}?\b(?:is|was)\s+(?:that\s+.{{0,60}}?\s+(?:is|are)\s+)?GRADE\b")),
        ("overall", statement(rf"^Children{APOS}s services in (?:the )?[A-Z].{{0,100}}?\s+(?:is|are\s+)?GRADE\b")),
        ("overall", statement(rf"^The rating for children{APOS}s services in .{{1,100}}? is that (?:it|they) GRADE\b")),
        ("overall", statement(rf"^{QUOTE}Services to safeguard and promote the welfare of children\b.{{0,120}}?\b(?:is|are)\s+GRADE\b")),
        # not a legend run on after the heading: "The LSCB An outstanding LSCB is ...", "... that is good"
        # nor a descriptor or a shortfall: "is likely to be judged to be good", "is not yet demonstrating
        # the characteristics of good"
        ("lscb", statement(rf"^The (?:Local Safeguarding Children Board|LSCB)\b"
                           rf"(?:(?!\b(?:an?|that|which|not|likely|expected|characteristics)\b).){{0,60}}?"
                            rf"\b(?:is\s+)?GRADE\b")),
        ("lscb", statement(rf"\bjudgement for the effectiveness of the (?:LSCB|Local Safeguarding Children Board) is\s+GRADE\b")),
    ]


def headline_statements(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """Sentences that state a judgement: "The contribution of ... is good", "... are excellent"."""
    for sentence in iter_sentences(text, sections):
        for area, pattern in headline_patterns():
            match = pattern.search(sentence.text)
            if not match:
                continue
            target = area or (sentence.section if sentence.section in APA_OUTCOME_AREAS else None)
            if area is None and area_in(sentence.text[: match.start("grade")]) == "overall":
                target = "overall"
            if target is None:
                continue
            label = match.group("grade")
            score, family = lookup_grade(label)
            yield Candidate(target, label, score, family, "prose", sentence.start + match.start(),
                            sentence.start + match.end())
            break


# "The judgements for the local authority were:", "Previous Ofsted inspections": what follows restates an
# earlier inspection's judgements, not the report's own.
EARLIER_JUDGEMENTS_CUE_RE = re.compile(
    r"\bjudgements?\s+(?:for|of)\s+the\s+local\s+authority\s+were\b|\bprevious\s+(?:ofsted\s+)?inspections?\b"
    r"|\b(?:last|previous)\s+inspection\s+(?:report\s+)?(?:judgements?|grades?)\b", re.IGNORECASE)
# "Leadership, management and governance is good", "The graded judgement for adoption is good" (not
# "An LSCB that is good", "... care leavers are still not good").
HEADLINE_COPULA_RE = re.compile(r"^(?!.*\b(?:not|that|which|if|when|where|who)\b).*\s(?:is|are)$", re.IGNORECASE)
EARLIER_JUDGEMENTS_REACH = 600  # characters: the few lines of an earlier inspection's grades


def _follows_cue(cue_ends: list[int], offset: int) -> bool:
    """Whether ``offset`` lies within ``EARLIER_JUDGEMENTS_REACH`` characters after a cue's end
    (``cue_ends`` ascending): only the last cue ending at or before the offset can be that near."""
    index = bisect.bisect_right(cue_ends, offset) - 1
    return index >= 0 and offset - cue_ends[index] < EARLIER_JUDGEMENTS_REACH


def area_grade_lines(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """A line that is an area and its grade only: "2.1 Adoption performance Requires improvement",
    "... help and protection: good", "Leadership, management and governance is good". The grade is a
    table cell (capitalised), follows a colon or dash, or is the line's whole predicate, so a wrapped
    sentence ending "... care leavers are still not good" is not one; lines just
    after a list of an earlier inspection's judgements are not the report's own."""
    pattern = re.compile(rf"^(?:\d+(?:\.\d+)*\.?\s+)?(?P<area>(?-i:[A-Z])[A-Za-z ,{APOS[1:-1]}-]{{4,159}}?)\s*(?P<sep>[:–-]?)\s+"
                         rf"(?P<grade>{grade_regex()})\s*$", re.IGNORECASE)
    # Cue ends in text order: the nearest cue before a line is found by binary search, not by
    # comparing every cue with every line (both grow with the document).
    earlier = [m.end() for m in EARLIER_JUDGEMENTS_CUE_RE.finditer(text)]
    for line in iter_lines(text, sections):
        if "\t" in line.text:
            continue
        match = pattern.match(line.text.strip())
        if not match:
            continue
        if not (match.group("sep") or match.group("grade")[:1].isupper()
                or HEADLINE_COPULA_RE.search(match.group("area"))):
            continue
        if _follows_cue(earlier, line.start):
            continue
        area = area_in(match.group("area"))
        if not area or len(match.group("area").split()) > 18:
            continue
        label = match.group("grade")
        score, family = lookup_grade(label)
        offset = line.start + (len(line.text) - len(line.text.lstrip()))
        yield Candidate(area, label, score, family, "table", offset, offset + match.end())


@lru_cache(maxsize=1)
def restatement_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Judgements restated in minutes and news: (kind, pattern)."""
    return [
        ("overall", statement(r"\bawarded\b.{0,60}?\ban?\s+overall\s+GRADE\s+(?:rating|judgement|grade)\b")),
        ("area", statement(r"\bGRADE\s+(?:rating|judgement|grade)\s+for\s+(?P<area>.{5,80})")),
        ("list", statement(r"\bareas?\s+(?:that|which)\s+GRADE,?\s+including\s+(?P<area>.{5,120})")),
        ("dated", statement(r"\b(?P<year>(?:19|20)\d\d)\s+(?:grading|grade|rating|judgement)\s+of\s+GRADE\s+for\s+(?P<area>.{5,80})")),
    ]


def areas_listed(text: str) -> list[str]:
    """Areas named in a list: "adoption and looked after children" -> adoption, children_in_care."""
    areas = []
    for part in re.split(r",\s*|\s+and\s+(?!achieving|progress|protection|care leavers)", text.split(".")[0]):
        area = area_in(part)
        if area and area not in areas:
            areas.append(area)
    return areas


def restated_judgements(text: str, sections: list[Section]) -> Iterator[Candidate]:
    """"awarded an overall 'good' rating", "rated as performing well", "the 2008 grading of 'good'"."""
    for sentence in iter_sentences(text, sections):
        for kind, pattern in restatement_patterns():
            for match in pattern.finditer(sentence.text):
                label = match.group("grade")
                score, family = lookup_grade(label)
                start, end = sentence.start + match.start(), sentence.start + match.end()
                year = (int(match.group("year")) if kind == "dated"
                        else earlier_year(sentence.text[:match.start()], None))
                if kind == "overall":
                    areas = ["overall"]
                elif kind == "list":
                    areas = areas_listed(match.group("area"))
                else:
                    first = area_in(match.group("area")[:60])
                    areas = [first] if first else []
                for area in areas:
                    yield Candidate(area, label, score, family, "prose", start, end, year)
