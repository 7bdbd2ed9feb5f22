"""The ingestion flow end to end under a Prefect test harness, and its bad-input handling."""
import shutil

import duckdb
import pytest

from .conftest import RAW_DIR

pytestmark = pytest.mark.flow

TABLES = ["documents", "judgements", "sections", "entities", "people", "pages", "boilerplate",
          "local_authorities", "failures"]


def snapshot(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


def test_ingest_twice_changes_nothing_but_runs(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (raw / "cp1252.txt").write_bytes("Children\x92s services rating\tPerforms well (3)\n".encode("latin-1"))
    (raw / "utf16.txt").write_bytes("Children’s services in Leeds are good.".encode("utf-16"))
    (raw / "recipe.txt").write_text("Scones: flour, butter and milk. Bake until golden.", encoding="utf-8")
    db = tmp_path / "ofsted.duckdb"

    n_samples = len(list(RAW_DIR.iterdir()))
    first = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert (first.n_seen, first.n_new, first.n_failed) == (n_samples + 5, n_samples + 5, 2)
    before = snapshot(db)
    second = ingest_flow(raw_dir=str(raw), db_path=str(db))
    # the two bad files failed with the same bytes before: recorded again, not re-extracted
    assert (second.n_seen, second.n_new, second.n_changed, second.n_unchanged, second.n_failed) == (
        n_samples + 5, 0, 0, n_samples + 3, 2)
    after = snapshot(db)
    assert {t: after[t] for t in TABLES if t != "failures"} == {t: before[t] for t in TABLES if t != "failures"}

    with duckdb.connect(str(db), read_only=True) as con:
        failures = con.execute("SELECT run_id, path, error FROM failures ORDER BY run_id, path").fetchall()
        assert [(run, path, error.split(": ", 1)[1][:14]) for run, path, error in failures] == [
            (1, "binary.txt", "file is binary"), (1, "empty.txt", "file is empty"),
            (2, "binary.txt", "file is binary"), (2, "empty.txt", "file is empty")]
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
        recipe = con.execute("SELECT doc_type, (SELECT count(*) FROM judgements j WHERE j.doc_id = d.doc_id) "
                             "FROM documents d WHERE path LIKE '%recipe.txt'").fetchone()
        assert recipe == ("other", 0)
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n_samples + 3


def test_a_changed_file_replaces_its_own_rows(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    raw.mkdir()
    letter = raw / "letter.txt"
    letter.write_text("9 December 2009\n\nChildren's services annual rating\n\nChildren's services rating\tPerforms well (3)\n")
    db = tmp_path / "ofsted.duckdb"
    ingest_flow(raw_dir=str(raw), db_path=str(db))
    letter.write_text("9 December 2009\n\nChildren's services annual rating\n\nChildren's services rating\tPerforms poorly (1)\n")
    summary = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert summary.n_changed == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT area, score FROM judgements").fetchall() == [("overall", 1)]
