"""Time PDF reading over a corpus: bare pypdfium2 text vs iter_pdf_pages + strip_page_furniture.

    .venv/bin/python benchmarks/bench_pdf_read.py [CORPUS_DIR] [--only bare|reader] [--big 1500]

Prints pages, seconds and pages/s per method, and the process's peak RSS after each. Run each
method alone (--only) to see its own peak memory; --big also reads one long PDF made by
concatenating corpus files (in a child process per method), to check that memory does not grow
with page count.
"""
from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from extractors.errors import DocumentError
from extractors.furniture import strip_page_furniture
from extractors.pdf_reader import iter_pdf_pages

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "pdf"


def bare_pdfium(path: Path) -> int:
    """Text of every page with pypdfium2 and nothing else: the floor for the reader."""
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(document)
    finally:
        document.close()


def reader_and_furniture(path: Path, ocr: bool = True) -> int:
    pages = [page.text.split("\n") for page in iter_pdf_pages(path, ocr=ocr)]
    strip_page_furniture(pages)
    return len(pages)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(name: str, read: Callable[[Path], int], paths: list[Path]) -> None:
    pages = failed = 0
    start = time.perf_counter()
    for path in paths:
        try:
            pages += read(path)
        except (DocumentError, pdfium.PdfiumError):
            failed += 1
    seconds = time.perf_counter() - start
    rate = pages / seconds if seconds else float("inf")
    print(
        f"{name:<28} files {len(paths) - failed:>5} (failed {failed})  pages {pages:>6}  "
        f"{seconds:8.2f} s  {rate:8.1f} pages/s  peak RSS {peak_rss_mib():7.1f} MiB"
    )


def concatenated_pdf(paths: list[Path], min_pages: int, directory: Path) -> Path:
    """One PDF of at least ``min_pages`` pages made from the corpus files, repeated."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readable = []
    for path in paths:
        try:
            readable.append(PdfReader(str(path)))
        except Exception:  # the corpus holds a deliberately broken file
            continue
    while len(writer.pages) < min_pages:
        for reader in readable:
            writer.append(reader)
            if len(writer.pages) >= min_pages:
                break
    out = directory / f"big_{min_pages}.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())
    return out


def run_long_pdf(args: argparse.Namespace, directory: str) -> None:
    """Build the long PDF and time each method on it, each step in its own process.

    ru_maxrss survives fork and exec, so a child started after this process had built the PDF
    would report the build's memory as its own peak.
    """
    me = [sys.executable, __file__]
    subprocess.run([*me, str(args.corpus), "--build-long", str(args.big), directory], check=True)
    for key in [args.only] if args.only else ["bare", "reader"]:
        command = [*me, directory, "--only", key] + (["--no-ocr"] if args.no_ocr else [])
        subprocess.run(command, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", choices=["bare", "reader"], help="run one method only")
    parser.add_argument("--no-ocr", action="store_true", help="do not OCR image-only pages")
    parser.add_argument("--big", type=int, metavar="PAGES", help="also read one PDF this long")
    parser.add_argument("--build-long", nargs=2, metavar=("PAGES", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    paths = sorted(args.corpus.rglob("*.pdf"))
    if not paths:
        print(f"no PDFs under {args.corpus}", file=sys.stderr)
        return 1
    if args.build_long:
        big = concatenated_pdf(paths, int(args.build_long[0]), Path(args.build_long[1]))
        print(f"one long PDF: {big.stat().st_size / 2**20:.1f} MiB")
        return 0
    print(f"corpus {args.corpus.resolve()}: {len(paths)} files")
    methods: dict[str, Callable[[Path], int]] = {
        "bare": bare_pdfium,
        "reader": lambda path: reader_and_furniture(path, ocr=not args.no_ocr),
    }
    labels = {"bare": "pypdfium2 bare text", "reader": "iter_pdf_pages + furniture"}
    for key in [args.only] if args.only else ["bare", "reader"]:
        run(labels[key], methods[key], paths)
    if args.big:
        with tempfile.TemporaryDirectory() as directory:
            run_long_pdf(args, directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
