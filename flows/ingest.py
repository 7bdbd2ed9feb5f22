"""The ingestion flow: raw documents in a folder to rows in DuckDB.

Tasks work on batches of documents (a Prefect task costs 10-70 ms; a document a few ms), and
one process writes the database. Tasks are not cached: their inputs are whole batches of
extracted documents, and hashing them for a cache key would cost as much as extracting. Unchanged files (same bytes, same pipeline version) are not
extracted again; a changed file replaces its own rows in one transaction per batch.
"""
from __future__ import annotations

import os
from pathlib import Path

# The temporary server Prefect starts when no API URL is set needs ~10 s here; its default
# start-up timeout (20 s) is too tight on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from extractors import PIPELINE_VERSION  # noqa: E402
from extractors.pipeline import extract_paths  # noqa: E402
from extractors.reading import file_digest, iter_input_files  # noqa: E402
from extractors.records import DocumentResult  # noqa: E402
from models.store import Plan, Store, WriteSummary  # noqa: E402
from models.summary import IngestSummary  # noqa: E402


@task(name="discover-files", cache_policy=NO_CACHE)
def discover_files(raw_dir: str) -> list[tuple[str, str]]:
    """Every supported file under the folder with its content hash."""
    return [(str(path), file_digest(path.read_bytes())) for path in iter_input_files([Path(raw_dir)])]


@task(name="plan-run", cache_policy=NO_CACHE)
def plan_run(db_path: str, files: list[tuple[str, str]], raw_dir: str, force: bool) -> tuple[int, Plan]:
    """Start a run and decide which files to extract."""
    with Store(db_path) as store:
        store.load_register()
        run_id = store.start_run(raw_dir, PIPELINE_VERSION)
        plan = store.plan(files, PIPELINE_VERSION, root=raw_dir)
    if force:
        plan.changed.extend(plan.unchanged)
        plan.unchanged = []
    return run_id, plan


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(paths: list[str], workers: int, ocr: bool) -> list[DocumentResult]:
    """Extract a batch of documents (errors are returned per document, never raised)."""
    return list(extract_paths(paths, workers=workers, ocr=ocr))


@task(name="load-batch", cache_policy=NO_CACHE)
def load_batch(db_path: str, results: list[DocumentResult], run_id: int) -> WriteSummary:
    """Write a batch in one transaction; failures go to the failures table."""
    with Store(db_path) as store:
        return store.write_documents(results, run_id=run_id, pipeline_version=PIPELINE_VERSION)


@task(name="finish-run", cache_policy=NO_CACHE)
def finish_run(db_path: str, run_id: int, summary: IngestSummary) -> IngestSummary:
    """Record the run's counts and read back judgements per area."""
    with Store(db_path) as store:
        store.finish_run(run_id, status="partial" if summary.n_failed else "ok", **summary.run_counts())
        summary.judgements_per_area = dict(store.con.execute(
            "SELECT area, count(*) FROM judgements GROUP BY area ORDER BY area").fetchall())
        summary.table_rows = store.table_counts()
    return summary


@flow(name="ofsted-ingest", log_prints=True)
def ingest_flow(raw_dir: str = "data/raw", db_path: str = "data/processed/ofsted.duckdb", force: bool = False,
                workers: int = 1, batch_size: int = 20, ocr: bool = True) -> IngestSummary:
    """Ingest new and changed documents from a folder into the DuckDB database."""
    logger = get_run_logger()
    files = discover_files(raw_dir)
    run_id, plan = plan_run(db_path, files, raw_dir, force)
    summary = IngestSummary.from_plan(run_id, plan)
    todo = [item.path for item in plan.to_extract]
    for first in range(0, len(todo), batch_size):
        results = extract_batch(todo[first:first + batch_size], workers, ocr)
        written = load_batch(db_path, results, run_id)
        summary.add_batch(results, written)
        logger.info("batch %d: %d written, %d failed", first // batch_size + 1, written.written, written.failed)
    for item in plan.removed:
        logger.warning("removed from %s since it was ingested: %s", raw_dir, item.path)
    return finish_run(db_path, run_id, summary)


if __name__ == "__main__":
    print(ingest_flow().format())
