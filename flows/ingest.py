"""The ingestion flows: raw documents in a folder to rows in DuckDB.

Extraction runs as one task per batch of documents (a Prefect task costs 10-70 ms, a document a
few ms), submitted to the task runner the settings choose: threads, worker processes, or a Dask
cluster. The flow's own process is the only writer: it holds the database for the whole run, so
a second ingestion waits for it (or stops, naming the holder) instead of interleaving. Each batch
is written in one transaction, so a run killed mid-way leaves whole documents only, and the next
run picks up what is missing. Tasks are not cached: their inputs are batches of extracted
documents, and hashing them for a cache key would cost as much as extracting.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.states import Completed
from prefect.utilities.annotations import quote

from extractors import PIPELINE_VERSION
from extractors.discovery import InputNotFound, Skipped, find_inputs, printable
from extractors.limits import Limits, is_limit_error
from extractors.pipeline import ExtractorPool, shared_extractor
from extractors.reading import digest_file
from extractors.records import DocumentResult
from models.errors import EXIT_NO_DOCUMENTS, ExportRefused, OfstedError, database_problem
from outputs.export import check_export_dir, export_views
from models.search import refresh_search_index
from models.store import Plan, Store, WriteSummary, matches
from models.summary import (
    CHECKS_FAILED_STATUS,
    COMPLETED_WITH_FAILED_CHECKS,
    COMPLETED_WITH_FAILURES,
    IngestSummary,
)

from .reporting import ProgressArtifact, publish_run_report, run_quality_checks
from .runners import DaskTaskRunner, task_runner_from_settings
from .settings import RunParameters, get_settings


class NoDocuments(OfstedError, RuntimeError):
    """A run found no document to read: an empty folder, or a glob that matches nothing."""

    exit_code = EXIT_NO_DOCUMENTS

    def __init__(self, raw_dir: str, pattern: str | None, skipped: list[Skipped]):
        where = f"{printable(raw_dir)} (files matching {pattern!r})" if pattern else printable(raw_dir)
        detail = f"; {len(skipped)} other files skipped, e.g. {skipped[0].path} ({skipped[0].reason})" if skipped else ""
        super().__init__(f"no documents to ingest in {where}: it holds no .txt or .pdf files{detail}")


@dataclass(slots=True)
class Discovered:
    """What discovery found under the raw folder."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (key, doc_id) of readable files
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (key, error, doc_id)
    skipped: list[Skipped] = field(default_factory=list)


def transient_io_error(task, task_run, state) -> bool:
    """Retry only an I/O error that may pass (a network share blipping), not a missing folder."""
    try:
        state.result()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return False
    except OSError:
        return True
    except Exception:
        return False
    return False


# Errors of one file that a retry would not cure: the file is named as a failure instead.
_FILE_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError)


def export_may_pass(task, task_run, state) -> bool:
    """Retry an export that failed on the way (a share blipping), not one refused its folder."""
    try:
        state.result()
    except ExportRefused:
        return False
    except Exception:
        return True
    return False


# Retries are for the file system (a share that blips); a bad document is never retried: its
# error is returned as a result and recorded in failures.
@task(name="discover-files", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=transient_io_error)
def discover_files(raw_dir: str, pattern: str | None = None) -> Discovered:
    """Every document under the folder (matching the glob, if given) with its content hash."""
    inputs = find_inputs([Path(raw_dir)])
    if not Path(raw_dir).is_dir():
        raise InputNotFound(raw_dir, "is a file, not a folder: give the folder of raw documents")
    found = Discovered(skipped=inputs.skipped)
    for file in inputs.files:
        if pattern and not matches(file.key, pattern):
            continue
        try:
            found.files.append((file.key, digest_file(file.path)))
        except _FILE_ERRORS as exc:
            found.failures.append((file.key, f"{file.path}: cannot read file ({exc.strerror})", ""))
    found.failures += [(file.key, error, "") for file, error in inputs.unusable
                       if not pattern or matches(file.key, pattern)]
    if not found.files and not found.failures:
        raise NoDocuments(raw_dir, pattern, inputs.skipped)
    return found


