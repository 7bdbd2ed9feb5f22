"""From a file to a ``DocumentResult``: read and clean the file, then run the spaCy pipeline
(``extractors.language``: classify, split sections, find councils, entities, judgements, people).

``Extractor`` builds the spaCy pipeline and loads the council register once; build one per
worker process and feed it many documents. A document that cannot be read gets a result with
``error`` set and nothing else, so a batch always goes on.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from models.register import Register

from . import PIPELINE_VERSION
from .cleaning import clean_pages
from .errors import DocumentError, ExtractionTimedOut, FileTooLarge
from .limits import Deadline, Limits
from .reading import digest_file, file_digest, read_pages
from .records import DocumentResult

log = logging.getLogger(__name__)

# How long past the time limit a worker may go before it is killed: its own alarm should have
# stopped the document at the limit, unless it is stuck inside a C library that never returns.
HARD_TIMEOUT_GRACE_SECONDS = 30
LEAD_ROLE_RE = re.compile(r"\b(lead|reporting) inspector\b", re.IGNORECASE)


class Extractor:
    """Holds the spaCy pipeline and the register; ``extract`` one path at a time."""

    def __init__(self, register: Register | None = None, *, ocr: bool = True, limits: Limits | None = None):
        from .language import load_pipeline

        self.register = register or Register.default()
        self.ocr = ocr
        self.limits = limits or Limits()
        # Whole documents in one doc, up to the text limit (checked before tokenizing, so spaCy's
        # own length error is never reached). spaCy's default of 1,000,000 characters is sized
        # for its parser and NER; this pipeline tokenizes and runs rules only: 5 MB of text
        # peaks at about 400 MiB. Chunks would cut entities and people's roles at their edges.
        self.nlp = load_pipeline(self.register, max_length=self.limits.max_text_chars)

    def extract(self, path: str | Path, data: bytes | None = None) -> DocumentResult:
        """Extract one document; errors are returned in the result, never raised.

        A document over a limit (``self.limits``) gets an error result and nothing else.
        """
        path = Path(path)
        deadline = self.limits.deadline(path)
        try:
            if data is None:
                data = self._read(path)
            else:
                self.limits.check_file_size(path, len(data))
        except OSError as exc:
            return DocumentResult(path=str(path), doc_id="", error=f"{path}: cannot read file ({exc.strerror})",
                                  pipeline_version=PIPELINE_VERSION)
        except FileTooLarge as exc:
            doc_id = file_digest(data) if data is not None else _digest_or_empty(path)
            return DocumentResult(path=str(path), doc_id=doc_id, error=str(exc),
                                  pipeline_version=PIPELINE_VERSION, file_size=exc.size)
        # The id is the hash of the bytes extracted, not the one discovery planned with: a file
        # rewritten in between is stored under its own content. Hashing bytes in hand costs
        # 0.04 s over the 16.5 MB development corpus, 0.3% of extracting it.
        doc_id = file_digest(data)
        try:
            with deadline:
                result = self._extract(path, data, doc_id, deadline)
                deadline.check("finishing")  # also catches an alarm that a library caught and ignored
            return result
        except Exception as exc:
            if deadline.fired and not isinstance(exc, ExtractionTimedOut):
                exc = deadline.error()  # the alarm's exception was caught in a library and turned into another
            if isinstance(exc, DocumentError):
                return DocumentResult(path=str(path), doc_id=doc_id, error=str(exc),
                                      pipeline_version=PIPELINE_VERSION, file_size=len(data))
            # a bug must not stop the batch: report it against the file
            log.exception("unexpected error extracting %s", path)
            return DocumentResult(path=str(path), doc_id=doc_id,
                                  error=f"{path}: internal error ({type(exc).__name__}: {exc})",
                                  pipeline_version=PIPELINE_VERSION, file_size=len(data))

    def _read(self, path: Path) -> bytes:
        """The file's bytes; a file over the size limit is refused before it is read."""
        with path.open("rb") as handle:
            self.limits.check_file_size(path, os.fstat(handle.fileno()).st_size)
            data = handle.read(self.limits.max_file_bytes + 1)
        self.limits.check_file_size(path, len(data))  # it grew while it was read
        return data

    def extract_many(self, paths: Iterable[str | Path]) -> Iterator[DocumentResult]:
        for path in paths:
            yield self.extract(path)

    def _extract(self, path: Path, data: bytes, doc_id: str, deadline: Deadline) -> DocumentResult:
        deadline.check("reading")
        document = read_pages(path, data, ocr=self.ocr, limits=self.limits, deadline=deadline)
        self.limits.check_text(path, sum(len(page.text) for page in document.pages))
        deadline.check("cleaning")
        cleaned = clean_pages(document.pages, layout=document.layout)
        cleaned.boilerplate[:0] = document.furniture
        text = cleaned.text
        self.limits.check_text(path, len(text))  # cleaning joins pages: spaCy must never see more
        from .components.council import PATH_KEY
        from .components.sections import HEADINGS_KEY
        from .components.spans import DEADLINE_KEY
        from .entities import entities_from_doc, make_doc, people_from_doc

        deadline.check("tokenizing")
        doc = make_doc(self.nlp, text)
        doc.user_data[DEADLINE_KEY] = deadline  # each component checks it before its work
        doc.user_data[PATH_KEY] = str(path)  # a council never named in the text may be in the file's name
        doc.user_data[HEADINGS_KEY] = cleaned.headings
        doc = self.nlp(doc)
        del doc.user_data[DEADLINE_KEY]
        deadline.check("collecting entities and people")
        sections, judgements = doc._.sections, doc._.judgements
        entities, people = entities_from_doc(doc), people_from_doc(doc)
        cleaned.assign_pages([*sections, *judgements, *entities, *people])
        metadata = dict(doc._.report_metadata)
        if metadata and not metadata.get("lead_inspector"):
            # Older reports print no "Lead inspector:" line, only the team list with roles.
            lead = next((p for p in people if p.role and LEAD_ROLE_RE.search(p.role)), None)
            if lead:
                metadata["lead_inspector"] = lead.name
        document_date = doc._.document_date.isoformat() if doc._.document_date else metadata.get("published")
        return DocumentResult(
            path=str(path), doc_id=doc_id, doc_type=doc._.doc_type, framework=doc._.framework,
            local_authority=doc._.council, document_date=document_date, year=doc._.year,
            inspection_start=metadata.get("inspection_start"), inspection_end=metadata.get("inspection_end"),
            published=metadata.get("published"), lead_inspector=metadata.get("lead_inspector"),
            judgements=judgements, sections=sections, entities=entities, people=people,
            clean_text=text, pages=cleaned.pages, boilerplate=cleaned.boilerplate,
            pipeline_version=PIPELINE_VERSION, file_size=len(data), pdf_created=document.created,
        )


