"""The ``ofsted`` command line: ``extract``, ``ingest``, ``search``, ``export``, ``report`` and ``eval``.

Each command mirrors a library verb. Results go to stdout, progress and logs to stderr.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .settings import get_settings

app = typer.Typer(help="Turn Ofsted's judgements on councils' children's services into data.",
                  no_args_is_help=True, add_completion=False)
stderr = Console(stderr=True)


def progress_bar() -> Progress:
    """A progress bar on stderr (plain, and only at the end, when stderr is not a terminal)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=stderr, transient=True, disable=not stderr.is_terminal)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")] = False):
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


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
    from extractors.reading import iter_input_files

    files = iter_input_files(paths)
    failed = 0
    with progress_bar() as progress:
        task = progress.add_task("extracting", total=len(files))
        for result in extract_paths(files, workers=workers, ocr=ocr, limits=get_settings().limits()):
            failed += bool(result.error)
            if jsonl:
                sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(_summary_line(result) + "\n")
            sys.stdout.flush()
            progress.advance(task)
    if failed:
        stderr.print(f"{failed} of {len(files)} documents could not be read", highlight=False)
        raise typer.Exit(1)


def _summary_line(result) -> str:
    if result.error:
        return f"ERROR {result.error}"
    council = result.local_authority.name if result.local_authority else "-"
    # A judgement of another year than the document's (restated in minutes) shows its year.
    grades = ", ".join(f"{j.area}={j.score}" + (f" ({j.year})" if j.year != result.year else "")
                       for j in result.judgements) or "no judgements"
    return f"{result.path}\t{result.doc_type}\t{council}\t{result.year or '-'}\t{grades}"


@app.command()
def ingest(
    raw_dir: Annotated[Optional[Path], typer.Argument(help="Folder of raw documents. [default: data/raw]")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file. [default: data/processed/ofsted.duckdb]")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract documents even when unchanged.")] = False,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes for extraction.")] = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, help="Documents per extraction task.")] = None,
):
    """Run the ingestion flow: extract new and changed documents into the database."""
    settings = get_settings()
    from .ingest import ingest_flow  # imports Prefect: only this command pays for it
    from .runners import build_task_runner

    if workers:
        settings.workers = workers
    runner = build_task_runner(settings)
    db_path = db or settings.db_path
    summary = ingest_flow.with_options(task_runner=runner)(
        raw_dir=str(raw_dir or settings.raw_dir), db_path=str(db_path), force=force,
        batch_size=batch_size or settings.batch_size, ocr=settings.ocr, workers=settings.workers,
        lock_wait_seconds=settings.lock_wait_seconds,
        export_dir=str(settings.export_dir or Path(db_path).parent / "exports"))
    typer.echo(summary.format())
    if summary.n_failed:
        raise typer.Exit(1)


def _open_read_only(db: Path | None):
    """The database opened read-only, or a clean exit with the reason."""
    from models.errors import StoreError
    from models.store import Store

    path = db or get_settings().db_path
    try:
        return Store(path, read_only=True)
    except StoreError as exc:
        stderr.print(str(exc), highlight=False)
        raise typer.Exit(2) from None


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. \"missing from home\".")],
    council: Annotated[Optional[str], typer.Option(help="Only this council (name or its start).")] = None,
    framework: Annotated[Optional[str], typer.Option(help="Only this framework: apa, annual_rating, safeguarding_lac, sif, ilacs.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Hits to print.")] = 10,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file. [default: data/processed/ofsted.duckdb]")] = None,
):
    """Search the text of every section, ranked by BM25; matches are marked **like this**."""
    from models.search import SearchUnavailable
    from models.search import search as search_sections

    with _open_read_only(db) as store:
        try:
            hits = search_sections(store.con, query, council=council, framework=framework, limit=limit)
        except SearchUnavailable as exc:
            stderr.print(str(exc), highlight=False)
            raise typer.Exit(2) from None
    if not hits:
        stderr.print(f"no section matches {query!r}", highlight=False)
        raise typer.Exit(1)
    for rank, hit in enumerate(hits, start=1):
        where = f"{hit.council or 'unknown council'}, {hit.year or 'year unknown'}, {hit.framework or '-'}"
        section = hit.heading or hit.label
        typer.echo(f"{rank:>2}. {hit.score:.2f}  {where}  [{hit.label}] {section} (p. {hit.page or '-'})")
        typer.echo(f"    {hit.snippet}")
        typer.echo(f"    {hit.path}")


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write csv/ and parquet/ into (replaced whole).")],
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file. [default: data/processed/ofsted.duckdb]")] = None,
):
    """Write the analyst views as CSV and as Parquet partitioned by framework and year."""
    from models.export import export_views

    with _open_read_only(db) as store:
        exported = export_views(store.con, out_dir)
    for item in exported:
        typer.echo(f"{item.view:<20}{item.rows:>8} rows  {item.csv}  {item.parquet}/")


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
    council: Annotated[Optional[str], typer.Option("--council", help="A council's name or alias; omit for every council.")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file. [default: data/processed/ofsted.duckdb]")] = None,
):
    """Write a self-contained HTML report: timelines, latest inspection, grades and coverage."""
    from models.report import UnknownCouncil, build_report

    with _open_read_only(db) as store:
        try:
            page = build_report(store.con, council)
        except UnknownCouncil as error:
            stderr.print(str(error), highlight=False, markup=False)
            raise typer.Exit(1) from None
    output.write_text(page, encoding="utf-8")
    stderr.print(f"wrote {output}", highlight=False, markup=False)


@app.command("eval")
def evaluate_command(
    predictions: Annotated[Path, typer.Argument(help="`extract --jsonl` output, or raw files/folder to extract now.")],
    gold: Annotated[Path, typer.Argument(help="Gold: a folder of *.json or a *.jsonl file.")],
    show_errors: Annotated[bool, typer.Option("--errors/--no-errors", help="List every error.")] = True,
):
    """Score extraction output against gold: precision, recall and F1 per field, errors listed."""
    from extractors.scoring import evaluate, format_evaluation, load_gold

    if predictions.is_file() and predictions.suffix == ".jsonl":
        rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        from extractors.pipeline import extract_paths
        from extractors.reading import iter_input_files

        rows = [result.to_json() for result in extract_paths(iter_input_files([predictions]),
                                                             limits=get_settings().limits())]
    typer.echo(format_evaluation(evaluate(rows, load_gold(gold)), show_errors=show_errors))


if __name__ == "__main__":
    app()
