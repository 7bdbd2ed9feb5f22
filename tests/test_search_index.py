"""The search index survives a rebuild that is killed or runs out of disk: the previous index
stays searchable with its fingerprint, or the new one is there whole with its own."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from models.search import load_fts, refresh_search_index, search

from .conftest import ROOT

COPIES = 10  # of each sample document: 390 sections, a rebuild of seconds that a kill can land inside

REBUILD = """
import sys
import duckdb
from models.search import refresh_search_index
con = duckdb.connect(sys.argv[1])
con.execute("DELETE FROM documents WHERE doc_id = ?", [sys.argv[2]])
print("rebuilding", flush=True)
refresh_search_index(con)
print("rebuilt", flush=True)
"""

# A file-size limit makes every write past it fail as a full disk does (EFBIG instead of ENOSPC),
# without a filesystem of its own: the database file cannot grow, nor a WAL beyond that size.
REBUILD_ON_A_FULL_DISK = """
import resource, signal, sys
import duckdb
from models.search import refresh_search_index
con = duckdb.connect(sys.argv[1])
con.execute("DELETE FROM documents WHERE doc_id = ?", [sys.argv[2]])
limit = int(sys.argv[3])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    refresh_search_index(con)
except Exception as exc:
    print(type(exc).__name__, str(exc).splitlines()[0], flush=True)
else:
    print("rebuilt", flush=True)
"""


@pytest.fixture(scope="module")
def large_db(sample_db, tmp_path_factory) -> tuple[Path, float]:
    """The sample database with every document copied COPIES times, indexed; and the build's seconds."""
    path = tmp_path_factory.mktemp("large") / "ofsted.duckdb"
    shutil.copy(sample_db, path)
    with duckdb.connect(str(path)) as con:
        for table, renamed in (("documents", {"doc_id", "path"}), ("sections", {"doc_id"})):
            columns = [name for (name,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()]
            select = ", ".join(f"{c} || '-' || i" if c in renamed else c for c in columns)
            con.execute(f"INSERT INTO {table} SELECT {select} FROM {table}, range(1, {COPIES}) copies(i)")
        started = time.perf_counter()
        assert refresh_search_index(con) is True
        return path, time.perf_counter() - started


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def state(db: Path) -> dict:
    """What a reader finds: the stored fingerprint, the indexed documents, and a search."""
    with duckdb.connect(str(db), read_only=True) as con:
        load_fts(con)
        hits = search(con, "missing from home", limit=3)
        return {
            "fingerprint": con.execute("SELECT fingerprint FROM search_index_info").fetchone()[0],
            "documents_fingerprint": con.execute(
                "SELECT md5(string_agg(doc_id || ':' || coalesce(pipeline_version, ''), ',' ORDER BY doc_id)) "
                "FROM documents").fetchone()[0],
            "indexed_doc_ids": {d for (d,) in con.execute("SELECT DISTINCT doc_id FROM section_search").fetchall()},
            "indexed_rows": con.execute("SELECT count(*) FROM section_search").fetchone()[0],
            "index_rows": con.execute("SELECT count(*) FROM fts_main_section_search.docs").fetchone()[0],
            "hits": [(hit.path, hit.page, hit.label) for hit in hits],
        }


def assert_old_or_new(before: dict, after: dict, deleted: str) -> bool:
    """The index is the previous one with its fingerprint, or the new one with its own; True if previous."""
    assert after["hits"], "a search after the rebuild found nothing"
    assert after["index_rows"] == after["indexed_rows"], "the fts index and section_search disagree"
    if after["fingerprint"] == before["fingerprint"]:
        assert after["indexed_doc_ids"] == before["indexed_doc_ids"], "old fingerprint over a new table"
        return True
    assert after["fingerprint"] == after["documents_fingerprint"], "a fingerprint of no documents"
    assert after["indexed_doc_ids"] == before["indexed_doc_ids"] - {deleted}, "new fingerprint over an old table"
    return False


def copy_of(large_db, tmp_path: Path) -> Path:
    """A test's own copy: rebuilds free the old index's blocks, which a later rebuild would reuse."""
    return Path(shutil.copy(large_db[0], tmp_path / "ofsted.duckdb"))


def test_a_rebuild_killed_at_any_moment_leaves_the_previous_index_or_the_new_one(large_db, tmp_path):
    db, build_seconds = copy_of(large_db, tmp_path), large_db[1]
    killed_mid_build = 0
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
        before = state(db)
        deleted = sorted(before["indexed_doc_ids"])[0]
        child = subprocess.Popen([sys.executable, "-c", REBUILD, str(db), deleted], stdout=subprocess.PIPE,
                                 text=True, env=child_env(), cwd=ROOT)
        try:
            assert child.stdout.readline() == "rebuilding\n"
            time.sleep(fraction * build_seconds)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        after = state(db)
        kept_previous = assert_old_or_new(before, after, deleted)
        if kept_previous:
            assert child.returncode == -signal.SIGKILL
        killed_mid_build += kept_previous
    assert killed_mid_build, f"every rebuild finished within its kill ({build_seconds:.1f} s builds)"
    with duckdb.connect(str(db)) as con:  # the next ingestion brings the index up to date
        refresh_search_index(con)
    final = state(db)
    assert final["fingerprint"] == final["documents_fingerprint"]


def test_a_rebuild_on_a_full_disk_fails_and_keeps_the_previous_index(large_db, tmp_path):
    db = copy_of(large_db, tmp_path)
    before = state(db)
    deleted = sorted(before["indexed_doc_ids"])[0]
    # The file may not grow: the new index must be written beside the old one until the commit.
    child = subprocess.run([sys.executable, "-c", REBUILD_ON_A_FULL_DISK, str(db), deleted, str(db.stat().st_size)],
                           capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120)
    assert assert_old_or_new(before, state(db), deleted) is True
    assert child.stdout.startswith("SearchIndexNotRebuilt The search index was not rebuilt"), child.stdout + child.stderr
    assert "the previous index is kept" in child.stdout
