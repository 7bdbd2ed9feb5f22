"""The ``ofsted`` command line: ``extract``, ``ingest``, ``search``, ``export``, ``report``, ``eval`` and
``official load`` / ``official diff``.

Each command mirrors a library verb. Results go to stdout and nothing else does; progress, logs
and errors go to stderr, an error as one line. Exit codes are ``ExitCode`` (docs/operations.md);
the project's errors (``OfstedError``) become their one line and exit code in ``explained_errors``.
"""
from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractors.machine import usable_cores
from models.errors import EXIT_DATABASE_LOCKED, EXIT_DATABASE_UNUSABLE, EXIT_NO_DOCUMENTS, EXIT_USAGE, OfstedError
from models.paths import default_export_dir
from models.vocabulary import FRAMEWORKS

from .prefect_env import apply_prefect_defaults
from .settings import RunParameters, Settings, get_settings

app = typer.Typer(help="Turn Ofsted's judgements on councils' children's services into data.",
                  no_args_is_help=True, add_completion=False)
stderr = Console(stderr=True)


class ExitCode(IntEnum):
    """What the command line's exit status means."""

    OK = 0
    DOCUMENTS_FAILED = 1  # some documents could not be read (search: nothing matched)
    USAGE = EXIT_USAGE  # bad arguments or input: a missing folder, a bad eval file, an unknown council
    DATABASE_LOCKED = EXIT_DATABASE_LOCKED  # another process holds the database
    DATABASE_UNUSABLE = EXIT_DATABASE_UNUSABLE  # the database is not ours, damaged, read-only, full or a folder
    NO_DOCUMENTS = EXIT_NO_DOCUMENTS  # the folder holds no document to read
    CHECKS_FAILED = 6  # every document is stored, but a data-quality check failed
    INTERNAL_ERROR = 70  # a bug: run with --verbose for the traceback
    INTERRUPTED = 130  # Ctrl-C (SIGINT); 143 for SIGTERM: 128 + the signal's number


def _default(name: str) -> str:
    """A setting's default and its environment variable, shown by --help as the default."""
    field = Settings.model_fields[name]
    if field.default_factory is usable_cores:
        return f"the usable cores, {usable_cores()} here, or OFSTED_{name.upper()}"
    return f"{field.default}, or OFSTED_{name.upper()}"


def _default_exports() -> Path:
    """The default database's exports folder, for the help text."""
    return default_export_dir(Settings.model_fields["db_path"].default)


def die(message: str, code: int) -> NoReturn:
    """Print one line to stderr and exit with ``code``."""
    stderr.print(message, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(int(code))


def explain(error: BaseException, usage: tuple[type[BaseException], ...] = ()) -> None:
    """Exit with an error's one line and exit code if the command line explains it; else return.

    The project's errors (``OfstedError``) carry their exit code; ``usage`` names errors of other
    libraries that are usage errors where they are caught.
    """
    if isinstance(error, OfstedError):
        die(str(error), error.exit_code)
    if isinstance(error, usage):
        die(str(error), ExitCode.USAGE)


@contextlib.contextmanager
def explained_errors(*usage: type[BaseException]):
    """Around a command (or as its decorator): an error it explains exits with its one line."""
    try:
        yield
    except Exception as error:
        explain(error, usage)
        raise


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
    apply_prefect_defaults(logging_level="INFO" if verbose else "WARNING")
    global VERBOSE
    VERBOSE = verbose


VERBOSE = False


def _find_inputs(paths: list[Path], *, list_skipped: bool = True):
    """The documents under the paths, or a one-line exit naming the path that is not there."""
    from extractors.discovery import find_inputs

    inputs = find_inputs(paths)  # a path that is not there: InputNotFound, explained by the command
    if not inputs.n_documents:
        where = ", ".join(str(p) for p in paths)
        skipped = f" ({len(inputs.skipped)} other files skipped)" if inputs.skipped else ""
        die(f"no documents in {where}: only .txt and .pdf files are read{skipped}", ExitCode.NO_DOCUMENTS)
    for item in inputs.skipped if list_skipped else ():
        stderr.print(f"skipped: {item.path} ({item.reason})", highlight=False, markup=False, soft_wrap=True)
    return inputs


@app.command()
@explained_errors()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively for .txt and .pdf).")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per document (the contract).")] = False,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes.",
                                                   show_default=_default("workers"))] = None,
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
        settings = get_settings()
        results = extract_paths([f.path for f in inputs.files], workers=workers or settings.workers, ocr=ocr,
                                limits=settings.limits())
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

    def filter(self, record: logging.LogRecord) -> bool:
        from models.errors import database_problem, names_database_problem

        if record.levelno < logging.ERROR:
            return True
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            return not (isinstance(error, (OfstedError, KeyboardInterrupt))
                        or database_problem("", error) is not None)
        message = record.getMessage()
        return not (names_database_problem(message) or any(name in message for name in _explained_names())
                    or "aborted by an interrupt signal" in message)  # Ctrl-C/SIGTERM: the command says what it kept


