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
import fnmatch
import os
from pathlib import Path

# The temporary server Prefect starts when no API URL is set needs ~10 s here; its default
# start-up timeout (20 s) is too tight on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from extractors import PIPELINE_VERSION  # noqa: E402
from extractors.limits import Limits, is_limit_error  # noqa: E402
from extractors.pipeline import ExtractorPool, shared_extractor  # noqa: E402
from extractors.reading import file_digest, iter_input_files  # noqa: E402
from extractors.records import DocumentResult  # noqa: E402
from models.export import export_views  # noqa: E402
from models.search import refresh_search_index  # noqa: E402
from models.store import Plan, Store, WriteSummary  # noqa: E402
from models.summary import IngestSummary  # noqa: E402

from .reporting import publish_progress, publish_run_report, run_quality_checks  # noqa: E402
from .runners import DaskTaskRunner, task_runner_from_settings  # noqa: E402
from .settings import get_settings  # noqa: E402


def matches(path: str | Path, raw_dir: str, pattern: str) -> bool:
    """Whether a file under the folder matches a glob, by its relative path or its name."""
    path = Path(path)
    relative = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.as_posix()
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern)


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


# Retries are for the file system (a share that blips); a bad document is never retried: its
# error is returned as a result and recorded in failures.
@task(name="discover-files", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=transient_io_error)
def discover_files(raw_dir: str, pattern: str | None = None) -> list[tuple[str, str]]:
    """Every supported file under the folder (matching the glob, if given) with its content hash."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    files = [f for f in iter_input_files([root]) if not pattern or matches(f, raw_dir, pattern)]
    return [(str(path), file_digest(path.read_bytes())) for path in files]


@task(name="plan-run", cache_policy=NO_CACHE)
def plan_run(store: Store, files: list[tuple[str, str]], raw_dir: str, force: bool,
             pattern: str | None = None) -> tuple[int, Plan]:
    """Start a run and decide which files to extract."""
    store.load_register()
    run_id = store.start_run(raw_dir, PIPELINE_VERSION)
    plan = store.plan(files, PIPELINE_VERSION, root=raw_dir)
    if pattern:  # files outside the glob were not looked at: they are not removed
        plan.removed = [item for item in plan.removed if matches(item.path, raw_dir, pattern)]
    if force:
        plan.changed.extend(plan.unchanged)
        plan.unchanged = []
    else:
        # Same bytes, same pipeline: a file that failed before would fail the same way, unless
        # it failed on a limit, which the settings may have raised since.
        known = {doc_id: failure for doc_id, failure
                 in store.known_failures([item.doc_id for item in plan.new], PIPELINE_VERSION).items()
                 if not is_limit_error(failure[1])}
        for item in plan.new:
            if item.doc_id in known:
                item.error = known[item.doc_id][1]
                plan.failing.append(item)
        plan.new = [item for item in plan.new if item.doc_id not in known]
    return run_id, plan


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
    return store.write_documents(results, run_id=run_id, pipeline_version=PIPELINE_VERSION)


@task(name="refresh-search-index", cache_policy=NO_CACHE)
def refresh_search(store: Store) -> bool:
    """Rebuild the full-text index over sections if the stored documents changed."""
    return refresh_search_index(store.con)


@task(name="export-views", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def export(store: Store, export_dir: str) -> int:
    """Write the analyst views as Parquet and CSV for readers who cannot open the live file."""
    return len(export_views(store.con, export_dir))


@task(name="finish-run", cache_policy=NO_CACHE)
def finish_run(store: Store, run_id: int, summary: IngestSummary) -> IngestSummary:
    """Record the run's counts and read back judgements per area."""
    store.finish_run(run_id, status="partial" if summary.n_failed else "ok", **summary.run_counts())
    summary.judgements_per_area = dict(store.con.execute(
        "SELECT area, count(*) FROM judgements GROUP BY area ORDER BY area").fetchall())
    return summary


def _local_pool(workers: int, ocr: bool, n_documents: int,
                limits: Limits | None = None) -> contextlib.AbstractContextManager:
    """Worker processes for a local run with several workers; none on Dask or for one worker."""
    context = FlowRunContext.get()
    on_dask = context is not None and DaskTaskRunner is not None and isinstance(context.task_runner, DaskTaskRunner)
    if workers <= 1 or on_dask or n_documents <= 1:
        return contextlib.nullcontext(None)
    return ExtractorPool(workers, ocr=ocr, limits=limits)


