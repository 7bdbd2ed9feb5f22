"""Make an image-only ("scanned") copy of every PDF in a folder, to score the OCR route on real content.

Each page is rendered at 200 dpi in greyscale, turned by a small random angle and blurred a
little, as a scanner leaves it, and the pages are written as a PDF of images with no text
layer. The copies keep their paths relative to the source folder, so gold keyed by the last two
path components (``../shared/corpus/gold.jsonl``) scores them as it scores the originals:

    .venv/bin/python scripts/make_scanned_copies.py ../shared/corpus/pdf /tmp/scanned
    .venv/bin/ofsted extract /tmp/scanned --jsonl --workers 2 > scanned.jsonl
    python3 ../shared/tools/score.py scanned.jsonl ../shared/corpus/gold.jsonl

The angle of each page comes from a seeded generator: the same command makes the same files.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def scanned_pages(source: Path, *, dpi: int, max_degrees: float, blur: float, rng: random.Random,
                  max_pages: int | None = None) -> list[Image.Image]:
    """The pages of a PDF as greyscale images, each slightly turned and blurred."""
    document = pdfium.PdfDocument(str(source))
    try:
        pages = []
        for index in range(len(document) if max_pages is None else min(len(document), max_pages)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            image = image.rotate(rng.uniform(-max_degrees, max_degrees), resample=Image.BICUBIC,
                                 expand=False, fillcolor=255)
            pages.append(image.filter(ImageFilter.GaussianBlur(blur)) if blur else image)
        return pages
    finally:
        document.close()


FIXED_DATE = time.gmtime(946684800)  # 2000-01-01


def make_copy(source: Path, target: Path, *, dpi: int, max_degrees: float, blur: float, seed: int,
              max_pages: int | None = None) -> int:
    """Write the image-only copy of one PDF; returns its number of pages."""
    rng = random.Random(f"{seed}:{source.name}")
    pages = scanned_pages(source, dpi=dpi, max_degrees=max_degrees, blur=blur, rng=rng, max_pages=max_pages)
    if not pages:
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    # a fixed creation date: the same command makes the same bytes, whenever it runs
    pages[0].save(partial, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi,
                  creationDate=FIXED_DATE, modDate=FIXED_DATE)
    partial.replace(target)
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="folder of PDFs (searched recursively)")
    parser.add_argument("target", type=Path, help="folder to write the copies into")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--max-degrees", type=float, default=0.8, help="largest turn of a page, either way")
    parser.add_argument("--blur", type=float, default=0.6, help="Gaussian blur radius in pixels")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-pages", type=int, default=None, help="copy only the first pages of each PDF")
    args = parser.parse_args(argv)
    sources = sorted(args.source.rglob("*.pdf"))
    if not sources:
        print(f"{args.source}: no PDF files", file=sys.stderr)
        return 2
    failed = 0
    for source in sources:
        target = args.target / source.relative_to(args.source)
        try:
            pages = make_copy(source, target, dpi=args.dpi, max_degrees=args.max_degrees, blur=args.blur,
                              seed=args.seed, max_pages=args.max_pages)
        except pdfium.PdfiumError as exc:  # an unreadable source has no scanned copy
            failed += 1
            print(f"{source}: not copied ({exc})", file=sys.stderr)
            continue
        print(f"{target}\t{pages} pages")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