def _explained_names(kind: type[BaseException] = OfstedError) -> set[str]:
    """The class names of the project's errors, as a log line quoting one names it."""
    names = {kind.__name__}
    for sub in kind.__subclasses__():
        names |= _explained_names(sub)
    return names


@app.command()
@explained_errors()
def ingest(
    raw_dir: Annotated[Optional[Path], typer.Argument(help="Folder of raw documents.", show_default=_default("raw_dir"))] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file.", show_default=_default("db_path"))] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract documents even when unchanged.")] = False,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes for extraction.", show_default=_default("workers"))] = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, help="Documents per extraction task.", show_default=_default("batch_size"))] = None,
):
    """Run the ingestion flow: extract new and changed documents into the database.

    Exit codes: 1 some documents failed (the others are stored), 6 a data-quality check failed, 3 database locked, 4 database unusable, 5 no documents, 130/143 stopped by Ctrl-C/SIGTERM.
    """
    settings = get_settings()
    if workers:
        settings.workers = workers  # the task runner's threads too
    run = settings.run_parameters(raw_dir=raw_dir, db_path=db, batch_size=batch_size, force=force)
    raw = Path(run.raw_dir)
    # Everything that can be checked before a Prefect server starts (10 s) is checked first.
    _find_inputs([raw], list_skipped=False)  # the run's summary lists them
    if not raw.is_dir():
        die(f"{raw}: is a file, not a folder: give the folder of raw documents", ExitCode.USAGE)
    _check_database(Path(run.db_path), run.lock_wait_seconds)
    export_dir = _export_dir(Path(run.export_dir), Path(run.db_path))  # refused before extracting, not after
    previous_sigterm = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        state = _run_ingest_flow(settings, run, export_dir)
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
    if summary.failed_checks():
        raise typer.Exit(ExitCode.CHECKS_FAILED)


def _check_database(db_path: Path, lock_wait_seconds: float) -> None:
    """Open an existing database once: a folder, a file of something else or a damaged one fails now."""
    from models.errors import DatabaseLocked
    from models.store import Store

    if not (db_path.exists() or db_path.is_symlink()):
        return  # the run creates it; nothing to check, and nothing created before the other checks
    try:
        Store(db_path).close()  # a StoreError: explained by the command
    except DatabaseLocked:
        if not lock_wait_seconds:
            raise  # the run itself waits when told to


def _run_ingest_flow(settings: Settings, run: RunParameters, export_dir: Path):
    """The ingestion flow's final state, on a temporary server of this process unless one is set."""
    from prefect.settings import PREFECT_API_URL

    from .ingest import ingest_flow  # imports Prefect: only this command pays for it
    from .runners import build_task_runner
    from .server import temporary_server

    if not VERBOSE:
        hide = _HideExplainedErrors()
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logger = logging.getLogger(name)
            if not any(isinstance(f, _HideExplainedErrors) for f in logger.filters):
                logger.addFilter(hide)
    runner = build_task_runner(settings)
    server = contextlib.nullcontext() if PREFECT_API_URL.value() else temporary_server()
    with server:
        return ingest_flow.with_options(task_runner=runner)(
            raw_dir=run.raw_dir, db_path=run.db_path, force=run.force, batch_size=run.batch_size, ocr=run.ocr,
            workers=run.workers, lock_wait_seconds=run.lock_wait_seconds, export_dir=str(export_dir),
            return_state=True)


