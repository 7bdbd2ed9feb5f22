"""Judgements restated second hand, read with spaCy token patterns: how minutes, news pages and
officers' reports write an inspection's grades ("were judged to be 'good'", "Good ratings were
received for A, B and C", "maintaining its 'Outstanding' judgement", "deemed to require
improvement to be good across all areas").

The patterns are the versioned file ``patterns/restatements_v1.jsonl``, validated when it loads:
a ``judgement`` line is a spaCy Matcher pattern with the way its areas are read (``areas``), a
``guard`` line lists the words that make a grade something other than a judgement (a prediction,
a condition, a negation, a count), looked for in the grade's clause before it or as its subject.
Before matching, every token of a grade phrase is marked ``token._.ofsted_grade`` (and of a grade
written as a number, "3 out of 4", "two stars", also ``token._.ofsted_number``), of an area's name ``token._.ofsted_area``, and of a list of areas (the
names and the words between them) ``token._.ofsted_list``, so a pattern can say "a grade", "an
area" or "a list of areas" with the phrase lists of ``grades.py``.

How each pattern's ``areas`` are read:

- ``overall``: the judgement is the overall one ("its 'Outstanding' judgement");
- ``after``: the areas listed after the match's "for" or "in";
- ``before``: the area named at the start of the match;
- ``inside``: the areas named between the match's cue and its grade ("rated the city's Local
  Safeguarding Children Board as 'good'"), else overall where it names children's services;
- ``following``: the areas named after the match, up to the clause's end or the next grade
  ("3 out of 4 for 'Capacity to Improve'"), else overall where it names children's services or
  current performance;
- ``apa_outcomes``: the five Every Child Matters outcomes;
- ``clause``: "across all areas" after the grade means every area the inspection judges; else
  areas listed after it ("rated as good in adoption"); else the areas named before the cue in
  its clause ("Areas relating to A and B were judged as 'outstanding'"; "all aspects" is every
  area); else, when that clause is about the council or its children's services, ``overall``.

A grade restated with an earlier year in its sentence ("since 2018 when services were found to
require improvement") keeps that year, so it is never the document's own judgement.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Token

from models.vocabulary import APA_OUTCOME_AREAS, inspection_areas

from ..errors import PatternFileError
from .grades import (
    EARLIER_YEAR_RES,
    NUMBER_GRADE_RE,
    Candidate,
    area_in,
    area_patterns,
    earlier_year,
    grade_pattern,
    lookup_grade,
)

AREA_KINDS = frozenset({"overall", "after", "before", "apa_outcomes", "clause", "inside", "following"})
LINE_KINDS = frozenset({"judgement", "guard"})
# Where a guard's words are looked for: anywhere in the grade's clause before it ("likely to be
# judged good"), as the first word of that clause, its subject ("Seven were found to be good"), or
# as the word next after the grade ("judged to be good practice": praise).
GUARD_SCOPES = frozenset({"clause", "subject", "next"})
_KEYS = {"judgement": {"id", "kind", "areas", "pattern", "comment"},
         "guard": {"id", "kind", "words", "scope", "except_next_to_grade", "comment"}}
# Words between the names in a list of areas ("A, B and C", "A; B; and C", "areas – A").
LIST_WORDS = frozenset({",", ";", ":", "and", "the", "for", "in", "of", "–", "-", "following", "areas", "area",
                        "relating", "to", "&", "•", "·", "both", "our", "its", "their", "work", "with",
                        "impact", "experience", "experiences", "progress", "effectiveness"})
ALL_AREAS_RE = re.compile(r"^\W*(?:across|in|for)\s+(?:all|every|each)\s+(?:\w+\s+)?areas?\b", re.IGNORECASE)
EVERY_ASPECT_RE = re.compile(r"\b(?:all|every)\s+(?:aspects?|areas?|judgements?)\b", re.IGNORECASE)
# A clause whose subject is the council or its children's services, just before the cue: "Halton
# was", "The Isle of Wight Council's children's services has been", "it was" (not "the council's
# education services were").
ABOUT_THE_COUNCIL_RE = re.compile(
    r"(?:(?i:children[’']s\s+services|council|authority)|\b[A-Z][\w’'&-]*|\b(?i:it|they|we)"
    r"|\b(?i:when|that|the|its|their|our|where)\s+(?i:services?))"
    r"\s*(?:(?i:has|have|had|was|were|is|are|been|also|now|being|overall|all|deemed|judged|found|"
    r"considered|seen|rated|to|be|as)\s*)*$")
# What a grade is for when no area is named: the council's children's services, its current performance.
COUNCIL_SERVICES_RE = re.compile(r"\bchildren[’']s\s+services\b|\bcurrent\s+performance\b", re.IGNORECASE)
LIST_AFTER_RE = re.compile(r"^\W*(?:in|for)\b", re.IGNORECASE)
# "our 'Good' rating of 2018": the grade's own year, written after it
YEAR_OF_GRADE_RE = re.compile(r"^\W*(?:of|in|from)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
SENTENCE_BREAK_RE = re.compile(r"[.!?](?=\s)|\n")
CLAUSE_BREAK_RE = re.compile(r"[;:–]|\s[-—]\s|,?\s+(?:but|whereas|while|although)\b"
                             r"|\band\b(?=\s+(?:an?|the)\s+\w+\s+(?:rating|judgement|grade)\b)", re.IGNORECASE)
# A guard's clause also ends at a relative clause, which states its own fact: "Calderdale's likely
# assessment will be limited by the January 2010 inspection, which was graded 'inadequate'".
GUARD_BREAK_RE = re.compile(CLAUSE_BREAK_RE.pattern + r"|,\s*(?:which|who)\b", re.IGNORECASE)

for _name in ("ofsted_grade", "ofsted_number", "ofsted_area", "ofsted_list"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=False)


@dataclass(frozen=True, slots=True)
class RestatementPattern:
    id: str
    areas: str
    pattern: list[dict]
    line: int


@dataclass(frozen=True, slots=True)
class Guard:
    """Words that make a grade something other than a judgement, and where they are looked for;
    ``except_next_to_grade`` words guard only away from the grade ("merited only one star" is a
    grade, "only 20 were graded good" a count)."""

    id: str
    words: frozenset[str]
    scope: str
    except_next_to_grade: frozenset[str]

    def follows(self, after_grade: str) -> bool:
        """Whether the word just after the grade keeps it out ("judged to be good practice")."""
        words = re.findall(r"[a-z]+", after_grade[:40].lower())
        return self.scope == "next" and bool(words) and words[0] in self.words

    def holds(self, clause: str) -> bool:
        """Whether the guard keeps a grade out, given its clause's text up to the grade."""
        words = re.findall(r"[a-z]+", clause.lower())
        if self.scope == "next":
            return False  # looked for after the grade: ``follows``
        if self.scope == "subject":
            return bool(words) and words[0] in self.words
        if words and words[-1] in self.except_next_to_grade:
            words = words[:-1]
        return any(word in self.words for word in words)


