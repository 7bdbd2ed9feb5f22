"""The DuckDB store: one database file holding documents, their extracted rows, runs and failures.

Writes go through Arrow tables (``INSERT INTO t (cols) SELECT cols FROM arrow_view``), one
transaction per batch. DuckDB allows a single writer process at a time; analysts open the file
with ``read_only=True``.
"""
from __future__ import annotations

import contextlib
import fnmatch
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from models.errors import (
    DatabaseLocked,
    DatabaseNotFound,
    DatabaseUnusable,
    SchemaVersionError,
    from_duckdb,
    is_a_folder,
    not_a_database,
    not_ours,
)
from models.paths import snapshot_path
from models.inspections import rebuild_inspections
from models.register import REGISTER_CSV, load_register_rows
from models.views import view_ddl
from models.schema import (
    DOCUMENT_TABLES,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    arrow_schema,
    ddl,
)
from models.summary import RUN_COUNTS

if TYPE_CHECKING:  # records are only read here, by attribute: no runtime dependency
    from extractors.records import DocumentResult

log = logging.getLogger(__name__)

_REGISTER_COLUMNS = TABLES["local_authorities"].column_names


@dataclass(slots=True)
class PlanItem:
    """One file's fate in a run, or one stored document's (for removed)."""

    path: str
    doc_id: str
    # new | content | pipeline_version | moved | unchanged | duplicate | removed | superseded
    reason: str
    stored_path: str | None = None  # where doc_id is stored now; for a duplicate, the kept path
    stored_doc_id: str | None = None  # what is stored under path now, if another doc_id
    stored_version: str | None = None
    error: str | None = None  # for a file that already failed with these bytes: the reason


@dataclass(slots=True)
class Plan:
    """What a run must do with the files it saw, compared with what is stored."""

    new: list[PlanItem] = field(default_factory=list)
    changed: list[PlanItem] = field(default_factory=list)
    unchanged: list[PlanItem] = field(default_factory=list)
    removed: list[PlanItem] = field(default_factory=list)
    duplicates: list[PlanItem] = field(default_factory=list)
    failing: list[PlanItem] = field(default_factory=list)  # failed before with these bytes and version
    # stored documents whose file now holds a copy of another document: their rows are deleted
    superseded: list[PlanItem] = field(default_factory=list)
    n_seen: int = 0

    @property
    def to_extract(self) -> list[PlanItem]:
        """Files to extract and write: new ones, then changed ones."""
        return self.new + self.changed

    def counts(self) -> dict[str, int]:
        """The counts a plan knows, named as the runs table's columns, ready for ``finish_run(**counts)``."""
        counts = {}
        for count in RUN_COUNTS:
            if count.planned:
                planned = getattr(self, count.planned)
                counts[count.name] = planned if isinstance(planned, int) else len(planned)
        return counts


def matches(key: str, pattern: str) -> bool:
    """Whether a document's key (its path under the raw folder) or its name matches a glob."""
    return fnmatch.fnmatch(key, pattern) or fnmatch.fnmatch(key.rsplit("/", 1)[-1], pattern)


def _never(error: str) -> bool:
    return False


@dataclass(slots=True)
class WriteSummary:
    """What ``write_documents`` did."""

    written: int = 0  # documents stored
    failed: int = 0  # results with error set (recorded in failures when a run_id was given)
    skipped: int = 0  # results dropped from the batch as duplicates of another result
    replaced: int = 0  # previously stored doc_ids whose rows were deleted
    rows: dict[str, int] = field(default_factory=dict)  # rows inserted per table


