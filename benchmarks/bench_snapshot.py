"""Print what publishing the readers' snapshot costs, against the size of the database.

    .venv/bin/python benchmarks/bench_snapshot.py --mb 50 200 800

Figures only, nothing asserted. Each size is a database of this schema with filler rows up to
about that size; the snapshot is CHECKPOINT, a copy written aside with fsync, and a rename. The
floor printed beside it is a bare copy of the same file in the same run (no fsync).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from models.store import Store  # noqa: E402

ROW_BYTES = 500  # about what one filler row costs on disk, measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, nargs="+", default=[50, 200, 800])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'database':>10} {'snapshot s':>11} {'s / 100 MB':>11} {'bare copy s':>12}")
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "ofsted.duckdb"
            with Store(db) as store:
                store.con.execute(
                    "CREATE TABLE filler AS SELECT md5(i::VARCHAR) || repeat(md5((i * 7)::VARCHAR), 20) AS t "
                    "FROM range(?) r(i)", [mb * 1_000_000 // ROW_BYTES])
                store.con.execute("CHECKPOINT")
                size = os.path.getsize(db)
                snapshot = min(_timed(store.publish_snapshot) for _ in range(args.repeat))
                bare = min(_timed(lambda: shutil.copyfile(db, Path(tmp) / "copy.duckdb")) for _ in range(args.repeat))
            print(f"{size / 1e6:>7.0f} MB {snapshot:>11.2f} {snapshot / (size / 1e8):>11.2f} {bare:>12.2f}")


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
