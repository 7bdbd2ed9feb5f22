"""Grade primitives every judgement rule shares: how grades and areas are written, and the text
cut into lines and sentences.

The phrase lists are the versioned files ``patterns/grades_v1.jsonl`` (a grade as written ->
its score, 4 = best, and family: word, rating or number) and ``patterns/areas_v1.jsonl`` (an
area's written forms -> its key in ``models.vocabulary.AREAS``), validated when they load.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..records import Section
from ..sections import SectionIndex
from ..vocab import load_vocabulary

QUOTE = "[“”\"'‘’]?"
APOS = "['’]"
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[’”\"]?\s+(?=[“\"‘'(]?[A-Z0-9])")


def phrase_regex(phrase: str) -> str:
    """A vocabulary phrase as a regex tolerant of line breaks, hyphens and apostrophe forms."""
    words = re.split(r"\s+", phrase.strip())
    parts = [re.escape(w).replace("'", APOS).replace("\\-", "[-‑–]?\\s*") for w in words]
    return r"\s+".join(parts)


@lru_cache(maxsize=1)
def grade_table() -> dict[str, tuple[int, str]]:
    """Lower-case grade phrase -> (score, family)."""
    return {row["phrase"].lower(): (row["score"], row["family"]) for row in load_vocabulary("grades")}


@lru_cache(maxsize=1)
def grade_regex() -> str:
    """Any grade phrase, longest first (so "requires improvement to be good" wins over "good")."""
    phrases = sorted(grade_table(), key=len, reverse=True)
    return "(?:" + "|".join(phrase_regex(p) for p in phrases) + ")"


@lru_cache(maxsize=1)
def grade_pattern() -> re.Pattern[str]:
    """``grade_regex`` compiled, any case."""
    return re.compile(grade_regex(), re.IGNORECASE)


# A grade written as a number on Ofsted's four-point scale, as restatements write it: "3 out of 4",
# "merited only one star", "adequate (2-star)", "graded 2 on a 4 point scale", "grade 3 (good)". A
# scale's legend ("grade 4 is the highest score", "graded 1 to 4") and counts ("3 out of 4
# councils") are not grades.
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}
NUMBER_GRADE_RE = re.compile(
    r"\b(?P<out>[1-4])\s+out\s+of\s+(?:4|four)\b(?!\s+(?:councils?|authorities|local|areas?|of)\b)"
    r"|\b(?P<star>one|two|three|four|[1-4])[\s-]stars?\b"
    r"|(?<=\bgraded\s)(?P<graded>[1-4])\b(?!\s*(?:to|-|–|and|or|%)\s*\d?)"
    r"|(?<=\bgrade\s)(?P<grade>[1-4])\b(?!\s*(?:to|-|–|and|or|%)\s*\d?)(?!\s+(?:is|was|means|being)\b)",
    re.IGNORECASE)
_NUMBER_LABEL_RE = re.compile(r"^(?:" + NUMBER_GRADE_RE.pattern.replace("(?<=\\bgraded\\s)", "graded\\s+")
                              .replace("(?<=\\bgrade\\s)", "grade\\s+") + r")$", re.IGNORECASE)


def number_grade(label: str) -> int | None:
    """The score of a grade written as a number ("3 out of 4", "one star", "2-star", "2"), or None."""
    text = " ".join(label.split()).strip(" ()“”\"'‘’.")
    if re.fullmatch(r"[1-4]", text):
        return int(text)
    match = _NUMBER_LABEL_RE.match(text)
    if not match:
        return None
    number = next(value for value in match.groupdict().values() if value)
    return NUMBER_WORDS.get(number.lower()) or int(number)


def lookup_grade(label: str) -> tuple[int, str] | None:
    """(score, family) of a grade phrase as written, or None."""
    key = " ".join(re.sub(r"\(\d\)", "", label).lower().replace("-", " ").split()).strip(" “”\"'‘’.")
    found = grade_table().get(key)
    if found is None and (number := number_grade(label)) is not None:
        return number, "number"
    return found


@lru_cache(maxsize=1)
def area_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(area, compiled phrase) pairs, longest phrase first so the most specific wins."""
    pairs = [(row["area"], phrase) for row in load_vocabulary("areas") for phrase in row["phrases"]]
    pairs.sort(key=lambda pair: len(pair[1]), reverse=True)
    return [(area, re.compile(r"\b" + phrase_regex(phrase) + r"\b", re.IGNORECASE)) for area, phrase in pairs]


def area_in(text: str) -> str | None:
    """The area a phrase names (most specific phrase wins), or None."""
    for area, pattern in area_patterns():
        if pattern.search(text):
            return area
    return None


# A grade restated with an earlier inspection's year: "since 2018 when services were found to ...",
# "a turnaround from 2013 when it was rated inadequate", "last received an inspection in January 2020".
EARLIER_YEAR_RES = (
    re.compile(r"\b(?:since|in|from|of)\s+(?:\w+\s+)?((?:19|20)\d\d)\s+(?:when|where|whereby)\b", re.IGNORECASE),
    re.compile(r"\b(?:last|previous|previously|prior)\b[^.;]{0,90}?\b((?:19|20)\d\d)\b", re.IGNORECASE),
)


def earlier_year(before: str, year: int | None, patterns: tuple[re.Pattern[str], ...] = EARLIER_YEAR_RES) -> int | None:
    """The earlier year a sentence's text before a grade gives it, else None."""
    for pattern in patterns:
        match = pattern.search(before)
        if match and (year is None or int(match.group(1)) != year):
            return int(match.group(1))
    return None


def statement(pattern: str) -> re.Pattern[str]:
    """A pattern whose ``GRADE`` stands for any grade phrase, perhaps quoted (group ``grade``)."""
    return re.compile(pattern.replace("GRADE", f"{QUOTE}(?P<grade>{grade_regex()}){QUOTE}"), re.IGNORECASE)


@dataclass(slots=True)
class Candidate:
    """A judgement as a rule found it, before scale and council are settled."""

    area: str
    label: str
    score: int
    family: str  # word | rating | number
    evidence: str
    start: int
    end: int
    year: int | None = None  # set when the text gives the judgement its own year


def graded(area: str, label: str, evidence: str, start: int, end: int, year: int | None = None) -> Candidate:
    """A candidate for a grade phrase a rule matched (its score and family looked up)."""
    score, family = lookup_grade(label)
    return Candidate(area, label, score, family, evidence, start, end, year)


@dataclass(slots=True)
class Segment:
    """A line or a sentence of the clean text, with its offset and its section."""

    text: str
    start: int
    section: str | None


def iter_lines(text: str, sections: list[Section]) -> Iterator[Segment]:
    """Every non-blank line, with the label of the section it is in."""
    index = SectionIndex(sections)
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            section = index.at(offset)
            yield Segment(line, offset, section.label if section else None)
        offset += len(line) + 1


def iter_sentences(text: str, sections: list[Section]) -> Iterator[Segment]:
    """Every sentence of the lines that are not table rows."""
    for line in iter_lines(text, sections):
        if "\t" in line.text:
            continue
        position = 0
        for match in SENTENCE_END_RE.finditer(line.text):
            yield Segment(line.text[position:match.start()], line.start + position, line.section)
            position = match.end()
        yield Segment(line.text[position:], line.start + position, line.section)
