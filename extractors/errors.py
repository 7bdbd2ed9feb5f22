"""Errors raised for documents that cannot be read.

Each names the file and says why, and where it can, what to do about it. The pipeline records
them per document (``error`` in JSON Lines, the ``failures`` table) and carries on.
"""
from __future__ import annotations

from pathlib import Path

from models.errors import OfstedError


class PatternFileError(OfstedError, ValueError):
    """A rule file (``extractors/patterns/*.jsonl``) is malformed: the message names the file, the
    line (0: the file as a whole) and what is wrong, so a broken rule fails when it is loaded."""

    def __init__(self, path: str | Path, line: int, detail: str):
        self.path = str(path)
        self.line = line
        self.detail = detail
        super().__init__(f"{self.path}, line {line}: {detail}" if line else f"{self.path}: {detail}")


class DocumentError(OfstedError):
    """A document could not be read or processed; other documents are unaffected."""

    reason = "unreadable document"

    def __init__(self, path: str | Path, detail: str | None = None):
        self.path = str(path)
        self.detail = detail
        message = f"{self.path}: {self.reason}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class EmptyDocument(DocumentError):
    reason = "file is empty"


class BinaryDocument(DocumentError):
    reason = "file is binary, not text: expected a .txt text file or a PDF"


class UndecodableText(DocumentError):
    reason = "text is in an unknown encoding: save it as UTF-8"


class UnsupportedFileType(DocumentError):
    reason = "unsupported file type: expected .txt or .pdf"


class NotAPdf(DocumentError):
    reason = "file is named .pdf but is not a PDF"


class CorruptPdf(DocumentError):
    reason = "PDF is damaged or truncated and cannot be read"


class EncryptedPdf(DocumentError):
    reason = "PDF is encrypted with a password: save an unprotected copy"


class EmptyPdf(DocumentError):
    reason = "PDF has no pages"


class OcrUnavailable(DocumentError):
    reason = "page has no text layer and needs OCR, but tesseract is not installed"


class OcrFailed(DocumentError):
    reason = "page has no text layer and tesseract failed to read it"


class LimitExceeded(DocumentError):
    """A document is over one of the per-document limits (``extractors.limits.Limits``).

    The message names the measured value, the limit and the setting that raises it, as in
    ``big.txt: file is 200.0 MB, over the limit of 100 MB (OFSTED_MAX_FILE_MB)``.
    """

    def __init__(self, path: str | Path, *, measured: str, limit: str, setting: str):
        self.measured = measured
        self.limit = limit
        self.setting = setting
        self.reason = f"{measured}, over the limit of {limit}"
        super().__init__(path, setting)


class FileTooLarge(LimitExceeded):
    def __init__(self, path: str | Path, size: int, limit: int, setting: str):
        self.size = size
        measured = f"{size / 1e6:.1f} MB"
        if measured == f"{limit / 1e6:.1f} MB":
            measured = f"{size:,} bytes"  # "100.0 MB, over the limit of 100 MB" would say nothing
        super().__init__(path, measured=f"file is {measured}", limit=f"{limit / 1e6:g} MB", setting=setting)


class TooManyPages(LimitExceeded):
    def __init__(self, path: str | Path, pages: int, limit: int, setting: str):
        super().__init__(path, measured=f"PDF has {pages:,} pages", limit=f"{limit:,} pages", setting=setting)


class TextTooLong(LimitExceeded):
    def __init__(self, path: str | Path, chars: int, limit: int, setting: str):
        super().__init__(path, measured=f"text is {chars:,} characters", limit=f"{limit:,} characters",
                         setting=setting)


class ExtractionTimedOut(LimitExceeded):
    def __init__(self, path: str | Path, seconds: float, limit: float, setting: str, stage: str):
        self.stage = stage
        super().__init__(path, measured=f"extraction ran {seconds:.1f} s (stopped while {stage})",
                         limit=f"{limit:g} s", setting=setting)