@task(name="plan-run", cache_policy=NO_CACHE)
def plan_run(store: Store, files: list[tuple[str, str]], raw_dir: str, force: bool,
             pattern: str | None = None) -> tuple[int, Plan]:
    """Start a run and decide which files to extract.

    A file that failed before with the same bytes and pipeline is not extracted again (it would
    fail the same way), unless it failed on a limit, which the settings may have raised since.
    """
    store.load_register()
    run_id = store.start_run(raw_dir, PIPELINE_VERSION)
    return run_id, store.plan(files, PIPELINE_VERSION, pattern=pattern, force=force,
                              repeat_failures=True, retryable=is_limit_error)


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(paths: list[str], ocr: bool, pool: ExtractorPool | None = None,
                  limits: Limits | None = None) -> list[DocumentResult]:
    """Extract a batch of documents (errors are returned per document, never raised)."""
    if pool is not None:
        return list(pool.extract_many(paths))
    extractor = shared_extractor(ocr, limits)  # on a Dask worker: built once per worker process
    return [extractor.extract(path) for path in paths]


@task(name="load-batch", cache_policy=NO_CACHE)
def load_batch(store: Store, results: list[DocumentResult], run_id: int) -> WriteSummary:
    """Write a batch in one transaction; failures go to the failures table."""
    return store.write_documents(results, run_id=run_id, pipeline_version=PIPELINE_VERSION, inspections=False)


@task(name="rebuild-inspections", cache_policy=NO_CACHE)
def rebuild_inspections(store: Store) -> int:
    """Place every judgement in its inspection and choose one grade per inspection and area."""
    return store.rebuild_inspections()


@task(name="refresh-search-index", cache_policy=NO_CACHE)
def refresh_search(store: Store) -> bool:
    """Rebuild the full-text index over sections if the stored documents changed."""
    return refresh_search_index(store.con)


@task(name="export-views", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10],
      retry_condition_fn=export_may_pass)
def export(store: Store, export_dir: str) -> int:
    """Write the analyst views as Parquet, CSV and Excel for readers who cannot open the live file."""
    return len(export_views(store.con, export_dir))


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_snapshot(store: Store) -> str:
    """Copy the database to its snapshot, which readers open without ever blocking a run."""
    return str(store.publish_snapshot())


@task(name="finish-run", cache_policy=NO_CACHE)
def finish_run(store: Store, run_id: int, summary: IngestSummary) -> IngestSummary:
    """Record the run's counts and read back judgements per area."""
    store.finish_run(run_id, status="partial" if summary.n_failed else "ok", **summary.run_counts())
    summary.judgements_per_area = dict(store.con.execute(
        "SELECT area, count(*) FROM judgements GROUP BY area ORDER BY area").fetchall())
    return summary


def _local_pool(workers: int, ocr: bool, n_documents: int,
                limits: Limits | None = None) -> contextlib.AbstractContextManager:
    """Worker processes for a local run (none on Dask, whose workers extract themselves).

    Even one worker is a process of its own: a document stuck past the time limit can then be
    killed, a crash costs one document, and Ctrl-C or SIGTERM stops the run at once instead of
    waiting for the thread that extracts in this process to finish its batch.
    """
    context = FlowRunContext.get()
    on_dask = context is not None and DaskTaskRunner is not None and isinstance(context.task_runner, DaskTaskRunner)
    if on_dask or not n_documents:
        return contextlib.nullcontext(None)
    return ExtractorPool(min(workers, n_documents), ocr=ocr, limits=limits)


