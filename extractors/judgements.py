"""Graded judgements: which area, which grade, on which scale, for which year and council.

The rules (``JUDGEMENT_RULES_V1``) are small named functions, each over one kind of evidence:
grade table rows, headline statements of reports and letters, and judgements restated second
hand in minutes and news (with their own year where the text gives one). Vocabularies of areas
and grades are the versioned files ``patterns/areas_v1.jsonl`` and ``patterns/grades_v1.jsonl``.

Grade-scale legends ("4  Performs excellently  An organisation that ...") are never judgements:
a table row whose first cell is a bare grade number, or a grade phrase followed by its
definition, is a legend.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .records import Judgement, LocalAuthorityMatch, Section
from .sections import SectionIndex
from .vocab import load_vocabulary

APA_OUTCOME_AREAS = frozenset({"being_healthy", "staying_safe", "enjoying_and_achieving",
                               "positive_contribution", "economic_wellbeing", "service_management"})
AREAS_BY_FRAMEWORK = {
    "apa": frozenset({"overall", "capacity_to_improve", "social_care"}) | APA_OUTCOME_AREAS,
    "annual_rating": frozenset({"overall"}),
    "safeguarding_lac": frozenset({"overall", "leadership"}),  # capacity to improve is an APA area only
    "sif": frozenset({"overall", "help_and_protection", "children_in_care", "adoption", "care_leavers",
                      "leadership", "lscb"}),
    "ilacs": frozenset({"overall", "impact_of_leaders", "help_and_protection", "children_in_care",
                        "care_leavers"}),
}
QUOTE = "[“”\"'‘’]?"
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[’”\"]?\s+(?=[“\"‘'(]?[A-Z0-9])")
APOS = "['’]"


def _phrase_regex(phrase: str) -> str:
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
    phrases = sorted(grade_table(), key=len, reverse=True)
    return "(?:" + "|".join(_phrase_regex(p) for p in phrases) + ")"


@lru_cache(maxsize=1)
def area_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(area, compiled phrase) pairs, longest phrase first so the most specific wins."""
    pairs = [(row["area"], phrase) for row in load_vocabulary("areas") for phrase in row["phrases"]]
    pairs.sort(key=lambda pair: len(pair[1]), reverse=True)
    return [(area, re.compile(r"\b" + _phrase_regex(phrase) + r"\b", re.IGNORECASE)) for area, phrase in pairs]


def area_in(text: str) -> str | None:
    """The area a phrase names (most specific phrase wins), or None."""
    for area, pattern in area_patterns():
        if pattern.search(text):
            return area
    return None


def lookup_grade(label: str) -> tuple[int, str] | None:
    """(score, family) of a grade phrase as written, or None."""
    key = " ".join(re.sub(r"\(\d\)", "", label).lower().replace("-", " ").split()).strip(" “”\"'‘’.")
    return grade_table().get(key)


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


@dataclass(slots=True)
class Segment:
    """A line or a sentence of the clean text, with its offset and its section."""

    text: str
    start: int
    section: str | None


def iter_lines(text: str, sections: list[Section]) -> Iterator[Segment]:
    index = SectionIndex(sections)
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            section = index.at(offset)
            yield Segment(line, offset, section.label if section else None)
        offset += len(line) + 1


def iter_sentences(text: str, sections: list[Section]) -> Iterator[Segment]:
    for line in iter_lines(text, sections):
        if "\t" in line.text:
            continue
        position = 0
        for match in SENTENCE_END_RE.finditer(line.text):
            yield Segment(line.text[position:match.start()], line.start + position, line.section)
            position = match.end()
        yield Segment(line.text[position:], line.start + position, line.section)


# --- rules v1 -------------------------------------------------------------------------------------

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


def _statement(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("GRADE", f"{QUOTE}(?P<grade>{grade_regex()}){QUOTE}"), re.IGNORECASE)


