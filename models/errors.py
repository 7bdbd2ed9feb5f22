"""The project's errors: ``OfstedError`` and those raised when opening or writing the DuckDB
database; each says what to do.

Every message is one line: the command line prints it as it is. ``exit_code`` is the command
line's exit status for the error (docs/operations.md lists them).
"""
from __future__ import annotations

import re

# DuckDB 1.4: 'Could not set lock on file "X": Conflicting lock is held in <exe> (PID 123).'
_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.+?) \(PID (?P<pid>\d+)\)")

EXIT_USAGE = 2
EXIT_DATABASE_LOCKED = 3
EXIT_DATABASE_UNUSABLE = 4
EXIT_NO_DOCUMENTS = 5


class OfstedError(Exception):
    """An error of this project that its user can act on: bad input, a database that cannot be
    used, no documents to read. Its message is one line saying what to do; ``exit_code`` is the
    command line's exit status for it (a usage error unless the subclass says otherwise)."""

    exit_code = EXIT_USAGE


class StoreError(OfstedError):
    """Base class for database errors of this project."""

    exit_code = EXIT_DATABASE_UNUSABLE


class DatabaseLocked(StoreError):
    """Another process has the database file open, so this one cannot."""

    exit_code = EXIT_DATABASE_LOCKED

    def __init__(self, path: str, duckdb_message: str, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        match = _HOLDER.search(duckdb_message)
        self.holder = match["holder"] if match else None
        self.pid = int(match["pid"]) if match else None
        held_by = f"{self.holder} (PID {self.pid})" if match else "another process"
        super().__init__(
            f"Database {path} is locked by {held_by}: DuckDB lets no other process open a file "
            "while one has it open. If an ingestion is running, wait for it (or set "
            "OFSTED_LOCK_WAIT_SECONDS); if the holder is a notebook or shell, close it and read "
            "the snapshot beside the database instead, which ingestion never waits for."
        )


class DatabaseNotFound(StoreError, FileNotFoundError):
    """A read-only open named a database file that does not exist."""

    exit_code = EXIT_USAGE  # a wrong --db is a usage error

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"Database {path} does not exist: run `ofsted ingest` first, or check --db.")


class SchemaVersionError(StoreError):
    """The database was written by another schema version than this code knows."""


class DatabaseUnusable(StoreError):
    """The database file cannot be used: nothing was written to it."""

    def __init__(self, path: str, reason: str, fix: str):
        self.path = path
        self.reason = reason
        super().__init__(f"Database {path} {reason}: {fix}")


def is_a_folder(path: str) -> DatabaseUnusable:
    return DatabaseUnusable(path, "is a folder, not a database file",
                            f"give a file path, e.g. --db {path.rstrip('/')}/ofsted.duckdb")


def not_a_database(path: str, looks_like: str) -> DatabaseUnusable:
    return DatabaseUnusable(path, f"is not a DuckDB database ({looks_like}); nothing was written to it",
                            "move it aside or give another --db")


def not_ours(path: str, tables: list[str]) -> DatabaseUnusable:
    shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
    return DatabaseUnusable(path, f"is a DuckDB database of something else (tables {shown}); nothing was written to it",
                            "give another --db; this pipeline only writes databases it created")


# DuckDB's messages (1.4) for the ways a file cannot be used, and what to tell the user.
_DUCKDB_FAILURES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"No space left on device|disk is full|File too large", re.IGNORECASE),
     "cannot be written: the disk is full", "free space on its disk and run again; the batch in hand was rolled back"),
    (re.compile(r"Permission denied|Read-only file system", re.IGNORECASE),
     "cannot be written: the file or its folder is read-only",
     "make it writable (the folder too: DuckDB writes a .wal file beside it) or give another --db"),
    (re.compile(r"not a valid DuckDB database|Corrupt database|checksum|Could not read enough bytes|"
                r"database has been invalidated|Serialization Error", re.IGNORECASE),
     "is damaged and cannot be read", "restore it from a backup or its snapshot, or move it aside and ingest again"),
    (re.compile(r"created with an? (older|newer) version|storage version", re.IGNORECASE),
     "was written by another DuckDB version", "open it with the DuckDB version this pipeline pins (1.4.4)"),
)


def names_database_problem(text: str) -> bool:
    """Whether a message (a log line quoting an exception) is about a lock, a full disk, a damaged file..."""
    return "Conflicting lock" in text or any(pattern.search(text) for pattern, _, _ in _DUCKDB_FAILURES)


def database_problem(path: str, exc: BaseException) -> StoreError | None:
    """The project's error for a failure caused, however deep in its chain, by the database file."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StoreError):
            return exc
        if type(exc).__module__.startswith(("duckdb", "_duckdb")):
            found = from_duckdb(path, exc)
            if found is not None:
                return found
        exc = exc.__cause__ or exc.__context__
    return None


def from_duckdb(path: str, exc: Exception, read_only: bool = False) -> StoreError | None:
    """The project's error for a DuckDB exception on this file, or None if it is not a file problem."""
    message = str(exc)
    if "Conflicting lock" in message or "Could not set lock" in message:
        return DatabaseLocked(path, message, read_only)
    for pattern, reason, fix in _DUCKDB_FAILURES:
        if pattern.search(message):
            return DatabaseUnusable(path, reason, fix)
    return None


class ExportRefused(OfstedError):
    """An export would replace a folder that is not an export of this database, so it writes nothing."""


class OfficialTableError(OfstedError):
    """A file given as Ofsted's "Local authority inspection outcomes" table cannot be read as one:
    not an ODS or XLSX workbook, no sheet laid out as the table, or a column it needs missing."""

    def __init__(self, path: str, reason: str,
                 fix: str = "give the ODS or XLSX file of Ofsted's \"Local authority inspection outcomes as at "
                            "31 March <year>\" as published"):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}; {fix}")
