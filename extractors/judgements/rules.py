"""The judgement rules that run, in the order they run, with the document types each runs on.

This table and the token patterns of ``RESTATEMENT_DOC_TYPES`` are the whole rule set: a rule
that is not here does not run. Where two rules find the
same area and score for the same year, the first one's finding is kept.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from models.vocabulary import RESTATING_DOC_TYPES, SECOND_HAND_DOC_TYPES

from ..records import Section
from . import document_rules, report_rules
from .grades import Candidate

Rule = Callable[[str, list[Section]], Iterator[Candidate]]

LETTERS = frozenset({"apa_letter", "annual_rating_letter"})
REPORTS = frozenset({"inspection_report"})
SECOND_HAND = frozenset(SECOND_HAND_DOC_TYPES)
STORIES = frozenset({"news_article", "press_release"})

JUDGEMENT_RULES_V1: dict[str, tuple[Rule, frozenset[str]]] = {
    # rule name: (function, document types it runs on)
    "grade_table_rows": (document_rules.grade_table_rows, LETTERS | REPORTS | SECOND_HAND),
    "area_grade_lines": (document_rules.area_grade_lines, REPORTS),
    "headline_statements": (document_rules.headline_statements, LETTERS | REPORTS | STORIES),
    "restated_judgements": (document_rules.restated_judgements, SECOND_HAND),
    # inspection report families (SIF, ILACS, 2013 looked-after children)
    "judgement_grade_table": (report_rules.judgement_grade_table, REPORTS),
    "ilacs_heading_judgements": (report_rules.ilacs_heading_judgements, REPORTS),
    "sif_overall_headline": (report_rules.sif_overall_headline, REPORTS),
    "sif_numbered_judgements": (report_rules.sif_numbered_judgements, REPORTS),
    "lscb_headline": (report_rules.lscb_headline, REPORTS),
    "lac_main_findings": (report_rules.lac_main_findings, REPORTS),
    # last: a heading's grade stands only for an area no rule above found (``find_judgements``)
    "section_heading_grades": (report_rules.section_heading_grades, REPORTS),
}

# The token patterns of patterns/restatements_v1.jsonl (restatements.py) run after the table, on
# documents that restate an inspection's grades: minutes, news, and officers' reports and bulletins.
RESTATEMENT_DOC_TYPES = frozenset(RESTATING_DOC_TYPES)
