"""Data-quality checks run after each load, with warn and fail thresholds.

Each check measures one number over the whole database; its status is ``fail`` past the fail
threshold, ``warn`` past the warn threshold, else ``ok``. Results go to the ``quality_checks``
table (one row per check per run) and into the run's report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa

from .schema import arrow_schema
from .views import sql_list
from .inspections import OFSTED_DOC_TYPES
from .vocabulary import (
    FRAMEWORKS,
    HEADED_AREAS,
    JUDGED_DOC_TYPES,
    NUMBERED_SCALES,
    OFSTED_REPORT_DOC_TYPES,
    WORDS_ONLY_SCALE,
    word_scores,
)


@dataclass(frozen=True, slots=True)
class Threshold:
    """``higher_is_worse``: a value above the limits is bad (e.g. a count of errors)."""

    warn_at: float
    fail_at: float
    higher_is_worse: bool = True

    def status(self, value: float) -> str:
        if self.higher_is_worse:
            return "fail" if value > self.fail_at else "warn" if value > self.warn_at else "ok"
        return "fail" if value < self.fail_at else "warn" if value < self.warn_at else "ok"


THRESHOLDS_V1: dict[str, Threshold] = {
    # share of documents about a council (not "other") that no council was linked to
    "documents_without_council": Threshold(warn_at=0.0, fail_at=0.2),
    # judgements whose score is outside 1-4, or whose grade does not fit its scale
    "scores_out_of_range": Threshold(warn_at=0, fail_at=0),
    # the same judgement stored twice for one document
    "duplicate_judgements": Threshold(warn_at=0, fail_at=10),
    # documents stored twice under one doc_id, or one path under two doc_ids
    "duplicate_documents": Threshold(warn_at=0, fail_at=0),
    # share of a framework's reports and letters with at least one judgement
    "judgement_coverage": Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False),
    # a report's section heading states another grade than its judgement table for that area
    "heading_grade_disagreements": Threshold(warn_at=0, fail_at=10),
    # an Ofsted report, visit letter or APA/rating letter with no judgement: a gap in the data
    "reports_without_judgements": Threshold(warn_at=0, fail_at=0),
    # a document whose first page is an Ofsted report's (inspection dates, lead inspector) stored
    # as another type: its judgements are read as restatements, its inspection is missing
    "reports_typed_otherwise": Threshold(warn_at=0, fail_at=0),
    # an inspection and area whose Ofsted documents give two grades: which is the report's?
    "report_grade_conflicts": Threshold(warn_at=0, fail_at=0),
    # an inspection and area whose restatements (minutes, news, a later report) disagree with the
    # chosen grade: second-hand texts misquote, so this warns; many means a rule misreads them
    "restated_grade_conflicts": Threshold(warn_at=0, fail_at=20),
    # share of Ofsted documents' judgements given to another council than the document's (a
    # predecessor council's grade is one; many means the council rule misreads the reports)
    "judgements_of_another_council": Threshold(warn_at=0.0, fail_at=0.05),
    # documents linked to their council by a weak match (score below WEAK_COUNCIL_SCORE)
    "weak_council_links": Threshold(warn_at=0, fail_at=0.25),
    # judgements and inspections dated outside their framework's years
    "years_outside_framework": Threshold(warn_at=0, fail_at=0),
    # inspections on which Ofsted's own outcomes table (when one is loaded) gives another grade
    "official_disagreements": Threshold(warn_at=0, fail_at=0),
}
# A council link below this score is a guess (a name in a file path, a partial alias): the
# samples' and corpus's reports all link at 100; second-hand texts at 40-100.
WEAK_COUNCIL_SCORE = 80
# How many offending rows a check names in its detail (the view or query in docs/views.md lists all).
DETAIL_ROWS = 5


@dataclass(slots=True)
class QualityCheck:
    check_name: str
    scope: str
    value: float
    threshold: Threshold
    detail: str = ""

    @property
    def status(self) -> str:
        return self.threshold.status(self.value)


@dataclass(slots=True)
class QualityReport:
    run_id: int
    checks: list[QualityCheck] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {check.status for check in self.checks}
        return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "ok"

    def rows(self) -> list[tuple[str, str, float, str, str]]:
        return [(c.check_name, c.scope, c.value, c.status, c.detail) for c in self.checks]


def _score_sql(column: str) -> str:
    """SQL for the score of a heading's grade words ("requires improvement to be good" -> 2)."""
    cases = " ".join(f"WHEN '{words}' THEN {score}" for words, score in sorted(word_scores().items()))
    return f"CASE lower(trim(regexp_replace({column}, '[.:]', '', 'g'))) {cases} END"


def _scalar(con, sql: str, params: list | None = None) -> float:
    return float(con.execute(sql, params or []).fetchone()[0] or 0)


