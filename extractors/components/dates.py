"""DATE entities from the DATE regexes of ``patterns/entities_v1.jsonl``, normalised to ISO.

Each regex names its parts (``day``, ``month``, ``year``); ``Span._.iso_date`` holds
``YYYY-MM-DD`` when all three are present, ``YYYY-MM`` for month and year, else None.
"""
from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as date_parser
from spacy.language import Language
from spacy.tokens import Doc, Span

from .patterns import EntityRule, load_entity_rules
from .spans import add_ents, char_span, check_deadline, doc_text, starts_inside_word

LABEL = "DATE"
EXTENSION = "iso_date"
_DEFAULT = datetime(1900, 1, 1)
# A weekday written before a date belongs to it ("Tuesday, 29th December 2009"). Found by
# looking back from each date rather than in the rules, so the rules start with a literal.
WEEKDAY_BEFORE_RE = re.compile(
    r"(?<![\w])(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?,?[ \t]+$"
)

if not Span.has_extension(EXTENSION):
    Span.set_extension(EXTENSION, default=None)


def normalize_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """ISO form of a date from its written parts; None when year or month is missing or invalid."""
    if not month or not year:
        return None
    try:
        parsed = date_parser.parse(f"{day or 1} {month.rstrip('.')} {year}", dayfirst=True, default=_DEFAULT)
    except (ValueError, OverflowError):
        return None
    return parsed.strftime("%Y-%m-%d") if day else parsed.strftime("%Y-%m")


class DatesComponent:
    """Marks dates and stores each one's ISO value on ``span._.iso_date``."""

    def __init__(self, rules: list[EntityRule]):
        self.rules = [rule for rule in rules if rule.label == LABEL]

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "finding dates")
        found: dict[tuple[int, int], str | None] = {}
        text = doc_text(doc)
        for rule in self.rules:
            for m in rule.compiled.finditer(text):
                if starts_inside_word(text, m.start()):
                    continue
                groups = m.groupdict()
                iso = normalize_date(groups.get("day"), groups.get("month"), groups.get("year"))
                weekday = WEEKDAY_BEFORE_RE.search(text, max(0, m.start() - 12), m.start())
                key = (weekday.start() if weekday else m.start(), m.end())
                if key not in found or (iso and not found[key]):
                    found[key] = iso
        spans = []
        for (start, end), iso in found.items():
            span = char_span(doc, start, end, LABEL)
            if span is not None:
                span._.set(EXTENSION, iso)
                spans.append(span)
        add_ents(doc, spans)
        return doc


@Language.factory("ofsted_dates", default_config={"patterns_file": "entities_v1.jsonl"})
def make_dates(nlp: Language, name: str, patterns_file: str) -> DatesComponent:
    """Factory: date rules (label DATE) from a versioned JSONL file."""
    return DatesComponent(load_entity_rules(patterns_file))
