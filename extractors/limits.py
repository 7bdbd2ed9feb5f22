"""Per-document limits on file size, pages, text length and extraction time.

A document over a limit gets an error result naming the measured value, the limit and the
setting that raises it; nothing of it is extracted, and the other documents go on. Each limit
is checked as soon as what it bounds is known, before the work it would make too costly: the
file size before the file is read, the page count before any page is, the text length before
cleaning and again before the text is tokenized, and the time throughout.

Why the defaults (measured with ``benchmarks/bench_scaling.py --maxima`` on the development
corpus ``shared/corpus/pdf`` and the sample texts, 56 documents, 1,118 pages):

- largest file 0.9 MB (a 2016 SIF report); scanned reports, which carry page images, are far
  larger per page, so the limit is 100 MB, more than 100 times the largest text-layer report;
- most pages 58 (Leeds 2015); the longest real reports run to about 80 pages: 1,000 pages;
- longest clean text 145,850 characters (the same report): 5,000,000 characters, 34 times as
  long, and as long as 1,000 pages at twice the densest real page (2,500 characters); spaCy
  holds such a document in about 400 MiB (peak RSS at 5 MB of text: 389-407 MiB);
- longest extraction under 1 s. Extraction costs 2.4-2.6 s per MB of text, so a text at the
  character limit takes about 13 s, but OCR takes 2 s a page on a quiet machine and up to 10 s
  on a busy one, so a fully scanned 80-page report needs 3 to 14 minutes: 1,800 s.
"""
from __future__ import annotations

import math
import re
import signal
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from types import FrameType

from models.errors import OfstedError

from .errors import ExtractionTimedOut, FileTooLarge, TextTooLong, TooManyPages

# Setting (environment variable) that sets each limit: flows/settings.py reads them.
SETTING_NAMES = {
    "max_file_bytes": "OFSTED_MAX_FILE_MB",
    "max_pages": "OFSTED_MAX_PAGES",
    "max_text_chars": "OFSTED_MAX_TEXT_CHARS",
    "max_seconds": "OFSTED_MAX_SECONDS_PER_DOCUMENT",
}


# The end of every limit error's message: what ``is_limit_error`` recognises in a stored error.
_LIMIT_ERROR_RE = re.compile(r", over the limit of [^()]+ \((?P<setting>OFSTED_MAX_[A-Z_]+)\)$")


def is_limit_error(message: str) -> bool:
    """Whether a recorded error is a limit's: the same file may pass once the limit is raised."""
    match = _LIMIT_ERROR_RE.search(message)
    return match is not None and match["setting"] in SETTING_NAMES.values()


class InvalidLimit(OfstedError, ValueError):
    """A limit that is not a positive number."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may cost; see the module docstring for why each default."""

    max_file_bytes: int = 100_000_000
    max_pages: int = 1_000
    max_text_chars: int = 5_000_000
    max_seconds: float = 1_800.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            whole = field.name != "max_seconds"
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
                raise InvalidLimit(f"{field.name} must be a {'whole ' if whole else ''}number, not {value!r}: "
                                   f"set {SETTING_NAMES[field.name]} to one")
            if not (value > 0 and math.isfinite(value)):
                raise InvalidLimit(f"{field.name} must be above 0, not {value!r}: "
                                   f"set {SETTING_NAMES[field.name]} to a positive number")

    def check_file_size(self, path: str | Path, size: int) -> None:
        if size > self.max_file_bytes:
            raise FileTooLarge(path, size, self.max_file_bytes, SETTING_NAMES["max_file_bytes"])

    def check_pages(self, path: str | Path, pages: int) -> None:
        if pages > self.max_pages:
            raise TooManyPages(path, pages, self.max_pages, SETTING_NAMES["max_pages"])

    def check_text(self, path: str | Path, chars: int) -> None:
        if chars > self.max_text_chars:
            raise TextTooLong(path, chars, self.max_text_chars, SETTING_NAMES["max_text_chars"])

    def deadline(self, path: str | Path) -> Deadline:
        return Deadline(path, self.max_seconds)


class Deadline:
    """The time limit of one document, as a context manager around its extraction.

    In the main thread an interval timer (``SIGALRM``) interrupts the extraction wherever it is
    when time runs out: Python code, and the ``re`` engine too, which checks for signals while it
    matches. Signals only reach the main thread, so elsewhere (ingestion runs batches on
    threads) ``check`` between stages and between pages is all there is: a stage already
    running is not stopped, and the text-length limit is what bounds a stage's time there.
    The previous ``SIGALRM`` handler and timer are put back on exit. A timer of the caller's
    that is due before this deadline is left running, and only ``check`` is used then.
    """

    def __init__(self, path: str | Path, seconds: float):
        self.path = path
        self.seconds = seconds
        self.stage = "starting"
        self.started = time.monotonic()
        self.fired = False  # the alarm went off (its exception may have been caught on the way)
        self._armed = False
        self._installed = False
        self._previous_handler: object = None
        self._previous_timer = (0.0, 0.0)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def expired(self) -> bool:
        return self.fired or self.elapsed() > self.seconds

    def check(self, stage: str) -> None:
        """Raise ``ExtractionTimedOut`` if the time is up; ``stage`` is what comes next."""
        if self.expired():
            raise self.error()
        self.stage = stage

    def error(self) -> ExtractionTimedOut:
        return ExtractionTimedOut(self.path, self.elapsed(), self.seconds, SETTING_NAMES["max_seconds"], self.stage)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self.fired = True
            raise self.error()

    def __enter__(self) -> Deadline:
        self.started = time.monotonic()
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return self
        if signal.getsignal(signal.SIGALRM) is None:
            return self  # a handler set outside Python could not be put back
        previous_timer = signal.getitimer(signal.ITIMER_REAL)
        if previous_timer[0] and previous_timer[0] <= self.seconds:
            return self  # the caller's timer comes first: leave it alone
        self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        self._previous_timer = previous_timer
        self._installed = self._armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._installed:
            return
        try:
            self._armed = False  # an alarm from here on is ignored
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous_handler)
            self._installed = False
            delay, interval = self._previous_timer
            if delay:
                # The caller's timer resumes with what was left of it (due now if it has passed).
                signal.setitimer(signal.ITIMER_REAL, max(delay - self.elapsed(), 1e-6), interval)
