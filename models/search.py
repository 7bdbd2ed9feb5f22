"""Full-text search over sections, ranked with BM25 (DuckDB's fts extension).

The index lives in the database: a table ``section_search`` (the rows of the ``section_text``
view) with an fts index over its heading and text. Ingestion rebuilds it after a load, only
when the stored documents changed (a fingerprint of their ids and pipeline versions is kept in
``search_index_info``), so a run over unchanged files changes nothing. A rebuild is one
transaction: killed or failed, it leaves the previous index searchable. The extension is loaded
from the ``duckdb-ext-fts`` wheel: nothing is downloaded and nothing is written to ``$HOME``.
"""
from __future__ import annotations

import bisect
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
            # Each section is indexed with its own text, up to its first nested section: a
            # chapter's words are found once, in the subsection that holds them.
            con.execute("""
                CREATE OR REPLACE TABLE section_search AS
                SELECT doc_id || ':' || section_no AS section_key, * EXCLUDE (text),
                       substr(text, 1, own_end_char - start_char) AS text
                FROM section_text""")
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
    page: int | None  # the page the matched words are on
    path: str
    snippet: str
    parent_heading: str | None = None  # the heading of the section this one is nested in


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9']+", query.lower()) if t not in STOPWORDS]


SUFFIX_RE = re.compile(r"(?:ations?|ings?|ments?|ed|es|s|ly)$")
SUFFIXES = r"(?:s|es|ed|d|ing|ings|er|ers|ly|ment|ments|ion|ions|ation|ations|ive|al)?"


def _stem(term: str) -> str:
    # A term and its inflections, as the index's stemmer reads them: "missing" finds "missed",
    # "neglect" finds "neglected", "exploitation" finds "exploited"; "home" does not find "homeless".
    base = SUFFIX_RE.sub("", term)
    base = base if len(base) >= 3 else term
    return re.escape(base) + SUFFIXES + r"\b"


def phrases(query: str) -> list[str]:
    """The quoted phrases of a query: '"child sexual exploitation" missing' -> ['child sexual exploitation']."""
    return [p for p in re.findall(r'"([^"]+)"', query) if _terms(p)]


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase's words in order, each by its stem, across line breaks and stopwords."""
    words = re.findall(r"[a-z0-9']+", phrase.lower())
    return re.compile(r"\b" + r"\W+".join(_stem(w) if w not in STOPWORDS else re.escape(w) + r"\b" for w in words),
                      re.IGNORECASE)


