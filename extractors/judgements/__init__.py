"""Graded judgements: which area, which grade, on which scale, for which year and council.

- ``grades``: the primitives every rule shares (grade and area phrases, lines, sentences);
- ``document_rules`` and ``report_rules``: the rules, small named functions over one kind of
  evidence each (table rows, headings, headline statements, restatements);
- ``rules``: the one table of the rules that run and the document types each runs on;
- this module: ``find_judgements``, which runs the table and settles each grade's scale, year
  and framework from Ofsted's vocabulary (``models.vocabulary``).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from itertools import chain

from models.vocabulary import AREAS_BY_FRAMEWORK, area_under, framework_for_year

from ..records import Judgement, LocalAuthorityMatch, Section
from .grades import Candidate, area_in, area_patterns, grade_regex, iter_lines, iter_sentences, lookup_grade
from .rules import JUDGEMENT_RULES_V1

__all__ = ["JUDGEMENT_RULES_V1", "Candidate", "area_in", "area_patterns", "find_judgements", "framework_for_year",
           "grade_regex", "iter_lines", "iter_sentences", "lookup_grade", "settle_scale"]


def settle_scale(family: str, score: int, framework: str | None) -> tuple[str, int | None]:
    """(scale, grade) for a grade as written under a framework."""
    if family == "rating":
        return "rating_1to4", score
    if family == "number":
        return ("rating_1to4" if framework == "annual_rating" else "apa_1to4"), score
    if framework == "apa":
        return "apa_1to4", score
    return "ofsted_4point", None


Mention = tuple[int, int, LocalAuthorityMatch]
HEADING_EVIDENCE = "heading"
BOLD_HEADING_LEVEL = 4  # a heading in bold at the text's own size (``extractors.cleaning``)
SENTENCE_EDGE_RE = re.compile(r"[.!?](?=\s)|\n\s*\n")
YEAR_IN_SENTENCE_RE = re.compile(r"\b(?:19|20)\d\d\b")
SENTENCE_REACH = 400


def other_council(text: str, start: int, end: int, council: LocalAuthorityMatch | None,
                  mentions: Sequence[Mention]) -> tuple[LocalAuthorityMatch, int | None] | None:
    """The council a judgement's sentence gives it when that is not the document's own ("Children's
    services in the predecessor local authority, Northamptonshire County Council, were judged
    inadequate in 2019"; "Halton was judged good, while Warrington was judged inadequate"), with
    the sentence's other year: the council named last before the grade, else first after it.
    None when the sentence names no council or that council is the document's own."""
    edges = [m.end() for m in SENTENCE_EDGE_RE.finditer(text, max(0, start - SENTENCE_REACH), start)]
    sentence_start = edges[-1] if edges else max(0, start - SENTENCE_REACH)
    edge = SENTENCE_EDGE_RE.search(text, end, end + SENTENCE_REACH)
    sentence_end = edge.start() if edge else min(len(text), end + SENTENCE_REACH)
    before = [match for m_start, _, match in mentions if sentence_start <= m_start < end]
    after = [match for m_start, m_end, match in mentions if end <= m_start and m_end <= sentence_end]
    named = before[-1] if before else (after[0] if after else None)
    if named is None or (council is not None and named.name == council.name):
        return None
    years = [int(y) for y in YEAR_IN_SENTENCE_RE.findall(text, sentence_start, sentence_end)]
    return named, (years[0] if years else None)


def find_judgements(text: str, sections: list[Section], *, doc_type: str, framework: str | None,
                    year: int | None, council: LocalAuthorityMatch | None,
                    more: Iterable[Candidate] = (), mentions: Sequence[Mention] = ()) -> list[Judgement]:
    """Every judgement the document states, each once: the rule table's, then ``more`` (found by
    rules over tokens, ``restatements.py``); of two findings of one area, score, year and council
    the first is kept. A judgement whose sentence names another council (``mentions``, as
    ``Register.find_in_text`` finds them) is that council's, of the year the sentence gives."""
    judgements: list[Judgement] = []
    seen: set[tuple[str, int, int | None, str | None]] = set()
    areas_judged: set[tuple[str, int | None, str | None]] = set()
    found = chain.from_iterable(function(text, sections) for function, doc_types in JUDGEMENT_RULES_V1.values()
                                if doc_type in doc_types)
    restated = ((candidate, True) for candidate in more)
    # A grade read inside a heading the page's typography prints larger than the text is that
    # heading's, whichever rule read it (a table printed in bold at the text's size stays a table);
    # the report's table and prose are weighed first, so a heading's grade only fills a gap.
    headings = sorted((section.start, section.start + len(section.heading)) for section in sections
                      if section.level is not None and section.level < BOLD_HEADING_LEVEL and section.heading)
    heading_starts = [start for start, _ in headings]
    candidates = list(found)
    for candidate in candidates:
        at = bisect.bisect_right(heading_starts, candidate.start) - 1
        if at >= 0 and candidate.start < headings[at][1]:
            candidate.evidence = HEADING_EVIDENCE
    candidates.sort(key=lambda candidate: candidate.evidence == HEADING_EVIDENCE)
    for candidate, is_restated in chain(((candidate, False) for candidate in candidates), restated):
        own_council = council
        other = other_council(text, candidate.start, candidate.end, council, mentions) if mentions else None
        if other is not None:
            own_council = other[0]
            candidate.year = candidate.year or (other[1] if other[1] != year else None)
        own_year = candidate.year if candidate.year is not None else year
        own_framework = framework if candidate.year in (None, year) else framework_for_year(own_year)
        # A restatement names areas as people do; a report's rules read Ofsted's own names.
        area = area_under(candidate.area, own_framework) if is_restated else candidate.area
        allowed = AREAS_BY_FRAMEWORK.get(own_framework or "")
        if allowed is not None and area not in allowed:
            continue
        key = (area, candidate.score, own_year, own_council.gss_code if own_council else None)
        judged = (area, own_year, key[3])
        if key in seen or (candidate.evidence == HEADING_EVIDENCE and judged in areas_judged):
            continue  # a heading's grade is second evidence: the report's table or prose stays the judgement
        seen.add(key)
        areas_judged.add(judged)
        scale, grade = settle_scale(candidate.family, candidate.score, own_framework)
        judgements.append(Judgement(
            area=area, label=candidate.label, scale=scale, grade=grade, score=candidate.score,
            year=own_year, local_authority=own_council.name if own_council else None, evidence=candidate.evidence,
            text=text[candidate.start:candidate.end], start=candidate.start, end=candidate.end,
            la_gss_code=own_council.gss_code if own_council else None, framework=own_framework,
        ))
    judgements.sort(key=lambda j: j.start)
    return judgements