class Store:
    """One DuckDB database file; use as a context manager so the file lock is released."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self.con = _connect(self.path, read_only)
        try:
            if read_only:
                self._check_schema()
            else:
                self._ensure_schema()
        except BaseException:
            self.con.close()
            raise

    @classmethod
    def open_waiting(cls, path: str | Path, wait_seconds: float, poll_seconds: float = 2.0) -> Store:
        """Open for writing, waiting up to ``wait_seconds`` while another process holds the lock."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return cls(path)
            except DatabaseLocked as locked:
                if time.monotonic() + poll_seconds > deadline:
                    raise
                log.warning("%s; waiting up to %.0f s more", locked, deadline - time.monotonic())
                time.sleep(poll_seconds)

    @classmethod
    def open_reader(cls, path: str | Path) -> Store:
        """Open a database for reading without ever holding up an ingestion.

        DuckDB lets no process open a file while another has it open, so a reader of the live
        file blocks the next ingestion (and a running one blocks the reader). Readers open the
        snapshot every ingestion publishes beside the database instead, if there is one.
        """
        snapshot = snapshot_path(path)
        if snapshot.exists():
            return cls(snapshot, read_only=True)
        return cls(path, read_only=True)

    def publish_snapshot(self) -> Path:
        """Copy the database, as committed now, to its snapshot; readers see it at once, whole.

        The copy is written aside and renamed over the old one: a reader holding the old
        snapshot open keeps reading it, and a crash mid-copy leaves the old one in place.
        """
        self.con.execute("CHECKPOINT")  # everything committed is in the main file, none in the WAL
        target = snapshot_path(self.path)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            with open(self.path, "rb") as source, open(partial, "wb") as copy:
                shutil.copyfileobj(source, copy, 1 << 20)
                copy.flush()
                os.fsync(copy.fileno())
            os.replace(partial, target)
        except OSError as exc:
            raise DatabaseUnusable(str(target), f"cannot be written ({exc.strerror})",
                                   "free space or make its folder writable; the database itself is complete") from exc
        finally:
            partial.unlink(missing_ok=True)
        return target

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection, releasing the file lock."""
        self.con.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: commit on success, roll back on any exception."""
        try:
            # Inside the try: a signal can interrupt BEGIN after it opened the transaction.
            self.con.begin()
            yield self.con
            self.con.commit()
        except BaseException as exc:
            # A failed COMMIT may already have ended the transaction; keep the original error.
            with contextlib.suppress(duckdb.Error):
                self.con.rollback()
            # A full disk or a damaged file is the database's problem, not the batch's: say so.
            error = from_duckdb(self.path, exc) if isinstance(exc, duckdb.Error) else None
            if error is not None:
                raise error from exc
            raise

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int | None:
        """The schema version recorded in the database (None if never initialised)."""
        if not self._has_table("schema_info"):
            return None
        return self.con.execute("SELECT max(version) FROM schema_info").fetchone()[0]

    def _has_table(self, name: str) -> bool:
        """Whether a table exists in the main schema."""
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name = ?",
            [name],
        ).fetchone()
        return row[0] > 0

    def _ensure_schema(self) -> None:
        """Create missing tables and record or migrate the schema version (idempotent)."""
        if not self._has_table("schema_info"):
            foreign = [r[0] for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
            if foreign:  # someone else's database: creating our tables in it would change it
                raise not_ours(self.path, foreign)
        with self.transaction() as con:
            for statement in ddl():
                con.execute(statement)
            version = con.execute("SELECT max(version) FROM schema_info").fetchone()[0]
            if version is None:
                self._record_version(SCHEMA_VERSION, "created")
            elif version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"Database {self.path} has schema version {version}, newer than this "
                    f"code's {SCHEMA_VERSION}: upgrade the pipeline before writing to it."
                )
            else:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS.get(step, []):
                        con.execute(statement)
                    self._record_version(step, "migrated")
            # Views last: they read the tables; replacing them changes no row.
            for statement in view_ddl():
                con.execute(statement)

    def _record_version(self, version: int, note: str) -> None:
        """Add a schema_info row."""
        self.con.execute(
            "INSERT INTO schema_info (version, applied_at, note) VALUES (?, ?, ?)",
            [version, _utcnow(), note],
        )

    def _check_schema(self) -> None:
        """On a read-only open, check the database is one of ours and not from newer code."""
        version = self.schema_version()
        if version is None:
            raise SchemaVersionError(
                f"Database {self.path} has no schema_info table: it was not created by this "
                "pipeline, or never initialised (open it once read-write, e.g. run an ingestion)."
            )
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"Database {self.path} has schema version {version}, newer than this code's "
                f"{SCHEMA_VERSION}: upgrade the pipeline to read it."
            )
        if version < SCHEMA_VERSION:
            log.warning(
                "%s has schema version %s (code expects %s): open it read-write once to migrate",
                self.path, version, SCHEMA_VERSION,
            )

    # -- council register --------------------------------------------------------------------

    def load_register(self, csv_path: str | Path = REGISTER_CSV) -> int:
        """(Re)load local_authorities from the CSV in one transaction; return rows changed."""
        table = _register_table(Path(csv_path))
        cols = ", ".join(_REGISTER_COLUMNS)
        with self.transaction() as con, self._view("_register", table):
            # Set differences: rows whose content differs (or is missing) on either side.
            stale = {r[0] for r in con.execute(
                f"SELECT gss_code FROM (SELECT {cols} FROM local_authorities "
                f"EXCEPT SELECT {cols} FROM _register)").fetchall()}
            fresh = {r[0] for r in con.execute(
                f"SELECT gss_code FROM (SELECT {cols} FROM _register "
                f"EXCEPT SELECT {cols} FROM local_authorities)").fetchall()}
            if stale:
                with self._view("_stale", pa.table({"gss_code": sorted(stale)})):
                    con.execute(
                        "DELETE FROM local_authorities "
                        "WHERE gss_code IN (SELECT gss_code FROM _stale)"
                    )
            if fresh:
                with self._view("_fresh", pa.table({"gss_code": sorted(fresh)})):
                    con.execute(
                        f"INSERT INTO local_authorities ({cols}) SELECT {cols} FROM _register "
                        "WHERE gss_code IN (SELECT gss_code FROM _fresh)"
                    )
        changed = len(stale | fresh)
        log.info("council register: %d rows changed", changed)
        return changed

    # -- planning ----------------------------------------------------------------------------

    def plan(
        self,
        files: Iterable[tuple[str, str]],
        pipeline_version: str,
        root: str | Path | None = None,
        *,
        pattern: str | None = None,
        force: bool = False,
        repeat_failures: bool = False,
        retryable: Callable[[str], bool] = _never,
    ) -> Plan:
        """Compare (path, doc_id) pairs seen on disk with what is stored; nothing is written.

        ``root`` limits ``removed`` to stored paths under that prefix (paths compared as given).
        ``pattern``: the files seen are those matching this glob (see ``matches``), so a stored
        document outside it is not reported removed: it was not looked at. ``force``: unchanged
        files are planned as changed, to be extracted again. ``repeat_failures``: a new file
        whose bytes already failed with this pipeline version would fail the same way, so it is
        planned as failing, with its error, unless ``retryable(error)`` (say, a limit the
        settings may have raised since); not when forced.
        """
        seen: dict[str, str] = {}
        for path, doc_id in files:
            seen.setdefault(str(path), doc_id)
        stored = self.con.execute("SELECT doc_id, path, pipeline_version FROM documents").fetchall()
        by_doc = {doc_id: (path, version) for doc_id, path, version in stored}
        by_path = {path: doc_id for doc_id, path, _ in stored}

        groups: dict[str, list[str]] = {}
        for path in sorted(seen):
            groups.setdefault(seen[path], []).append(path)

        plan = Plan(n_seen=len(seen))
        duplicate_paths = set()
        for doc_id, paths in groups.items():
            stored_path = by_doc.get(doc_id, (None, None))[0]
            # Keep the stored copy where it is; otherwise the first path in sorted order.
            kept = stored_path if stored_path in paths else paths[0]
            for path in paths:
                if path != kept:
                    duplicate_paths.add(path)
                    plan.duplicates.append(PlanItem(path, doc_id, "duplicate", stored_path=kept))
            _classify(plan, kept, doc_id, pipeline_version, by_doc, by_path)

        for doc_id, path, version in stored:
            if doc_id in groups or not _under(path, root):
                continue
            if path not in seen:
                if pattern is None or matches(path, pattern):
                    plan.removed.append(PlanItem(path, doc_id, "removed", stored_path=path,
                                                 stored_version=version))
            elif path in duplicate_paths:
                # The file now holds a copy of another document, stored under the other path:
                # its old content is gone, so are its rows.
                plan.superseded.append(PlanItem(path, doc_id, "superseded", stored_path=path,
                                                stored_version=version))
        for items in (plan.new, plan.changed, plan.unchanged, plan.removed, plan.duplicates, plan.superseded):
            items.sort(key=lambda item: item.path)
        if force:
            plan.changed.extend(plan.unchanged)
            plan.unchanged = []
        elif repeat_failures and plan.new:
            known = self.known_failures([item.doc_id for item in plan.new], pipeline_version)
            for item in plan.new:
                if item.doc_id in known and not retryable(known[item.doc_id][1]):
                    item.error = known[item.doc_id][1]
                    plan.failing.append(item)
            plan.new = [item for item in plan.new if item.error is None]
        return plan

    # -- writing documents -------------------------------------------------------------------

    def write_documents(
        self,
        results: Sequence[DocumentResult],
        run_id: int | None = None,
        pipeline_version: str | None = None,
        *,
        inspections: bool = True,
    ) -> WriteSummary:
        """Store a batch in ONE transaction, replacing earlier rows of the same doc_id or path.

        Results with ``error`` set are not stored (rows stored earlier for their path stay); with
        a ``run_id`` they go to failures.
        ``pipeline_version`` fills results that carry none. On any error nothing is written.
        ``inspections``: rebuild the inspections in the same transaction; a run writing many
        batches passes False and calls ``rebuild_inspections`` once at its end.
        """
        ok = [r for r in results if not r.error]
        failed = [r for r in results if r.error]
        kept = _dedupe(ok)
        summary = WriteSummary(written=len(kept), failed=len(failed), skipped=len(ok) - len(kept))
        now = _utcnow()
        versions = {r.doc_id: r.pipeline_version or pipeline_version for r in kept}
        with self.transaction():
            ingested = self._kept_ingested_at(versions)
            replace_ids = self._ids_to_replace(kept)
            summary.replaced = len(replace_ids - versions.keys())
            self._delete_documents(replace_ids)
            tables = _document_tables(kept, versions, ingested, now)
            for name, table in tables.items():
                self._insert(name, table)
                summary.rows[name] = table.num_rows
            if run_id is not None and failed:
                self._insert("failures", _failures_table(
                    run_id, [(r.path, r.error, r.doc_id) for r in failed], now))
            if inspections and kept:
                rebuild_inspections(self.con)
        return summary

    def remove_documents(self, paths: Iterable[str], *, inspections: bool = True) -> int:
        """Delete every row of the documents stored under these paths; return documents removed.
        ``inspections``: as for ``write_documents``."""
        keys = pa.table({"path": pa.array([str(p) for p in paths], pa.string())})
        with self.transaction() as con, self._view("_remove_paths", keys):
            ids = {r[0] for r in con.execute(
                "SELECT doc_id FROM documents WHERE path IN (SELECT path FROM _remove_paths)"
            ).fetchall()}
            self._delete_documents(ids)
            if inspections and ids:
                rebuild_inspections(con)
        return len(ids)

    def _kept_ingested_at(self, versions: dict[str, str | None]) -> dict[str, datetime]:
        """ingested_at of batch documents already stored with the same pipeline version."""
        if not versions:
            return {}
        keys = pa.table({
            "doc_id": pa.array(list(versions), pa.string()),
            "pipeline_version": pa.array(list(versions.values()), pa.string()),
        })
        with self._view("_batch_versions", keys):
            rows = self.con.execute(
                "SELECT d.doc_id, d.ingested_at FROM documents d JOIN _batch_versions k "
                "ON d.doc_id = k.doc_id "
                "AND d.pipeline_version IS NOT DISTINCT FROM k.pipeline_version"
            ).fetchall()
        return dict(rows)

    def _ids_to_replace(self, results: Sequence[DocumentResult]) -> set[str]:
        """The batch's doc_ids plus any other doc_id stored under one of the batch's paths."""
        ids = {r.doc_id for r in results}
        if not results:
            return ids
        keys = pa.table({"path": pa.array([r.path for r in results], pa.string())})
        with self._view("_batch_paths", keys):
            rows = self.con.execute(
                "SELECT doc_id FROM documents WHERE path IN (SELECT path FROM _batch_paths)"
            ).fetchall()
        return ids | {r[0] for r in rows}

    def _delete_documents(self, doc_ids: set[str]) -> None:
        """Delete all rows of these doc_ids from every document table (inside a transaction)."""
        if not doc_ids:
            return
        keys = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
        with self._view("_delete_ids", keys):
            for name in DOCUMENT_TABLES:
                self.con.execute(
                    f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM _delete_ids)"
                )

    def _insert(self, name: str, table: pa.Table) -> None:
        """Bulk insert an Arrow table into a table of the same columns."""
        if table.num_rows == 0:
            return
        cols = ", ".join(TABLES[name].column_names)
        with self._view(f"_arrow_{name}", table):
            self.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _arrow_{name}")

    @contextlib.contextmanager
    def _view(self, name: str, table: pa.Table) -> Iterator[None]:
        """Expose an Arrow table to SQL under a name for the duration of a block."""
        self.con.register(name, table)
        try:
            yield
        finally:
            self.con.unregister(name)

    # -- runs and failures -------------------------------------------------------------------

    def start_run(self, raw_dir: str | Path, pipeline_version: str) -> int:
        """Record the start of a run; return its run_id (1, 2, 3...)."""
        # One writer process at a time (DuckDB's file lock), so max + 1 cannot race, and a run
        # still marked running was killed before it could finish: say so.
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        run_id = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, pipeline_version, raw_dir, status) "
            "VALUES (?, ?, ?, ?, 'running')",
            [run_id, _utcnow(), pipeline_version, str(raw_dir)],
        )
        return run_id

    def known_failures(self, doc_ids: Iterable[str], pipeline_version: str) -> dict[str, tuple[str, str]]:
        """doc_id -> (path, error) of files that already failed with these bytes and this version.

        Extracting them again would fail the same way: a run records the failure again instead.
        """
        keys = pa.table({"doc_id": pa.array(sorted(set(doc_ids)), pa.string())})
        with self._view("_candidate_ids", keys):
            rows = self.con.execute(
                "SELECT f.doc_id, arg_max(f.path, f.run_id), arg_max(f.error, f.run_id) FROM failures f "
                "JOIN runs r USING (run_id) JOIN _candidate_ids c USING (doc_id) "
                "WHERE r.pipeline_version = ? GROUP BY f.doc_id", [pipeline_version]).fetchall()
        return {doc_id: (path, error) for doc_id, path, error in rows}

    def record_failures(self, run_id: int, failures: Iterable[Sequence[str | None]]) -> int:
        """Record (path, error) or (path, error, doc_id) tuples for a run; return rows added."""
        table = _failures_table(run_id, failures, _utcnow())
        with self.transaction():
            self._insert("failures", table)
        return table.num_rows

    def abandon_transaction(self) -> None:
        """Roll back whatever transaction an interruption left open, if any."""
        with contextlib.suppress(duckdb.Error, RuntimeError):
            self.con.rollback()

    def finish_run(self, run_id: int, *, status: str = "ok", **counts: int | None) -> None:
        """Record a run's end, its status (ok | failed | partial | ...) and its counts.

        ``counts`` are named as ``RUN_COUNTS`` (the runs table's columns); one not given is NULL.
        """
        columns = [count.name for count in RUN_COUNTS]
        unknown = sorted(counts.keys() - set(columns))
        if unknown:
            raise TypeError(f"finish_run() got unexpected counts: {', '.join(unknown)}")
        updated = self.con.execute(
            "UPDATE runs SET finished_at = ?, " + "".join(f"{column} = ?, " for column in columns)
            + "status = ? WHERE run_id = ?",
            [_utcnow(), *(counts.get(column) for column in columns), status, run_id],
        ).fetchone()[0]
        if not updated:
            raise KeyError(f"no run {run_id} in {self.path}: call start_run first")

    # -- inspections ---------------------------------------------------------------------------

    def rebuild_inspections(self) -> int:
        """Place every judgement in its inspection and choose each inspection's grades, in one
        transaction (``models.inspections``); return the number of inspections."""
        with self.transaction() as con:
            return rebuild_inspections(con)

    def inspections_stale(self) -> bool:
        """Whether the inspections are behind the documents: a judgement in no inspection (a
        database migrated from before inspections, a run stopped before its rebuild) or an
        inspection of a document no longer stored."""
        return bool(self.con.execute("""
            SELECT EXISTS (SELECT 1 FROM judgements WHERE inspection_id IS NULL)
                OR (NOT EXISTS (SELECT 1 FROM inspections) AND EXISTS (SELECT 1 FROM documents))
                OR EXISTS (SELECT 1 FROM inspections i WHERE i.report_doc_id IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = i.report_doc_id))
                OR EXISTS (SELECT 1 FROM inspections i WHERE NOT EXISTS (
                           SELECT 1 FROM judgements j WHERE j.inspection_id = i.inspection_id)
                           AND i.report_doc_id IS NULL)""").fetchone()[0])

    def set_run_status(self, run_id: int, status: str) -> None:
        """Change a finished run's status (its quality checks, measured after it, failed)."""
        self.con.execute("UPDATE runs SET status = ? WHERE run_id = ?", [status, run_id])

    # -- reading -----------------------------------------------------------------------------

    def table_counts(self) -> dict[str, int]:
        """Row count of every table of the schema."""
        return {
            name: self.con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES
        }


