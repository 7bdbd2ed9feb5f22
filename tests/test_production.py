"""Production behaviour of ingestion: crash safety, one writer at a time, Dask, pipeline versions,
retries. Flow tests share the session's Prefect harness; none reads the development corpus."""
from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import RAW_DIR, ROOT

pytestmark = pytest.mark.flow

CHILD_TABLES = ["judgements", "sections", "entities", "people", "pages", "boilerplate"]
SNAPSHOT_TABLES = ["documents", *CHILD_TABLES, "runs", "failures", "quality_checks"]


def text_folder(folder: Path, n: int) -> Path:
    """n distinct small text documents: the sample .txt files, each copy with a unique line."""
    folder.mkdir(parents=True)
    samples = sorted(RAW_DIR.glob("*.txt"))
    for i in range(n):
        sample = samples[i % len(samples)]
        text = sample.read_text(encoding="utf-8")
        (folder / f"{i:02d}_{sample.name}").write_text(f"{text}\n\nCopy {i} for the test.\n", encoding="utf-8")
    return folder


def snapshot(db: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in SNAPSHOT_TABLES}


def assert_whole_documents(con) -> int:
    """Every stored document has its pages; no row of a child table lacks its document."""
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    without_pages = con.execute(
        "SELECT path FROM documents d WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.doc_id = d.doc_id)").fetchall()
    assert without_pages == []
    for table in CHILD_TABLES:
        orphans = con.execute(f"SELECT count(*) FROM {table} t "
                              "WHERE t.doc_id NOT IN (SELECT doc_id FROM documents)").fetchone()[0]
        assert orphans == 0, f"{orphans} rows of {table} without their document"
    return n_docs


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a child process: quiet, offline, using the harness's API if one runs."""
    from prefect.settings import PREFECT_API_URL

    from flows.prefect_env import PREFECT_DEFAULTS

    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_")}
    env.update(PREFECT_DEFAULTS, PREFECT_HOME=str(tmp_path / "prefect-home"), PYTHONUNBUFFERED="1")
    if PREFECT_API_URL.value():  # the session harness: no second temporary server to start
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    return env


