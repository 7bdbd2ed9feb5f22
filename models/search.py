"""Full-text search over sections, ranked with BM25 (DuckDB's fts extension).

The index lives in the database: a table ``section_search`` (the rows of the ``section_text``
view) with an fts index over its heading and text. Ingestion rebuilds it after a load, only
when the stored documents changed (a fingerprint of their ids and pipeline versions is kept in
``search_index_info``), so a run over unchanged files changes nothing. A rebuild is one
transaction: killed or failed, it leaves the previous index searchable. The extension is loaded
from the ``duckdb-ext-fts`` wheel: nothing is downloaded and nothing is written to ``$HOME``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from models.councils import council_gss_codes, resolve_councils
from models.errors import OfstedError
from models.vocabulary import FRAMEWORKS
from models.vocabulary import framework_key as stored_framework

SNIPPET_CHARS = 220
MAX_HITS = 1000  # a page of hits a person reads; DuckDB's LIMIT would overflow past 2**63
STOPWORDS = frozenset("a an and are as at be by for from in is it of on or that the to was were with".split())


class SearchUnavailable(OfstedError, RuntimeError):
    """The database has no search index yet, or the fts extension cannot be loaded."""


class InvalidSearch(OfstedError, ValueError):
    """A search argument the index cannot answer; the message says what to pass instead."""


class UnknownFramework(InvalidSearch):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"No framework called {name!r}. Pass --framework with one of: "
                         f"{', '.join(FRAMEWORKS)} (in any case), or omit it for every framework.")


class QueryWithoutTerms(InvalidSearch):
    """The query is empty, or has only words the index does not keep."""

    def __init__(self, query: str):
        self.query = query
        if not query.strip():
            super().__init__('The query is empty. Give the words to look for, e.g. ofsted search "missing from home".')
        else:
            super().__init__(
                f"The query {query!r} has no word the index keeps: stopwords such as 'the' or 'about', "
                "numbers and punctuation are not indexed. Add a word of the text you are looking for.")


class HitLimitOutOfRange(InvalidSearch):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"--limit must be between 1 and {MAX_HITS}, not {limit}.")


class SearchIndexNotRebuilt(RuntimeError):
    """Rebuilding the index failed (a full disk, memory); the previous index is still in use."""

    def __init__(self, error: duckdb.Error):
        super().__init__(
            f"The search index was not rebuilt, and the previous index is kept (search finds the "
            f"documents as they were at the last good rebuild): {str(error).splitlines()[0]}. "
            "Free disk space or memory and run `ofsted ingest` again: it rebuilds the index.")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension shipped in the duckdb-ext-fts wheel."""
    try:
        import duckdb_ext
    except ImportError:  # pragma: no cover - the wheel is a dependency
        raise SearchUnavailable("full-text search needs the duckdb-ext-fts package: pip install 'duckdb-ext-fts==1.4.4.*'") from None
    directory = Path(next(iter(duckdb_ext.__path__))) / "extensions"
    con.execute("SET enable_progress_bar = false")  # index builds would draw on stdout
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET extension_directory = ?", [str(directory)])
    try:
        con.execute("LOAD fts")
    except duckdb.Error as exc:
        raise SearchUnavailable(f"cannot load DuckDB's fts extension from {directory}: {exc}") from None


def _has_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the fts index over ``section_search`` exists (it lives in a schema of its own)."""
    return con.execute("SELECT count(*) FROM information_schema.schemata "
                       "WHERE schema_name = 'fts_main_section_search'").fetchone()[0] > 0


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute(
        "SELECT coalesce(md5(string_agg(doc_id || ':' || coalesce(pipeline_version, ''), ',' ORDER BY doc_id)), '') "
        "FROM documents").fetchone()[0]


def refresh_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the section index if the stored documents changed; True if it was rebuilt.

    The new table, index and fingerprint appear together or not at all: a rebuild that is
    killed or fails leaves the previous index searchable (and raises SearchIndexNotRebuilt).
    """
    con.execute("CREATE TABLE IF NOT EXISTS search_index_info (fingerprint VARCHAR, built_at TIMESTAMP)")
    fingerprint = _fingerprint(con)
    stored = con.execute("SELECT max(fingerprint) FROM search_index_info").fetchone()[0]
    if stored == fingerprint and _has_index(con):
        return False
    load_fts(con)
    _rebuild_in_one_checkpointed_transaction(con, fingerprint)
    return True