def ingest(run: RunParameters) -> IngestSummary:
    """The body of both flows: plan, extract batches through the task runner, load, check, export."""
    logger = get_run_logger()
    raw_dir, db_path = run.raw_dir, run.db_path
    check_export_dir(run.export_dir, db_path)  # a refused folder stops the run before, not after, extracting
    found = discover_files(raw_dir, run.pattern)
    with Store.open_waiting(db_path, run.lock_wait_seconds) as store:
        run_id, plan = plan_run(store, found.files, raw_dir, run.force, run.pattern)
        summary = IngestSummary.from_plan(run_id, plan, found.skipped)
        try:
            summary = _run(store, run_id, plan, found, summary, run, logger=logger)
            if todo_or_removed(plan) or store.inspections_stale():
                summary.n_inspections = rebuild_inspections(store)
            if todo_or_removed(plan) or not store.con.execute("SELECT count(*) FROM quality_checks").fetchone()[0]:
                summary.quality = run_quality_checks(store, run_id)  # checks follow a load; no load, no change
                if summary.quality.status == "fail" and not summary.n_failed:
                    store.set_run_status(run_id, CHECKS_FAILED_STATUS)
            refresh_search(store)
            export(store, run.export_dir)
            summary.snapshot = publish_snapshot(store)
        except BaseException as exc:
            # Ctrl-C, SIGTERM (Prefect raises it as TerminationSignal) or an error: the batch in
            # hand was rolled back by its transaction; the run says how it ended, then stops.
            stopped_by = interruption(exc)
            status = "interrupted" if stopped_by is not None else "failed"
            store.abandon_transaction()
            try:
                store.finish_run(run_id, status=status, **summary.run_counts())
            except Exception as unrecorded:  # the next run marks a run left 'running' interrupted
                # INFO: the cause (a full disk, say) is the failure the run ends with, shown once.
                logger.info("run %d %s, but that could not be recorded: %s", run_id, status, unrecorded)
            # INFO: the reason is the flow's failure (or the command's line), logged once where it ends.
            logger.info("run %d %s: %d of %d documents written before it stopped", run_id, status,
                        summary.n_written, len(plan.to_extract))
            if stopped_by is not None and stopped_by is not exc:
                raise stopped_by from exc  # DuckDB turns a signal inside a query into 'Query interrupted'
            problem = database_problem(db_path, exc) if stopped_by is None else None
            if problem is not None:  # a full disk or a damaged file: say so, not DuckDB's internals
                raise problem from exc
            raise
    publish_run_report(summary)
    return summary


