"""Read a file into raw pages: text files decoded, PDFs through the PDF reader.

Text files arrive in UTF-8, UTF-16 (with or without a byte-order mark) and Windows cp1252; a
file's bytes decide, not its name, so a PDF saved as ``.txt`` is still read as a PDF.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BinaryDocument, EmptyDocument, UndecodableText, UnsupportedFileType
from .records import Boilerplate, RawPage

if TYPE_CHECKING:
    from .limits import Deadline, Limits

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
# Control characters other than tab, newline, carriage return and form feed: text has almost none.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
MAX_CONTROL_SHARE = 0.01


def file_digest(data: bytes) -> str:
    """The document id: the sha256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def digest_file(path: str | Path) -> str:
    """The document id of a file, read in chunks: a large file is never held whole."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no byte-order mark: NULs at every other byte."""
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    for nul_share, encoding in ((odd.count(0) / len(odd), "utf-16-le"), (even.count(0) / len(even), "utf-16-be")):
        if nul_share > 0.3:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            # Binary data with many NULs decodes too, as nonsense: real text is printable.
            printable = sum(ch.isprintable() or ch in "\t\n\r\f" for ch in text)
            return text if printable >= 0.95 * len(text) else None
    return None


def decode_text(data: bytes, path: str | Path) -> str:
    """Decode a text file's bytes, or raise a DocumentError saying why it cannot be text."""
    if not data.strip():
        raise EmptyDocument(path)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UndecodableText(path, f"UTF-16 byte-order mark but invalid UTF-16: {exc.reason}") from None
    utf16 = _utf16_without_bom(data[:65536])
    if utf16 is not None:
        return _utf16_without_bom(data) or utf16
    sample = data[:65536]
    control_share = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES) / len(sample)
    if control_share > MAX_CONTROL_SHARE:
        raise BinaryDocument(path, f"{control_share:.0%} of the first bytes are control characters")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UndecodableText(path, f"neither UTF-8 nor Windows-1252 (byte {exc.start})") from None


@dataclass(slots=True)
class ReadDocument:
    """A file's raw pages, whether they are laid out (PDF) rather than converted text, and the
    page furniture (running headers, footers, page numbers) already taken off them."""

    pages: list[RawPage]
    layout: bool
    furniture: list[Boilerplate] = field(default_factory=list)
    created: str | None = None  # a PDF's own CreationDate (ISO date)


def read_pages(path: Path, data: bytes, *, ocr: bool = True, limits: Limits | None = None,
               deadline: Deadline | None = None) -> ReadDocument:
    """Read a file's pages by what its bytes are; PDFs lose their page furniture here.

    A PDF over ``limits.max_pages`` is refused before any page is read; ``deadline`` is
    checked before each page.
    """
    suffix = path.suffix.lower()
    if is_pdf(data) or suffix in PDF_SUFFIXES:
        if not data.strip():
            raise EmptyDocument(path)
        from .furniture import strip_page_furniture  # PDF code loads only when a PDF is met
        from .pdf_reader import pdf_created, read_pdf

        pages = read_pdf(path, data=data, ocr=ocr, limits=limits, deadline=deadline)
        kept, furniture = strip_page_furniture([page.text.split("\n") for page in pages])
        for page, lines in zip(pages, kept):
            page.text = "\n".join(lines)
        return ReadDocument(pages, True, furniture, pdf_created(data))
    if suffix not in TEXT_SUFFIXES:
        raise UnsupportedFileType(path, f"suffix {suffix or '(none)'!r}")
    text = decode_text(data, path)
    # A form feed is a page break in converted text.
    return ReadDocument([RawPage(number=i, text=part) for i, part in enumerate(text.split("\f"), start=1)], False)