# -- connection ------------------------------------------------------------------------------


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, or raise the project's error saying why it cannot be used.

    A file that exists is checked before DuckDB touches it: only an empty path or a DuckDB file
    is ever opened read-write, so nothing is written into a file that is something else.
    """
    if path != ":memory:":
        file = Path(path)
        if file.is_dir():
            raise is_a_folder(path)
        if file.exists():
            looks_like = _not_duckdb(file)
            if looks_like:
                raise not_a_database(path, looks_like)
        elif read_only:
            raise DatabaseNotFound(path)
        else:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnusable(path, f"cannot be created ({exc.strerror})",
                                       "give a --db in a folder you can write") from None
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        error = from_duckdb(path, exc, read_only)
        if error is None:
            raise
        raise error from exc


# A DuckDB file: an 8-byte checksum, then the magic bytes (DuckDB storage format, 1.x).
_DUCKDB_MAGIC = b"DUCK"
_OTHER_FORMATS = ((b"SQLite format 3\0", "a SQLite database"), (b"%PDF-", "a PDF"), (b"PK\x03\x04", "a zip file"),
                  (b"PAR1", "a Parquet file"))


def _not_duckdb(file: Path) -> str | None:
    """What a file looks like if it is not a DuckDB database (None if it is one)."""
    try:
        with file.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if head[8:12] == _DUCKDB_MAGIC:
        return None
    if not head:
        return "an empty file"
    for magic, name in _OTHER_FORMATS:
        if head.startswith(magic):
            return name
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "a text file"
    return "unknown bytes: not a DuckDB file header"


# -- planning helpers ------------------------------------------------------------------------


def _classify(
    plan: Plan,
    path: str,
    doc_id: str,
    version: str,
    by_doc: dict[str, tuple[str, str | None]],
    by_path: dict[str, str],
) -> None:
    """Put one kept (path, doc_id) into new, changed or unchanged."""
    other = by_path.get(path) if by_path.get(path) != doc_id else None
    if doc_id in by_doc:
        stored_path, stored_version = by_doc[doc_id]
        item = PlanItem(path, doc_id, "unchanged", stored_path, other, stored_version)
        if stored_path != path:
            item.reason = "moved"
            plan.changed.append(item)
        elif stored_version != version:
            item.reason = "pipeline_version"
            plan.changed.append(item)
        else:
            plan.unchanged.append(item)
    elif other is not None:
        plan.changed.append(PlanItem(path, doc_id, "content", stored_doc_id=other))
    else:
        plan.new.append(PlanItem(path, doc_id, "new"))


def _under(path: str, root: str | Path | None) -> bool:
    """Whether a stored path lies under a root prefix (no root, '' or '.': everything does)."""
    if root is None or str(root) in ("", "."):
        return True
    prefix = str(root).rstrip("/\\")
    return path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "\\")


# -- building Arrow tables -------------------------------------------------------------------


def _dedupe(results: Sequence[DocumentResult]) -> list[DocumentResult]:
    """One result per doc_id (the first) and per path (the last), so a batch cannot collide."""
    by_doc: dict[str, DocumentResult] = {}
    for r in results:
        if r.doc_id in by_doc:
            log.warning("%s duplicates %s (same bytes): stored once", r.path, by_doc[r.doc_id].path)
            continue
        by_doc[r.doc_id] = r
    by_path: dict[str, DocumentResult] = {}
    for r in by_doc.values():
        if r.path in by_path:
            log.warning("%s appears twice in the batch: keeping the later result", r.path)
        by_path[r.path] = r
    return list(by_path.values())


def _arrow(name: str, rows: list[tuple]) -> pa.Table:
    """Build a table's Arrow table from row tuples in column order."""
    schema = arrow_schema(name)
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows))
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema)], schema=schema
    )


