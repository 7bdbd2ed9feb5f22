"""Per-document limits: each one hit and not hit, with its exact message, and nothing half-done."""
from __future__ import annotations

import hashlib
import io
import json
import re
import signal
import threading
import time
from functools import lru_cache
from pathlib import Path

import pytest
from pypdf import PdfWriter
from typer.testing import CliRunner

from extractors import pdf_reader, pipeline
from extractors.components import document as document_component
from extractors.classify import classify
from extractors.limits import SETTING_NAMES, InvalidLimit, Limits, is_limit_error
from extractors.pipeline import Extractor

from .conftest import RAW_DIR
from .test_pdf_reader import build_text_pdf

SAMPLE = RAW_DIR / "stockton_2009_provisional_rating.txt"
SAMPLE_SIZE = SAMPLE.stat().st_size


@lru_cache(maxsize=None)
def extractor_with(limits: Limits) -> Extractor:
    return Extractor(limits=limits)


def blank_pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def copy_of_sample(path: Path, extra_bytes: int = 0) -> Path:
    path.write_bytes(SAMPLE.read_bytes() + b" " * extra_bytes)
    return path


def assert_error_only(result, message: str) -> None:
    """An error result carries the error and nothing extracted."""
    assert result.error == message
    assert (result.doc_type, result.judgements, result.sections, result.entities, result.people,
            result.clean_text, result.pages) == (None, [], [], [], [], "", [])


