"""The command line: exact output, JSON Lines contract, exit codes, bad input going on."""
import json

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