def measure(con, thresholds: dict[str, Threshold] = THRESHOLDS_V1) -> list[QualityCheck]:
    """Measure every check over the database behind a DuckDB connection."""
    checks = []
    judged = ", ".join(f"'{t}'" for t in JUDGED_DOC_TYPES)
    total, unlinked = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE la_gss_code IS NULL) FROM documents WHERE doc_type <> 'other'"
    ).fetchone()
    names = [r[0] for r in con.execute(
        "SELECT path FROM documents WHERE doc_type <> 'other' AND la_gss_code IS NULL ORDER BY path LIMIT 5").fetchall()]
    checks.append(QualityCheck("documents_without_council", "all", unlinked / total if total else 0.0,
                               thresholds["documents_without_council"],
                               f"{unlinked} of {total}" + (f": {', '.join(names)}" if names else "")))
    bad = _scalar(con, """
        SELECT count(*) FROM judgements
        WHERE score IS NULL OR score NOT BETWEEN 1 AND 4
           OR (scale = ? AND grade IS NOT NULL)
           OR (list_contains(?, scale) AND (grade IS NULL OR grade <> score))""",
                  [WORDS_ONLY_SCALE, list(NUMBERED_SCALES)])
    checks.append(QualityCheck("scores_out_of_range", "all", bad, thresholds["scores_out_of_range"],
                               f"{bad:.0f} judgements"))
    duplicates = _scalar(con, """
        SELECT count(*) FROM (
            SELECT doc_id, area, score, year, la_gss_code, start_char FROM judgements
            GROUP BY ALL HAVING count(*) > 1)""")
    checks.append(QualityCheck("duplicate_judgements", "all", duplicates, thresholds["duplicate_judgements"],
                               f"{duplicates:.0f} keys stored more than once"))
    documents = _scalar(con, """
        SELECT (SELECT count(*) - count(DISTINCT doc_id) FROM documents)
             + (SELECT count(*) - count(DISTINCT path) FROM documents)""")
    checks.append(QualityCheck("duplicate_documents", "all", documents, thresholds["duplicate_documents"],
                               f"{documents:.0f} repeated doc_id or path"))
    disagreements = con.execute(f"""
        WITH headings AS (
            SELECT s.doc_id, s.label AS area, s.grade, {_score_sql("s.grade")} AS score, d.path, d.la_gss_code
            FROM sections s JOIN documents d USING (doc_id)
            WHERE d.doc_type = 'inspection_report' AND s.grade IS NOT NULL AND s.label IN {sql_list(sorted(HEADED_AREAS))}
        )
        SELECT DISTINCT h.path, h.area, j.label, h.grade FROM headings h
        JOIN judgements j ON j.doc_id = h.doc_id AND j.area = h.area AND j.evidence <> 'heading'
         AND j.la_gss_code IS NOT DISTINCT FROM h.la_gss_code
        WHERE h.score IS NOT NULL AND j.score <> h.score
        ORDER BY 1, 2""").fetchall()
    checks.append(QualityCheck(
        "heading_grade_disagreements", "inspection_report", len(disagreements),
        thresholds["heading_grade_disagreements"],
        f"{len(disagreements)} areas" + ("".join(f"; {path}: {area} {table!r} in the table, {heading!r} in its heading"
                                              for path, area, table, heading in disagreements[:5]))))
    for framework, n_docs, n_judged in con.execute(f"""
            SELECT coalesce(d.framework, 'none'), count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id))
            FROM documents d WHERE d.doc_type IN ({judged}) GROUP BY 1 ORDER BY 1""").fetchall():
        checks.append(QualityCheck("judgement_coverage", framework, n_judged / n_docs,
                                   thresholds["judgement_coverage"], f"{n_judged} of {n_docs} documents"))
    checks += inspection_checks(con, thresholds)
    return checks


def _offenders(rows: list[tuple], total: int | None = None) -> str:
    """A check's detail: how many, then the first few offending rows."""
    count = f"{len(rows) if total is None else total}"
    named = "; ".join(" ".join(str(value) for value in row if value is not None) for row in rows[:DETAIL_ROWS])
    return count + (f": {named}" if named else "") + ("; ..." if len(rows) > DETAIL_ROWS else "")


def _check(name: str, scope: str, value: float, rows: list[tuple], thresholds: dict[str, Threshold],
           total: int | None = None) -> QualityCheck:
    return QualityCheck(name, scope, value, thresholds[name], _offenders(rows, total))


# A report's first page: its inspection dates and its lead inspector (every Ofsted report and
# visit letter of 2013-26 in the corpus prints both before its first section).
REPORT_FIRST_PAGE_CHARS = 2500
REPORT_FIRST_PAGE_SQL = (
    f"regexp_matches(substr(d.clean_text, 1, {REPORT_FIRST_PAGE_CHARS}), '(?i)\\binspection dates?\\s*:')"
    f" AND regexp_matches(substr(d.clean_text, 1, {REPORT_FIRST_PAGE_CHARS}), '(?i)\\b(lead|reporting) inspector\\b')")