@dataclass(frozen=True, slots=True)
class RestatementRules:
    """A validated restatements file: its patterns and its guards."""

    patterns: tuple[RestatementPattern, ...]
    guards: tuple[Guard, ...]


def load_restatement_rules(name: str | Path = "restatements_v1.jsonl") -> RestatementRules:
    """Load and validate a restatements file (by bare name from ``extractors/patterns/``, or a path)."""
    from ..components.patterns import read_jsonl, resolve_path  # the package registers components

    path = resolve_path(name)
    patterns, guards = [], []
    for number, obj in read_jsonl(path):
        kind = obj.get("kind")
        if kind not in LINE_KINDS:
            raise PatternFileError(path, number, f"kind {kind!r} is not one of {sorted(LINE_KINDS)}")
        unknown = set(obj) - _KEYS[kind]
        if unknown:
            raise PatternFileError(path, number, f"unknown key(s) {sorted(unknown)}")
        if not isinstance(obj.get("id"), str) or not obj["id"].strip():
            raise PatternFileError(path, number, "'id' must be a non-empty string")
        if kind == "guard":
            words, exceptions = obj.get("words"), obj.get("except_next_to_grade", [])
            for key, value in (("words", words), ("except_next_to_grade", exceptions or ["-"])):
                if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
                    raise PatternFileError(path, number, f"{key!r} must be a non-empty list of words")
            scope = obj.get("scope", "clause")
            if scope not in GUARD_SCOPES:
                raise PatternFileError(path, number, f"scope {scope!r} is not one of {sorted(GUARD_SCOPES)}")
            guards.append(Guard(obj["id"], frozenset(w.lower() for w in words), scope,
                                frozenset(w.lower() for w in exceptions)))
            continue
        if obj.get("areas") not in AREA_KINDS:
            raise PatternFileError(path, number, f"areas {obj.get('areas')!r} is not one of {sorted(AREA_KINDS)}")
        pattern = obj.get("pattern")
        if not isinstance(pattern, list) or not pattern:
            raise PatternFileError(path, number, "'pattern' must be a non-empty list of token dicts")
        errors = validate_token_pattern(pattern)
        if errors:
            raise PatternFileError(path, number, "bad token pattern: " + "; ".join(errors))
        if not any(token.get("_", {}).get("ofsted_grade") or token.get("_", {}).get("ofsted_number")
                   for token in pattern):
            raise PatternFileError(path, number, "a judgement pattern must match a grade ({'_': {'ofsted_grade': true}} "
                                                 "or {'_': {'ofsted_number': true}})")
        patterns.append(RestatementPattern(obj["id"], obj["areas"], pattern, number))
    if not patterns:
        raise PatternFileError(path, 0, "no judgement patterns")
    return RestatementRules(tuple(patterns), tuple(guards))


