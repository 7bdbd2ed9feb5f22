"""The ``ofsted`` command line: ``extract``, ``ingest``, ``search``, ``export``, ``report`` and ``eval``.

Each command mirrors a library verb. Results go to stdout and nothing else does; progress, logs
and errors go to stderr, an error as one line. Exit codes are ``ExitCode`` (docs/operations.md).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .settings import Settings, get_settings

app = typer.Typer(help="Turn Ofsted's judgements on councils' children's services into data.",
                  no_args_is_help=True, add_completion=False)
stderr = Console(stderr=True)


class ExitCode(IntEnum):
    """What the command line's exit status means."""

    OK = 0
    DOCUMENTS_FAILED = 1  # some documents could not be read (search: nothing matched)
    USAGE = 2  # bad arguments or input: a missing folder, a bad eval file, an unknown council
    DATABASE_LOCKED = 3  # another process holds the database
    DATABASE_UNUSABLE = 4  # the database is not ours, damaged, read-only, full or a folder
    NO_DOCUMENTS = 5  # the folder holds no document to read
    INTERNAL_ERROR = 70  # a bug: run with --verbose for the traceback
    INTERRUPTED = 130  # Ctrl-C (SIGINT); 143 for SIGTERM: 128 + the signal's number


def _default(name: str) -> str:
    """A setting's default and its environment variable, shown by --help as the default."""
    return f"{Settings.model_fields[name].default}, or OFSTED_{name.upper()}"