def inspection_checks(con, thresholds: dict[str, Threshold] = THRESHOLDS_V1) -> list[QualityCheck]:
    """The checks of inspections: gaps, mistyped reports, conflicting grades, councils, years,
    and Ofsted's own table when one is loaded."""
    checks = []
    rows = con.execute(f"""
        SELECT d.path, d.doc_type FROM documents d
        WHERE d.doc_type IN {sql_list(JUDGED_DOC_TYPES)}
          AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id)
        ORDER BY d.path""").fetchall()
    checks.append(_check("reports_without_judgements", "all", len(rows), rows, thresholds))
    rows = con.execute(f"""
        SELECT d.path, 'typed ' || coalesce(d.doc_type, 'unknown') FROM documents d
        WHERE coalesce(d.doc_type, '') NOT IN {sql_list(OFSTED_REPORT_DOC_TYPES)} AND {REPORT_FIRST_PAGE_SQL}
        ORDER BY d.path""").fetchall()
    checks.append(_check("reports_typed_otherwise", "all", len(rows), rows, thresholds))
    ofsted = sql_list(OFSTED_DOC_TYPES)
    conflicts = con.execute(f"""
        SELECT inspection_id, area, chosen_label, chosen_evidence, other_label, other_evidence, other_document,
               other_doc_type IN {ofsted} AND other_rank < 5 AS own
        FROM judgement_conflicts ORDER BY inspection_id, area, other_document""").fetchall()
    own = [(i, f"{area}: {a!r} ({ae}) against {b!r} ({be})") for i, area, a, ae, b, be, _doc, is_own in conflicts
           if is_own]
    restated = [(i, f"{area}: {a!r} ({ae}) against {b!r} in {doc}") for i, area, a, ae, b, _be, doc, is_own
                in conflicts if not is_own]
    checks.append(_check("report_grade_conflicts", "all", len({r[0] for r in own}), own, thresholds))
    checks.append(_check("restated_grade_conflicts", "all", len(restated), restated, thresholds))
    total, rows = _another_council(con, ofsted)
    checks.append(_check("judgements_of_another_council", "ofsted_documents", len(rows) / total if total else 0.0,
                         rows, thresholds, total=len(rows)))
    n_linked, rows = _weak_links(con)
    checks.append(_check("weak_council_links", "all", len(rows) / n_linked if n_linked else 0.0, rows, thresholds,
                         total=len(rows)))
    rows = _years_outside(con)
    checks.append(_check("years_outside_framework", "all", len(rows), rows, thresholds))
    if con.execute("SELECT EXISTS (SELECT 1 FROM official_outcomes)").fetchone()[0]:
        rows = con.execute("""
            SELECT council, inspection_id, disagreements FROM reconciliation
            WHERE status = 'disagree' ORDER BY council, inspection_id""").fetchall()
        checks.append(_check("official_disagreements", "all", len(rows), rows, thresholds))
    return checks


def _another_council(con, ofsted: str) -> tuple[int, list[tuple]]:
    total = con.execute(f"""
        SELECT count(*) FROM judgements j JOIN documents d USING (doc_id) WHERE d.doc_type IN {ofsted}""").fetchone()[0]
    rows = con.execute(f"""
        SELECT d.path, j.area, j.label, 'given to ' || coalesce(j.local_authority, j.la_gss_code, 'no council')
        FROM judgements j JOIN documents d USING (doc_id)
        WHERE d.doc_type IN {ofsted} AND j.la_gss_code IS DISTINCT FROM d.la_gss_code
        ORDER BY d.path, j.start_char""").fetchall()
    return total, rows


def _weak_links(con) -> tuple[int, list[tuple]]:
    n_linked = con.execute("SELECT count(*) FROM documents WHERE la_gss_code IS NOT NULL").fetchone()[0]
    rows = con.execute("""
        SELECT path, la_name, 'score ' || la_match_score FROM documents
        WHERE la_gss_code IS NOT NULL AND la_match_score < ? ORDER BY la_match_score, path""",
                       [WEAK_COUNCIL_SCORE]).fetchall()
    return n_linked, rows


def _years_outside(con) -> list[tuple]:
    """Inspections (and the documents they come from) dated outside their framework's years."""
    cases = " ".join(f"WHEN '{f.key}' THEN year NOT BETWEEN {f.first_year} AND {f.last_year or 'year(current_date)'}"
                     for f in FRAMEWORKS.values())
    return con.execute(f"""
        SELECT inspection_id, framework, year FROM inspections
        WHERE year IS NOT NULL AND (CASE framework {cases} ELSE false END)
        ORDER BY inspection_id""").fetchall()


def check_quality(store, run_id: int, thresholds: dict[str, Threshold] = THRESHOLDS_V1) -> QualityReport:
    """Measure the checks after a run's load and store them in ``quality_checks``."""
    report = QualityReport(run_id, measure(store.con, thresholds))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    table = pa.Table.from_pylist([
        {"run_id": run_id, "check_name": c.check_name, "scope": c.scope, "value": c.value,
         "warn_at": c.threshold.warn_at, "fail_at": c.threshold.fail_at, "status": c.status,
         "detail": c.detail, "checked_at": now}
        for c in report.checks], schema=arrow_schema("quality_checks"))
    with store.transaction() as con:
        con.register("_quality_rows", table)
        try:
            con.execute("INSERT INTO quality_checks SELECT * FROM _quality_rows")
        finally:
            con.unregister("_quality_rows")
    return report