class RestatementMatcher:
    """The restatement patterns of one file, compiled for one vocabulary."""

    def __init__(self, vocab, rules: RestatementRules):
        self.rules = rules
        self.matcher = Matcher(vocab)
        self.areas_of = {}
        for rule in rules.patterns:
            self.matcher.add(rule.id, [rule.pattern])
            self.areas_of[vocab.strings[rule.id]] = rule.areas

    def candidates(self, doc: Doc, text: str, *, framework: str | None, year: int | None) -> Iterator[Candidate]:
        """Every judgement a pattern reads in the doc (one per area), in text order."""
        mark_tokens(doc, text)
        for match_id, start, end in _longest(self.matcher(doc)):
            span = doc[start:end]
            grade = _first_grade(span)
            if grade is None:
                continue
            label = text[grade[0]:grade[1]]
            found = lookup_grade(label)
            if found is None:
                continue
            sentence_start, sentence_end = _sentence(text, span.start_char, span.end_char)
            if self._guarded(text[sentence_start:grade[0]], text[grade[1]:sentence_end]):
                continue
            areas = self._areas(self.areas_of[match_id], text, span, grade, sentence_start, sentence_end,
                                framework, year)
            # the year may follow the grade: "the 'adequate' rating that was awarded following the
            # last inspection in November 2012" (up to the clause's end: what follows is another's)
            following = _up_to_next_grade(text[span.end_char:sentence_end]).split(",")[0]
            own_year = earlier_year(text[sentence_start:span.start_char], year) or earlier_year(
                following, year, patterns=(*EARLIER_YEAR_RES[1:], YEAR_OF_GRADE_RE))
            score, family = found
            for area in dict.fromkeys(areas):
                yield Candidate(area, label, score, family, "prose", span.start_char, span.end_char, own_year)

    def _guarded(self, before_grade: str, after_grade: str) -> bool:
        clause = GUARD_BREAK_RE.split(before_grade)[-1]
        return any(guard.holds(clause) or guard.follows(after_grade) for guard in self.rules.guards)

    def _areas(self, kind: str, text: str, span, grade: tuple[int, int], sentence_start: int, sentence_end: int,
               framework: str | None, year: int | None) -> list[str]:
        if kind == "overall":
            # "an Outstanding rating for the experiences and progress of ...": that area's, not overall
            after = _up_to_next_grade(text[span.end_char:sentence_end])
            return (_listed(after) or ["overall"]) if LIST_AFTER_RE.match(after) else ["overall"]
        if kind == "apa_outcomes":
            return sorted(APA_OUTCOME_AREAS - {"service_management"})
        if kind == "before":
            area = area_in(text[span.start_char:grade[0]])
            return [area] if area else []
        if kind == "after":
            return _listed(text[grade[1]:span.end_char])
        if kind == "inside":  # "Ofsted rated the city's Local Safeguarding Children Board as 'good'"
            inside = text[span.start_char:grade[0]]
            listed = _listed(inside)
            return listed or (["overall"] if COUNCIL_SERVICES_RE.search(inside) else [])
        if kind == "following":  # "3 out of 4 for current performance on 'Children's Services'"
            following = CLAUSE_BREAK_RE.split(_up_to_next_grade(text[span.end_char:sentence_end]))[0]
            listed = _listed(following)
            return listed or (["overall"] if COUNCIL_SERVICES_RE.search(following) else [])
        after = _up_to_next_grade(text[span.end_char:sentence_end])
        if ALL_AREAS_RE.match(after):
            return list(inspection_areas(framework, year))
        if LIST_AFTER_RE.match(after):
            listed = _listed(after)
            if listed:
                return listed
        clause = _clause_before(text[sentence_start:span.start_char])
        if EVERY_ASPECT_RE.search(clause):
            return list(inspection_areas(framework, year))
        listed = _listed(clause)
        if listed:
            return listed
        return ["overall"] if ABOUT_THE_COUNCIL_RE.search(clause.rstrip()) else []


