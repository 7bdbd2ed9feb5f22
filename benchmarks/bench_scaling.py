"""Extraction time and peak memory against text size and page count: does the cost stay linear?

    .venv/bin/python benchmarks/bench_scaling.py [--sizes 1 2 5 10 20] [--pages 100 500 1000 2000]
    .venv/bin/python benchmarks/bench_scaling.py --maxima ../shared/corpus/pdf data/raw

Texts are real documents repeated to each size: "samples" joins the sample and seed texts
(letters, minutes, news), "reports" joins the text layers of the corpus PDFs, one page per form
feed. PDFs are corpus PDFs concatenated to each page count, and each is also read with bare
pdfium (the floor, as in bench_pdf_read.py) in the same run. Every measurement runs in a child
process of its own, so its peak RSS is its own; the limits are raised for the run, since the
larger inputs are over the default ones. ``--maxima`` prints the largest file, page count, clean
text and extraction time of real documents: what the default limits are sized from.
Nothing is asserted: figures vary with the machine's load.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
DEFAULT_CORPUS = SHARED / "corpus" / "pdf"
TEXT_FOLDERS = (REPO / "data" / "raw", SHARED / "seeds", SHARED / "secondhand" / "raw")
WARM_UP = REPO / "data" / "raw" / "stockton_2009_provisional_rating.txt"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def unbounded_limits():
    from extractors.limits import Limits

    return Limits(max_file_bytes=10**10, max_pages=10**6, max_text_chars=10**9, max_seconds=10**6)


# --- inputs -------------------------------------------------------------------------------------

def corpus_pdfs(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("*.pdf"))


def sample_text() -> str:
    files = [f for folder in TEXT_FOLDERS if folder.is_dir() for f in sorted(folder.rglob("*.txt"))]
    return "\n\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


def report_text(corpus: Path) -> str:
    """The corpus PDFs' text layers, one page per form feed (a page break in a text file)."""
    import pypdfium2 as pdfium

    pages = []
    for path in corpus_pdfs(corpus):
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue  # the corpus holds a deliberately broken file
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        document.close()
    return "\f".join(pages)


def repeated(text: str, megabytes: float) -> str:
    size = int(megabytes * 1_000_000)
    return (text * (size // len(text) + 1))[:size]


# --- one measurement, in a child process --------------------------------------------------------

def measure_extraction(path: Path) -> dict:
    from extractors.pipeline import Extractor

    extractor = Extractor(limits=unbounded_limits())
    extractor.extract(WARM_UP)  # rule caches and vocabularies, as in a long run
    start = time.perf_counter()
    result = extractor.extract(path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss": peak_rss_mib(), "chars": len(result.clean_text), "pages": len(result.pages),
            "sections": len(result.sections), "error": result.error}


def measure_floor(path: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_pdf_read import bare_pdfium

    start = time.perf_counter()
    pages = bare_pdfium(path)
    return {"seconds": time.perf_counter() - start, "rss": peak_rss_mib(), "pages": pages}


def in_child(kind: str, path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


# --- reports --------------------------------------------------------------------------------

def text_scaling(sizes: list[float], corpus: Path, directory: Path) -> None:
    print("text size (MB) | family  | sections | seconds | s/MB | peak RSS (MiB)")
    for family, text in (("samples", sample_text()), ("reports", report_text(corpus))):
        for megabytes in sizes:
            path = directory / f"{family}_{megabytes:g}mb.txt"
            path.write_text(repeated(text, megabytes), encoding="utf-8")
            size = path.stat().st_size / 1e6
            row = in_child("extract", path)
            note = f"  ERROR {row['error']}" if row["error"] else ""
            print(f"{size:14.1f} | {family:<7} | {row['sections']:>8} | {row['seconds']:7.1f} | "
                  f"{row['seconds'] / size:4.2f} | {row['rss']:6.0f}{note}", flush=True)
            path.unlink()


def page_scaling(page_counts: list[int], corpus: Path, directory: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_pdf_read import concatenated_pdf

    print("pages | MB | floor s | floor pages/s | extract s | pages/s | x floor | s/1,000 pages | peak RSS (MiB)")
    for count in page_counts:
        path = concatenated_pdf(corpus_pdfs(corpus), count, directory)
        floor = in_child("floor", path)
        row = in_child("extract", path)
        pages = row["pages"]
        note = f"  ERROR {row['error']}" if row["error"] else ""
        print(f"{pages:5} | {path.stat().st_size / 1e6:4.1f} | {floor['seconds']:7.1f} | "
              f"{floor['pages'] / floor['seconds']:13.0f} | {row['seconds']:9.1f} | {pages / row['seconds']:7.0f} | "
              f"{row['seconds'] / floor['seconds']:7.1f} | {1000 * row['seconds'] / pages:13.1f} | "
              f"{row['rss']:6.0f}{note}", flush=True)
        path.unlink()


def maxima(folders: list[Path]) -> None:
    """The largest real documents, by each measure a limit bounds."""
    from extractors.pipeline import Extractor
    from extractors.reading import iter_input_files

    files = iter_input_files(folders)
    extractor = Extractor(limits=unbounded_limits())
    extractor.extract(WARM_UP)
    rows = []
    for path in files:
        start = time.perf_counter()
        result = extractor.extract(path)
        rows.append((path.stat().st_size, len(result.pages), len(result.clean_text), time.perf_counter() - start, path))
    print(f"{len(files)} documents, {sum(r[1] for r in rows):,} pages")
    for index, what, unit in ((0, "file size", "bytes"), (1, "pages", "pages"), (2, "clean text", "characters"),
                              (3, "extraction time", "s")):
        top = max(rows, key=lambda row: row[index])
        value = f"{top[index]:.2f}" if index == 3 else f"{top[index]:,}"
        print(f"largest {what:<16} {value:>12} {unit:<11} {top[4]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 2, 5, 10, 20], metavar="MB")
    parser.add_argument("--pages", type=int, nargs="*", default=[100, 500, 1000, 2000])
    parser.add_argument("--maxima", type=Path, nargs="+", metavar="FOLDER", help="only print the real documents' maxima")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, path = args.child
        print(json.dumps((measure_extraction if kind == "extract" else measure_floor)(Path(path))))
        return 0
    if args.maxima:
        maxima(args.maxima)
        return 0
    with tempfile.TemporaryDirectory() as directory:
        if args.sizes:
            text_scaling(args.sizes, args.corpus, Path(directory))
        if args.pages:
            page_scaling(args.pages, args.corpus, Path(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
