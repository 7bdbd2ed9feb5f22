"""The DuckDB schema: one table definition drives the DDL, the Arrow schemas and the insert lists.

The contract columns come first in each table, in the order analysts and downstream readers
rely on (the columns of ``documents``, ``judgements``, ``sections``, ``entities``, ``people`` and
``local_authorities`` listed under "The database" in the README, checked by tests/test_store.py);
extra columns follow. Bump ``SCHEMA_VERSION`` and add a step to ``MIGRATIONS`` when a table changes.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = 4

# version -> statements that bring a database at (version - 1) up to it. Version 1 is the
# initial schema, created by the DDL below, so it needs no step.
MIGRATIONS: dict[int, list[str]] = {
    2: ["ALTER TABLE runs ADD COLUMN IF NOT EXISTS n_skipped INTEGER"],
    # sections from a PDF's typography: their order, nesting, the grade a heading states, last page
    3: [f"ALTER TABLE sections ADD COLUMN IF NOT EXISTS {column}"
        for column in ("page_end INTEGER", "section_no INTEGER", "level INTEGER", "parent_no INTEGER",
                       "grade VARCHAR")],
    # inspections: each judgement placed in one, its evidence ranked and one grade chosen per area;
    # a PDF's own creation date, for a report that prints no publication date
    4: ["ALTER TABLE judgements ADD COLUMN IF NOT EXISTS inspection_id VARCHAR",
        "ALTER TABLE judgements ADD COLUMN IF NOT EXISTS evidence_rank INTEGER",
        "ALTER TABLE judgements ADD COLUMN IF NOT EXISTS chosen BOOLEAN",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS pdf_created DATE"],
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, DuckDB type and whether it may be null."""

    name: str
    type: str
    not_null: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its columns and its primary key (if any)."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Column names in table order."""
        return [c.name for c in self.columns]