@lru_cache(maxsize=1)
def headline_patterns() -> list[tuple[str | None, re.Pattern[str]]]:
    """Headline statements of letters and reports: (area or None = the section's area, pattern)."""
    copula = r"(?:is|are|remains?|has been|have been)\s+(?:judged\s+(?:to\s+be\s+|as\s+)?)?"
    return [
        (None, _statement(rf"^(?:The|Overall,? the)\s+(?:[\w{APOS[1:-1]}]+\s+){{0,3}}contribution\b.{{0,300}}?\b{copula}GRADE\b")),
        (None, _statement(rf"\bchildren{APOS}s services\s+makes?\s+an?\s+GRADE\s+contribution\b")),
        ("service_management", _statement(
            rf"^The leadership and management of (?:the )?(?:council )?services for children and young people\b.{{0,120}}?\b{copula}GRADE\b")),
        ("overall", _statement(rf"^(?:The )?overall (?:judgement|effectiveness)\b.{{0,60}}?\b(?:is|was)\s+(?:that\s+.{{0,60}}?\s+(?:is|are)\s+)?GRADE\b")),
        ("overall", _statement(rf"^Children{APOS}s services in (?:the )?[A-Z].{{0,100}}?\s+(?:is|are\s+)?GRADE\b")),
        ("overall", _statement(rf"^The rating for children{APOS}s services in .{{1,100}}? is that (?:it|they) GRADE\b")),
        ("overall", _statement(rf"^{QUOTE}Services to safeguard and promote the welfare of children\b.{{0,120}}?\b(?:is|are)\s+GRADE\b")),
        # not a legend run on after the heading: "The LSCB An outstanding LSCB is ...", "... that is good"
        ("lscb", _statement(rf"^The (?:Local Safeguarding Children Board|LSCB)\b(?:(?!\b(?:an?|that|which)\s).){{0,60}}?"
                            rf"\b(?:is\s+)?GRADE\b")),
        ("lscb", _statement(rf"\bjudgement for the effectiveness of the (?:LSCB|Local Safeguarding Children Board) is\s+GRADE\b")),
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
        ("overall", _statement(r"\bawarded\b.{0,60}?\ban?\s+overall\s+GRADE\s+(?:rating|judgement|grade)\b")),
        ("area", _statement(r"\bGRADE\s+(?:rating|judgement|grade)\s+for\s+(?P<area>.{5,80})")),
        ("list", _statement(r"\bareas?\s+(?:that|which)\s+GRADE,?\s+including\s+(?P<area>.{5,120})")),
        ("overall", _statement(r"\b(?:was|were|has been|have been|is|are)\s+rated\s+(?:as\s+)?GRADE")),
        ("dated", _statement(r"\b(?P<year>(?:19|20)\d\d)\s+(?:grading|grade|rating|judgement)\s+of\s+GRADE\s+for\s+(?P<area>.{5,80})")),
    ]


def _areas_listed(text: str) -> list[str]:
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
                year = int(match.group("year")) if kind == "dated" else None
                if kind == "overall":
                    areas = ["overall"]
                elif kind == "list":
                    areas = _areas_listed(match.group("area"))
                else:
                    first = area_in(match.group("area")[:60])
                    areas = [first] if first else []
                for area in areas:
                    yield Candidate(area, label, score, family, "prose", start, end, year)


JUDGEMENT_RULES_V1: dict[str, tuple[Callable[[str, list[Section]], Iterator[Candidate]], frozenset[str]]] = {
    # rule name: (function, document types it applies to)
    "grade_table_rows": (grade_table_rows, frozenset({"apa_letter", "annual_rating_letter", "inspection_report",
                                                      "council_minutes", "news_article", "press_release"})),
    "area_grade_lines": (area_grade_lines, frozenset({"inspection_report"})),
    "headline_statements": (headline_statements, frozenset({"apa_letter", "annual_rating_letter",
                                                            "inspection_report", "news_article",
                                                            "press_release"})),
    "restated_judgements": (restated_judgements, frozenset({"council_minutes", "news_article",
                                                            "press_release"})),
}


# --- scales ------------------------------------------------------------------------------------

def framework_for_year(year: int | None) -> str | None:
    if year is None:
        return None
    if year <= 2008:
        return "apa"
    if year <= 2012:
        return "annual_rating"
    if year <= 2017:
        return "sif"
    return "ilacs"


def settle_scale(family: str, score: int, framework: str | None) -> tuple[str, int | None]:
    """(scale, grade) for a grade as written under a framework."""
    if family == "rating":
        return "rating_1to4", score
    if family == "number":
        return ("rating_1to4" if framework == "annual_rating" else "apa_1to4"), score
    if framework == "apa":
        return "apa_1to4", score
    return "ofsted_4point", None


def find_judgements(text: str, sections: list[Section], *, doc_type: str, framework: str | None,
                    year: int | None, council: LocalAuthorityMatch | None) -> list[Judgement]:
    """Every judgement the document states, each once."""
    judgements: list[Judgement] = []
    seen: set[tuple[str, int, int | None]] = set()
    for function, doc_types in JUDGEMENT_RULES_V1.values():
        if doc_type not in doc_types:
            continue
        for candidate in function(text, sections):
            own_year = candidate.year if candidate.year is not None else year
            own_framework = framework if candidate.year in (None, year) else framework_for_year(own_year)
            allowed = AREAS_BY_FRAMEWORK.get(own_framework or "")
            if allowed is not None and candidate.area not in allowed:
                continue
            key = (candidate.area, candidate.score, own_year)
            if key in seen:
                continue
            seen.add(key)
            scale, grade = settle_scale(candidate.family, candidate.score, own_framework)
            judgements.append(Judgement(
                area=candidate.area, label=candidate.label, scale=scale, grade=grade, score=candidate.score,
                year=own_year, local_authority=council.name if council else None, evidence=candidate.evidence,
                text=text[candidate.start:candidate.end], start=candidate.start, end=candidate.end,
                la_gss_code=council.gss_code if council else None, framework=own_framework,
            ))
    judgements.sort(key=lambda j: j.start)
    return judgements


# --- inspection report rules (report_judgements.py) -----------------------------------------------

from . import report_judgements as _report_judgements  # noqa: E402  (after the names it uses)

for _name, _function in _report_judgements.REPORT_RULES_V1.items():
    JUDGEMENT_RULES_V1[_name] = (_function, frozenset({"inspection_report"}))
