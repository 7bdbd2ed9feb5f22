"""Errors raised for documents that cannot be read.

Each names the file and says why, and where it can, what to do about it. The pipeline records
them per document (``error`` in JSON Lines, the ``failures`` table) and carries on.
"""
from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
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