def _rebuild_in_one_checkpointed_transaction(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    # Why one transaction and no staging table and swap: in DuckDB 1.4.4, PRAGMA
    # create_fts_index runs inside BEGIN ... COMMIT, and a ROLLBACK (or a kill before the COMMIT)
    # leaves the previous fts_main_section_search schema and its match_bm25 macro as they were.
    # Run statement by statement, the pragma drops that schema before building the new one: of
    # 10 SIGKILLs spread over a 10 s rebuild of 3,900 sections, 8 left "match_bm25 does not
    # exist" (the other 2 came before the pragma). In one transaction none of 45 kills did:
    # kills during the COMMIT left the old index, kills after it the new one.
    # Why checkpoint_threshold 0: a COMMIT written to the WAL (13 MB for 780 sections) and then
    # killed, or met by a full disk, before its checkpoint leaves a WAL that a read-only open
    # (`ofsted search`) cannot replay ("Failure while replaying WAL"). At 0 the COMMIT is itself
    # the checkpoint: the file holds the old index or the new one, and on a full disk the
    # COMMIT fails and DuckDB rolls the transaction back.
    threshold = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute("SET checkpoint_threshold = '0B'")
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("""
                CREATE OR REPLACE TABLE section_search AS
                SELECT doc_id || ':' || section_no AS section_key, * FROM section_text""")
            con.execute("PRAGMA create_fts_index('section_search', 'section_key', 'heading', 'text', "
                        "stemmer = 'english', stopwords = 'english', overwrite = 1)")
            con.execute("DELETE FROM search_index_info")
            con.execute("INSERT INTO search_index_info VALUES (?, current_timestamp)", [fingerprint])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")  # a COMMIT that fails has rolled the transaction back itself
    except duckdb.Error as exc:
        raise SearchIndexNotRebuilt(exc) from exc
    finally:
        con.execute("SET checkpoint_threshold = ?", [threshold])


@dataclass(slots=True)
class Hit:
    score: float
    council: str | None
    year: int | None
    framework: str | None
    label: str
    heading: str | None
    page: int | None
    path: str
    snippet: str


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9']+", query.lower()) if t not in STOPWORDS]


def highlight(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """A window of the text around the first query term, terms marked **like this**."""
    terms = _terms(query)
    if not terms:
        return " ".join(text[:width].split())
    # Match each term's stem loosely: "missing" finds "missing", "neglect" finds "neglected".
    pattern = re.compile(r"\b(" + "|".join(re.escape(t[:max(4, len(t) - 2)]) + r"\w*" for t in terms) + r")",
                         re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 3)
    window = text[start:start + width]
    window = " ".join(window.split())
    marked = pattern.sub(lambda m: f"**{m.group(0)}**", window)
    return ("…" if start else "") + marked + ("…" if start + width < len(text) else "")


def framework_key(name: str) -> str:
    """The framework as stored ("ILACS" -> "ilacs"); raises UnknownFramework."""
    key = stored_framework(name)
    if key is None:
        raise UnknownFramework(name)
    return key


def _check_terms(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise QueryWithoutTerms unless the index's own tokenizer keeps a word of the query."""
    if not query.strip():
        raise QueryWithoutTerms(query)
    # The index's tokenize macro and stopword table: the words match_bm25 itself would look up.
    kept = con.execute("""
        SELECT count(*) FROM (SELECT unnest(fts_main_section_search.tokenize(?)) AS term)
        WHERE term <> '' AND term NOT IN (SELECT sw FROM fts_main_section_search.stopwords)""",
                       [query]).fetchone()[0]
    if not kept:
        raise QueryWithoutTerms(query)


def search(con: duckdb.DuckDBPyConnection, query: str, *, council: str | None = None,
           framework: str | None = None, limit: int = 10) -> list[Hit]:
    """Sections ranked by BM25 for a query, optionally of some councils or one framework.

    ``council`` is what ``resolve_councils`` accepts: a name or alias in any case, or the start
    of one; it finds the documents about those councils and about their predecessors.
    ``framework`` is one of FRAMEWORKS in any case. Raises InvalidSearch or UnknownCouncil
    (with what to pass instead), or SearchUnavailable.
    """
    if not 1 <= limit <= MAX_HITS:
        raise HitLimitOutOfRange(limit)
    if not _has_index(con):
        raise SearchUnavailable("the database has no search index yet: run `ofsted ingest` to build it")
    load_fts(con)
    framework = framework_key(framework) if framework is not None else None
    gss_codes = council_gss_codes(con, resolve_councils(con, council)) if council is not None else None
    _check_terms(con, query)
    # Filtered on the document's own council code, not on section_search.gss_code: that is
    # today's council, which for old Cheshire would also find every Cheshire East report.
    rows = con.execute("""
        SELECT score, council, year, framework, label, heading, page, path, text FROM (
            SELECT *, fts_main_section_search.match_bm25(section_key, ?) AS score FROM section_search)
        WHERE score IS NOT NULL
          AND (?::VARCHAR[] IS NULL
               OR doc_id IN (SELECT doc_id FROM documents WHERE list_contains(?::VARCHAR[], la_gss_code)))
          AND (?::VARCHAR IS NULL OR framework = ?)
        ORDER BY score DESC, path, page
        LIMIT ?""", [query, gss_codes, gss_codes, framework, framework, limit]).fetchall()
    return [Hit(score, council_name, year, fw, label, heading, page, path, highlight(text, query))
            for score, council_name, year, fw, label, heading, page, path, text in rows]
