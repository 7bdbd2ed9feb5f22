"""What the report reads: read-only queries of the views of ``models.views`` (and of Ofsted's
table through ``models.official.reconcile``) and of the ``inspections``, ``judgements``,
``documents``, ``local_authorities`` and ``runs`` tables, so a read-only connection is enough.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import PurePath
from typing import Sequence

import duckdb

from models.inspections import EVIDENCE_RANKS
from models.official import reconcile
from models.vocabulary import FRAMEWORKS, INSPECTION_TYPES, RESTATING_DOC_TYPES, area_name, grade_words

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
    """One inspection's chosen grade of one area, on a timeline."""

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
    inspection_type: str | None = None
    evidence_rank: int | None = None
    n_evidence: int = 1  # pieces of evidence of the inspection's grade of this area
    conflicting: bool = False  # whether they give more than one grade

    @property
    def words(self) -> str:
        return grade_words(self.score, self.scale, self.framework) or "—"

    @property
    def secondary(self) -> bool:
        """Known only second hand: the grade chosen is a restatement (minutes, news, a later report)."""
        if self.evidence_rank is not None:
            return self.evidence_rank == EVIDENCE_RANKS["restatement"]
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
        evidence = ""
        if self.n_evidence > 1:
            evidence = f"; {self.n_evidence} pieces of evidence{', which disagree' if self.conflicting else ''}"
        return (f"{self.year or 'undated'} · {inspection_type_name(self.inspection_type, self.framework)} · "
                f"{area_name(self.area)}: {self.words}{written}, score {self.score} — "
                f"{self.doc_type or 'document'}: {source}{where}{evidence}")


def inspection_type_name(kind: str | None, framework: str | None = None) -> str:
    """An inspection type as the report names it ("ILACS short inspection"); for a type not known,
    its framework's name."""
    found = INSPECTION_TYPES.get(kind or "")
    if found:
        return found.name
    return f"{framework_name(framework)} inspection" if framework else "Inspection of a kind not known"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def timeline_points(con: duckdb.DuckDBPyConnection, council: str) -> list[Point]:
    """The chosen grade of each inspection and area of a council (today's, or as it was called
    then), oldest first."""
    rows = _rows(con, """
        SELECT DISTINCT coalesce(year, year(inspection_start), year(document_date)) AS year, area, label, scale,
               score, framework, doc_type, path, page, section_heading, inspection_type, evidence_rank,
               n_evidence, conflicting, inspection_id
        FROM judgement_timeline
        WHERE (council = ? OR council_at_the_time = ?) AND score IS NOT NULL
        ORDER BY year NULLS LAST, framework, inspection_id, area""", [council, council])
    for row in rows:
        del row["inspection_id"]  # in the query so that two inspections' equal grades stay two points
    return [Point(**row) for row in rows]


def latest_inspection(con: duckdb.DuckDBPyConnection, council: str) -> dict | None:
    """The council's row of the ``latest_inspection`` view, or None when it has no inspection."""
    rows = _rows(con, "SELECT * FROM latest_inspection WHERE local_authority = ? AND inspection_id IS NOT NULL",
                 [council])
    return rows[0] if rows else None


