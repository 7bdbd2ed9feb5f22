"""Tests of the DuckDB store: schema, planning, idempotent writes, rollback, register, lock."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extractors.records import (
    Boilerplate,
    DocumentResult,
    Entity,
    Judgement,
    LocalAuthorityMatch,
    PageSpan,
    Person,
    Section,
)
from models.errors import DatabaseLocked, DatabaseNotFound
from models.schema import SCHEMA_VERSION, TABLES
from models.store import REGISTER_CSV, Store

V1 = "0.1.0"

CONTRACT_COLUMNS = {
    "documents": ["doc_id", "path", "doc_type", "framework", "la_gss_code", "document_date",
                  "year", "clean_text", "pipeline_version", "ingested_at"],
    "judgements": ["doc_id", "area", "label", "scale", "grade", "score", "year", "la_gss_code",
                   "evidence", "start_char", "end_char"],
    "sections": ["doc_id", "label", "heading", "start_char", "end_char"],
    "entities": ["doc_id", "label", "text", "start_char", "end_char", "kb_id"],
    "local_authorities": ["gss_code", "dfe_la_code", "name", "official_name", "la_type",
                          "region", "valid_from", "valid_to"],
    "runs": ["run_id", "started_at", "finished_at", "n_seen", "n_new", "n_failed"],
    "failures": ["run_id", "path", "error"],
}


def make_doc(path: str, doc_id: str, n: int = 3, version: str = V1, text: str | None = None,
             year: int = 2006) -> DocumentResult:
    """A DocumentResult with n judgements and entities, as an extractor would produce."""
    clean = text or f"Letter to Stockton-on-Tees {doc_id}. Being healthy is good. " * 4
    la = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)
    return DocumentResult(
        path=path,
        doc_id=doc_id,
        doc_type="apa_letter",
        framework="apa",
        local_authority=la,
        document_date=f"{year}-11-01",
        year=year,
        inspection_start=f"{year}-10-02",
        published=f"{year}-11-20",
        lead_inspector="Jo Smith",
        judgements=[
            Judgement("being_healthy", "good", "apa_1to4", 3, 3, year, "Stockton-on-Tees",
                      "prose", "is good", 10 + i, 20 + i, page=1)
            for i in range(n)
        ] + [Judgement("overall", "adequate", "apa_1to4", 2, 2, year - 1, "Redcar and Cleveland",
                       "prose", "was adequate", 30, 40, la_gss_code="E06000003")],
        sections=[Section("being_healthy", "Being healthy", 0, 50, page=1)],
        entities=[Entity("PERSON", f"Person {i}", i, i + 5, page=1) for i in range(n)]
        + [Entity("DATE", "1 November 2006", 60, 75, normalized="2006-11-01")],
        people=[Person("Ann Baxter", "Mrs", "Director", ["A Baxter", "Ann Baxter"], 0, 10, 1)],
        clean_text=clean,
        pages=[PageSpan(1, 0, len(clean)), PageSpan(2, len(clean), len(clean), "ocr", 87.5)],
        boilerplate=[Boilerplate("letterhead", "Ofsted, Aviation House", 1)],
        pipeline_version=version,
        file_size=1234,
    )


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, to compare database states exactly."""
    return {
        name: sorted(store.con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        for name in TABLES
    }


def rows_of(store: Store, table: str, doc_id: str) -> list[tuple]:
    """Sorted rows of one table for one doc_id."""
    rows = store.con.execute(f"SELECT * FROM {table} WHERE doc_id = ?", [doc_id]).fetchall()
    return sorted(rows, key=repr)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A database path in a directory that does not exist yet."""
    return tmp_path / "nested" / "dir" / "ofsted.duckdb"


@pytest.fixture()
def store(db: Path):
    with Store(db) as s:
        yield s


# -- schema ------------------------------------------------------------------------------------


def test_schema_created_with_contract_columns_first(store: Store):
    for table, contract in CONTRACT_COLUMNS.items():
        columns = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall()]
        assert columns[: len(contract)] == contract, table
    for table in ("people", "pages", "boilerplate"):
        assert store.con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    assert store.con.execute("SELECT version FROM schema_info").fetchall() == [(SCHEMA_VERSION,)]
    types = {r[0]: r[1] for r in store.con.execute("DESCRIBE documents").fetchall()}
    assert types["document_date"] == "DATE" and types["ingested_at"] == "TIMESTAMP"


def test_schema_creation_is_idempotent(db: Path):
    with Store(db) as s:
        s.write_documents([make_doc("raw/a.txt", "a")])
        before = snapshot(s)
    with Store(db) as s:
        assert snapshot(s) == before
        assert s.schema_version() == SCHEMA_VERSION
        assert s.con.execute("SELECT count(*) FROM schema_info").fetchone() == (1,)


def test_read_only_open(db: Path):
    with pytest.raises(DatabaseNotFound):
        Store(db, read_only=True)
    with Store(db) as s:
        s.write_documents([make_doc("raw/a.txt", "a")])
    with Store(db, read_only=True) as r1, Store(db, read_only=True) as r2:
        assert r1.table_counts()["documents"] == r2.table_counts()["documents"] == 1
        with pytest.raises(duckdb.Error):
            r1.write_documents([make_doc("raw/b.txt", "b")])


# -- writing and planning ------------------------------------------------------------------------


def test_write_stores_every_table(store: Store):
    summary = store.write_documents([make_doc("raw/a.txt", "a", n=3)])
    assert summary.written == 1
    assert summary.rows == {"documents": 1, "judgements": 4, "sections": 1, "entities": 4,
                            "people": 1, "pages": 2, "boilerplate": 1}
    doc = store.con.execute(
        "SELECT la_gss_code, document_date, year, la_name, n_pages, inspection_start::VARCHAR "
        "FROM documents").fetchone()
    assert doc[0] == "E06000004" and str(doc[1]) == "2006-11-01" and doc[2] == 2006
    assert doc[3:] == ("Stockton-on-Tees", 2, "2006-10-02")
    # A judgement on another council keeps that council's code; the document's own get its code.
    assert store.con.execute(
        "SELECT la_gss_code, count(*) FROM judgements GROUP BY 1 ORDER BY 1").fetchall() == [
        ("E06000003", 1), ("E06000004", 3)]
    variants = store.con.execute("SELECT variants FROM people").fetchone()
    assert variants == (["A Baxter", "Ann Baxter"],)


def test_write_then_plan_shows_unchanged(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a"), make_doc("raw/b.txt", "b")])
    plan = store.plan([("raw/a.txt", "a"), ("raw/b.txt", "b"), ("raw/c.txt", "c")], V1)
    assert [i.path for i in plan.unchanged] == ["raw/a.txt", "raw/b.txt"]
    assert [i.path for i in plan.new] == ["raw/c.txt"]
    assert plan.changed == plan.removed == plan.duplicates == []
    assert [i.doc_id for i in plan.to_extract] == ["c"]
    assert plan.counts() == {"n_seen": 3, "n_new": 1, "n_changed": 0, "n_unchanged": 2,
                             "n_removed": 0, "n_duplicates": 0}


def test_identical_rewrite_changes_no_row(store: Store):
    docs = [make_doc("raw/a.txt", "a"), make_doc("raw/b.txt", "b")]
    store.write_documents(docs)
    store.load_register()
    before = snapshot(store)
    store.write_documents([make_doc("raw/a.txt", "a"), make_doc("raw/b.txt", "b")])
    store.load_register()
    store.plan([("raw/a.txt", "a"), ("raw/b.txt", "b")], V1)
    assert snapshot(store) == before  # ingested_at included: kept for an unchanged document


def test_changed_doc_replaces_only_its_rows(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a1", n=3), make_doc("raw/b.txt", "b", n=3)])
    b_before = {t: rows_of(store, t, "b") for t in ("documents", "judgements", "entities")}
    plan = store.plan([("raw/a.txt", "a2"), ("raw/b.txt", "b")], V1)
    assert [(i.path, i.reason, i.stored_doc_id) for i in plan.changed] == [
        ("raw/a.txt", "content", "a1")]
    summary = store.write_documents([make_doc("raw/a.txt", "a2", n=5)])
    assert summary.replaced == 1
    stored = store.con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall()
    assert stored == [("a2",), ("b",)]
    for table in ("judgements", "entities", "sections", "people", "pages", "boilerplate"):
        assert rows_of(store, table, "a1") == [], table
    assert len(rows_of(store, "judgements", "a2")) == 6
    assert {t: rows_of(store, t, "b") for t in b_before} == b_before


def test_pipeline_version_change_marks_changed(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a")])
    plan = store.plan([("raw/a.txt", "a")], "0.2.0")
    assert [(i.reason, i.stored_version) for i in plan.changed] == [("pipeline_version", V1)]
    store.write_documents([make_doc("raw/a.txt", "a", version="0.2.0")])
    assert store.con.execute("SELECT pipeline_version FROM documents").fetchall() == [("0.2.0",)]
    assert store.plan([("raw/a.txt", "a")], "0.2.0").unchanged[0].doc_id == "a"


def test_removed_reported_only_under_root(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a"), make_doc("raw/sub/b.txt", "b"),
                           make_doc("raw2/c.txt", "c"), make_doc("other/d.txt", "d")])
    files = [("raw/a.txt", "a")]
    plan = store.plan(files, V1, root="raw")
    assert [i.path for i in plan.removed] == ["raw/sub/b.txt"]  # not raw2/ nor other/
    plan = store.plan(files, V1)
    assert [i.path for i in plan.removed] == ["other/d.txt", "raw/sub/b.txt", "raw2/c.txt"]
    # Reporting deletes nothing; removal is explicit.
    assert store.table_counts()["documents"] == 4
    assert store.remove_documents(["raw/sub/b.txt"]) == 1
    assert rows_of(store, "judgements", "b") == [] and store.table_counts()["documents"] == 3


def test_failure_mid_batch_leaves_database_as_before(store: Store, monkeypatch):
    store.write_documents([make_doc("raw/a.txt", "a1"), make_doc("raw/b.txt", "b")])
    run_id = store.start_run("raw", V1)
    before = snapshot(store)
    original = Store._insert

    def failing_insert(self, name, table):
        if name == "entities":  # after documents and judgements were inserted in this batch
            raise RuntimeError("disk full")
        return original(self, name, table)

    monkeypatch.setattr(Store, "_insert", failing_insert)
    batch = [make_doc("raw/a.txt", "a2", n=7), make_doc("raw/c.txt", "c"),
             DocumentResult(path="raw/bad.pdf", doc_id="bad", error="PDF is damaged")]
    with pytest.raises(RuntimeError, match="disk full"):
        store.write_documents(batch, run_id=run_id)
    assert snapshot(store) == before
    monkeypatch.undo()
    store.write_documents(batch, run_id=run_id)  # the connection is usable afterwards
    assert store.con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall() == [
        ("a2",), ("b",), ("c",)]


def test_duplicate_bytes_at_two_paths_stored_once(store: Store):
    files = [("raw/copy/a.txt", "same"), ("raw/a.txt", "same"), ("raw/b.txt", "b")]
    plan = store.plan(files, V1)
    assert [i.path for i in plan.new] == ["raw/a.txt", "raw/b.txt"]
    assert [(i.path, i.stored_path) for i in plan.duplicates] == [("raw/copy/a.txt", "raw/a.txt")]
    # Even if the caller writes both copies, the batch stores one and does not crash.
    summary = store.write_documents([
        make_doc("raw/a.txt", "same"),
        make_doc("raw/copy/a.txt", "same"),
        make_doc("raw/b.txt", "b"),
    ])
    assert (summary.written, summary.skipped) == (2, 1)
    assert store.con.execute("SELECT path FROM documents WHERE doc_id = 'same'").fetchall() == [
        ("raw/a.txt",)]
    plan = store.plan(files, V1, root="raw")
    assert [i.path for i in plan.unchanged] == ["raw/a.txt", "raw/b.txt"]
    assert [i.path for i in plan.duplicates] == ["raw/copy/a.txt"]
    assert plan.removed == []


def test_moved_file_is_rewritten_not_removed(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a")])
    plan = store.plan([("raw/renamed.txt", "a")], V1)
    assert [(i.reason, i.stored_path) for i in plan.changed] == [("moved", "raw/a.txt")]
    assert plan.removed == []
    ingested = store.con.execute("SELECT ingested_at FROM documents").fetchone()
    store.write_documents([make_doc("raw/renamed.txt", "a")])
    assert store.con.execute("SELECT path, ingested_at FROM documents").fetchall() == [
        ("raw/renamed.txt", ingested[0])]


def test_file_overwritten_with_copy_of_another_is_superseded_not_removed(store: Store):
    store.write_documents([make_doc("raw/a.txt", "a"), make_doc("raw/b.txt", "b")])
    plan = store.plan([("raw/a.txt", "a"), ("raw/b.txt", "a")], V1)
    assert [(i.path, i.stored_path) for i in plan.duplicates] == [("raw/b.txt", "raw/a.txt")]
    assert plan.removed == []  # the file is still there: it holds another document's bytes now
    assert [(i.path, i.doc_id, i.reason) for i in plan.superseded] == [("raw/b.txt", "b", "superseded")]


# -- runs and failures ---------------------------------------------------------------------------


def test_runs_and_failures(store: Store):
    run_id = store.start_run("data/raw", V1)
    assert run_id == 1
    results = [make_doc("raw/a.txt", "a"),
               DocumentResult(path="raw/bad.pdf", doc_id="bad", error="not a PDF")]
    summary = store.write_documents(results, run_id=run_id)
    assert (summary.written, summary.failed) == (1, 1)
    store.record_failures(run_id, [("raw/x.pdf", "encrypted")])
    plan = store.plan([("raw/a.txt", "a"), ("raw/bad.pdf", "bad")], V1)
    store.finish_run(run_id, **plan.counts(), n_failed=2, status="partial")
    assert store.con.execute(
        "SELECT run_id, n_seen, n_new, n_failed, n_unchanged, raw_dir, status, "
        "finished_at >= started_at FROM runs").fetchall() == [
        (1, 2, 1, 2, 1, "data/raw", "partial", True)]
    assert store.con.execute("SELECT path, error, doc_id FROM failures ORDER BY 1").fetchall() == [
        ("raw/bad.pdf", "not a PDF", "bad"), ("raw/x.pdf", "encrypted", None)]
    assert store.con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    assert store.start_run("data/raw", V1) == 2
    with pytest.raises(KeyError):
        store.finish_run(99, status="ok")


# -- council register ----------------------------------------------------------------------------


def test_register_load_is_idempotent(store: Store):
    assert store.load_register(REGISTER_CSV) == 172
    before = snapshot(store)
    assert store.load_register(REGISTER_CSV) == 0
    assert snapshot(store) == before
    assert store.con.execute(
        "SELECT count(*), count(DISTINCT gss_code), count(*) FILTER (WHERE valid_to IS NULL) "
        "FROM local_authorities").fetchone() == (172, 172, 153)


def test_register_validity_years(store: Store):
    store.load_register()
    active = "SELECT count(*) FROM local_authorities WHERE coalesce(valid_from, 0) <= ? " \
             "AND coalesce(valid_to, 9999) > ?"
    for year, expected in [(2005, 150), (2008, 150), (2009, 152), (2018, 152), (2019, 151),
                           (2021, 152), (2023, 153), (2025, 153)]:
        assert store.con.execute(active, [year, year]).fetchone() == (expected,), year
    dorset = store.con.execute(
        "SELECT gss_code, dfe_la_code, valid_from, valid_to, successor FROM local_authorities "
        "WHERE name = 'Dorset' ORDER BY valid_from").fetchall()
    assert dorset[0][1:4] == ("835", 1974, 2019)
    assert dorset[0][4] == ["Dorset", "Bournemouth, Christchurch and Poole"]
    assert dorset[1][1:4] == ("838", 2019, None)
    city = store.con.execute(
        "SELECT valid_from, valid_to, la_type FROM local_authorities WHERE name = 'City of London'"
    ).fetchone()
    assert city == (None, None, "other")


def test_register_reload_changes_only_changed_rows(store: Store, tmp_path: Path):
    store.load_register()
    with REGISTER_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    rows[0]["region"] = "Somewhere Else"
    dropped = rows.pop()
    edited = tmp_path / "register.csv"
    with edited.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot(store)["local_authorities"]
    assert store.load_register(edited) == 2
    after = store.con.execute("SELECT * FROM local_authorities").fetchall()
    assert len(after) == 171
    assert all(r[0] != dropped["gss_code"] for r in after)
    assert len([r for r in before if r not in after]) == 2  # the edited and the dropped row
    assert len([r for r in after if r not in before]) == 1  # the edited row, new version


def test_register_rejects_repeated_gss_code(store: Store, tmp_path: Path):
    text = REGISTER_CSV.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text + [text[1]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unique"):
        store.load_register(bad)
    assert store.table_counts()["local_authorities"] == 0


# -- locking and imports -------------------------------------------------------------------------

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
"""


def test_second_process_holding_the_lock_gives_database_locked(db: Path):
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        for read_only in (False, True):
            with pytest.raises(DatabaseLocked) as caught:
                Store(db, read_only=read_only)
            message = str(caught.value)
            assert f"PID {holder.pid}" in message
            assert str(db) in message
            assert "wait for it" in message and "snapshot" in message
            assert caught.value.pid == holder.pid
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with Store(db) as s:  # the lock is gone once the holder exits
        assert s.schema_version() == SCHEMA_VERSION


def test_models_import_neither_prefect_nor_spacy():
    code = ("import sys, models\n"
            "print(any(m.split('.')[0] in ('prefect', 'spacy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert out.stdout.strip() == "False"


def test_a_run_left_running_by_a_killed_process_is_marked_interrupted(tmp_path):
    from models.store import Store

    with Store(tmp_path / "db.duckdb") as store:
        killed = store.start_run("data/raw", "1")
        finished = store.start_run("data/raw", "1")
        store.finish_run(finished, status="ok")
        statuses = dict(store.con.execute("SELECT run_id, status FROM runs").fetchall())
    assert statuses == {killed: "interrupted", finished: "ok"}