def ingest(raw_dir: str, db_path: str, *, force: bool, batch_size: int, ocr: bool, workers: int = 1,
           pattern: str | None = None, lock_wait_seconds: float = 0, export_dir: str | None = None) -> IngestSummary:
    """The body of both flows: plan, extract batches through the task runner, load, check."""
    logger = get_run_logger()
    files = discover_files(raw_dir, pattern)
    with Store.open_waiting(db_path, lock_wait_seconds) as store:
        run_id, plan = plan_run(store, files, raw_dir, force, pattern)
        summary = IngestSummary.from_plan(run_id, plan)
        if plan.failing:
            store.record_failures(run_id, [(item.path, item.error, item.doc_id) for item in plan.failing])
        todo = [item.path for item in plan.to_extract]
        batches = [todo[first:first + batch_size] for first in range(0, len(todo), batch_size)]
        limits = get_settings().limits()  # read where the flow runs, sent with each batch
        with _local_pool(workers, ocr, len(todo), limits) as pool:
            futures = [extract_batch.submit(batch, ocr, pool, limits) for batch in batches]
            summary = _load_as_completed(store, futures, summary, run_id, len(todo), logger)
        for item in plan.removed:
            logger.warning("removed from %s since it was ingested: %s", raw_dir, item.path)
        summary = finish_run(store, run_id, summary)
        if todo or plan.removed or not store.con.execute("SELECT count(*) FROM quality_checks").fetchone()[0]:
            summary.quality = run_quality_checks(store, run_id)  # checks follow a load; no load, no change
        refresh_search(store)
        if export_dir:
            export(store, export_dir)
    publish_run_report(summary)
    return summary


def _load_as_completed(store, futures, summary: IngestSummary, run_id: int, total: int, logger) -> IngestSummary:
    """Write each batch as its extraction finishes: the flow's process is the only writer."""
    done = 0
    for future in as_completed(futures):
        results = future.result()
        # quote(): Prefect would otherwise walk every record of the batch looking for futures.
        written = load_batch(store, quote(results), run_id)
        summary.add_batch(results, written)
        done += len(results)
        publish_progress(run_id, done, total)
        logger.info("%d of %d documents extracted (%d written, %d failed in this batch)",
                    done, total, written.written, written.failed)
    return summary


@flow(name="ofsted-ingest", log_prints=True, task_runner=task_runner_from_settings())
def ingest_flow(raw_dir: str = "data/raw", db_path: str = "data/processed/ofsted.duckdb", force: bool = False,
                batch_size: int = 20, ocr: bool = True, workers: int | None = None,
                lock_wait_seconds: float | None = None, export_dir: str | None = None) -> IngestSummary:
    """Ingest new and changed documents from a folder into the DuckDB database."""
    settings = get_settings()  # unset parameters come from OFSTED_* on the machine running the flow
    return ingest(raw_dir, db_path, force=force, batch_size=batch_size, ocr=ocr,
                  workers=workers or settings.workers,
                  lock_wait_seconds=settings.lock_wait_seconds if lock_wait_seconds is None else lock_wait_seconds,
                  export_dir=export_dir)


@flow(name="ofsted-reprocess", log_prints=True, task_runner=task_runner_from_settings())
def reprocess_flow(raw_dir: str = "data/raw", pattern: str | None = None,
                   db_path: str = "data/processed/ofsted.duckdb", batch_size: int = 20, ocr: bool = True,
                   workers: int | None = None, lock_wait_seconds: float = 600,
                   export_dir: str | None = None) -> IngestSummary:
    """Re-extract the documents of a folder (those matching a glob, if given), changed or not."""
    return ingest(raw_dir, db_path, force=True, batch_size=batch_size, ocr=ocr, workers=workers or get_settings().workers,
                  pattern=pattern, lock_wait_seconds=lock_wait_seconds, export_dir=export_dir)


if __name__ == "__main__":
    settings = get_settings()
    print(ingest_flow(raw_dir=str(settings.raw_dir), db_path=str(settings.db_path)).format())