def _document_tables(
    results: Sequence[DocumentResult],
    versions: dict[str, str | None],
    ingested: dict[str, datetime],
    now: datetime,
) -> dict[str, pa.Table]:
    """Arrow tables for every document table, rows of all results of the batch."""
    docs, judgements = [], []
    for r in results:
        la = r.local_authority
        gss = la.gss_code if la else None
        la_name = la.name if la else None
        docs.append((
            r.doc_id, r.path, r.doc_type, r.framework, gss,
            _date(r.document_date, r, "document_date"), r.year, r.clean_text,
            versions[r.doc_id], ingested.get(r.doc_id, now),
            la_name, la.match_score if la else None,
            _date(r.inspection_start, r, "inspection_start"),
            _date(r.inspection_end, r, "inspection_end"),
            _date(r.published, r, "published"),
            r.lead_inspector, len(r.pages) or None, r.file_size,
            _date(r.pdf_created, r, "pdf_created"),
        ))
        for j in r.judgements:
            judgements.append((
                r.doc_id, j.area, j.label, j.scale, j.grade, j.score, j.year,
                j.la_gss_code or gss, j.evidence, j.start, j.end,
                j.local_authority, j.framework or r.framework, j.page, j.text,
                None, None, None,  # inspection_id, evidence_rank, chosen: set by rebuild_inspections
            ))
    tables = {
        "documents": _arrow("documents", docs),
        "judgements": _arrow("judgements", judgements),
    }
    for name, fields in _CHILD_FIELDS.items():
        tables[name] = _child_table(name, results, fields)
    return tables