def interruption(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM (or other signal-like exception) in an exception's chain, if any.

    DuckDB catches a signal raised during a query and raises ``RuntimeError('Query
    interrupted')`` from it: the signal is then that error's cause.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if not isinstance(exc, Exception):  # KeyboardInterrupt, Prefect's TerminationSignal
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def todo_or_removed(plan: Plan) -> bool:
    return bool(plan.to_extract or plan.removed or plan.superseded)


def _run(store: Store, run_id: int, plan: Plan, found: Discovered, summary: IngestSummary, run: RunParameters, *,
         logger) -> IngestSummary:
    """Record known failures, drop superseded rows, extract and load every batch, finish the run."""
    raw_dir, batch_size, ocr, limits = run.raw_dir, run.batch_size, run.ocr, run.limits
    duplicates_of: dict[str, list[str]] = {}
    for item in plan.duplicates:
        duplicates_of.setdefault(item.stored_path, []).append(item.path)
    failures = found.failures + [(item.path, item.error, item.doc_id) for item in plan.failing]
    copies = _duplicate_failures(failures, duplicates_of, raw_dir)
    failures += copies
    summary.add_failures(failures, duplicates=len(copies))
    if failures:
        store.record_failures(run_id, failures)
    if plan.superseded:
        store.remove_documents([item.path for item in plan.superseded], inspections=False)
    todo = [item.path for item in plan.to_extract]
    batches = [todo[first:first + batch_size] for first in range(0, len(todo), batch_size)]
    # The limits were read where the flow runs; they are sent with each batch.
    with _local_pool(run.workers, ocr, len(todo), limits) as pool:
        futures = [extract_batch.submit([_display(raw_dir, key) for key in batch], ocr, pool, limits)
                   for batch in batches]
        summary = _load_as_completed(store, futures, summary, run_id, len(todo), raw_dir, duplicates_of, logger)
    for item in plan.removed:
        logger.warning("removed from %s since it was ingested: %s", raw_dir, item.path)
    return finish_run(store, run_id, summary)


def _display(raw_dir: str, key: str) -> str:
    """Where a document is, as the run was told the folder (the path errors name)."""
    return str(Path(raw_dir) / key)


def _duplicate_failures(failures, duplicates_of: dict[str, list[str]], raw_dir: str) -> list[tuple[str, str, str]]:
    """Copies of a file that failed fail too, each under its own name: they hold the same bytes."""
    extra = []
    for key, error, doc_id in failures:
        for copy in duplicates_of.get(key, []):
            extra.append((copy, _renamed(error, _display(raw_dir, key), _display(raw_dir, copy)), doc_id))
    return extra


def _renamed(error: str, old: str, new: str) -> str:
    return new + error[len(old):] if error.startswith(old + ":") else f"{new}: {error}"


def _load_as_completed(store, futures, summary: IngestSummary, run_id: int, total: int, raw_dir: str,
                       duplicates_of: dict[str, list[str]], logger) -> IngestSummary:
    """Write each batch as its extraction finishes: the flow's process is the only writer."""
    done = 0
    root = Path(raw_dir)
    progress = ProgressArtifact(run_id)
    for future in as_completed(futures):
        results = future.result()
        for result in results:  # stored under its key: its path relative to the raw folder
            result.path = Path(result.path).relative_to(root).as_posix()
        # quote(): Prefect would otherwise walk every record of the batch looking for futures.
        written = load_batch(store, quote(results), run_id)
        copies = _duplicate_failures([(r.path, r.error, r.doc_id) for r in results if r.error], duplicates_of,
                                     raw_dir)
        if copies:
            store.record_failures(run_id, copies)
        summary.add_batch(results, written, copies)
        done += len(results)
        progress.publish(done, total)
        logger.info("%d of %d documents extracted (%d written, %d failed in this batch)",
                    done, total, written.written, written.failed)
    return summary


def run_state(summary: IngestSummary):
    """The flow run's final state: a run with failed documents or failed quality checks is told
    apart from a clean one by its name (Prefect's event for it is ``prefect.flow-run.<name>``)."""
    problems = []
    if summary.n_failed:
        problems.append(f"{summary.n_failed} of {summary.n_seen} documents failed: "
                        "see the ingest-failures artifact or the failures table")
    failed_checks = summary.failed_checks()
    if failed_checks:
        problems.append(f"quality checks failed: {', '.join(failed_checks)}: "
                        "see the ingest-quality artifact or the quality_checks table")
    if not problems:
        return summary
    name = COMPLETED_WITH_FAILURES if summary.n_failed else COMPLETED_WITH_FAILED_CHECKS
    return Completed(data=summary, name=name, message="; ".join(problems))


# A parameter left None comes from the settings (OFSTED_*, flows/settings.py) of the machine
# running the flow: a deployment's run honours its worker's settings.

@flow(name="ofsted-ingest", log_prints=True, task_runner=task_runner_from_settings())
def ingest_flow(raw_dir: str | None = None, db_path: str | None = None, force: bool = False,
                batch_size: int | None = None, ocr: bool | None = None, workers: int | None = None,
                lock_wait_seconds: float | None = None, export_dir: str | None = None) -> IngestSummary:
    """Ingest new and changed documents from a folder into the DuckDB database."""
    return run_state(ingest(get_settings().run_parameters(
        raw_dir=raw_dir, db_path=db_path, export_dir=export_dir, batch_size=batch_size, ocr=ocr, workers=workers,
        lock_wait_seconds=lock_wait_seconds, force=force)))


@flow(name="ofsted-reprocess", log_prints=True, task_runner=task_runner_from_settings())
def reprocess_flow(raw_dir: str | None = None, pattern: str | None = None, db_path: str | None = None,
                   batch_size: int | None = None, ocr: bool | None = None, workers: int | None = None,
                   lock_wait_seconds: float = 600, export_dir: str | None = None) -> IngestSummary:
    """Re-extract the documents of a folder (those matching a glob, if given), changed or not.

    Asked for by hand, it waits up to 10 minutes for a run holding the database (the nightly one).
    """
    return run_state(ingest(get_settings().run_parameters(
        raw_dir=raw_dir, db_path=db_path, export_dir=export_dir, batch_size=batch_size, ocr=ocr, workers=workers,
        lock_wait_seconds=lock_wait_seconds, force=True, pattern=pattern)))


if __name__ == "__main__":
    print(ingest_flow().format())
