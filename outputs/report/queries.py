"""What the report reads: read-only queries of the views of ``models.views`` and of the
``documents``/``local_authorities`` tables, so a read-only connection is enough.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Sequence

import duckdb

from models.vocabulary import FRAMEWORKS, RESTATING_DOC_TYPES, area_name, grade_words

# Documents that restate a judgement rather than make it (and unclassified ones): drawn as hollow points.
SECONDARY_DOC_TYPES: tuple[str, ...] = RESTATING_DOC_TYPES


def framework_name(framework: str | None) -> str:
    """A framework with its years ("SIF (2013–2018)"), as the report names it."""
    found = FRAMEWORKS.get(framework or "")
    return found.title if found else (framework or "no framework")


def framework_short(framework: str | None) -> str:
    """A framework's short name ("SLAC"), for a chart's axis."""
    found = FRAMEWORKS.get(framework or "")
    return found.short if found else (framework or "")


@dataclass(frozen=True, slots=True)
class Point:
    """One judgement on a timeline."""

    year: int | None
    area: str
    label: str | None
    scale: str | None
    score: int
    framework: str | None
    doc_type: str | None
    path: str | None
    page: int | None = None
    section_heading: str | None = None

    @property
    def words(self) -> str:
        return grade_words(self.score, self.scale, self.framework) or "—"

    @property
    def secondary(self) -> bool:
        return self.doc_type in SECONDARY_DOC_TYPES

    @property
    def source(self) -> str:
        """The file name of the document the judgement comes from ("—" when unknown)."""
        return PurePath(self.path).name if self.path else "—"

    def tooltip(self) -> str:
        source = PurePath(self.path).name if self.path else "unknown document"
        written = f" (written “{self.label}”)" if self.label and self.label.lower() != self.words.lower() else ""
        where = "".join([f", p. {self.page}" if self.page else "",
                         f", “{self.section_heading}”" if self.section_heading else ""])
        return (f"{self.year or 'undated'} · {framework_name(self.framework)} · {area_name(self.area)}: "
                f"{self.words}{written}, score {self.score} — {self.doc_type or 'document'}: {source}{where}")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def timeline_points(con: duckdb.DuckDBPyConnection, council: str) -> list[Point]:
    """Judgements of a council (today's, or as it was called then), oldest first."""
    rows = _rows(con, """
        SELECT coalesce(year, year(document_date)) AS year, area, label, scale, score, framework,
               doc_type, path, page, section_heading
        FROM judgement_timeline
        WHERE (council = ? OR council_at_the_time = ?) AND score IS NOT NULL
        ORDER BY year NULLS LAST, framework, area, path""", [council, council])
    return [Point(**row) for row in rows]


def latest_inspection(con: duckdb.DuckDBPyConnection, council: str) -> dict | None:
    """The council's row of the ``latest_inspection`` view, or None when it has no inspection."""
    rows = _rows(con, "SELECT * FROM latest_inspection WHERE council = ? AND doc_id IS NOT NULL", [council])
    return rows[0] if rows else None


def councils_with_judgements(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One row per council of the timeline: counts, years and latest overall judgement."""
    return _rows(con, """
        SELECT t.council, count(*) AS n_judgements, count(DISTINCT t.doc_id) AS n_documents,
               min(t.year) AS first_year, max(t.year) AS last_year,
               any_value(li.overall_effectiveness) AS latest_overall,
               any_value(li.framework) AS latest_framework,
               any_value(li.inspection_end) AS latest_end
        FROM judgement_timeline t
        LEFT JOIN latest_inspection li ON li.council = t.council
        WHERE t.council IS NOT NULL
        GROUP BY t.council ORDER BY t.council""")


def grade_distribution(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Judgement counts per (year, framework, score), every council and area."""
    return _rows(con, """
        SELECT coalesce(j.year, d.year) AS year, j.framework, j.score, count(*) AS n
        FROM judgements j JOIN documents d USING (doc_id)
        WHERE j.score IS NOT NULL
        GROUP BY ALL ORDER BY 1 NULLS LAST, 2, 3""")


def unjudged_documents(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Documents from which no judgement was extracted."""
    return _rows(con, """
        SELECT d.doc_type, d.framework, d.year, coalesce(la.name, d.la_name) AS council, d.path
        FROM documents d LEFT JOIN local_authorities la ON la.gss_code = d.la_gss_code
        WHERE NOT EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id)
        ORDER BY d.doc_type NULLS LAST, d.framework NULLS LAST, d.year, d.path""")


def document_counts(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Documents per (doc_type, framework), with how many have no judgement."""
    return _rows(con, """
        SELECT d.doc_type, d.framework, count(*) AS n_documents,
               count(*) FILTER (WHERE NOT EXISTS
                   (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id)) AS n_without
        FROM documents d GROUP BY ALL ORDER BY d.doc_type NULLS LAST, d.framework NULLS LAST""")


@dataclass(frozen=True, slots=True)
class Facts:
    """What the header says about the database."""

    database: str
    generated_at: datetime
    pipeline_versions: dict[str, int]
    n_documents: int
    n_judgements: int
    n_councils: int
    first_year: int | None
    last_year: int | None


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return (rows[0][0] if rows else None) or ":memory:"


def header_facts(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None) -> Facts:
    versions = dict(con.execute("""SELECT coalesce(pipeline_version, 'unknown'), count(*) FROM documents
                                   GROUP BY 1 ORDER BY 1""").fetchall())
    n_docs, n_judgements, n_councils, first, last = con.execute("""
        SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM judgements),
               (SELECT count(DISTINCT council) FROM judgement_timeline),
               (SELECT min(year) FROM judgement_timeline), (SELECT max(year) FROM judgement_timeline)
    """).fetchone()
    return Facts(database_path(con), generated_at or datetime.now(timezone.utc), versions,
                 n_docs, n_judgements, n_councils, first, last)