def _summary_or_exit(state):
    """The run's summary from a finished flow state, or a one-line exit saying why it failed."""
    if not (state.is_failed() or state.is_crashed()):
        return state.result()
    error = state.result(raise_on_failure=False)
    if isinstance(error, KeyboardInterrupt):
        raise error
    explain(error)
    detail = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else state.message
    die(f"ingestion failed: {detail} (run with --verbose for the traceback)", ExitCode.INTERNAL_ERROR)


def _export_dir(out_dir: Path | None, db_path: Path) -> Path:
    """The folder to export ``db_path`` into (its default when None), or a clean exit with why not."""
    from outputs.export import check_export_dir

    return check_export_dir(out_dir or default_export_dir(db_path), db_path)  # or ExportRefused, explained


def _open_read_only(db: Path | None):
    """The database's snapshot (or the file itself) opened read-only (or a StoreError, explained)."""
    from models.store import Store

    return Store.open_reader(db or get_settings().db_path)


# Search's most hits: models.search.MAX_HITS, which a test keeps equal; importing models.search
# (DuckDB) would cost every command a tenth of a second.
SEARCH_MAX_HITS = 1000


@app.command()
@explained_errors()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. \"missing from home\".")],
    council: Annotated[Optional[str], typer.Option(
        help="Only this council: a name or alias as `report --council` takes, or its start "
             "(\"stock\"); its predecessors' documents count too.")] = None,
    framework: Annotated[Optional[str], typer.Option(
        help=f"Only this framework: {', '.join(FRAMEWORKS)} (any case).")] = None,
    section: Annotated[Optional[str], typer.Option(
        help="Only sections of this label: help_and_protection, children_in_care, care_leavers, "
             "recommendations, findings, summary, ... (as section_text labels them).")] = None,
    since: Annotated[Optional[int], typer.Option(help="Only documents of this year or later.")] = None,
    until: Annotated[Optional[int], typer.Option(help="Only documents of this year or earlier.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=SEARCH_MAX_HITS, help="Hits to print.")] = 10,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Search the text of every section, ranked by BM25 with a lift for recent years; matches are
    marked **like this**, a "quoted phrase" must appear as written, and each hit gives the page
    its words are on.

    Exits 1 when nothing matches, 2 when an argument is wrong (the message names what to pass).
    """
    from models.search import search as search_sections

    with _open_read_only(db) as store:
        hits = search_sections(store.con, query, council=council, framework=framework, section=section,
                               since=since, until=until, limit=limit)
    if not hits:
        die(f"no section matches {query!r}", ExitCode.DOCUMENTS_FAILED)
    for rank, hit in enumerate(hits, start=1):
        where = f"{hit.council or 'unknown council'}, {hit.year or 'year unknown'}, {hit.framework or '-'}"
        section = hit.heading or hit.label
        if hit.parent_heading:
            section = f"{hit.parent_heading} › {section}"
        typer.echo(f"{rank:>2}. {hit.score:.2f}  {where}  [{hit.label}] {section} (p. {hit.page or '-'})")
        typer.echo(f"    {hit.snippet}")
        typer.echo(f"    {hit.path}")


@app.command("export")
@explained_errors()
def export_command(
    out_dir: Annotated[Optional[Path], typer.Argument(
        help="Folder to write csv/, parquet/ and xlsx/ into, replaced whole; refused unless it is new, empty "
             "or an export of this database.",
        show_default="OFSTED_EXPORT_DIR if set, else <database name>-exports beside the database: "
                     f"{_default_exports()}")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Write the analyst views as CSV, as Parquet partitioned by framework and year, and as Excel workbooks."""
    from outputs.export import export_views

    settings = get_settings()
    target = _export_dir(out_dir or settings.export_dir, db or settings.db_path)
    with _open_read_only(db) as store:
        exported = export_views(store.con, target)  # ExportRefused if the folder changed since it was checked
    for item in exported:
        sheets = f" ({item.sheets} sheets)" if item.sheets > 1 else ""
        typer.echo(f"{item.view:<20}{item.rows:>8} rows  {item.csv}  {item.parquet}/  {item.xlsx}{sheets}")


@app.command()
@explained_errors()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
    council: Annotated[Optional[str], typer.Option("--council", help="A council's name or alias; omit for every council.")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Write a self-contained HTML report: a council's latest inspection against its region and
    England, its inspections and the evidence; or every council in one sortable table."""
    from outputs.report import build_report

    with _open_read_only(db) as store:
        # links to documents are relative to where the page is written
        page = build_report(store.con, council, written_in=output.resolve().parent)  # UnknownCouncil: explained
    output.write_text(page, encoding="utf-8")
    stderr.print(f"wrote {output}", highlight=False, markup=False)


@app.command("eval")
def evaluate_command(
    predictions: Annotated[Path, typer.Argument(help="`extract --jsonl` output, or raw files/folder to extract now.")],
    gold: Annotated[Path, typer.Argument(help="Gold: a folder of *.json or a *.jsonl file.")],
    show_errors: Annotated[bool, typer.Option("--errors/--no-errors", help="List every error.")] = True,
):
    """Score extraction output against gold: precision, recall and F1 per field, errors listed."""
    from extractors.evaluation import evaluate, format_evaluation, load_gold, load_predictions

    with explained_errors():  # EvaluationInputError: a usage error
        if predictions.suffix == ".jsonl" and not predictions.is_dir():
            rows = load_predictions(predictions)
        else:
            from extractors.pipeline import extract_paths

            inputs = _find_inputs([predictions])
            rows = [result.to_json() for result in extract_paths([f.path for f in inputs.files],
                                                                 limits=get_settings().limits())]
        expected = load_gold(gold)
    typer.echo(format_evaluation(evaluate(rows, expected), show_errors=show_errors))


official_app = typer.Typer(help="Ofsted's own outcomes table: load an edition, set it beside the reports read.",
                            no_args_is_help=True)
app.add_typer(official_app, name="official")


@official_app.command("load")
@explained_errors()
def official_load(
    file: Annotated[Path, typer.Argument(help="Ofsted's \"Local authority inspection outcomes as at 31 March <year>\" "
                                              "(.ods as published, or .xlsx).")],
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file.", show_default=_default("db_path"))] = None,
):
    """Load an edition of Ofsted's outcomes table into official_outcomes, replacing that edition's rows.

    Prints one line: the edition, its rows, the councils matched to the register and any name that matched none. A file that cannot be read changes nothing (exit 2).
    """
    from models.official import read_official, store_official
    from models.store import Store

    settings = get_settings()
    table = read_official(file)  # OfficialTableError: explained, before the database is touched
    with Store.open_waiting(db or settings.db_path, settings.lock_wait_seconds) as store:
        store.load_register()  # the table's councils are matched through it
        summary = store_official(store, table)
        store.publish_snapshot()  # `official diff` reads the snapshot, as every reader does
    typer.echo(summary.format())


@official_app.command("diff")
@explained_errors()
def official_diff(
    status: Annotated[Optional[list[str]], typer.Option(
        "--status", help="Only rows of this status: agree, disagree, only_ours, only_official (repeat for several).")] = None,
    council: Annotated[Optional[str], typer.Option(
        help="Only this council (a name or alias, or its start); its predecessors' rows count too.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per row instead.")] = False,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (read through its snapshot).",
                                               show_default=_default("db_path"))] = None,
):
    """Compare the latest edition of Ofsted's table loaded with the inspections read from the reports.

    Each pair agrees or disagrees (the areas named, with our evidence), or is only ours or only Ofsted's. Only the inspections and visits of the edition's coverage are compared (ILACS, 2018 on), for the councils the database holds reports of.
    """
    from models.councils import council_gss_codes, resolve_councils
    from models.official import RECONCILIATION_STATUSES, editions, format_reconciliation, reconcile

    wrong = sorted(set(status or ()) - set(RECONCILIATION_STATUSES))
    if wrong:
        die(f"--status {', '.join(wrong)}: give one of {', '.join(RECONCILIATION_STATUSES)}", ExitCode.USAGE)
    with _open_read_only(db) as store:
        if not editions(store.con):
            die(f"no edition of Ofsted's outcomes table in {store.path}: run `ofsted official load FILE.ods` first",
                ExitCode.USAGE)
        codes = council_gss_codes(store.con, resolve_councils(store.con, council)) if council else None
        rows = reconcile(store.con, status or (), codes)  # UnknownCouncil: explained
    if as_json:
        for row in rows:
            emit(json.dumps(row, default=str, ensure_ascii=False))
        return
    for line in format_reconciliation(rows):
        emit(line)


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
