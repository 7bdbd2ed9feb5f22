"""Speed and memory of extraction and ingestion over a folder of documents.

Prints pages/s, documents/s and peak RSS for: bare text extraction with pdfium (the floor),
the full extraction pipeline (reading, cleaning, all rules), and extraction plus the DuckDB
writes that ingestion adds. Nothing is asserted: figures vary with the machine's load.

    .venv/bin/python benchmarks/bench_extract.py ../shared/corpus/pdf
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
from bench_pdf_read import bare_pdfium  # the same floor as the reader benchmark

from extractors.pipeline import Extractor
from extractors.discovery import find_inputs
from models.store import Store


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_text(files: list[Path]) -> tuple[int, float]:
    """Pages and seconds for pdfium's text layer alone."""
    pages = 0
    start = time.perf_counter()
    for path in files:
        try:
            pages += bare_pdfium(path)
        except pdfium.PdfiumError:
            continue
    return pages, time.perf_counter() - start


def extract_and_load(extractor: Extractor, files: list[Path], db: Path, batch: int) -> tuple[int, int, float, float]:
    """Pages, failed documents, seconds extracting and seconds writing batches to DuckDB."""
    pages = failed = 0
    extracting = writing = 0.0
    results = []
    with Store(db) as store:
        for path in files:
            start = time.perf_counter()
            result = extractor.extract(path)
            extracting += time.perf_counter() - start
            pages += len(result.pages)
            failed += bool(result.error)
            results.append(result)
            if len(results) >= batch or path == files[-1]:
                start = time.perf_counter()
                store.write_documents(results, run_id=None)
                writing += time.perf_counter() - start
                results = []
    return pages, failed, extracting, writing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("../shared/corpus/pdf"))
    parser.add_argument("--batch", type=int, default=20, help="documents per database transaction")
    args = parser.parse_args()
    files = [f.path for f in find_inputs([args.folder]).files]
    print(f"{len(files)} files under {args.folder}")

    floor_pages, floor_seconds = bare_text([f for f in files if f.suffix.lower() == ".pdf"])
    print(f"bare pdfium text:      {floor_pages} pages in {floor_seconds:.2f} s = {floor_pages / floor_seconds:.0f} pages/s")

    extractor = Extractor()
    extractor.extract(files[0])  # warm the rule caches once, as a long run would
    with tempfile.TemporaryDirectory() as tmp:
        pages, failed, seconds, writing = extract_and_load(extractor, files, Path(tmp) / "bench.duckdb", args.batch)
    print(f"extract:               {pages} pages, {len(files)} documents ({failed} failed) in {seconds:.2f} s = "
          f"{pages / seconds:.0f} pages/s, {len(files) / seconds:.1f} documents/s; "
          f"{seconds / floor_seconds:.1f}x bare text")
    print(f"DuckDB load:           {writing:.2f} s in batches of {args.batch}; "
          f"extract + load = {(seconds + writing) / seconds:.2f}x extract")
    print(f"peak RSS:              {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