def line_reader(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


# -- crash safety ---------------------------------------------------------------------------

def test_a_run_killed_mid_way_leaves_whole_documents_and_the_next_run_finishes(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = text_folder(tmp_path / "raw", 30)
    db = tmp_path / "ofsted.duckdb"
    env = subprocess_env(tmp_path)
    env["PREFECT_LOGGING_LEVEL"] = "INFO"
    ofsted = Path(sys.executable).parent / "ofsted"
    child = subprocess.Popen([str(ofsted), "ingest", str(raw), "--db", str(db), "--batch-size", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
                             start_new_session=True)
    lines = line_reader(child.stdout)
    progress = re.compile(r"(\d+) of 30 documents extracted")
    batches, output = 0, []
    deadline = time.monotonic() + 120
    try:
        while batches < 2 and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            output.append(line)
            batches += bool(progress.search(line))
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert batches == 2, "".join(output)[-3000:]
    assert child.returncode == -signal.SIGKILL

    with duckdb.connect(str(db), read_only=True) as con:
        stored = assert_whole_documents(con)
        assert 4 <= stored < 30
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]

    summary = ingest_flow(raw_dir=str(raw), db_path=str(db), batch_size=4)
    assert (summary.n_seen, summary.n_new, summary.n_unchanged, summary.n_failed) == (30, 30 - stored, stored, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole_documents(con) == 30
        assert con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall() == [
            (1, "interrupted"), (2, "ok")]


# -- one writer at a time -------------------------------------------------------------------

HOLDER = """
import sys, time
from models.store import Store
store = Store(sys.argv[1])
print("holding", flush=True)
release_after = float(sys.argv[2])
if release_after < 0:
    sys.stdin.read()  # until the test closes our stdin
else:
    time.sleep(release_after)
store.close()
print("released", flush=True)
sys.stdin.read()
"""


def hold(db: Path, tmp_path: Path, release_after: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(release_after)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=subprocess_env(tmp_path))
    assert holder.stdout.readline().strip() == "holding"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.fixture
def small_raw(tmp_path):
    return text_folder(tmp_path / "raw", 3)


def test_a_second_ingestion_stops_naming_the_holder(prefect_harness, tmp_path, small_raw):
    from flows.ingest import ingest_flow
    from models.errors import DatabaseLocked

    db = tmp_path / "ofsted.duckdb"
    ingest_flow(raw_dir=str(small_raw), db_path=str(db))
    before = snapshot(db)
    (small_raw / "new.txt").write_text("Children's services rating\tPerforms well (3)\n", encoding="utf-8")
    holder = hold(db, tmp_path, release_after=-1)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseLocked) as locked:
            ingest_flow(raw_dir=str(small_raw), db_path=str(db), lock_wait_seconds=0)
        assert time.monotonic() - started < 15
    finally:
        release(holder)
    assert locked.value.pid == holder.pid
    assert f"PID {holder.pid}" in str(locked.value)
    assert snapshot(db) == before


def test_a_second_ingestion_waits_for_the_holder(prefect_harness, tmp_path, small_raw):
    from flows.ingest import ingest_flow

    db = tmp_path / "ofsted.duckdb"
    holder = hold(db, tmp_path, release_after=3)
    try:
        started = time.monotonic()
        summary = ingest_flow(raw_dir=str(small_raw), db_path=str(db), lock_wait_seconds=10)
        waited = time.monotonic() - started
    finally:
        release(holder)
    assert summary.n_new == 3
    assert waited >= 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole_documents(con) == 3
        assert con.execute("SELECT status FROM runs").fetchall() == [("ok",)]


# -- Dask -----------------------------------------------------------------------------------

def test_ingest_on_a_local_dask_cluster(prefect_harness, tmp_path):
    from prefect_dask import DaskTaskRunner

    from flows.ingest import ingest_flow
    from flows.runners import build_task_runner
    from flows.settings import Settings

    runner = build_task_runner(Settings(task_runner="dask", workers=2))
    assert isinstance(runner, DaskTaskRunner)
    assert runner.address is None and runner.cluster_kwargs["n_workers"] == 2
    db = tmp_path / "ofsted.duckdb"
    summary = ingest_flow.with_options(task_runner=runner)(raw_dir=str(RAW_DIR), db_path=str(db), batch_size=3,
                                                          workers=2, ocr=False)
    n_files = len(list(RAW_DIR.iterdir()))
    assert (summary.n_new, summary.n_failed) == (n_files, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole_documents(con) == n_files
        assert con.execute("SELECT count(*) FROM judgements").fetchone()[0] > 0
        assert con.execute("SELECT status FROM runs").fetchall() == [("ok",)]


def test_ingest_on_an_existing_dask_cluster(prefect_harness, tmp_path, small_raw):
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    from flows.ingest import ingest_flow
    from flows.runners import build_task_runner
    from flows.settings import Settings

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        runner = build_task_runner(Settings(task_runner="dask", dask_address=cluster.scheduler_address))
        assert isinstance(runner, DaskTaskRunner)
        assert runner.address == cluster.scheduler_address
        db = tmp_path / "ofsted.duckdb"
        summary = ingest_flow.with_options(task_runner=runner)(raw_dir=str(small_raw), db_path=str(db),
                                                              batch_size=2)
        assert (summary.n_new, summary.n_failed) == (3, 0)
        # the batches ran on the cluster's worker
        prefixes = set(cluster.scheduler.task_prefixes)
        assert any("extract" in prefix for prefix in prefixes), prefixes
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole_documents(con) == 3


# -- pipeline version -----------------------------------------------------------------------

def test_a_new_pipeline_version_re_extracts_everything(prefect_harness, tmp_path, small_raw, monkeypatch):
    import extractors
    import extractors.pipeline
    import flows.ingest
    from flows.ingest import ingest_flow

    db = tmp_path / "ofsted.duckdb"
    first = ingest_flow(raw_dir=str(small_raw), db_path=str(db))
    assert first.n_new == 3
    again = ingest_flow(raw_dir=str(small_raw), db_path=str(db))
    assert (again.n_new, again.n_changed, again.n_unchanged) == (0, 0, 3)

    original = extractors.PIPELINE_VERSION
    for module in (extractors, extractors.pipeline, flows.ingest):
        monkeypatch.setattr(module, "PIPELINE_VERSION", "9.9.9-test")
    # Extract in this process, where the new version is set: worker processes import the real one.
    monkeypatch.setattr(flows.ingest, "_local_pool", lambda *args: contextlib.nullcontext(None))
    bumped = ingest_flow(raw_dir=str(small_raw), db_path=str(db))
    assert (bumped.n_new, bumped.n_changed, bumped.n_unchanged) == (0, 3, 0)
    settled = ingest_flow(raw_dir=str(small_raw), db_path=str(db))
    assert (settled.n_new, settled.n_changed, settled.n_unchanged) == (0, 0, 3)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT DISTINCT pipeline_version FROM documents").fetchall() == [("9.9.9-test",)]
        assert con.execute("SELECT pipeline_version FROM runs ORDER BY run_id").fetchall() == [
            (original,), (original,), ("9.9.9-test",), ("9.9.9-test",)]
        assert assert_whole_documents(con) == 3


# -- retries --------------------------------------------------------------------------------

def test_discovery_retries_a_transient_read_error(prefect_harness, small_raw, monkeypatch):
    from prefect import flow

    import flows.ingest

    real_digest = flows.ingest.digest_file
    calls = []

    def flaky_digest(path):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("Input/output error (transient)")
        return real_digest(path)

    monkeypatch.setattr(flows.ingest, "digest_file", flaky_digest)

    @flow
    def discover():
        return flows.ingest.discover_files.with_options(retry_delay_seconds=0)(str(small_raw))

    found = discover()
    assert len(found.files) == 3
    assert len(calls) == 1 + 3  # the failed attempt, then the whole retried discovery


def test_a_bad_document_is_not_retried(prefect_harness, tmp_path, small_raw):
    from flows.ingest import discover_files, extract_batch, ingest_flow, load_batch

    # Only discovery (file system I/O) retries; a document's errors are returned, never raised.
    assert discover_files.retries == 2
    assert extract_batch.retries == 0 and load_batch.retries == 0
    (small_raw / "binary.txt").write_bytes(bytes(range(256)) * 20)
    db = tmp_path / "ofsted.duckdb"
    for run in (1, 2):
        summary = ingest_flow(raw_dir=str(small_raw), db_path=str(db))
        assert summary.n_failed == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT run_id, count(*) FROM failures GROUP BY 1 ORDER BY 1").fetchall() == [(1, 1), (2, 1)]
        assert con.execute("SELECT status FROM runs ORDER BY run_id").fetchall() == [("partial",), ("partial",)]
