"""The command line: exact output, JSON Lines contract, exit codes, bad input going on."""
import json
import os

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app

from .conftest import RAW_DIR, SEED_GOLD

runner = CliRunner()
CONTRACT_KEYS = {"path", "doc_id", "error", "doc_type", "framework", "local_authority", "document_date", "year",
                 "judgements", "sections", "entities", "people"}
JUDGEMENT_KEYS = {"area", "label", "scale", "grade", "score", "year", "local_authority", "evidence", "text",
                  "start", "end"}


def test_help_on_every_command():
    for command in ([], ["extract"], ["ingest"], ["eval"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_extract_jsonl_prints_one_contract_object_per_document():
    result = runner.invoke(app, ["extract", str(RAW_DIR), "--jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(list(RAW_DIR.glob("*.*")))
    for row in rows:
        assert CONTRACT_KEYS <= row.keys()
        assert row["error"] is None
        for judgement in row["judgements"]:
            assert JUDGEMENT_KEYS <= judgement.keys()


def test_extract_of_a_bad_file_prints_its_error_line_and_exits_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.pdf").write_bytes(b"<!DOCTYPE html><html><body>Report not found</body></html>")
    (tmp_path / "good.txt").write_text("Children’s services rating\tPerforms well (3)\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "--jsonl"])
    assert result.exit_code == 1
    rows = {json.loads(line)["path"].rsplit("/", 1)[1]: json.loads(line) for line in result.stdout.splitlines()}
    assert rows["empty.txt"]["error"] == f"{tmp_path}/empty.txt: file is empty"
    assert rows["fake.pdf"]["error"].startswith(f"{tmp_path}/fake.pdf: file is named .pdf but is not a PDF")
    assert rows["empty.txt"]["judgements"] == [] and rows["empty.txt"]["doc_type"] is None
    assert rows["good.txt"]["error"] is None


def test_eval_of_the_samples_against_gold():
    result = runner.invoke(app, ["eval", str(RAW_DIR), str(SEED_GOLD)])
    assert result.exit_code == 0
    assert result.output.splitlines()[:8] == [
        "documents: 5  no prediction: 0",
        "field                  tp   fp   fn  precision  recall     f1",
        "doc_type                5    0    0      1.000   1.000  1.000",
        "local_authority         5    0    0      1.000   1.000  1.000",
        "document_date           3    0    0      1.000   1.000  1.000",
        "judgements             17    0    0      1.000   1.000  1.000",
        "people                  8    0    0      1.000   1.000  1.000",
        "sections                9    0    0      1.000   1.000  1.000",
    ]


def test_search_help_limit_is_the_librarys():
    from flows.cli import SEARCH_MAX_HITS
    from models.search import MAX_HITS

    assert SEARCH_MAX_HITS == MAX_HITS  # kept apart so that the command line does not import DuckDB


def test_every_error_of_the_project_exits_with_a_documented_code():
    from extractors.discovery import InputNotFound
    from flows.cli import ExitCode
    from flows.ingest import NoDocuments
    from models.councils import UnknownCouncil
    from models.errors import DatabaseLocked, DatabaseNotFound, DatabaseUnusable, ExportRefused, OfstedError
    from models.search import InvalidSearch, SearchUnavailable

    assert {error: ExitCode(error.exit_code) for error in (
        InputNotFound, NoDocuments, UnknownCouncil, InvalidSearch, SearchUnavailable, ExportRefused,
        DatabaseNotFound, DatabaseLocked, DatabaseUnusable)} == {
        InputNotFound: ExitCode.USAGE, NoDocuments: ExitCode.NO_DOCUMENTS, UnknownCouncil: ExitCode.USAGE,
        InvalidSearch: ExitCode.USAGE, SearchUnavailable: ExitCode.USAGE, ExportRefused: ExitCode.USAGE,
        DatabaseNotFound: ExitCode.USAGE, DatabaseLocked: ExitCode.DATABASE_LOCKED,
        DatabaseUnusable: ExitCode.DATABASE_UNUSABLE}
    assert all(issubclass(error, OfstedError) for error in (InputNotFound, NoDocuments, UnknownCouncil))


def test_a_runs_parameters_are_those_given_then_the_settings(tmp_path, monkeypatch):
    from extractors.limits import Limits
    from extractors.machine import usable_cores
    from flows.settings import RunParameters, Settings

    for name in list(os.environ):
        if name.startswith("OFSTED_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env
    assert Settings().run_parameters() == RunParameters(
        raw_dir="data/raw", db_path="data/processed/ofsted.duckdb", export_dir="data/processed/ofsted-exports",
        batch_size=20, ocr=True, workers=usable_cores(), lock_wait_seconds=0, limits=Limits())
    monkeypatch.setenv("OFSTED_DB_PATH", "/srv/2024.duckdb")
    monkeypatch.setenv("OFSTED_BATCH_SIZE", "5")
    monkeypatch.setenv("OFSTED_OCR", "false")
    monkeypatch.setenv("OFSTED_MAX_PAGES", "10")
    run = Settings().run_parameters(raw_dir="in", workers=2, force=True, pattern="*.pdf")
    assert (run.raw_dir, run.db_path, run.export_dir, run.batch_size, run.ocr, run.workers, run.force, run.pattern,
            run.limits.max_pages) == ("in", "/srv/2024.duckdb", "/srv/2024-exports", 5, False, 2, True, "*.pdf", 10)
    monkeypatch.setenv("OFSTED_EXPORT_DIR", "/srv/exports")
    assert Settings().run_parameters().export_dir == "/srv/exports"
    assert Settings().run_parameters(export_dir="out", batch_size=1, ocr=True).export_dir == "out"


def test_the_summary_of_a_run_reads_the_same_in_the_terminal_and_in_prefect():
    from flows.reporting import summary_markdown
    from models.summary import IngestSummary

    summary = IngestSummary(run_id=7, n_seen=9, n_new=3, n_changed=2, n_unchanged=1, n_removed=1, n_duplicates=2,
                            n_failed=1, failures=["raw/bad.txt: file is empty"], failed_paths=["bad.txt"],
                            removed=["gone.txt"], skipped=[("raw/notes.docx", "unsupported file type .docx")],
                            judgements_per_area={"overall": 4})
    assert summary.format().splitlines() == [
        "run 7",
        "  documents seen             9",
        "  new                        3",
        "  changed                    2",
        "  unchanged                  1",
        "  duplicates                 2",
        "  removed from folder        1",
        "  failed                     1",
        "  skipped (not read)         1",
        "judgements in the database, per area",
        "  overall                    4",
        "failed: raw/bad.txt: file is empty",
        "removed: gone.txt (its rows are kept)",
        "skipped: raw/notes.docx (unsupported file type .docx)"]
    assert summary_markdown(summary).splitlines()[:12] == [
        "# Ingestion run 7", "", "| documents | count |", "|---|---:|", "| seen | 9 |", "| new | 3 |",
        "| changed | 2 |", "| unchanged | 1 |", "| duplicates | 2 |", "| removed from folder | 1 |", "| failed | 1 |",
        "| skipped (not read) | 1 |"]
    assert summary.run_counts() == {"n_seen": 9, "n_new": 3, "n_changed": 2, "n_unchanged": 1, "n_duplicates": 2,
                                    "n_removed": 1, "n_failed": 1, "n_skipped": 1}


def test_export_help_names_the_default_databases_exports():
    from flows.cli import _default_exports
    from flows.settings import Settings
    from models.paths import default_export_dir

    assert _default_exports() == default_export_dir(Settings.model_fields["db_path"].default)
    help_text = " ".join(runner.invoke(app, ["export", "--help"]).output.replace("│", " ").split())
    assert f"beside the database: {_default_exports()}" in help_text


def test_the_quality_checks_line_up_however_long_their_names():
    from models.quality import QualityCheck, QualityReport, Threshold
    from models.summary import IngestSummary

    t = Threshold(warn_at=0, fail_at=10)
    report = QualityReport(1, [QualityCheck("duplicate_judgements", "all", 0, t),
                                QualityCheck("heading_grade_disagreements", "inspection_report", 2, t)])
    summary = IngestSummary(run_id=1, quality=report)
    assert summary.format().splitlines()[-3:] == [
        "data quality: warn",
        "  duplicate_judgements        all                      0  ok",
        "  heading_grade_disagreements inspection_report        2  warn"]
