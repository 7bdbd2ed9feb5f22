"""From a file to a ``DocumentResult``: read, clean, classify, link, split and extract.

``Extractor`` builds the spaCy pipeline and loads the council register once; build one per
worker process and feed it many documents. A document that cannot be read gets a result with
``error`` set and nothing else, so a batch always goes on.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache, partial
from pathlib import Path

from . import PIPELINE_VERSION
from .classify import classify, find_report_metadata
from .cleaning import CleanText, clean_pages
from .errors import DocumentError
from .judgements import find_judgements
from .reading import file_digest, read_pages
from .records import DocumentResult, LocalAuthorityMatch
from .register import Register
from .sections import split_sections

log = logging.getLogger(__name__)

COUNCIL_HEAD_CHARS = 3000
LEAD_ROLE_RE = re.compile(r"\b(lead|reporting) inspector\b", re.IGNORECASE)  # councils named in the title and address block decide the document's


class Extractor:
    """Holds the spaCy pipeline and the register; ``extract`` one path at a time."""

    def __init__(self, register: Register | None = None, *, ocr: bool = True):
        import spacy

        from .entities import add_entity_components

        self.register = register or Register.default()
        self.ocr = ocr
        self.nlp = spacy.blank("en")
        self.nlp.max_length = 20_000_000  # whole reports in one doc; the rules are linear
        add_entity_components(self.nlp, self.register)

    def extract(self, path: str | Path, data: bytes | None = None) -> DocumentResult:
        """Extract one document; errors are returned in the result, never raised."""
        path = Path(path)
        try:
            data = path.read_bytes() if data is None else data
        except OSError as exc:
            return DocumentResult(path=str(path), doc_id="", error=f"{path}: cannot read file ({exc.strerror})",
                                  pipeline_version=PIPELINE_VERSION)
        doc_id = file_digest(data)
        try:
            return self._extract(path, data, doc_id)
        except DocumentError as exc:
            return DocumentResult(path=str(path), doc_id=doc_id, error=str(exc),
                                  pipeline_version=PIPELINE_VERSION, file_size=len(data))
        except Exception as exc:  # a bug must not stop the batch: report it against the file
            log.exception("unexpected error extracting %s", path)
            return DocumentResult(path=str(path), doc_id=doc_id,
                                  error=f"{path}: internal error ({type(exc).__name__}: {exc})",
                                  pipeline_version=PIPELINE_VERSION, file_size=len(data))

    def extract_many(self, paths: Iterable[str | Path]) -> Iterator[DocumentResult]:
        for path in paths:
            yield self.extract(path)

    def _extract(self, path: Path, data: bytes, doc_id: str) -> DocumentResult:
        document = read_pages(path, data, ocr=self.ocr)
        cleaned = clean_pages(document.pages, layout=document.layout)
        cleaned.boilerplate[:0] = document.furniture
        text = cleaned.text
        kind = classify(text)
        metadata = find_report_metadata(text) if kind.doc_type in (
            "inspection_report", "focused_visit", "monitoring_visit") else {}
        year = kind.year or (int(metadata["inspection_end"][:4]) if metadata.get("inspection_end") else None)
        council = self.link_council(text, year)
        sections = split_sections(text, kind.doc_type)
        for section in sections:
            section.page = cleaned.page_at(section.start)
        judgements = find_judgements(text, sections, doc_type=kind.doc_type, framework=kind.framework,
                                     year=year, council=council)
        for judgement in judgements:
            judgement.page = cleaned.page_at(judgement.start)
        entities, people = self.find_entities(cleaned, year)
        if metadata and not metadata.get("lead_inspector"):
            # Older reports print no "Lead inspector:" line, only the team list with roles.
            lead = next((p for p in people if p.role and LEAD_ROLE_RE.search(p.role)), None)
            if lead:
                metadata["lead_inspector"] = lead.name
        document_date = kind.document_date.isoformat() if kind.document_date else metadata.get("published")
        return DocumentResult(
            path=str(path), doc_id=doc_id, doc_type=kind.doc_type, framework=kind.framework,
            local_authority=council, document_date=document_date, year=year,
            inspection_start=metadata.get("inspection_start"), inspection_end=metadata.get("inspection_end"),
            published=metadata.get("published"), lead_inspector=metadata.get("lead_inspector"),
            judgements=judgements, sections=sections, entities=entities, people=people,
            clean_text=text, pages=cleaned.pages, boilerplate=cleaned.boilerplate,
            pipeline_version=PIPELINE_VERSION, file_size=len(data),
        )

    def link_council(self, text: str, year: int | None) -> LocalAuthorityMatch | None:
        """The council the document is about: the one named most in its head, then anywhere."""
        for scope in (text[:COUNCIL_HEAD_CHARS], text):
            mentions = self.register.find_in_text(scope, year=year)
            if mentions:
                counts = Counter(match.gss_code for _, _, match in mentions)
                first = {}
                for start, _, match in mentions:
                    first.setdefault(match.gss_code, (start, match))
                best = max(counts, key=lambda gss: (counts[gss], -first[gss][0]))
                return first[best][1]
        return None

    def find_entities(self, cleaned: CleanText, year: int | None):
        from .entities import entities_from_doc, make_doc, people_from_doc

        doc = make_doc(self.nlp, cleaned.text, year)
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        entities = entities_from_doc(doc)
        people = people_from_doc(doc)
        for item in (*entities, *people):
            if item.start is not None:
                item.page = cleaned.page_at(item.start)
        return entities, people


@lru_cache(maxsize=2)
def shared_extractor(ocr: bool = True) -> Extractor:
    """One Extractor per process (its spaCy pipeline takes a second to build), reused by batches."""
    return Extractor(ocr=ocr)


def _start_worker(ocr: bool) -> None:
    """A worker process: Ctrl-C is for the parent, which stops its workers itself."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    shared_extractor(ocr)  # built as the worker starts, not on its first document


