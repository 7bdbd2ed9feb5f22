"""Exports of the analyst views as Parquet (partitioned by framework and year) and CSV.

Analysts can read these with pandas, Polars, R or a spreadsheet while an ingestion holds the
database file (DuckDB lets no other process open a file that a writer has open). Files are
written to a temporary folder and swapped in, so a reader never sees half an export.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

# view -> Parquet partition columns (a view without a year is one file per framework)
EXPORTED_VIEWS: dict[str, tuple[str, ...]] = {
    "latest_inspection": ("framework",),
    "judgement_timeline": ("framework", "year"),
    "section_text": ("framework", "year"),
}


@dataclass(slots=True)
class ExportedView:
    view: str
    rows: int
    csv: Path
    parquet: Path


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_views(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> list[ExportedView]:
    """Write every analyst view as CSV and partitioned Parquet under ``out_dir``."""
    out_dir = Path(out_dir)
    staging = out_dir.with_name(out_dir.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "csv").mkdir(parents=True)
    (staging / "parquet").mkdir()
    con.execute("SET enable_progress_bar = false")
    exported = []
    for view, partitions in EXPORTED_VIEWS.items():
        rows = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
        csv_path = staging / "csv" / f"{view}.csv"
        parquet_path = staging / "parquet" / view
        con.execute(f"COPY (SELECT * FROM {view}) TO {_quote(csv_path)} (HEADER, DELIMITER ',')")
        # Partition folders get their own string columns (part_framework=ilacs/part_year=2019,
        # "unknown" where null), so the typed framework and year columns stay in the files and
        # hive-partitioned readers (pandas, Polars, Arrow) see no type clash.
        part_columns = ", ".join(f"coalesce(CAST({c} AS VARCHAR), 'unknown') AS part_{c}" for c in partitions)
        con.execute(f"COPY (SELECT *, {part_columns} FROM {view}) TO {_quote(parquet_path)} "
                    f"(FORMAT parquet, PARTITION_BY ({', '.join('part_' + c for c in partitions)}))")
        exported.append(ExportedView(view, rows, out_dir / "csv" / csv_path.name, out_dir / "parquet" / view))
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return exported
