"""OCR for pages that have no text layer: render with PDFium, read with the tesseract CLI.

The tesseract binary is called directly (image on stdin, TSV on stdout) rather than through
pytesseract so that ``OMP_THREAD_LIMIT=1`` can be set for that one process: on these 2-core
machines tesseract's OpenMP threads make a page take 11-13 s instead of 5 s.
"""
from __future__ import annotations

import csv
import functools
import io
import logging
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keep PIL and pypdfium2 out of import time for callers that never OCR
    import pypdfium2
    from PIL import Image

log = logging.getLogger(__name__)

OCR_DPI = 300
LANGUAGE = "eng"
# A page larger than A3 is scaled down so that its bitmap stays below ~60 MB (grayscale).
MAX_PIXELS_PER_SIDE = 7000
TESSERACT_TIMEOUT_S = 300
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-eng"


class OcrError(RuntimeError):
    """tesseract ran but failed (crash, time-out, unreadable output)."""


@functools.cache
def tesseract_available() -> bool:
    """True when the tesseract binary runs and has the English language data."""
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        result = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as err:
        log.warning("tesseract found at %s but does not run: %s", binary, err)
        return False
    # tesseract 4 printed the list on stderr, 5 prints it on stdout.
    languages = (result.stdout + result.stderr).split()
    if LANGUAGE not in languages:
        log.warning("tesseract has no %r language data: %s", LANGUAGE, INSTALL_HINT)
        return False
    return True


def render_page(page: pypdfium2.PdfPage, dpi: int = OCR_DPI) -> Image.Image:
    """Render a PDF page to a grayscale PIL image at ``dpi`` (capped for oversized pages)."""
    width, height = page.get_size()  # PDF units, 1/72 inch
    scale = min(dpi / 72, MAX_PIXELS_PER_SIDE / max(width, height, 1))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        # to_pil() shares the bitmap's buffer: copy before the bitmap is freed.
        return bitmap.to_pil().convert("L")
    finally:
        bitmap.close()


def ocr_image(image: Image.Image, dpi: int = OCR_DPI) -> tuple[str, float]:
    """OCR an image: (text with one line per recognised line, mean word confidence 0-100)."""
    tsv = _run_tesseract(_png_bytes(image), dpi)
    return _text_and_confidence(tsv)


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Level 1: tesseract takes seconds per page, so fast encoding beats small output.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _run_tesseract(png: bytes, dpi: int) -> str:
    binary = shutil.which("tesseract") or "tesseract"
    command = [binary, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(dpi), "tsv"]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        result = subprocess.run(
            command, input=png, capture_output=True, env=env,
            timeout=TESSERACT_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise OcrError(f"tesseract took more than {TESSERACT_TIMEOUT_S} s") from err
    except OSError as err:
        raise OcrError(f"tesseract could not be started: {err}") from err
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise OcrError(f"tesseract exited {result.returncode}: {stderr[-300:]}")
    return result.stdout.decode("utf-8", "replace")


def _text_and_confidence(tsv: str) -> tuple[str, float]:
    """Join tesseract's TSV words into lines; average the confidence of the words kept."""
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    confidences: list[float] = []
    # QUOTE_NONE: a recognised word may itself be a lone quotation mark.
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(word)
        confidence = float(row["conf"])
        if confidence >= 0:
            confidences.append(confidence)
    text = "\n".join(" ".join(words) for words in lines.values())
    mean = round(sum(confidences) / len(confidences), 2) if confidences else 0.0
    return text, mean
