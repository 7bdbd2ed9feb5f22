"""What a user and an operator meet first: bad names and files, changed and moved folders, bad
databases, stopping a run, one-line errors with their exit codes, readers beside a running
ingestion, and how a run with failures ends. Each test names the failure it guards against."""
from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import ExitCode, app

from .conftest import RAW_DIR, ROOT
from .test_production import line_reader, subprocess_env, text_folder

runner = CliRunner()
OFSTED = Path(sys.executable).parent / "ofsted"
BAD_NAME = os.fsdecode(b"caf\xe9_minutes.txt")  # Latin-1 bytes in a name: not UTF-8
HTML_PAGE = b"<!DOCTYPE html><html><body>Report not found</body></html>"
LETTER = "9 December 2009\n\nChildren's services annual rating\n\nChildren's services rating\tPerforms {} ({})\n"


def letter(path: Path, words: str = "well", grade: int = 3) -> Path:
    path.write_text(LETTER.format(words, grade), encoding="utf-8")
    return path


def one_line(text: str) -> str:
    """The text, which must be one line (no traceback, no wrapping)."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- results go to stdout, whatever is a terminal -------------------------------------------------

def test_extract_jsonl_into_a_file_while_stderr_is_a_terminal_writes_every_result(tmp_path):
    master, terminal = pty.openpty()
    drained = []
    reader = threading.Thread(target=lambda: drained.extend(iter(lambda: _read(master), b"")), daemon=True)
    reader.start()
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:
        done = subprocess.run([str(OFSTED), "extract", str(RAW_DIR), "--jsonl"], stdout=stdout, stderr=terminal,
                              stdin=terminal, cwd=ROOT, env=subprocess_env(tmp_path), timeout=300)
    os.close(terminal)
    assert done.returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(list(RAW_DIR.iterdir())) and all(row["error"] is None for row in rows)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed
        return b""


# -- bad names, unreadable and duplicated bad files ---------------------------------------------------

def test_extract_of_a_file_whose_name_is_not_utf8_prints_valid_utf8_and_goes_on(tmp_path):
    letter(tmp_path / BAD_NAME)
    letter(tmp_path / "good.txt")
    result = runner.invoke(app, ["extract", str(tmp_path), "--jsonl"])
    assert result.exit_code == ExitCode.DOCUMENTS_FAILED
    rows = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
    assert [(Path(r["path"]).name, r["error"] is None) for r in rows] == [("caf\\xe9_minutes.txt", False),
                                                                          ("good.txt", True)]
    assert "file name is not valid UTF-8" in rows[0]["error"]


@pytest.mark.flow
def test_a_bad_file_name_or_an_unreadable_file_is_one_failure_and_the_batch_is_stored(
        prefect_harness, tmp_path, monkeypatch):
    import flows.ingest
    from flows.ingest import ingest_flow

    raw = text_folder(tmp_path / "raw", 3)
    letter(raw / BAD_NAME)
    letter(raw / "locked.txt", "poorly", 1)
    real_digest = flows.ingest.digest_file

    def digest(path):  # tests run as root, who may read anything: refuse as a user would be refused
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_digest(path)

    monkeypatch.setattr(flows.ingest, "digest_file", digest)
    db = tmp_path / "ofsted.duckdb"
    summary = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert (summary.n_seen, summary.n_new, summary.n_failed) == (5, 3, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert con.execute("SELECT path, error FROM failures ORDER BY path").fetchall() == [
            ("caf\\xe9_minutes.txt", f"{raw}/caf\\xe9_minutes.txt: file name is not valid UTF-8, so it cannot be "
                                     "stored or printed as text: rename the file (e.g. with convmv)"),
            ("locked.txt", f"{raw}/locked.txt: cannot read file (Permission denied)")]
        assert con.execute("SELECT status FROM runs").fetchall() == [("partial",)]


@pytest.mark.flow
def test_byte_identical_unreadable_files_are_each_a_failure_not_duplicates(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    for council in ("leeds", "york", "hull"):
        (raw / council).mkdir(parents=True)
        (raw / council / "report.pdf").write_bytes(HTML_PAGE)
    letter(raw / "letter.txt")
    db = tmp_path / "ofsted.duckdb"
    for run in (1, 2):  # the second run knows the bytes failed and does not extract them again
        summary = ingest_flow(raw_dir=str(raw), db_path=str(db))
        assert (summary.n_seen, summary.n_failed, summary.n_duplicates) == (4, 3, 0), run
        assert sorted(summary.failed_paths) == ["hull/report.pdf", "leeds/report.pdf", "york/report.pdf"]
        assert all(error.startswith(f"{raw}/{path}: file is named .pdf but is not a PDF")
                   for path, error in summary.failure_rows())
    result = runner.invoke(app, ["extract", str(raw), "--jsonl"])
    assert sum(json.loads(line)["error"] is not None for line in result.stdout.splitlines()) == 3
    assert result.stderr.strip().endswith("3 of 4 documents could not be read")


@pytest.mark.flow
def test_files_that_are_not_documents_are_counted_and_listed_as_skipped(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow
    from flows.reporting import summary_markdown

    raw = text_folder(tmp_path / "raw", 2)
    (raw / "minutes.docx").write_bytes(b"PK\x03\x04")
    (raw / "page.html").write_text("<html></html>", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    letter(elsewhere / "hidden-behind-a-link.txt")
    (raw / "linked").symlink_to(elsewhere, target_is_directory=True)
    db = tmp_path / "ofsted.duckdb"
    summary = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert summary.n_new == 2
    assert [(Path(path).name, reason.split(":")[0]) for path, reason in summary.skipped] == [
        ("linked", "symbolic link to a folder, not followed"), ("minutes.docx", "unsupported file type .docx"),
        ("page.html", "unsupported file type .html")]
    table = summary.format().splitlines()
    assert "  skipped (not read)         3" in table
    assert f"skipped: {raw}/minutes.docx (unsupported file type .docx: only .txt and .pdf are read)" in table
    assert "| skipped (not read) | 3 |" in summary_markdown(summary)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT n_skipped FROM runs").fetchall() == [(3,)]


# -- a document's identity is its path under the raw folder -------------------------------------

@pytest.mark.flow
def test_the_same_folder_given_by_another_path_changes_nothing(prefect_harness, tmp_path, monkeypatch):
    from flows.ingest import ingest_flow

    raw = text_folder(tmp_path / "raw", 3)
    db = tmp_path / "ofsted.duckdb"
    monkeypatch.chdir(tmp_path)
    first = ingest_flow(raw_dir="raw", db_path=str(db))
    assert first.n_new == 3
    for cwd, given in ((tmp_path, str(raw)), (raw, "."), (tmp_path / "raw", "../raw")):
        monkeypatch.chdir(cwd)
        again = ingest_flow(raw_dir=given, db_path=str(db))
        assert (again.n_new, again.n_changed, again.n_unchanged, again.n_removed) == (0, 0, 3, 0), given
    with duckdb.connect(str(db), read_only=True) as con:
        paths = [row[0] for row in con.execute("SELECT path FROM documents ORDER BY path").fetchall()]
    assert paths == sorted(p.name for p in raw.iterdir())


@pytest.mark.flow
def test_a_file_overwritten_with_another_files_bytes_loses_its_old_rows(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    raw.mkdir()
    letter(raw / "a.txt", "well", 3)
    letter(raw / "b.txt", "poorly", 1)
    db = tmp_path / "ofsted.duckdb"
    ingest_flow(raw_dir=str(raw), db_path=str(db))
    shutil.copyfile(raw / "a.txt", raw / "b.txt")
    summary = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert (summary.n_removed, summary.n_duplicates, summary.superseded) == (0, 1, [("b.txt", "a.txt")])
    assert "replaced: b.txt now holds the same bytes as a.txt: stored once, as a.txt" in summary.format()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT d.path, j.score FROM documents d JOIN judgements j USING (doc_id)").fetchall() == [
            ("a.txt", 3)]


# -- the database -----------------------------------------------------------------------------

def _foreign_duckdb(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE budgets (year INTEGER, amount DOUBLE)")


def _sqlite(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")


def _truncated(path: Path) -> None:
    from models.store import Store

    with Store(path) as store:
        store.load_register()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p.write_bytes(os.urandom(100_000)), "is not a DuckDB database (unknown bytes: not a DuckDB file header); "
                                                    "nothing was written to it: move it aside or give another --db"),
    (lambda p: p.write_text("budget notes\n" * 50), "is not a DuckDB database (a text file); nothing was written to it"),
    (lambda p: p.write_bytes(b""), "is not a DuckDB database (an empty file); nothing was written to it"),
    (_sqlite, "is not a DuckDB database (a SQLite database); nothing was written to it"),
    (_foreign_duckdb, "is a DuckDB database of something else (tables budgets); nothing was written to it"),
    (_truncated, "is damaged and cannot be read: restore it from a backup or its snapshot"),
    (lambda p: p.mkdir(), "is a folder, not a database file: give a file path, e.g. --db {db}/ofsted.duckdb"),
])
def test_a_database_that_is_not_ours_is_refused_in_one_line_and_left_as_it_was(tmp_path, make, says):
    db = tmp_path / "ofsted.duckdb"
    make(db)
    before = _fingerprint(db)
    result = runner.invoke(app, ["ingest", str(RAW_DIR), "--db", str(db)])
    assert result.exit_code == ExitCode.DATABASE_UNUSABLE
    assert one_line(result.stderr).startswith(f"Database {db} " + says.format(db=db))
    assert result.stdout == ""
    assert _fingerprint(db) == before
    assert not Path(f"{db}.wal").exists()
    search = runner.invoke(app, ["search", "neglect", "--db", str(db)])
    assert search.exit_code == ExitCode.DATABASE_UNUSABLE and one_line(search.stderr)


def _fingerprint(path: Path):
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    return path.read_bytes()


def test_a_locked_database_has_its_own_exit_code_and_names_its_holder(tmp_path):
    from .test_production import hold, release

    db = tmp_path / "ofsted.duckdb"
    holder = hold(db, tmp_path, release_after=-1)
    try:
        result = runner.invoke(app, ["ingest", str(RAW_DIR), "--db", str(db)])
    finally:
        release(holder)
    assert result.exit_code == ExitCode.DATABASE_LOCKED == 3
    assert f"(PID {holder.pid})" in one_line(result.stderr)


@pytest.fixture
def small_disk(tmp_path):
    """A 2.5 MB file system of its own (tmpfs), where there is the privilege to mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2500k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (or CAP_SYS_ADMIN)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.flow