@lru_cache(maxsize=2)
def shared_extractor(ocr: bool = True, limits: Limits | None = None) -> Extractor:
    """One Extractor per process (its spaCy pipeline takes a second to build), reused by batches."""
    return Extractor(ocr=ocr, limits=limits)


def _start_worker(ocr: bool, limits: Limits | None) -> None:
    """A worker process: Ctrl-C is for the parent, which stops its workers itself."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    shared_extractor(ocr, limits)  # built as the worker starts, not on its first document


def _extract_in_worker(path: str, ocr: bool, limits: Limits | None = None) -> DocumentResult:
    return shared_extractor(ocr, limits).extract(path)


class ExtractorPool:
    """Worker processes that each build one Extractor and keep it for every document they get.

    Processes are spawned, not forked: the caller may be a multi-threaded orchestrator, and a
    spawned worker imports only the extraction code. A worker that dies (a crash in a PDF
    library, the kernel's out-of-memory killer) or overruns ``hard_timeout_seconds`` costs that
    one document an error result and is replaced; ``terminate`` stops every worker at once.
    """

    def __init__(self, workers: int, *, ocr: bool = True, limits: Limits | None = None):
        import multiprocessing

        from pebble import ProcessPool

        self.ocr = ocr
        self.limits = limits or Limits()
        self.hard_timeout_seconds = self.limits.max_seconds + HARD_TIMEOUT_GRACE_SECONDS
        self.pool = ProcessPool(max_workers=workers, initializer=_start_worker, initargs=(ocr, self.limits),
                                context=multiprocessing.get_context("spawn"))
        self.pending: set = set()  # futures not yet done, for terminate to cancel
        self.terminated = False

    def extract_many(self, paths: Iterable[str | Path]) -> Iterator[DocumentResult]:
        """Results in the order of the paths; none once the pool is terminated."""
        from concurrent.futures import CancelledError
        from concurrent.futures import TimeoutError as FutureTimeout

        from pebble import ProcessExpired

        paths = [str(p) for p in paths]
        if self.terminated:  # the run is stopping: nothing will load these results
            return
        futures = [self.pool.schedule(_extract_in_worker, (path, self.ocr, self.limits),
                                      timeout=self.hard_timeout_seconds)
                   for path in paths]
        for future in futures:
            self.pending.add(future)
            future.add_done_callback(self.pending.discard)
        for path, future in zip(paths, futures):
            try:
                yield future.result()
            except CancelledError:  # terminated while waiting
                return
            except FutureTimeout:
                yield _failed(path, f"extraction did not stop at the time limit and its worker was killed after "
                                    f"{self.hard_timeout_seconds:g} s (OFSTED_MAX_SECONDS_PER_DOCUMENT)")
            except ProcessExpired as exc:
                yield _failed(path, f"the extraction process died while reading it (exit code {exc.exitcode})")

    def close(self) -> None:
        """Let running documents finish, then stop the workers."""
        self.pool.close()
        self.pool.join()

    def terminate(self) -> None:
        """Stop every worker now; documents in hand are abandoned."""
        self.terminated = True
        self.pool.stop()
        # Stopping the pool leaves its queued futures unresolved: cancel them, so that every
        # thread waiting on one wakes up (with CancelledError) instead of waiting for ever.
        for future in list(self.pending):
            future.cancel()
        self.pool.join(timeout=10)

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:  # an error or an interruption: nothing waits for the documents in hand
            self.terminate()


def _failed(path: str, reason: str) -> DocumentResult:
    """The error result of a document whose worker could not return one."""
    return DocumentResult(path=path, doc_id=_digest_or_empty(path), error=f"{path}: {reason}",
                          pipeline_version=PIPELINE_VERSION)


def _digest_or_empty(path: str | Path) -> str:
    """The document id of a file read in chunks (it may be too large to hold), or "" if unreadable."""
    try:
        return digest_file(path)
    except OSError:
        return ""


def extract_paths(paths: Iterable[str | Path], *, workers: int = 1, ocr: bool = True,
                  limits: Limits | None = None) -> Iterator[DocumentResult]:
    """Extract documents in order, in this process or in ``workers`` processes (one pipeline each)."""
    paths = [str(p) for p in paths]
    if workers <= 1 or len(paths) <= 1:
        yield from shared_extractor(ocr, limits).extract_many(paths)
        return
    with ExtractorPool(workers, ocr=ocr, limits=limits) as pool:
        yield from pool.extract_many(paths)