def first_match(text: str, query: str, width: int = SNIPPET_CHARS) -> re.Match[str] | None:
    """Where the query is found in a text: its first phrase, else the first of its words with
    the most of the others near it."""
    for phrase in phrases(query):
        found = phrase_pattern(phrase).search(text)
        if found:
            return found
    terms = _terms(query)
    if not terms:
        return None
    patterns = [re.compile(r"\b" + _stem(t), re.IGNORECASE) for t in dict.fromkeys(terms)]
    found = sorted((m for p in patterns for m in p.finditer(text)), key=lambda m: m.start())
    best, best_count = None, 0
    for match in found:
        near = text[max(0, match.start() - width // 3):match.start() + width * 2 // 3]
        count = sum(bool(p.search(near)) for p in patterns)
        if count > best_count:
            best, best_count = match, count
            if count == len(patterns):
                break
    return best


def highlight(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """A window of the text around the query's phrase (else its first word), the phrase and the
    words marked **like this**."""
    terms = _terms(query)
    if not terms:
        return " ".join(text[:width].split())
    first = first_match(text, query)
    start = max(0, (first.start() if first else 0) - width // 3)
    window = " ".join(text[start:start + width].split())
    marks = [phrase_pattern(p) for p in phrases(query)] + [
        re.compile(r"\b(?:" + "|".join(_stem(t) for t in terms) + r")", re.IGNORECASE)]
    for mark in marks:
        window = _mark_outside_marks(window, mark)
    return ("…" if start else "") + window + ("…" if start + width < len(text) else "")


def _mark_outside_marks(text: str, pattern: re.Pattern[str]) -> str:
    """Mark a pattern's matches, leaving text already marked (a phrase) as it is."""
    parts = re.split(r"(\*\*.+?\*\*)", text)
    return "".join(part if part.startswith("**") else pattern.sub(lambda m: f"**{m.group(0)}**", part)
                   for part in parts)


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


class InvalidYearRange(InvalidSearch):
    def __init__(self, since: int, until: int):
        self.since, self.until = since, until
        super().__init__(f"--since {since} is after --until {until}: give the earlier year first.")


# BM25 favours short texts, and the short letters of 2005-2012 would crowd out the long reports
# analysts mostly want: a section's score grows by this share for each year after the first
# framework's, so a 2024 report's equal match outranks a 2006 letter's by about half.
RECENCY_PER_YEAR = 0.025
FIRST_YEAR = min(framework.first_year for framework in FRAMEWORKS.values())
# Candidates fetched for each hit wanted when a phrase must be found in the text: BM25 ranks by
# words, the phrase is checked after.
PHRASE_CANDIDATES = 20


def search(con: duckdb.DuckDBPyConnection, query: str, *, council: str | None = None,
           framework: str | None = None, section: str | None = None, since: int | None = None,
           until: int | None = None, limit: int = 10) -> list[Hit]:
    """Sections ranked by BM25 (with a lift for recent years) for a query, optionally of some
    councils, one framework, one section label or a range of years. A quoted phrase
    ('"agency social workers"') must appear as written (word stems in order).

    ``council`` is what ``resolve_councils`` accepts: a name or alias in any case, or the start
    of one; it finds the documents about those councils and about their predecessors.
    ``framework`` is one of FRAMEWORKS in any case; ``section`` a section label
    (``help_and_protection``: its nested sections too). Each hit's page is the page its matched words are on. Raises
    InvalidSearch or UnknownCouncil (with what to pass instead), or SearchUnavailable.
    """
    if not 1 <= limit <= MAX_HITS:
        raise HitLimitOutOfRange(limit)
    if since is not None and until is not None and since > until:
        raise InvalidYearRange(since, until)
    if not _has_index(con):
        raise SearchUnavailable("the database has no search index yet: run `ofsted ingest` to build it")
    load_fts(con)
    framework = framework_key(framework) if framework is not None else None
    gss_codes = council_gss_codes(con, resolve_councils(con, council)) if council is not None else None
    _check_terms(con, query)
    wanted = phrases(query)
    fetch = limit * PHRASE_CANDIDATES if wanted else limit
    # Filtered on the document's own council code, not on section_search.gss_code: that is
    # today's council, which for old Cheshire would also find every Cheshire East report.
    rows = con.execute(f"""
        SELECT score * (1 + {RECENCY_PER_YEAR} * greatest(coalesce(year, {FIRST_YEAR}) - {FIRST_YEAR}, 0)) AS ranked,
               council, year, framework, label, heading, page, path, text, doc_id, start_char, parent_heading FROM (
            SELECT *, fts_main_section_search.match_bm25(section_key, ?) AS score FROM section_search)
        WHERE score IS NOT NULL
          AND (?::VARCHAR[] IS NULL
               OR doc_id IN (SELECT doc_id FROM documents WHERE list_contains(?::VARCHAR[], la_gss_code)))
          AND (?::VARCHAR IS NULL OR framework = ?)
          AND (?::VARCHAR IS NULL OR label = ? OR parent_label = ?)
          AND (?::INTEGER IS NULL OR year >= ?)
          AND (?::INTEGER IS NULL OR year <= ?)
        ORDER BY ranked DESC, path, page
        LIMIT ?""", [query, gss_codes, gss_codes, framework, framework, section, section, section, since, since,
                     until, until, fetch]).fetchall()
    if wanted:
        rows = [row for row in rows if all(phrase_pattern(p).search(row[8]) for p in wanted)][:limit]
    pages = _page_starts(con, {row[9] for row in rows})
    hits = []
    for score, council_name, year, fw, label, heading, page, path, text, doc_id, start, parent in rows:
        found = first_match(text, query)
        if found is not None and doc_id in pages:
            page = _page_at(pages[doc_id], start + found.start()) or page
        hits.append(Hit(score, council_name, year, fw, label, heading, page, path, highlight(text, query), parent))
    return hits


def _page_starts(con: duckdb.DuckDBPyConnection, doc_ids: set[str]) -> dict[str, list[tuple[int, int]]]:
    """Each document's (start offset, page number) pairs, in order."""
    if not doc_ids:
        return {}
    starts: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, number in con.execute(
            "SELECT doc_id, start_char, page FROM pages WHERE list_contains(?::VARCHAR[], doc_id) "
            "ORDER BY doc_id, start_char", [sorted(doc_ids)]).fetchall():
        starts.setdefault(doc_id, []).append((start, number))
    return starts


def _page_at(starts: list[tuple[int, int]], offset: int) -> int | None:
    index = bisect.bisect_right([start for start, _ in starts], offset) - 1
    return starts[max(index, 0)][1] if starts else None