# (case, file maker, limits, expected error with {path} for the file, or None)
LIMIT_CASES = [
    ("text at the size limit", lambda p: copy_of_sample(p / "at.txt"), Limits(max_file_bytes=SAMPLE_SIZE), None),
    ("text a byte over the size limit", lambda p: copy_of_sample(p / "over.txt", 1), Limits(max_file_bytes=SAMPLE_SIZE),
     f"{{path}}: file is {SAMPLE_SIZE + 1:,} bytes, over the limit of {SAMPLE_SIZE / 1e6:g} MB (OFSTED_MAX_FILE_MB)"),
    ("text over a 0.5 MB limit", lambda p: copy_of_sample(p / "big.txt", 600_000), Limits(max_file_bytes=500_000),
     f"{{path}}: file is {(SAMPLE_SIZE + 600_000) / 1e6:.1f} MB, over the limit of 0.5 MB (OFSTED_MAX_FILE_MB)"),
    ("PDF at the page limit", lambda p: blank_pdf(p / "five.pdf", 5), Limits(max_pages=5), None),
    ("PDF a page over the page limit", lambda p: blank_pdf(p / "six.pdf", 6), Limits(max_pages=5),
     "{path}: PDF has 6 pages, over the limit of 5 pages (OFSTED_MAX_PAGES)"),
    ("text at the character limit", lambda p: _write(p / "at.txt", "word " * 200), Limits(max_text_chars=1000), None),
    ("text a character over the limit", lambda p: _write(p / "over.txt", "word " * 200 + "s"),
     Limits(max_text_chars=1000),
     "{path}: text is 1,001 characters, over the limit of 1,000 characters (OFSTED_MAX_TEXT_CHARS)"),
    # 40 pages of 28 characters: 1,120 read, and 1,198 once cleaning has put paragraph breaks between them.
    ("cleaned text over the character limit",
     lambda p: _write(p / "pages.txt", "\f".join(["Sentence number one is here."] * 40)), Limits(max_text_chars=1150),
     "{path}: text is 1,198 characters, over the limit of 1,150 characters (OFSTED_MAX_TEXT_CHARS)"),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case, make, limits, expected", LIMIT_CASES, ids=[case[0] for case in LIMIT_CASES])
def test_each_limit_hit_and_not_hit(tmp_path, case, make, limits, expected):
    path = make(tmp_path)
    result = extractor_with(limits).extract(path)
    if expected is None:
        assert result.error is None
        assert result.doc_id == hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        assert_error_only(result, expected.format(path=path))
        assert is_limit_error(result.error)
        assert result.doc_id == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_200_mb_file_is_refused_by_default_without_being_read(extractor, tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(200_000_000)  # sparse: nothing is written
    monkeypatch.setattr(pipeline, "read_pages", lambda *a, **k: pytest.fail("the file was read"))
    result = extractor.extract(path)
    assert_error_only(result, f"{path}: file is 200.0 MB, over the limit of 100 MB (OFSTED_MAX_FILE_MB)")
    assert result.file_size == 200_000_000
    assert result.doc_id == hashlib.sha256(bytes(200_000_000)).hexdigest()  # the same id ingestion gives it


def test_a_pdf_over_the_default_page_limit_is_refused_before_any_page_is_read(extractor, tmp_path, monkeypatch):
    path = blank_pdf(tmp_path / "long.pdf", 1001)
    monkeypatch.setattr(pdf_reader, "_read_page", lambda *a, **k: pytest.fail("a page was read"))
    assert_error_only(extractor.extract(path),
                      f"{path}: PDF has 1,001 pages, over the limit of 1,000 pages (OFSTED_MAX_PAGES)")


def test_a_text_longer_than_spacy_allows_fails_on_the_text_limit_not_inside_spacy(extractor, tmp_path):
    # One line of 21 million characters: spaCy's own length check (E088) would have stopped it
    # only after the whole text had been cleaned.
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"word " * 4_200_000)
    result = extractor.extract(path)
    assert_error_only(result, f"{path}: text is 21,000,000 characters, over the limit of 5,000,000 characters "
                              "(OFSTED_MAX_TEXT_CHARS)")


@pytest.mark.parametrize("limits", [Limits(max_text_chars=1000), Limits(), Limits(max_text_chars=30_000_000)])
def test_spacy_takes_any_text_within_the_limit(limits):
    assert extractor_with(limits).nlp.max_length >= limits.max_text_chars


def test_a_text_over_spacys_default_length_within_the_limit_is_extracted_whole(tmp_path):
    text = "The council was visited on 3 May 2016. Leaders know their services well.\n" * 16_000
    path = _write(tmp_path / "long.txt", text)
    assert len(text) > 1_000_000  # spaCy's default maximum
    result = extractor_with(Limits(max_text_chars=1_200_000)).extract(path)
    assert result.error is None
    assert len([e for e in result.entities if e.label == "DATE"]) == 16_000


# --- time -----------------------------------------------------------------------------------

FINISHED: list[str] = []  # the slow stages that ran to their end (none should)


def slow_classify_busy(text):
    """Python busy for 5 s, unless interrupted."""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        pass
    FINISHED.append("busy")
    return classify(text)


def slow_classify_regex(text):
    """A regex that backtracks for about 8 s, unless interrupted."""
    re.match(r"(a+)+$", "a" * 27 + "b")
    FINISHED.append("regex")
    return classify(text)


def slow_classify_swallowing(text):
    """A library that catches every exception, the alarm's too, and goes on."""
    try:
        slow_classify_busy(text)
    except Exception:
        pass
    return classify(text)


def slow_classify_sleeping(text):
    time.sleep(0.5)
    return classify(text)


TIMED_OUT = (r"{path}: extraction ran \d+\.\d s \(stopped while classifying\), over the limit of 0.2 s "
             r"\(OFSTED_MAX_SECONDS_PER_DOCUMENT\)")


@pytest.mark.parametrize("slow_stage", [slow_classify_busy, slow_classify_regex, slow_classify_swallowing],
                         ids=["python", "regex", "alarm caught by a library"])
def test_a_slow_stage_is_stopped_at_the_time_limit(tmp_path, monkeypatch, slow_stage):
    path = copy_of_sample(tmp_path / "slow.txt")
    monkeypatch.setattr(document_component, "classify", slow_stage)
    FINISHED.clear()
    result = extractor_with(Limits(max_seconds=0.2)).extract(path)
    assert FINISHED == []  # interrupted inside the slow work, not after it
    assert re.fullmatch(TIMED_OUT.format(path=re.escape(str(path))), result.error), result.error
    assert_error_only(result, result.error)


def test_off_the_main_thread_the_time_limit_is_checked_between_stages(tmp_path, monkeypatch):
    path = copy_of_sample(tmp_path / "slow.txt")
    monkeypatch.setattr(document_component, "classify", slow_classify_sleeping)
    extractor = extractor_with(Limits(max_seconds=0.2))
    results = []
    thread = threading.Thread(target=lambda: results.append(extractor.extract(path)))
    thread.start()
    thread.join()
    assert re.fullmatch(TIMED_OUT.format(path=re.escape(str(path))), results[0].error), results[0].error
    assert_error_only(results[0], results[0].error)


def test_within_the_time_limit_the_callers_alarm_handler_and_timer_are_put_back(tmp_path):
    calls = []

    def callers_handler(signum, frame):
        calls.append(signum)

    previous = signal.signal(signal.SIGALRM, callers_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100)
        result = extractor_with(Limits(max_seconds=60)).extract(copy_of_sample(tmp_path / "quick.txt"))
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert result.error is None and result.judgements
        assert signal.getsignal(signal.SIGALRM) is callers_handler
        assert 90 < remaining <= 100
        assert calls == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_after_a_timeout_no_alarm_is_left_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(document_component, "classify", slow_classify_busy)
    before = signal.getsignal(signal.SIGALRM)
    extractor_with(Limits(max_seconds=0.2)).extract(copy_of_sample(tmp_path / "slow.txt"))
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- the limits themselves --------------------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    ({"max_pages": 0}, "max_pages must be above 0, not 0: set OFSTED_MAX_PAGES to a positive number"),
    ({"max_file_bytes": -1}, "max_file_bytes must be above 0, not -1: set OFSTED_MAX_FILE_MB to a positive number"),
    ({"max_text_chars": 1.5}, "max_text_chars must be a whole number, not 1.5: set OFSTED_MAX_TEXT_CHARS to one"),
    ({"max_seconds": float("inf")},
     "max_seconds must be above 0, not inf: set OFSTED_MAX_SECONDS_PER_DOCUMENT to a positive number"),
    ({"max_pages": True}, "max_pages must be a whole number, not True: set OFSTED_MAX_PAGES to one"),
    ({"max_seconds": "60"}, "max_seconds must be a number, not '60': set OFSTED_MAX_SECONDS_PER_DOCUMENT to one"),
])
def test_limits_are_checked_when_made(fields, message):
    with pytest.raises(InvalidLimit) as error:
        Limits(**fields)
    assert str(error.value) == message