# Table -> record attributes in column order after doc_id (the DocumentResult list has the
# table's name). Built column by column: entities can run to hundreds of thousands of rows.
_CHILD_FIELDS = {
    "sections": ("label", "heading", "start", "end", "page", "page_end", "number", "level", "parent_no", "grade"),
    "entities": ("label", "text", "start", "end", "kb_id", "page", "normalized"),
    "people": ("name", "title", "role", "variants", "start", "end", "page"),
    "pages": ("number", "start", "end", "route", "ocr_confidence"),
    "boilerplate": ("kind", "text", "page"),
}


def _child_table(name: str, results: Sequence[DocumentResult], fields: tuple[str, ...]) -> pa.Table:
    """Arrow table of one list attribute of every result, plus its doc_id."""
    doc_ids: list[str] = []
    items: list[Any] = []
    for r in results:
        records = getattr(r, name)
        doc_ids.extend([r.doc_id] * len(records))
        items.extend(records)
    schema = arrow_schema(name)
    arrays = [pa.array(doc_ids, pa.string())] + [
        pa.array(list(map(attrgetter(f), items)), type=schema.field(i + 1).type)
        for i, f in enumerate(fields)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _failures_table(
    run_id: int, failures: Iterable[Sequence[str | None]], now: datetime
) -> pa.Table:
    """Arrow table of failures rows from (path, error[, doc_id]) tuples."""
    rows = []
    for failure in failures:
        path, error, *rest = failure
        rows.append((run_id, str(path), error, rest[0] if rest else None, now))
    return _arrow("failures", rows)


def _date(value: Any, result: Any, name: str) -> date | None:
    """An ISO date string as a date; an unparseable one is logged and stored as NULL."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        # One bad date must not sink the whole batch: the text is kept, the field is left empty.
        log.warning("%s: %s %r is not an ISO date: stored as NULL", result.path, name, value)
        return None


def _utcnow() -> datetime:
    """Now in UTC, naive (DuckDB TIMESTAMP has no zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# -- council register ------------------------------------------------------------------------


def _register_table(csv_path: Path) -> pa.Table:
    """The council register CSV as an Arrow table of local_authorities' columns (empty cells NULL)."""
    rows = [(row.gss_code, row.dfe_la_code or None, row.name or None, row.official_name or None,
             row.la_type or None, row.region or None, row.valid_from, row.valid_to,
             list(row.aliases), list(row.successor)) for row in load_register_rows(csv_path)]
    return _arrow("local_authorities", rows)
