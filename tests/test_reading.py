"""Bad input: each kind of unreadable file gets a specific error naming the file."""
import pytest

from extractors.errors import BinaryDocument, EmptyDocument, UnsupportedFileType
from extractors.reading import decode_text, read_pages

TEXT = "Children’s services in Stockton-on-Tees are good."


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),  # with a byte-order mark
    TEXT.encode("utf-16-le"),  # without one
    TEXT.encode("utf-16-be"),
    TEXT.encode("cp1252"),
])
def test_text_encodings_decode(data):
    assert decode_text(data, "x.txt") == TEXT


@pytest.mark.parametrize("data, error, reason", [
    (b"", EmptyDocument, "file is empty"),
    (b"  \n\n \t ", EmptyDocument, "file is empty"),
    (bytes(range(256)) * 40, BinaryDocument, "file is binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 500, BinaryDocument, "file is binary"),
])
def test_unreadable_text_files(data, error, reason):
    with pytest.raises(error) as raised:
        decode_text(data, "data/raw/bad.txt")
    assert str(raised.value).startswith(f"data/raw/bad.txt: {reason}")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "report.docx"
    with pytest.raises(UnsupportedFileType, match="report.docx: unsupported file type"):
        read_pages(path, b"PK\x03\x04 zip bytes")


def test_form_feeds_are_page_breaks(tmp_path):
    document = read_pages(tmp_path / "a.txt", b"page one\fpage two")
    assert [(p.number, p.text) for p in document.pages] == [(1, "page one"), (2, "page two")]
    assert document.layout is False
