"""A self-contained HTML report of the database: a council's inspections, every council's latest
inspection, and the whole database's grades and coverage.

``build_report(con)`` returns one HTML page that needs no network to view: the CSS of
``outputs/static/report.css`` and the script of ``outputs/static/report.js`` (which sorts and
filters the table of every council; the page reads the same without it) are inlined, charts are
inline SVG (tooltips are SVG ``<title>`` elements), and links go only to places in the page and,
relatively, to the documents' own files. It only reads (``outputs.report.queries``), so a
read-only connection is enough. The page is rendered from the Jinja2 templates of
``outputs/templates``, which escape every piece of text from the database.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from models.councils import UnknownCouncil, resolve_council
from models.vocabulary import SCORE_NAMES
from outputs.report import queries
from outputs.report.charts import LegendItem, StackedBars, score_legend, stacked_bars
from outputs.report.council import CouncilView, council_rows, council_view, regions, report_context
from outputs.report.render import ENV

__all__ = ["CouncilView", "UnknownCouncil", "build_report"]

SCORES = (1, 2, 3, 4)  # the order of a table's score columns: worst first


@dataclass(frozen=True, slots=True)
class DistributionRow:
    year: int | None
    framework: str | None
    counts: Counter  # score -> judgements

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Distribution:
    """Grades by year and framework: the chart, its legend and the same counts as a table."""

    rows: list[DistributionRow]
    chart: StackedBars | None
    legend: list[LegendItem]
    scores: tuple[int, ...] = SCORES

    @property
    def score_names(self) -> list[str]:
        return [SCORE_NAMES[s] for s in self.scores]


def distribution(con: duckdb.DuckDBPyConnection) -> Distribution:
    rows = queries.grade_distribution(con)
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        counts[(row["year"], row["framework"])][row["score"]] += row["n"]
    table = [DistributionRow(year, framework, c) for (year, framework), c in counts.items()]
    return Distribution(table, stacked_bars(rows) if rows else None, score_legend())


@dataclass(frozen=True, slots=True)
class ReconciliationSummary:
    """How Ofsted's table and our inspections compare, over the whole database."""

    edition: date  # of Ofsted's table
    counts: Counter  # status -> rows


def build_report(con: duckdb.DuckDBPyConnection, council: str | None = None, *,
                 generated_at: datetime | None = None, written_in: Path | None = None) -> str:
    """The HTML report: one council's page, or every council's latest inspection in one table with
    each council's page in the same file.

    Links to documents are relative to ``written_in``, the folder the page is written to (default:
    the current folder). Raises ``UnknownCouncil`` (with close names) when ``council`` matches no
    register name or alias.
    """
    resolved = resolve_council(con, council) if council is not None else None
    title = (f"Ofsted judgements: {resolved}" if resolved
             else "Ofsted judgements on councils' children's services")
    context = report_context(con, written_in if written_in is not None else Path.cwd())
    names = [] if resolved else queries.councils_with_inspections(con)
    summary = None
    if context.official_edition is not None:
        summary = ReconciliationSummary(context.official_edition, Counter(
            row.get("status") for rows in context.reconciliation.values() for row in rows))
    return ENV.get_template("report.html.j2").render(
        title=title,
        facts=queries.header_facts(con, generated_at),
        council=council_view(con, resolved, context) if resolved else None,
        distribution=distribution(con),
        document_counts=queries.document_counts(con),
        inspection_counts=queries.inspection_counts(con),
        unjudged=queries.unjudged_documents(con),
        reconciliation=summary,
        council_rows=council_rows(names, context.everyone, context.links),
        regions=regions(context.everyone),
        council_pages=[council_view(con, name, context, compact=True, level=2, one_of_many=True) for name in names],
    )
