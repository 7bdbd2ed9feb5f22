"""Tests for extractors.pdf_reader: text pages, file problems, routing to OCR, laziness."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from extractors import pdf_reader
from extractors.errors import (
    CorruptPdf,
    DocumentError,
    EmptyDocument,
    EmptyPdf,
    EncryptedPdf,
    NotAPdf,
    OcrUnavailable,
)
from extractors.pdf_reader import iter_pdf_pages, normalise_text, read_pdf


def build_text_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF: one Helvetica text line per item, one page per list."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, lines in enumerate(pages):
        operators = ["BT /F1 12 Tf 14 TL 72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operators.append(f"({escaped}) Tj T*")
        operators.append("ET")
        stream = "\n".join(operators).encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def encrypt(source: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    # RC4: pypdf implements it itself (AES would need the cryptography package).
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


TWO_PAGES = [["Inspection of Kent", "Overall effectiveness: good"], ["Second page text"]]


def test_reads_text_pages_in_order(tmp_path):
    pages = read_pdf(write(tmp_path, "report.pdf", build_text_pdf(TWO_PAGES)))

    assert [page.number for page in pages] == [1, 2]
    assert pages[0].text == "Inspection of Kent\nOverall effectiveness: good"
    assert pages[1].text == "Second page text"
    assert {page.route for page in pages} == {"text"}
    assert all(page.ocr_confidence is None for page in pages)


def test_line_end_hyphens_become_hyphens(tmp_path):
    # PDFium reports "self-" at a line end as "self\ufffe" and joins the next line.
    lines = ["A self-", "assessment by high-", "quality staff"]
    path = write(tmp_path, "h.pdf", build_text_pdf([lines]))

    assert read_pdf(path)[0].text == "A self-assessment by high-quality staff"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("self\ufffeassessment", "self-assessment"),
        ("high\x02quality", "high-quality"),
        ("nul\x00here\x0c", "nulhere"),
        ("tab\there", "tab here"),
        ("trailing   \r\nspace ", "trailing\nspace"),
        ("\r\nfirst\r\n\r\nthird\r\n", "first\n\nthird"),
        ("keeps ‘quotes’ – and £", "keeps ‘quotes’ – and £"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("data", "error", "detail"),
    [
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>", NotAPdf, "HTML page"),
        (b"\xef\xbb\xbf  <html lang='en'>", NotAPdf, "HTML page"),
        (b"\x00\x01garbage bytes that are no document at all" * 10, NotAPdf, "not a %PDF- header"),
        (b"PK\x03\x04 rest of a zip", NotAPdf, "ZIP archive"),
        (b"", EmptyDocument, "0 bytes"),
    ],
    ids=["html", "html-bom", "garbage", "zip", "empty-file"],
)
def test_files_that_are_not_pdfs(tmp_path, data, error, detail):
    path = write(tmp_path, "bad.pdf", data)

    with pytest.raises(error) as raised:
        read_pdf(path)

    assert detail in str(raised.value)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.9])
def test_truncated_pdf_is_corrupt(tmp_path, fraction):
    data = build_text_pdf(TWO_PAGES)
    path = write(tmp_path, "cut.pdf", data[: int(len(data) * fraction)])

    with pytest.raises(CorruptPdf) as raised:
        read_pdf(path)

    assert str(path) in str(raised.value)
    assert "PDFium" in raised.value.detail


def test_errors_raise_before_the_first_page(tmp_path):
    # Opening is eager, so a caller learns about a bad file when it asks for the iterator.
    with pytest.raises(NotAPdf):
        iter_pdf_pages(write(tmp_path, "x.pdf", b"<html></html>"))


def test_encrypted_with_password_is_refused(tmp_path):
    path = write(tmp_path, "locked.pdf", encrypt(build_text_pdf(TWO_PAGES), "secret"))

    with pytest.raises(EncryptedPdf) as raised:
        read_pdf(path)

    assert str(path) in str(raised.value)


def test_encrypted_with_empty_password_is_read(tmp_path):
    path = write(tmp_path, "open.pdf", encrypt(build_text_pdf(TWO_PAGES), ""))

    pages = read_pdf(path)

    assert [page.text for page in pages] == [
        "Inspection of Kent\nOverall effectiveness: good",
        "Second page text",
    ]


def test_zero_pages(tmp_path):
    path = write(tmp_path, "empty.pdf", build_text_pdf([]))

    with pytest.raises(EmptyPdf) as raised:
        read_pdf(path)

    assert str(path) in str(raised.value)


def test_missing_header_is_read_through_pypdf(tmp_path):
    # PDFium refuses a file whose "%PDF-1.x" line is lost; pypdf still parses the body.
    data = build_text_pdf(TWO_PAGES)
    path = write(tmp_path, "headless.pdf", data[data.index(b"\n") + 1:])

    assert read_pdf(path)[1].text == "Second page text"


def test_all_errors_are_document_errors():
    for error in (NotAPdf, CorruptPdf, EncryptedPdf, EmptyPdf, OcrUnavailable, EmptyDocument):
        assert issubclass(error, DocumentError)


def test_iterator_is_lazy_on_a_many_page_pdf(tmp_path):
    count = 300
    pages = [[f"Paragraph on page {n}", "second line"] for n in range(1, count + 1)]
    path = write(tmp_path, "long.pdf", build_text_pdf(pages))

    iterator = iter_pdf_pages(path)
    first = next(iterator)
    assert first.number == 1 and first.text.startswith("Paragraph on page 1\n")

    rest = list(iterator)
    assert len(rest) == count - 1
    assert rest[-1].text == f"Paragraph on page {count}\nsecond line"
    assert [page.number for page in rest] == list(range(2, count + 1))


def test_abandoned_iterator_closes_document(tmp_path):
    path = write(tmp_path, "r.pdf", build_text_pdf(TWO_PAGES))

    iterator = iter_pdf_pages(path)
    next(iterator)
    iterator.close()  # runs the generator's finally: the PDFium document is closed

    assert read_pdf(path)[0].number == 1


def image_and_blank_pdf(tmp_path: Path) -> Path:
    """Page 1: an image only (a scan); page 2: blank; page 3: text."""
    scan = io.BytesIO()
    Image.new("L", (200, 100), 255).save(scan, format="PDF")
    writer = PdfWriter(clone_from=PdfReader(scan))
    writer.add_blank_page(width=612, height=792)
    for page in PdfReader(io.BytesIO(build_text_pdf([["Text page"]]))).pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return write(tmp_path, "mixed.pdf", out.getvalue())


def test_image_page_without_ocr_is_empty_ocr_route(tmp_path):
    pages = read_pdf(image_and_blank_pdf(tmp_path), ocr=False)

    assert [(page.route, page.text, page.ocr_confidence) for page in pages] == [
        ("ocr", "", None),
        ("text", "", None),
        ("text", "Text page", None),
    ]


def test_image_page_without_tesseract_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "tesseract_available", lambda: False)
    path = image_and_blank_pdf(tmp_path)

    with pytest.raises(OcrUnavailable) as raised:
        read_pdf(path)

    message = str(raised.value)
    assert str(path) in message
    assert "page 1" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in message


def test_blank_pages_do_not_need_tesseract(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "tesseract_available", lambda: False)
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)

    pages = read_pdf(write(tmp_path, "blank.pdf", out.getvalue()))

    assert [(page.text, page.route) for page in pages] == [("", "text")]


@pytest.mark.parametrize("damage", ["none", "no-header", "empty-password"])
def test_document_is_reopened_between_page_batches(tmp_path, monkeypatch, damage):
    # Reopening drops PDFium's object cache; it must work for files read via a pypdf copy too.
    monkeypatch.setattr(pdf_reader, "PAGES_PER_OPENING", 2)
    data = build_text_pdf([[f"page {n}"] for n in range(1, 8)])
    if damage == "no-header":
        data = data[data.index(b"\n") + 1:]
    elif damage == "empty-password":
        data = encrypt(data, "")

    pages = read_pdf(write(tmp_path, "batches.pdf", data))

    assert [page.text for page in pages] == [f"page {n}" for n in range(1, 8)]