def test_settings_name_every_limit_and_build_them(monkeypatch):
    from flows.settings import Settings

    assert set(SETTING_NAMES.values()) <= {f"OFSTED_{name.upper()}" for name in Settings.model_fields}
    assert Settings().limits() == Limits()
    monkeypatch.setenv("OFSTED_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("OFSTED_MAX_PAGES", "7")
    monkeypatch.setenv("OFSTED_MAX_TEXT_CHARS", "9000")
    monkeypatch.setenv("OFSTED_MAX_SECONDS_PER_DOCUMENT", "2.5")
    assert Settings().limits() == Limits(max_file_bytes=500_000, max_pages=7, max_text_chars=9000, max_seconds=2.5)


def test_only_limit_errors_are_limit_errors():
    assert not is_limit_error("data/raw/a.txt: file is empty")
    assert not is_limit_error("data/raw/a.pdf: PDF has 6 pages, over the limit of 5 pages (OFSTED_MAX_SHEETS)")
    assert is_limit_error("data/raw/a (2).pdf: PDF has 6 pages, over the limit of 5 pages (OFSTED_MAX_PAGES)")


def test_ofsted_extract_reads_the_limits_from_the_settings(tmp_path):
    from flows.cli import app

    (tmp_path / "report.pdf").write_bytes(build_text_pdf([["Page one."], ["Page two."], ["Page three."]]))
    copy_of_sample(tmp_path / "letter.txt")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--jsonl"], env={"OFSTED_MAX_PAGES": "2"})
    assert result.exit_code == 1
    rows = {Path(row["path"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["report.pdf"]["error"] == (
        f"{tmp_path}/report.pdf: PDF has 3 pages, over the limit of 2 pages (OFSTED_MAX_PAGES)")
    assert rows["letter.txt"]["error"] is None


@pytest.mark.flow
def test_ingestion_applies_the_limits_and_retries_a_file_once_its_limit_is_raised(prefect_harness, tmp_path,
                                                                                monkeypatch):
    import duckdb

    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.pdf").write_bytes(build_text_pdf([["Page one."], ["Page two."], ["Page three."]]))
    copy_of_sample(raw / "letter.txt")
    db = tmp_path / "ofsted.duckdb"
    monkeypatch.setenv("OFSTED_MAX_PAGES", "2")
    first = ingest_flow(raw_dir=str(raw), db_path=str(db))
    monkeypatch.delenv("OFSTED_MAX_PAGES")
    second = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert (first.n_failed, second.n_new, second.n_failed) == (1, 1, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT run_id, error FROM failures").fetchall() == [
            (1, f"{raw}/report.pdf: PDF has 3 pages, over the limit of 2 pages (OFSTED_MAX_PAGES)")]
        assert sorted(Path(p).name for (p,) in con.execute("SELECT path FROM documents").fetchall()) == [
            "letter.txt", "report.pdf"]
