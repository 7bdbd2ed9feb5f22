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
from .vocabulary import HEADED_AREAS, JUDGED_DOC_TYPES, NUMBERED_SCALES, WORDS_ONLY_SCALE, word_scores


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
}


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
    return checks


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