def die(message: str, code: int) -> NoReturn:
    """Print one line to stderr and exit with ``code``."""
    stderr.print(message, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(int(code))


def emit(line: str) -> None:
    """One line of results on stdout, always valid UTF-8 (stray surrogates shown as escapes)."""
    sys.stdout.write(line.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
    sys.stdout.flush()


def progress_bar() -> Progress:
    """A progress bar on stderr (only when stderr is a terminal); stdout is left to the results."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=stderr, transient=True, disable=not stderr.is_terminal,
                    redirect_stdout=False, redirect_stderr=False)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details and tracebacks to stderr.")] = False):
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    # Prefect logs every task run at INFO; a command's stderr shows warnings unless asked for more
    # (read when Prefect is first imported, which no command has done yet).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    global VERBOSE
    VERBOSE = verbose


VERBOSE = False


def _find_inputs(paths: list[Path], *, list_skipped: bool = True):
    """The documents under the paths, or a one-line exit naming the path that is not there."""
    from extractors.discovery import InputNotFound, find_inputs

    try:
        inputs = find_inputs(paths)
    except InputNotFound as exc:
        die(str(exc), ExitCode.USAGE)
    if not inputs.n_documents:
        where = ", ".join(str(p) for p in paths)
        skipped = f" ({len(inputs.skipped)} other files skipped)" if inputs.skipped else ""
        die(f"no documents in {where}: only .txt and .pdf files are read{skipped}", ExitCode.NO_DOCUMENTS)
    for item in inputs.skipped if list_skipped else ():
        stderr.print(f"skipped: {item.path} ({item.reason})", highlight=False, markup=False, soft_wrap=True)
    return inputs


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively for .txt and .pdf).")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per document (the contract).")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="OCR pages with no text layer.")] = True,
):
    """Extract documents and print the results; writes nothing, needs no server.

    Exits 1 when any document could not be read (after printing every document).
    """
    from extractors.pipeline import extract_paths
    from extractors.records import DocumentResult

    inputs = _find_inputs(paths)
    unusable = [DocumentResult(path=file.key, doc_id="", error=error) for file, error in inputs.unusable]
    failed = 0
    with progress_bar() as progress:
        task = progress.add_task("extracting", total=inputs.n_documents)
        results = extract_paths([f.path for f in inputs.files], workers=workers, ocr=ocr,
                                limits=get_settings().limits())
        for result in [*unusable, *results]:
            failed += bool(result.error)
            emit(json.dumps(result.to_json(), ensure_ascii=False) if jsonl else _summary_line(result))
            progress.advance(task)
    if failed:
        stderr.print(f"{failed} of {inputs.n_documents} documents could not be read", highlight=False)
        raise typer.Exit(ExitCode.DOCUMENTS_FAILED)


def _summary_line(result) -> str:
    if result.error:
        return f"ERROR {result.error}"
    council = result.local_authority.name if result.local_authority else "-"
    # A judgement of another year than the document's (restated in minutes) shows its year.
    grades = ", ".join(f"{j.area}={j.score}" + (f" ({j.year})" if j.year != result.year else "")
                       for j in result.judgements) or "no judgements"
    return f"{result.path}\t{result.doc_type}\t{council}\t{result.year or '-'}\t{grades}"


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop by a signal (SIGTERM here; SIGINT raises KeyboardInterrupt)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum, frame) -> NoReturn:
    raise Interrupted(signum)


class _HideExplainedErrors(logging.Filter):
    """Prefect logs a failed task's and flow's exception with its traceback; for the errors this
    command explains in one line itself (a locked or full database, a missing folder) that is noise."""

    def __init__(self, explained: tuple[type[BaseException], ...]):
        super().__init__()
        self.explained = explained

    def filter(self, record: logging.LogRecord) -> bool:
        from models.errors import database_problem, names_database_problem

        if record.levelno < logging.ERROR:
            return True
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            return not (isinstance(error, (*self.explained, KeyboardInterrupt))
                        or database_problem("", error) is not None)
        message = record.getMessage()
        return not (names_database_problem(message) or any(k.__name__ in message for k in self.explained)
                    or "aborted by an interrupt signal" in message)  # Ctrl-C/SIGTERM: the command says what it kept


@app.command()
def ingest(
    raw_dir: Annotated[Optional[Path], typer.Argument(help="Folder of raw documents.", show_default=_default("raw_dir"))] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file.", show_default=_default("db_path"))] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract documents even when unchanged.")] = False,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes for extraction.", show_default=_default("workers"))] = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, help="Documents per extraction task.", show_default=_default("batch_size"))] = None,
):
    """Run the ingestion flow: extract new and changed documents into the database.

    Exit codes: 1 some documents failed (the others are stored), 3 database locked, 4 database unusable, 5 no documents, 130/143 stopped by Ctrl-C/SIGTERM.
    """
    settings = get_settings()
    if workers:
        settings.workers = workers
    raw = raw_dir or settings.raw_dir
    db_path = Path(db or settings.db_path)
    # Everything that can be checked before a Prefect server starts (10 s) is checked first.
    _find_inputs([raw], list_skipped=False)  # the run's summary lists them
    if not raw.is_dir():
        die(f"{raw}: is a file, not a folder: give the folder of raw documents", ExitCode.USAGE)
    _check_database(db_path, settings.lock_wait_seconds)
    export_dir = _export_dir(settings.export_dir, db_path)  # refused before extracting, not after
    previous_sigterm = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        state = _run_ingest_flow(settings, raw, db_path, export_dir, force, batch_size)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM via Interrupted
        signum = getattr(exc, "signum", signal.SIGINT)
        die(f"stopped by {signal.Signals(signum).name}: the batch in hand was rolled back, the batches before it "
            "are stored whole, and the run is marked interrupted; run `ofsted ingest` again to finish",
            128 + signum)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
    summary = _summary_or_exit(state)
    typer.echo(summary.format())
    if summary.n_failed:
        raise typer.Exit(ExitCode.DOCUMENTS_FAILED)


def _check_database(db_path: Path, lock_wait_seconds: float) -> None:
    """Open an existing database once: a folder, a file of something else or a damaged one fails now."""
    from models.errors import DatabaseLocked, StoreError
    from models.store import Store

    if not (db_path.exists() or db_path.is_symlink()):
        return  # the run creates it; nothing to check, and nothing created before the other checks
    try:
        Store(db_path).close()
    except DatabaseLocked as exc:
        if not lock_wait_seconds:
            die(str(exc), exc.exit_code)  # the run itself waits when told to
    except StoreError as exc:
        die(str(exc), exc.exit_code)


def _run_ingest_flow(settings: Settings, raw: Path, db_path: Path, export_dir: Path, force: bool,
                     batch_size: int | None):
    """The ingestion flow's final state, on a temporary server of this process unless one is set."""
    import contextlib

    from extractors.discovery import InputNotFound
    from models.errors import ExportRefused, StoreError
    from prefect.settings import PREFECT_API_URL

    from .ingest import NoDocuments, ingest_flow  # imports Prefect: only this command pays for it
    from .runners import build_task_runner
    from .server import temporary_server

    if not VERBOSE:
        hide = _HideExplainedErrors((StoreError, InputNotFound, NoDocuments, ExportRefused))
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logger = logging.getLogger(name)
            if not any(isinstance(f, _HideExplainedErrors) for f in logger.filters):
                logger.addFilter(hide)
    runner = build_task_runner(settings)
    server = contextlib.nullcontext() if PREFECT_API_URL.value() else temporary_server()
    with server:
        return ingest_flow.with_options(task_runner=runner)(
            raw_dir=str(raw), db_path=str(db_path), force=force,
            batch_size=batch_size or settings.batch_size, ocr=settings.ocr, workers=settings.workers,
            lock_wait_seconds=settings.lock_wait_seconds,
            export_dir=str(export_dir), return_state=True)


def _summary_or_exit(state):
    """The run's summary from a finished flow state, or a one-line exit saying why it failed."""
    from extractors.discovery import InputNotFound
    from models.errors import StoreError

    from .ingest import NoDocuments

    if not (state.is_failed() or state.is_crashed()):
        return state.result()
    error = state.result(raise_on_failure=False)
    if isinstance(error, KeyboardInterrupt):
        raise error
    if isinstance(error, StoreError):
        die(str(error), error.exit_code)
    if isinstance(error, InputNotFound):
        die(str(error), ExitCode.USAGE)
    if isinstance(error, NoDocuments):
        die(str(error), ExitCode.NO_DOCUMENTS)
    detail = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else state.message
    die(f"ingestion failed: {detail} (run with --verbose for the traceback)", ExitCode.INTERNAL_ERROR)


def _export_dir(out_dir: Path | None, db_path: Path) -> Path:
    """The folder to export ``db_path`` into (its default when None), or a clean exit with why not."""
    from models.errors import ExportRefused
    from outputs.export import check_export_dir, default_export_dir

    try:
        return check_export_dir(out_dir or default_export_dir(db_path), db_path)
    except ExportRefused as refused:
        die(str(refused), ExitCode.USAGE)


def _open_read_only(db: Path | None):
    """The database's snapshot (or the file itself) opened read-only, or a one-line exit."""
    from models.errors import StoreError
    from models.store import Store

    path = db or get_settings().db_path
    try:
        return Store.open_reader(path)
    except StoreError as exc:
        die(str(exc), exc.exit_code)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. \"missing from home\".")],
    council: Annotated[Optional[str], typer.Option(
        help="Only this council: a name or alias as `report --council` takes, or its start "
             "(\"stock\"); its predecessors' documents count too.")] = None,
    # The frameworks and 1000 are models.report.FRAMEWORKS and models.search.MAX_HITS, kept
    # equal by a test: importing models here would cost every command half a second.
    framework: Annotated[Optional[str], typer.Option(
        help="Only this framework: apa, annual_rating, safeguarding_lac, sif, ilacs (any case).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Hits to print.")] = 10,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Search the text of every section, ranked by BM25; matches are marked **like this**.

    Exits 1 when nothing matches, 2 when an argument is wrong (the message names what to pass).
    """
    from models.councils import UnknownCouncil
    from models.search import InvalidSearch, SearchUnavailable
    from models.search import search as search_sections

    with _open_read_only(db) as store:
        try:
            hits = search_sections(store.con, query, council=council, framework=framework, limit=limit)
        except (SearchUnavailable, InvalidSearch, UnknownCouncil) as exc:
            die(str(exc), ExitCode.USAGE)
    if not hits:
        die(f"no section matches {query!r}", ExitCode.DOCUMENTS_FAILED)
    for rank, hit in enumerate(hits, start=1):
        where = f"{hit.council or 'unknown council'}, {hit.year or 'year unknown'}, {hit.framework or '-'}"
        section = hit.heading or hit.label
        typer.echo(f"{rank:>2}. {hit.score:.2f}  {where}  [{hit.label}] {section} (p. {hit.page or '-'})")
        typer.echo(f"    {hit.snippet}")
        typer.echo(f"    {hit.path}")


@app.command("export")
def export_command(
    out_dir: Annotated[Optional[Path], typer.Argument(
        help="Folder to write csv/, parquet/ and xlsx/ into, replaced whole; refused unless it is new, empty "
             "or an export of this database.",
        show_default="OFSTED_EXPORT_DIR if set, else <database name>-exports beside the database: "
                     "data/processed/ofsted-exports")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Write the analyst views as CSV, as Parquet partitioned by framework and year, and as Excel workbooks."""
    from models.errors import ExportRefused
    from outputs.export import export_views

    settings = get_settings()
    target = _export_dir(out_dir or settings.export_dir, db or settings.db_path)
    with _open_read_only(db) as store:
        try:
            exported = export_views(store.con, target)
        except ExportRefused as refused:  # the folder changed since it was checked
            die(str(refused), ExitCode.USAGE)
    for item in exported:
        sheets = f" ({item.sheets} sheets)" if item.sheets > 1 else ""
        typer.echo(f"{item.view:<20}{item.rows:>8} rows  {item.csv}  {item.parquet}/  {item.xlsx}{sheets}")


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
    council: Annotated[Optional[str], typer.Option("--council", help="A council's name or alias; omit for every council.")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Write a self-contained HTML report: timelines, latest inspection, grades and coverage."""
    from outputs.report import UnknownCouncil, build_report

    with _open_read_only(db) as store:
        try:
            page = build_report(store.con, council)
        except UnknownCouncil as error:
            die(str(error), ExitCode.USAGE)
    output.write_text(page, encoding="utf-8")
    stderr.print(f"wrote {output}", highlight=False, markup=False)


@app.command("eval")
def evaluate_command(
    predictions: Annotated[Path, typer.Argument(help="`extract --jsonl` output, or raw files/folder to extract now.")],
    gold: Annotated[Path, typer.Argument(help="Gold: a folder of *.json or a *.jsonl file.")],
    show_errors: Annotated[bool, typer.Option("--errors/--no-errors", help="List every error.")] = True,
):
    """Score extraction output against gold: precision, recall and F1 per field, errors listed."""
    from extractors.evaluation import EvaluationInputError, evaluate, format_evaluation, load_gold, load_predictions

    try:
        if predictions.suffix == ".jsonl" and not predictions.is_dir():
            rows = load_predictions(predictions)
        else:
            from extractors.pipeline import extract_paths

            inputs = _find_inputs([predictions])
            rows = [result.to_json() for result in extract_paths([f.path for f in inputs.files],
                                                                 limits=get_settings().limits())]
        expected = load_gold(gold)
    except EvaluationInputError as exc:
        die(str(exc), ExitCode.USAGE)
    typer.echo(format_evaluation(evaluate(rows, expected), show_errors=show_errors))


def run() -> None:
    """The ``ofsted`` console script: the app, with a usage error as one line like every other error.

    Typer draws a usage error as a box of five lines or more; a script or a log wants one.
    """
    try:
        from typer._click.exceptions import ClickException  # typer >= 0.25 carries its own click
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click.exceptions import ClickException
    try:
        code = app(standalone_mode=False)
    except ClickException as error:
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "ofsted"
        if error.format_message():  # empty when the help was shown instead (no arguments)
            print(f"{command}: {error.format_message()} (see {command} --help)", file=sys.stderr)
        sys.exit(error.exit_code)
    except typer.Abort:
        sys.exit(ExitCode.INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
