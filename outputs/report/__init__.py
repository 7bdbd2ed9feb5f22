"""A self-contained HTML report of the database: timelines, latest inspections and coverage.

``build_report(con)`` returns one HTML page that needs no network to view: the CSS of
``outputs/static/report.css`` is inlined, charts are inline SVG (tooltips are SVG ``<title>``
elements), and there is no script. It only reads (``outputs.report.queries``), so a read-only
connection is enough. The page is rendered from the Jinja2 templates of ``outputs/templates``,
which escape every piece of text from the database.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

import duckdb

from models.councils import UnknownCouncil, resolve_council
from models.vocabulary import SCORE_NAMES
from outputs.report import queries
from outputs.report.charts import (LegendItem, StackedBars, Timeline, framework_legend, score_legend, stacked_bars,
                                   timeline)
from outputs.report.queries import Point
from outputs.report.render import ENV

__all__ = ["UnknownCouncil", "build_report"]

SCORES = (1, 2, 3, 4)  # the order of a table's score columns: worst first


@dataclass(frozen=True, slots=True)
class CouncilView:
    """What a council's section shows."""

    name: str
    points: list[Point]
    latest: dict | None  # its row of the latest_inspection view
    level: int = 2  # of its heading
    timeline: Timeline | None = None  # None when no judgement is dated
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def undated(self) -> list[Point]:
        return [p for p in self.points if p.year is None]


def council_view(con: duckdb.DuckDBPyConnection, council: str, compact: bool = False, level: int = 2) -> CouncilView:
    points = queries.timeline_points(con, council)
    dated = [p for p in points if p.year is not None]
    return CouncilView(council, points, queries.latest_inspection(con, council), level,
                       timeline(dated, council, compact) if dated else None,
                       framework_legend(p.framework for p in dated))


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


def build_report(con: duckdb.DuckDBPyConnection, council: str | None = None, *,
                 generated_at: datetime | None = None) -> str:
    """The HTML report: one council's timeline and latest inspection, or every council's.

    Raises ``UnknownCouncil`` (with close names) when ``council`` matches no register name or alias.
    """
    resolved = resolve_council(con, council) if council is not None else None
    title = (f"Ofsted judgements: {resolved}" if resolved
             else "Ofsted judgements on councils' children's services")
    rows: Sequence[dict] = [] if resolved else queries.councils_with_judgements(con)
    return ENV.get_template("report.html.j2").render(
        title=title,
        facts=queries.header_facts(con, generated_at),
        council=council_view(con, resolved) if resolved else None,
        distribution=distribution(con),
        document_counts=queries.document_counts(con),
        unjudged=queries.unjudged_documents(con),
        council_rows=rows,
        council_sections=[council_view(con, r["council"], compact=True, level=3) for r in rows],
    )