def mark_tokens(doc: Doc, text: str) -> None:
    """Mark the tokens of grade phrases, of area names, and of lists of area names (a token not
    marked keeps the extensions' default, False)."""
    for match in grade_pattern().finditer(text):
        _mark(doc, match.start(), match.end(), "ofsted_grade")
    for match in NUMBER_GRADE_RE.finditer(text):
        _mark(doc, match.start(), match.end(), "ofsted_grade")
        _mark(doc, match.start(), match.end(), "ofsted_number")
    for _area, pattern in area_patterns():
        for match in pattern.finditer(text):
            _mark(doc, match.start(), match.end(), "ofsted_area")
    for token in doc:
        # a capitalised word may be an area under a name of its own ("Safeguarding; Enjoying and Achieving")
        token._.ofsted_list = token._.ofsted_area or token.lower_ in LIST_WORDS or token.is_title


def _mark(doc: Doc, start: int, end: int, name: str) -> None:
    span = doc.char_span(start, end, alignment_mode="expand")
    for token in span if span is not None else ():
        token._.set(name, True)


def _longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """One match per place: of overlapping matches of a pattern, the longest."""
    kept: list[tuple[int, int, int]] = []
    for match_id, start, end in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
        if any(k[0] == match_id and k[1] <= start and end <= k[2] for k in kept):
            continue
        kept.append((match_id, start, end))
    return kept


def _first_grade(span) -> tuple[int, int] | None:
    """Character offsets of the first run of grade tokens in a span."""
    start = end = None
    for token in span:
        if token._.ofsted_grade:
            if start is None:
                start = token.idx
            end = token.idx + len(token.text)
        elif start is not None:
            break
    return (start, end) if start is not None else None


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around a match."""
    before = [m.end() for m in SENTENCE_BREAK_RE.finditer(text, max(0, start - 600), start)]
    after = SENTENCE_BREAK_RE.search(text, end)
    return (before[-1] if before else max(0, start - 600)), (after.start() if after else len(text))


def _up_to_next_grade(text: str) -> str:
    """A sentence's text after a match, up to the next grade phrase (which is another finding's)."""
    ends = [match.start() for pattern in (grade_pattern(), NUMBER_GRADE_RE) if (match := pattern.search(text))]
    return text[:min(ends)] if ends else text


def _clause_before(text: str) -> str:
    """The last clause of a sentence's text before a match (after its last ';', ':' or dash)."""
    parts = CLAUSE_BREAK_RE.split(text)
    return parts[-1] if parts else text


def _listed(text: str) -> list[str]:
    """Areas named in a text, in the order they are named, each once ("A; B, C and D"): the
    longest name wins where names overlap ("leadership, management and governance")."""
    taken: list[tuple[int, int, str]] = []
    for area, pattern in area_patterns():  # longest phrase first
        for match in pattern.finditer(text):
            if not any(match.start() < end and start < match.end() for start, end, _ in taken):
                taken.append((match.start(), match.end(), area))
    areas: list[str] = []
    for _, _, area in sorted(taken):
        if area not in areas:
            areas.append(area)
    return areas