def latest_inspections(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every council's row of the ``latest_inspection`` view that has an inspection, by name."""
    return _rows(con, "SELECT * FROM latest_inspection WHERE inspection_id IS NOT NULL ORDER BY local_authority")


def councils_with_inspections(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every council (today's, through reorganisations) with an inspection, assessment or visit
    in the database, by name."""
    return [row[0] for row in con.execute("""
        SELECT DISTINCT coalesce(l.current_name, la.name, i.local_authority) AS council
        FROM inspections i
        LEFT JOIN local_authorities la ON la.gss_code = i.la_gss_code
        LEFT JOIN council_lineage l ON l.gss_code = i.la_gss_code
        WHERE coalesce(l.current_name, la.name, i.local_authority) IS NOT NULL
        ORDER BY 1""").fetchall()]


def council_gss_codes(con: duckdb.DuckDBPyConnection, council: str) -> list[str]:
    """The GSS codes whose inspections are a council's: its own, and those of the councils it
    succeeded (old Cumbria's for Cumberland)."""
    return [row[0] for row in con.execute("""
        SELECT gss_code FROM council_lineage WHERE current_name = ?
        UNION SELECT gss_code FROM local_authorities WHERE name = ?
        ORDER BY 1""", [council, council]).fetchall()]


def council_inspections(con: duckdb.DuckDBPyConnection, council: str, gss_codes: Sequence[str]) -> list[dict]:
    """A council's inspections (its predecessors' too), oldest first, each with the council named
    at the time."""
    return _rows(con, """
        SELECT i.*, coalesce(la.name, i.local_authority) AS council_at_the_time,
               coalesce(i.inspection_start, i.inspection_end, i.published, make_date(i.year, 1, 1)) AS held_on
        FROM inspections i LEFT JOIN local_authorities la ON la.gss_code = i.la_gss_code
        WHERE list_contains(?, i.la_gss_code) OR (i.la_gss_code IS NULL AND i.local_authority = ?)
        ORDER BY held_on NULLS FIRST, i.inspection_id""", [list(gss_codes), council])


def chosen_grades(con: duckdb.DuckDBPyConnection, inspection_ids: Sequence[str]) -> list[dict]:
    """The chosen grade of each area of these inspections, with the words it was read from and how
    many pieces of evidence it had."""
    return _rows(con, """
        SELECT j.inspection_id, j.area, j.label, j.scale, j.score, coalesce(j.framework, i.framework) AS framework,
               i.framework AS inspection_framework, j.evidence, j.evidence_rank, j.text,
               (SELECT count(*) FROM judgements o WHERE o.inspection_id = j.inspection_id AND o.area = j.area)
                   AS n_evidence
        FROM judgements j JOIN inspections i USING (inspection_id)
        WHERE j.chosen AND list_contains(?, j.inspection_id)
        ORDER BY j.inspection_id, j.area""", [list(inspection_ids)])


def documents_of(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, dict]:
    """doc_id -> its path and type."""
    rows = _rows(con, "SELECT doc_id, path, doc_type FROM documents WHERE list_contains(?, doc_id)",
                 [list(doc_ids)])
    return {row["doc_id"]: row for row in rows}


def council_conflicts(con: duckdb.DuckDBPyConnection, inspection_ids: Sequence[str]) -> list[dict]:
    """The ``judgement_conflicts`` rows of these inspections: the chosen piece beside each that disagrees."""
    return _rows(con, """
        SELECT * FROM judgement_conflicts WHERE list_contains(?, inspection_id)
        ORDER BY year NULLS LAST, inspection_id, area, other_rank, other_document, other_page""",
                 [list(inspection_ids)])


def official_edition(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest edition of Ofsted's outcomes table loaded, or None when none is (or the
    database has no table for it)."""
    present = con.execute("""SELECT count(*) FROM duckdb_tables()
                             WHERE table_name = 'official_outcomes' AND database_name = current_database()""").fetchone()
    if not present[0]:
        return None
    return con.execute("SELECT max(edition) FROM official_outcomes").fetchone()[0]


def reconciliation_rows(con: duckdb.DuckDBPyConnection, gss_codes: Sequence[str] | None = None) -> list[dict]:
    """The reconciliation of Ofsted's table with our inspections (these councils', or every one)."""
    return reconcile(con, gss_codes=gss_codes)


def raw_folder(con: duckdb.DuckDBPyConnection) -> str | None:
    """The folder the latest ingestion read, which document paths are relative to."""
    row = con.execute("SELECT raw_dir FROM runs WHERE raw_dir IS NOT NULL ORDER BY run_id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def grade_distribution(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The chosen grades of every inspection and area, counted per (year, framework, score): each
    inspection's grade of an area once, however many documents state it."""
    return _rows(con, """
        SELECT year, framework, score, count(*) AS n
        FROM (SELECT DISTINCT inspection_id, area, coalesce(year, year(inspection_start)) AS year, framework, score
              FROM judgement_timeline WHERE score IS NOT NULL)
        GROUP BY ALL ORDER BY 1 NULLS LAST, 2, 3""")


def inspection_counts(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Inspections per (framework, inspection type): how many have a grade, and what they are known from."""
    return _rows(con, """
        SELECT i.framework, i.inspection_type, count(*) AS n_inspections,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM judgements j
                                              WHERE j.inspection_id = i.inspection_id AND j.chosen)) AS n_graded,
               count(*) FILTER (WHERE i.known_from = 'report') AS n_report,
               count(*) FILTER (WHERE i.known_from = 'letter') AS n_letter,
               count(*) FILTER (WHERE i.known_from = 'restatement') AS n_restatement
        FROM inspections i GROUP BY ALL
        ORDER BY min(i.year) NULLS LAST, i.framework NULLS LAST, i.inspection_type NULLS LAST""")


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
    n_inspections: int
    n_judgements: int  # every piece of evidence, restatements included
    n_councils: int
    first_year: int | None
    last_year: int | None


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return (rows[0][0] if rows else None) or ":memory:"


def header_facts(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None) -> Facts:
    versions = dict(con.execute("""SELECT coalesce(pipeline_version, 'unknown'), count(*) FROM documents
                                   GROUP BY 1 ORDER BY 1""").fetchall())
    n_docs, n_inspections, n_judgements, n_councils, first, last = con.execute("""
        SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM inspections), (SELECT count(*) FROM judgements),
               (SELECT count(DISTINCT council) FROM judgement_timeline),
               (SELECT min(year) FROM judgement_timeline), (SELECT max(year) FROM judgement_timeline)
    """).fetchone()
    return Facts(database_path(con), generated_at or datetime.now(timezone.utc), versions,
                 n_docs, n_inspections, n_judgements, n_councils, first, last)
