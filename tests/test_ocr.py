"""Tests for extractors.ocr and the OCR route of extractors.pdf_reader."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import ocr
from extractors.ocr import ocr_image, tesseract_available
from extractors.pdf_reader import read_pdf

SCAN_LINES = [
    "Inspection of Kent local authority",
    "Overall effectiveness is good",
    "Children in care are well supported",
]


def require_tesseract() -> None:
    """Skip without tesseract, except in CI where a missing binary must fail the run."""
    if tesseract_available():
        return
    message = "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def scanned_page(lines: list[str]) -> Image.Image:
    """An A4 page at 300 dpi with large black text, like a scanned report page."""
    font = ImageFont.load_default(size=56)
    if not isinstance(font, ImageFont.FreeTypeFont):
        pytest.skip("Pillow was built without FreeType: no scalable font to draw with")
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    for index, line in enumerate(lines):
        draw.text((250, 400 + index * 120), line, fill=0, font=font)
    return page


def scanned_pdf(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "scan.pdf"
    scanned_page(lines).save(path, format="PDF", resolution=300)
    return path


@pytest.mark.ocr
def test_scanned_pdf_is_read_by_ocr(tmp_path):
    require_tesseract()

    pages = read_pdf(scanned_pdf(tmp_path, SCAN_LINES))

    assert len(pages) == 1
    page = pages[0]
    assert page.route == "ocr"
    assert page.ocr_confidence is not None and page.ocr_confidence > 70
    assert page.text.splitlines() == SCAN_LINES


@pytest.mark.ocr
def test_ocr_image_returns_lines_and_confidence():
    require_tesseract()

    text, confidence = ocr_image(scanned_page(SCAN_LINES[:2]))

    assert text.splitlines() == SCAN_LINES[:2]
    assert 70 < confidence <= 100


@pytest.mark.ocr
def test_blank_image_gives_no_text():
    require_tesseract()

    assert ocr_image(Image.new("L", (800, 600), 255)) == ("", 0.0)


HEADER = "\t".join(
    "level page_num block_num par_num line_num word_num left top width height conf text".split()
)


def tsv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (tsv(), ("", 0.0)),
        (
            tsv(
                "1\t1\t0\t0\t0\t0\t0\t0\t9\t9\t-1\t",
                "5\t1\t1\t1\t1\t1\t0\t0\t9\t9\t90\tChildren",
                "5\t1\t1\t1\t1\t2\t0\t0\t9\t9\t80\tthrive",
                "5\t1\t1\t1\t2\t1\t0\t0\t9\t9\t70\tGood",
            ),
            ("Children thrive\nGood", 80.0),
        ),
        (
            tsv(
                "5\t1\t1\t1\t1\t1\t0\t0\t9\t9\t95\t\"quoted",
                "5\t1\t1\t1\t1\t2\t0\t0\t9\t9\t10\t ",
                "5\t1\t2\t1\t1\t1\t0\t0\t9\t9\t85\tnext",
            ),
            ('"quoted\nnext', 90.0),
        ),
    ],
    ids=["empty", "lines", "quote-and-blank-word"],
)
def test_tsv_is_joined_into_lines(data, expected):
    assert ocr._text_and_confidence(data) == expected


def test_tesseract_available_is_false_without_binary(monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    tesseract_available.cache_clear()
    try:
        assert tesseract_available() is False
    finally:
        tesseract_available.cache_clear()
