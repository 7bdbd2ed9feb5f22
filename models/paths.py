"""Where a database's companions live beside it: its snapshot and its exports.

Names only, no I/O and no DuckDB import, so the command line can show them in its help.
"""
from __future__ import annotations

from pathlib import Path


def snapshot_path(db_path: str | Path) -> Path:
    """Where readers find a database's snapshot: ``ofsted.duckdb`` -> ``ofsted.snapshot.duckdb``."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}.snapshot{path.suffix or '.duckdb'}")


def snapshot_origin(path: str | Path) -> Path:
    """The database a snapshot is of (any other path is its own): the inverse of snapshot_path."""
    path = Path(path)
    if path.stem.endswith(".snapshot"):
        return path.with_name(path.stem.removesuffix(".snapshot") + path.suffix)
    return path


def default_export_dir(db_path: str | Path) -> Path:
    """Where a database's exports go unless told otherwise: ``<db folder>/<db name>-exports``."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-exports")
