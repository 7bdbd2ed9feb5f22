"""The ingestion flow end to end under a Prefect test harness, and its bad-input handling."""
import shutil

import duckdb
import pytest

from .conftest import RAW_DIR, ROOT

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


def test_a_deployed_run_takes_its_settings_from_the_machine_running_it(prefect_harness, tmp_path, monkeypatch):
    """A deployment's run is given only prefect.yaml's parameters: the folder, the database, the
    exports, the batch size and OCR come from the OFSTED_* settings of the worker's machine."""
    import yaml

    import flows.ingest
    from flows.ingest import ingest_flow, reprocess_flow
    from outputs.export import EXPORT_MARKER

    deployments = {d["name"]: d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]}
    texts = sorted(RAW_DIR.glob("*.txt"))[:3]
    # Runs start in the checkout: this one is a copy, so a run that ignored the settings writes here.
    checkout = tmp_path / "checkout"
    for folder in (checkout / "data" / "raw", tmp_path / "raw"):
        folder.mkdir(parents=True)
        for text in texts:
            shutil.copy(text, folder)
    monkeypatch.chdir(checkout)
    raw, db, exports = tmp_path / "raw", tmp_path / "db" / "ofsted.duckdb", tmp_path / "exports"
    db.parent.mkdir()
    for name, value in (("RAW_DIR", raw), ("DB_PATH", db), ("EXPORT_DIR", exports), ("BATCH_SIZE", 1),
                        ("OCR", "false"), ("WORKERS", 1)):
        monkeypatch.setenv(f"OFSTED_{name}", str(value))
    pools = []

    class RecordingPool(flows.ingest.ExtractorPool):  # the worker processes a run extracts with
        def __init__(self, workers, **options):
            super().__init__(workers, **options)
            self.batches = []
            pools.append(self)

        def extract_many(self, paths):
            paths = list(paths)
            self.batches.append(len(paths))
            yield from super().extract_many(paths)

    monkeypatch.setattr(flows.ingest, "ExtractorPool", RecordingPool)

    nightly = ingest_flow(**deployments["nightly"].get("parameters") or {})
    assert nightly.n_new == len(texts)
    assert [(pool.ocr, pool.batches) for pool in pools] == [(False, [1] * len(texts))]
    assert (exports / EXPORT_MARKER).read_text() == f"{db.resolve()}\n"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT raw_dir FROM runs").fetchall() == [(str(raw),)]

    shutil.rmtree(exports)
    pools.clear()
    again = reprocess_flow(**deployments["reprocess"].get("parameters") or {})
    assert (again.n_changed, again.n_unchanged) == (len(texts), 0)
    assert [(pool.ocr, pool.batches) for pool in pools] == [(False, [1] * len(texts))]
    assert (exports / EXPORT_MARKER).read_text() == f"{db.resolve()}\n"  # the exports are refreshed too
    assert not (checkout / "data" / "processed").exists()
