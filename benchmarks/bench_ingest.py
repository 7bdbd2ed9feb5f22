"""Wall-clock times of the ingestion flow over a folder, all in one process under one Prefect server.

Prints: the server start-up (the first flow run, on an empty folder, starts Prefect's temporary
server), the fixed cost of a run (a second empty run), a full run, an unchanged re-run and its
share of the full run, full runs with 1 and 2 local workers and on a local Dask cluster of 2
workers (fresh databases each). Nothing is asserted: figures vary with the machine's load.

    .venv/bin/python benchmarks/bench_ingest.py ../shared/corpus/pdf
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from flows.prefect_env import apply_prefect_defaults

# Before Prefect is imported: a private home, quiet logs and the project's defaults.
_HOME = tempfile.mkdtemp(prefix="bench-ingest-prefect-")
os.environ.setdefault("PREFECT_HOME", _HOME)
apply_prefect_defaults(logging_level="WARNING")
os.environ.setdefault("DASK_DISTRIBUTED__LOGGING__DISTRIBUTED", "error")  # the cluster's chatter

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"


def timed(label: str, run) -> tuple[float, object]:
    start = time.perf_counter()
    summary = run()
    seconds = time.perf_counter() - start
    counts = "" if summary is None else (f"  (seen {summary.n_seen}, new {summary.n_new}, changed "
                                         f"{summary.n_changed}, unchanged {summary.n_unchanged}, "
                                         f"failed {summary.n_failed})")
    print(f"{label:<44}{seconds:8.1f} s{counts}", flush=True)
    return seconds, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--no-dask", action="store_true", help="skip the local Dask cluster run")
    args = parser.parse_args()

    from flows.ingest import ingest_flow
    from flows.runners import build_task_runner
    from flows.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    empty = work / "empty"
    empty.mkdir()
    folder = str(args.folder)
    print(f"folder {folder}: {sum(1 for p in args.folder.rglob('*') if p.is_file())} files; "
          f"batch size {args.batch_size}; databases under {work}", flush=True)

    def run(db: str, raw: str = folder, workers: int = 1, runner=None):
        flow = ingest_flow.with_options(task_runner=runner or build_task_runner(Settings(workers=workers)))
        return lambda: flow(raw_dir=raw, db_path=str(work / db), batch_size=args.batch_size, workers=workers)

    start_up, _ = timed("server start-up (first run, empty folder)", run("empty.duckdb", str(empty)))
    fixed, _ = timed("second run, empty folder (fixed cost)", run("empty.duckdb", str(empty)))
    full, _ = timed("full run, workers=1 (builds the extractor)", run("main.duckdb"))
    again, _ = timed("unchanged re-run, workers=1", run("main.duckdb"))
    print(f"{'unchanged re-run / full run':<44}{100 * again / full:8.1f} %", flush=True)
    print(f"{'  the same, both less the fixed cost':<44}{100 * (again - fixed) / (full - fixed):8.1f} %", flush=True)
    one, _ = timed("full run, workers=1 (fresh database)", run("one.duckdb"))
    two, _ = timed("full run, workers=2 (fresh database)", run("two.duckdb", workers=2))
    print(f"{'unchanged re-run / this full run':<44}{100 * again / one:8.1f} %", flush=True)
    print(f"{'speed-up, 2 workers':<44}{one / two:8.2f} x", flush=True)
    if not args.no_dask:
        dask = build_task_runner(Settings(task_runner="dask", workers=2))
        on_dask, _ = timed("full run, Dask LocalCluster, 2 workers", run("dask.duckdb", workers=2, runner=dask))
        print(f"{'speed-up, Dask 2 workers (incl. cluster start)':<44}{one / on_dask:8.2f} x", flush=True)


if __name__ == "__main__":
    main()