def test_a_full_disk_is_one_line_and_the_run_says_so(prefect_harness, small_disk, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    result = runner.invoke(app, ["ingest", str(raw), "--db", str(small_disk / "ofsted.duckdb")])
    assert result.exit_code == ExitCode.DATABASE_UNUSABLE, result.output
    assert one_line(result.stderr).startswith(f"Database {small_disk / 'ofsted.duckdb'} cannot be written: "
                                              "the disk is full: free space on its disk and run again")


def test_a_read_only_database_is_one_line(small_disk):
    from models.store import Store

    db = small_disk / "ofsted.duckdb"
    with Store(db) as store:
        store.load_register()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = runner.invoke(app, ["ingest", str(RAW_DIR), "--db", str(db)])
    assert result.exit_code == ExitCode.DATABASE_UNUSABLE
    assert one_line(result.stderr) == (
        f"Database {db} cannot be written: the file or its folder is read-only: make it writable (the folder "
        "too: DuckDB writes a .wal file beside it) or give another --db")


# -- one line, not a traceback ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "code", "says"), [
    (["ingest", "{tmp}/nowhere"], ExitCode.USAGE, "{tmp}/nowhere: does not exist"),
    (["ingest", "{tmp}/empty"], ExitCode.NO_DOCUMENTS, "no documents in {tmp}/empty: only .txt and .pdf files are read"),
    (["ingest", "{tmp}/letter.txt"], ExitCode.USAGE, "{tmp}/letter.txt: is a file, not a folder: give the folder of raw documents"),
    (["extract", "{tmp}/loop"], ExitCode.USAGE, "{tmp}/loop: is a symbolic link that loops back on itself"),
    (["extract", "{tmp}/empty"], ExitCode.NO_DOCUMENTS, "no documents in {tmp}/empty: only .txt and .pdf files are read"),
    (["eval", "{tmp}/bad.jsonl", str(RAW_DIR)], ExitCode.USAGE,
     "{tmp}/bad.jsonl line 2: not valid JSON (Expecting value); expected the output of `ofsted extract --jsonl`"),
    (["eval", "{tmp}/nowhere.jsonl", str(RAW_DIR)], ExitCode.USAGE, "{tmp}/nowhere.jsonl: does not exist"),
    (["eval", "{tmp}/good.jsonl", "{tmp}/empty"], ExitCode.USAGE,
     "{tmp}/empty: holds no *.json files; expected gold: a folder of *.json files or a .jsonl file, one document each"),
    (["search", "neglect", "--db", "{tmp}/nowhere.duckdb"], ExitCode.USAGE,
     "Database {tmp}/nowhere.duckdb does not exist: run `ofsted ingest` first, or check --db."),
    (["report", "--db", "{tmp}"], ExitCode.DATABASE_UNUSABLE,
     "Database {tmp} is a folder, not a database file: give a file path, e.g. --db {tmp}/ofsted.duckdb"),
])
def test_bad_input_is_one_line_with_its_exit_code(tmp_path, args, code, says):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.docx").write_bytes(b"x")
    letter(tmp_path / "letter.txt")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "bad.jsonl").write_text('{"path": "a.txt"}\nnot json\n', encoding="utf-8")
    (tmp_path / "good.jsonl").write_text('{"path": "a.txt"}\n', encoding="utf-8")
    result = runner.invoke(app, [arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code == code
    assert one_line(result.stderr).startswith(says.format(tmp=tmp_path))


def help_text(command: str) -> str:
    """A command's --help as words, without the boxes drawn around them."""
    output = runner.invoke(app, [command, "--help"]).output
    return " ".join(output.translate({ord(c): " " for c in "│╭╮╰╯─"}).split())


def test_help_shows_the_defaults_and_where_they_come_from():
    assert "[default: (data/raw, or OFSTED_RAW_DIR)]" in help_text("ingest")
    for command in ("ingest", "search", "report", "export"):
        assert "[default: (data/processed/ofsted.duckdb, or OFSTED_DB_PATH)]" in help_text(command), command


# -- readers beside a running ingestion -----------------------------------------------------------

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
sys.stdin.read()
"""


@pytest.mark.flow
def test_a_reader_of_the_snapshot_never_blocks_an_ingestion_and_sees_whole_runs(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow
    from models.paths import snapshot_path

    raw = text_folder(tmp_path / "raw", 2)
    db = tmp_path / "ofsted.duckdb"
    first = ingest_flow(raw_dir=str(raw), db_path=str(db))
    assert first.snapshot == str(snapshot_path(db)) == str(tmp_path / "ofsted.snapshot.duckdb")
    reader = subprocess.Popen([sys.executable, "-c", READER, first.snapshot], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "2"
        letter(raw / "new.txt")
        second = ingest_flow(raw_dir=str(raw), db_path=str(db))  # the reader holds the snapshot open
        assert second.n_new == 1
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    with duckdb.connect(first.snapshot, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    # and the command line's readers read the snapshot, even while a writer holds the database
    from .test_production import hold, release

    holder = hold(db, tmp_path, release_after=-1)
    try:
        result = runner.invoke(app, ["search", "rating", "--db", str(db), "--limit", "1"])
    finally:
        release(holder)
    assert result.exit_code == 0, result.output


# -- how a run ends ---------------------------------------------------------------------------------

@pytest.mark.flow
def test_a_run_with_failed_documents_ends_completed_with_failures(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = text_folder(tmp_path / "raw", 2)
    (raw / "empty.txt").write_bytes(b"")
    state = ingest_flow(raw_dir=str(raw), db_path=str(tmp_path / "ofsted.duckdb"), return_state=True)
    assert state.is_completed() and state.name == "Completed with failures"
    assert state.message == "1 of 3 documents failed: see the ingest-failures artifact or the failures table"
    assert state.result().n_failed == 1
    clean = ingest_flow(raw_dir=str(text_folder(tmp_path / "clean", 1)), db_path=str(tmp_path / "clean.duckdb"),
                        return_state=True)
    assert clean.is_completed() and clean.name == "Completed"


# A rating letter that states no rating: every document loads, the reports_without_judgements check fails.
UNRATED_LETTER = ("9 December 2009\n\nStockton-on-Tees Borough Council\n\nChildren's services annual rating\n\n"
                  "The rating of your services will follow.\n")


@pytest.mark.flow
def test_a_run_whose_quality_checks_fail_ends_in_a_state_that_says_so(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "letter.txt").write_text(UNRATED_LETTER, encoding="utf-8")
    db = tmp_path / "ofsted.duckdb"
    state = ingest_flow(raw_dir=str(raw), db_path=str(db), return_state=True)
    assert state.is_completed() and state.name == "Completed with failed checks"
    assert state.message == ("quality checks failed: judgement_coverage (annual_rating), reports_without_judgements: "
                             "see the ingest-quality artifact or the quality_checks table")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("checks_failed",)]
        assert con.execute("SELECT detail FROM quality_checks WHERE check_name = 'reports_without_judgements'"
                           ).fetchall() == [("1: letter.txt annual_rating_letter",)]
    # the command line says so in its exit status; an unchanged re-run measures nothing and passes
    result = runner.invoke(app, ["ingest", str(raw), "--db", str(tmp_path / "cli.duckdb")])
    assert result.exit_code == 6, result.output
    assert "reports_without_judgements    all                      1  fail" in result.output
    again = runner.invoke(app, ["ingest", str(raw), "--db", str(tmp_path / "cli.duckdb")])
    assert again.exit_code == 0, again.output


# -- stopping a run ---------------------------------------------------------------------------------

def pdf_folder(folder: Path, n: int) -> Path:
    """n distinct copies of a sample report (bytes after %%EOF are ignored by PDF readers)."""
    folder.mkdir(parents=True)
    report = (RAW_DIR / "stockton_2016_sif_inspection_report.pdf").read_bytes()
    for i in range(n):
        (folder / f"report_{i:02d}.pdf").write_bytes(report + f"\n% copy {i}\n".encode())
    return folder


@pytest.mark.parametrize(("how", "signum"), [("terminal Ctrl-C", signal.SIGINT), ("SIGTERM", signal.SIGTERM)])
def test_a_signal_stops_ingest_within_seconds_and_marks_the_run_interrupted(tmp_path, how, signum):
    raw = pdf_folder(tmp_path / "raw", 24)
    db = tmp_path / "ofsted.duckdb"
    env = subprocess_env(tmp_path)
    env.pop("PREFECT_API_URL", None)  # the command starts (and must stop) its own temporary server
    env["PREFECT_LOGGING_LEVEL"] = "INFO"
    child = subprocess.Popen([str(OFSTED), "ingest", str(raw), "--db", str(db), "--batch-size", "1", "--workers", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
                             start_new_session=True)
    lines = line_reader(child.stdout)
    output = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        if line is None:
            break
        output.append(line)
        if "documents extracted" in line:
            break
    assert any("documents extracted" in line for line in output), "".join(output)[-3000:]
    descendants = _descendants(child.pid)
    assert descendants, "the run should have a server and workers"
    signalled = time.monotonic()
    if signum == signal.SIGINT:
        os.killpg(child.pid, signum)  # what a terminal does: the whole foreground process group
    else:
        os.kill(child.pid, signum)  # what timeout, systemd and docker do first: the main process
    try:
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    stopped_after = time.monotonic() - signalled
    while (line := lines.get(timeout=10)) is not None:
        output.append(line)
    assert child.returncode == 128 + signum, "".join(output)[-3000:]
    assert f"stopped by {signal.Signals(signum).name}" in output[-1]
    time.sleep(1)
    assert [pid for pid in descendants if _alive(pid)] == [], "a server or worker outlived the run"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert 1 <= stored < 24
        assert con.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                           "(SELECT 1 FROM pages p WHERE p.doc_id = d.doc_id)").fetchone()[0] == 0
    print(f"{how}: stopped {stopped_after:.1f} s after the signal with {stored} of 24 documents stored")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        kids = [int(k) for k in children.read_text().split()] if children.exists() else []
        found += kids
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(("args", "says"), [
    (["search", "neglect", "--limit", "1e20"],
     "ofsted search: Invalid value for '--limit': Input should be a valid integer, unable to parse string as an "
     "integer (see ofsted search --help)"),
    (["search", "neglect", "--limit", "100000000000000000000"],
     "ofsted search: Invalid value for '--limit': Input should be less than or equal to 1000 (see ofsted search --help)"),
    (["extract"], "ofsted extract: Missing argument 'paths'. (see ofsted extract --help)"),
    (["inject"], "ofsted: No such command 'inject'. Did you mean 'ingest'? (see ofsted --help)"),
])
def test_a_usage_error_of_the_installed_command_is_one_line(tmp_path, args, says):
    done = subprocess.run([str(OFSTED), *args], capture_output=True, text=True, env=subprocess_env(tmp_path),
                          timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (ExitCode.USAGE, "", says + "\n")


# -- a signal inside a DuckDB call ------------------------------------------------------------------

def _raised(error: BaseException, cause: BaseException | None = None) -> BaseException:
    try:
        raise error from cause
    except BaseException as caught:  # noqa: BLE001 - the test builds chains of every kind
        return caught


@pytest.mark.parametrize(("error", "found"), [
    (_raised(RuntimeError("Query interrupted"), _raised(KeyboardInterrupt())), KeyboardInterrupt),
    (_raised(KeyboardInterrupt()), KeyboardInterrupt),
    (_raised(RuntimeError("Query interrupted"), _raised(ValueError("no"))), None),
    (_raised(OSError("disk")), None),
])
def test_a_signal_is_found_behind_the_error_duckdb_turns_it_into(error, found):
    from flows.ingest import interruption

    stopped_by = interruption(error)
    assert (type(stopped_by) if stopped_by is not None else None) is found


def test_a_run_is_recorded_as_interrupted_even_when_a_signal_left_a_transaction_open(tmp_path):
    from models.store import Store

    db = tmp_path / "ofsted.duckdb"
    with Store(db) as store:
        run_id = store.start_run("raw", "test")
        store.con.begin()  # what a SIGTERM landing just after BEGIN leaves behind
        store.abandon_transaction()
        store.finish_run(run_id, status="interrupted")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