def _cols(*specs: str) -> tuple[Column, ...]:
    """Parse 'name TYPE [NOT NULL]' strings into columns."""
    out = []
    for spec in specs:
        name, _, rest = spec.partition(" ")
        not_null = rest.endswith(" NOT NULL")
        out.append(Column(name, rest.removesuffix(" NOT NULL"), not_null))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "schema_info",
            _cols("version INTEGER NOT NULL", "applied_at TIMESTAMP", "note VARCHAR"),
            ("version",),
        ),
        Table(
            "documents",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "path VARCHAR NOT NULL",
                "doc_type VARCHAR",
                "framework VARCHAR",
                "la_gss_code VARCHAR",
                "document_date DATE",
                "year INTEGER",
                "clean_text VARCHAR",
                "pipeline_version VARCHAR",
                "ingested_at TIMESTAMP",
                # extras
                "la_name VARCHAR",
                "la_match_score DOUBLE",
                "inspection_start DATE",
                "inspection_end DATE",
                "published DATE",
                "lead_inspector VARCHAR",
                "n_pages INTEGER",
                "file_size BIGINT",
                "pdf_created DATE",
            ),
            ("doc_id",),
        ),
        Table(
            "judgements",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "area VARCHAR",
                "label VARCHAR",
                "scale VARCHAR",
                "grade INTEGER",
                "score INTEGER",
                "year INTEGER",
                "la_gss_code VARCHAR",
                "evidence VARCHAR",
                "start_char INTEGER",
                "end_char INTEGER",
                # extras
                "local_authority VARCHAR",
                "framework VARCHAR",
                "page INTEGER",
                "text VARCHAR",
                # derived after each load (models/inspections.py), never by extraction
                "inspection_id VARCHAR",
                "evidence_rank INTEGER",
                "chosen BOOLEAN",
            ),
        ),
        Table(
            "sections",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "label VARCHAR",
                "heading VARCHAR",
                "start_char INTEGER",
                "end_char INTEGER",
                "page INTEGER",
                "page_end INTEGER",
                "section_no INTEGER",
                "level INTEGER",
                "parent_no INTEGER",
                "grade VARCHAR",
            ),
        ),
        Table(
            "entities",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "label VARCHAR",
                "text VARCHAR",
                "start_char INTEGER",
                "end_char INTEGER",
                "kb_id VARCHAR",
                "page INTEGER",
                "normalized VARCHAR",
            ),
        ),
        Table(
            "people",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "name VARCHAR",
                "title VARCHAR",
                "role VARCHAR",
                "variants VARCHAR[]",
                "start_char INTEGER",
                "end_char INTEGER",
                "page INTEGER",
            ),
        ),
        Table(
            "pages",
            _cols(
                "doc_id VARCHAR NOT NULL",
                "page INTEGER",
                "start_char INTEGER",
                "end_char INTEGER",
                "route VARCHAR",
                "ocr_confidence DOUBLE",
            ),
        ),
        Table(
            "boilerplate",
            _cols("doc_id VARCHAR NOT NULL", "kind VARCHAR", "text VARCHAR", "page INTEGER"),
        ),
        Table(
            "local_authorities",
            _cols(
                "gss_code VARCHAR NOT NULL",
                "dfe_la_code VARCHAR",
                "name VARCHAR",
                "official_name VARCHAR",
                "la_type VARCHAR",
                "region VARCHAR",
                "valid_from INTEGER",
                "valid_to INTEGER",
                # extras
                "aliases VARCHAR[]",
                "successor VARCHAR[]",
            ),
            ("gss_code",),
        ),
        Table(
            "runs",
            _cols(
                "run_id BIGINT NOT NULL",
                "started_at TIMESTAMP",
                "finished_at TIMESTAMP",
                "n_seen INTEGER",
                "n_new INTEGER",
                "n_failed INTEGER",
                # extras
                "n_changed INTEGER",
                "n_unchanged INTEGER",
                "n_removed INTEGER",
                "n_duplicates INTEGER",
                "pipeline_version VARCHAR",
                "raw_dir VARCHAR",
                "status VARCHAR",
                "n_skipped INTEGER",
            ),
            ("run_id",),
        ),
        Table(
            "quality_checks",
            _cols(
                "run_id BIGINT NOT NULL",
                "check_name VARCHAR NOT NULL",
                "scope VARCHAR",
                "value DOUBLE",
                "warn_at DOUBLE",
                "fail_at DOUBLE",
                "status VARCHAR",
                "detail VARCHAR",
                "checked_at TIMESTAMP",
            ),
        ),
        # Derived from documents and judgements after each load (models/inspections.py): one row
        # per council per assessment, inspection or visit, whatever documents evidence it.
        Table(
            "inspections",
            _cols(
                "inspection_id VARCHAR NOT NULL",
                "la_gss_code VARCHAR",
                "local_authority VARCHAR",
                "framework VARCHAR",
                "inspection_type VARCHAR",
                "year INTEGER",
                "inspection_start DATE",
                "inspection_end DATE",
                "published DATE",
                "published_source VARCHAR",
                "lead_inspector VARCHAR",
                "known_from VARCHAR",
                "report_doc_id VARCHAR",
                "doc_ids VARCHAR[]",
                "n_judgements INTEGER",
            ),
            ("inspection_id",),
        ),
        # Ofsted's published "Local authority inspection outcomes as at 31 March" tables, one row
        # per inspection or visit they list (models/official.py).
        Table(
            "official_outcomes",
            _cols(
                "edition DATE NOT NULL",
                "row_id VARCHAR NOT NULL",
                "la_name VARCHAR",
                "la_area_code VARCHAR",
                "la_gss_code VARCHAR",
                "la_status VARCHAR",
                "ofsted_region VARCHAR",
                "inspection_type VARCHAR",
                "inspection_type_text VARCHAR",
                "inspection_date DATE",
                "published DATE",
                "overall_effectiveness VARCHAR",
                "impact_of_leaders VARCHAR",
                "help_and_protection VARCHAR",
                "children_in_care VARCHAR",
                "care_leavers VARCHAR",
                "visit_theme VARCHAR",
                "is_latest BOOLEAN",
                "sheets VARCHAR",
                "source_file VARCHAR",
                "loaded_at TIMESTAMP",
            ),
            ("edition", "row_id"),
        ),
        Table(
            "failures",
            _cols(
                "run_id BIGINT",
                "path VARCHAR",
                "error VARCHAR",
                # extras
                "doc_id VARCHAR",
                "failed_at TIMESTAMP",
            ),
        ),
    )
}

# Tables holding one document's extracted rows, keyed by doc_id: a rewrite replaces them all.
DOCUMENT_TABLES = (
    "documents", "judgements", "sections", "entities", "people", "pages", "boilerplate",
)

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
    "BOOLEAN": pa.bool_(),
}


def create_table_sql(table: Table) -> str:
    """The CREATE TABLE IF NOT EXISTS statement for one table."""
    lines = [f"    {c.name} {c.type}{' NOT NULL' if c.not_null else ''}" for c in table.columns]
    if table.primary_key:
        lines.append(f"    PRIMARY KEY ({', '.join(table.primary_key)})")
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n" + ",\n".join(lines) + "\n)"


def ddl() -> list[str]:
    """All CREATE statements, in dependency-free order."""
    return [create_table_sql(t) for t in TABLES.values()]


def arrow_schema(table_name: str) -> pa.Schema:
    """The Arrow schema matching a table's columns, for bulk inserts."""
    table = TABLES[table_name]
    # clean_text of a large batch can pass 2 GiB: large_string avoids 32-bit offset overflow.
    return pa.schema(
        [
            pa.field(c.name, pa.large_string() if c.name == "clean_text" else _ARROW_TYPES[c.type])
            for c in table.columns
        ]
    )