def _extract_in_worker(path: str, ocr: bool) -> DocumentResult:
    return shared_extractor(ocr).extract(path)


class ExtractorPool:
    """Worker processes that each build one Extractor and keep it for every document they get.

    Processes are spawned, not forked: the caller may be a multi-threaded orchestrator, and a
    spawned worker imports only the extraction code. A worker that dies (a crash in a PDF
    library, the kernel's out-of-memory killer) or overruns ``hard_timeout_seconds`` costs that
    one document an error result and is replaced; ``terminate`` stops every worker at once.
    """

    def __init__(self, workers: int, *, ocr: bool = True, hard_timeout_seconds: float | None = None):
        import multiprocessing

        from pebble import ProcessPool

        self.ocr = ocr
        self.hard_timeout_seconds = hard_timeout_seconds
        self.pool = ProcessPool(max_workers=workers, initializer=_start_worker, initargs=(ocr,),
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
        futures = [self.pool.schedule(_extract_in_worker, (path, self.ocr), timeout=self.hard_timeout_seconds)
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
                yield _failed(path, f"extraction took longer than {self.hard_timeout_seconds:g} s and was stopped")
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
    try:
        data = Path(path).read_bytes()
    except OSError:
        data = None
    return DocumentResult(path=path, doc_id=file_digest(data) if data is not None else "",
                          error=f"{path}: {reason}", pipeline_version=PIPELINE_VERSION,
                          file_size=len(data) if data is not None else None)


def extract_paths(paths: Iterable[str | Path], *, workers: int = 1, ocr: bool = True) -> Iterator[DocumentResult]:
    """Extract documents in order, in this process or in ``workers`` processes (one pipeline each)."""
    paths = [str(p) for p in paths]
    if workers <= 1 or len(paths) <= 1:
        yield from shared_extractor(ocr).extract_many(paths)
        return
    with ExtractorPool(workers, ocr=ocr) as pool:
        yield from pool.extract_many(paths)
