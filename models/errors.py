"""Errors raised when opening or writing the DuckDB database or its exports; each says what to do."""
from __future__ import annotations

import re

# DuckDB 1.4: 'Could not set lock on file "X": Conflicting lock is held in <exe> (PID 123).'
_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.+?) \(PID (?P<pid>\d+)\)")


class StoreError(Exception):
    """Base class for database errors of this project."""


class DatabaseLocked(StoreError):
    """Another process has the database file open, so this one cannot."""

    def __init__(self, path: str, duckdb_message: str, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        match = _HOLDER.search(duckdb_message)
        self.holder = match["holder"] if match else None
        self.pid = int(match["pid"]) if match else None
        held_by = f"{self.holder} (PID {self.pid})" if match else "another process"
        super().__init__(
            f"Database {path} is locked: it is held by {held_by}. DuckDB allows one writer at a "
            "time, and while a writer has the file open no other process can open it, not even "
            "read-only. Wait for the running ingestion to finish and retry; if the holder is a "
            "reader (a notebook or shell), close it before ingesting. Analysts should open the "
            "database read-only (Store(path, read_only=True) or duckdb -readonly), which several "
            "readers can share when no ingestion is running."
        )


class DatabaseNotFound(StoreError, FileNotFoundError):
    """A read-only open named a database file that does not exist."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"Database {path} does not exist: run an ingestion first, or check the path."
        )


class SchemaVersionError(StoreError):
    """The database was written by another schema version than this code knows."""


class ExportRefused(Exception):
    """An export would replace a folder that is not an export of this database, so it writes nothing."""
