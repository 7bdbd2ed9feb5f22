"""The data-quality checks: thresholds both ways, each check's ok / warn / fail on a small database."""
from __future__ import annotations

import pytest

from extractors.records import DocumentResult, Judgement, LocalAuthorityMatch, PageSpan, Section
from models.quality import (
    THRESHOLDS_V1,
    QualityCheck,
    QualityReport,
    Threshold,
    check_quality,
    measure,
)
from models.store import Store

STOCKTON = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)
# The inspection checks scoped to the whole database ("official_disagreements" runs only when
# Ofsted's table is loaded; "judgements_of_another_council" is scoped to Ofsted's documents).
INSPECTION_CHECKS = ("reports_without_judgements", "reports_typed_otherwise", "report_grade_conflicts",
                     "restated_grade_conflicts", "weak_council_links", "years_outside_framework")


# -- Threshold.status -----------------------------------------------------------------------

@pytest.mark.parametrize("threshold, value, expected", [
    # higher is worse: above warn_at warns, above fail_at fails; the limits themselves are fine
    (Threshold(warn_at=0, fail_at=10), 0, "ok"),
    (Threshold(warn_at=0, fail_at=10), 1, "warn"),
    (Threshold(warn_at=0, fail_at=10), 10, "warn"),
    (Threshold(warn_at=0, fail_at=10), 11, "fail"),
    (Threshold(warn_at=0, fail_at=0), 0, "ok"),
    (Threshold(warn_at=0, fail_at=0), 1, "fail"),
    (Threshold(warn_at=0.0, fail_at=0.2), 0.1, "warn"),
    (Threshold(warn_at=0.0, fail_at=0.2), 0.25, "fail"),
    # lower is worse: below warn_at warns, below fail_at fails
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 1.0, "ok"),
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 0.95, "ok"),
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 0.9, "warn"),
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 0.5, "warn"),
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 0.49, "fail"),
    (Threshold(warn_at=0.95, fail_at=0.5, higher_is_worse=False), 0.0, "fail"),
])
def test_threshold_status(threshold, value, expected):
    assert threshold.status(value) == expected


def test_report_status_is_the_worst_check():
    t = Threshold(warn_at=0, fail_at=10)
    assert QualityReport(1).status == "ok"
    assert QualityReport(1, [QualityCheck("a", "all", 0, t)]).status == "ok"
    assert QualityReport(1, [QualityCheck("a", "all", 0, t), QualityCheck("b", "all", 5, t)]).status == "warn"
    report = QualityReport(1, [QualityCheck("a", "all", 5, t), QualityCheck("b", "all", 50, t, "x")])
    assert report.status == "fail"
    assert report.rows() == [("a", "all", 5, "warn", ""), ("b", "all", 50, "fail", "x")]


# -- measure() on a small database ----------------------------------------------------------

def judgement(score=3, scale="rating_1to4", grade=3, area="overall", start=10):
    return Judgement(area=area, label="Performs well", scale=scale, grade=grade, score=score, year=2009,
                     local_authority=None, evidence="table", text="Performs well (3)", start=start,
                     end=start + 17, page=1)


def document(n, *, doc_type="annual_rating_letter", framework="annual_rating", council=STOCKTON,
             judgements=None):
    return DocumentResult(
        path=f"raw/doc{n}.txt", doc_id=f"doc{n:04d}", doc_type=doc_type, framework=framework,
        local_authority=council, year=2009, clean_text="x" * 40, pages=[PageSpan(1, 0, 40)],
        judgements=[judgement()] if judgements is None else judgements, pipeline_version="test")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "q.duckdb") as store:
        yield store


def by_name(checks, name, scope="all"):
    [check] = [c for c in checks if c.check_name == name and c.scope == scope]
    return check


def test_a_clean_database_passes_every_check(store):
    store.write_documents([document(n) for n in range(4)] + [document(9, doc_type="other", council=None,
                                                                      framework=None, judgements=[])])
    store.rebuild_inspections()
    checks = measure(store.con)
    assert {(c.check_name, c.scope): c.status for c in checks} == {
        ("documents_without_council", "all"): "ok", ("scores_out_of_range", "all"): "ok",
        ("duplicate_judgements", "all"): "ok", ("duplicate_documents", "all"): "ok",
        ("judgement_coverage", "annual_rating"): "ok", ("heading_grade_disagreements", "inspection_report"): "ok",
        **{(name, "all"): "ok" for name in INSPECTION_CHECKS},
        ("judgements_of_another_council", "ofsted_documents"): "ok"}
    assert by_name(checks, "judgement_coverage", "annual_rating").value == 1.0


def test_an_empty_database_passes(store):
    checks = measure(store.con)
    assert all(c.status == "ok" for c in checks)
    assert not [c for c in checks if c.check_name == "judgement_coverage"]


@pytest.mark.parametrize("n_linked, n_unlinked, status", [
    (10, 0, "ok"),
    (9, 1, "warn"),  # 10%: past warn (0), within fail (20%)
    (4, 1, "warn"),  # 20% is the fail limit itself
    (3, 1, "fail"),  # 25%
])
def test_documents_without_council(store, n_linked, n_unlinked, status):
    docs = [document(n) for n in range(n_linked)]
    docs += [document(100 + n, council=None) for n in range(n_unlinked)]
    # a document about nothing in particular ("other") needs no council and is not counted
    docs.append(document(999, doc_type="other", council=None, framework=None, judgements=[]))
    store.write_documents(docs)
    check = by_name(measure(store.con), "documents_without_council")
    assert check.value == pytest.approx(n_unlinked / (n_linked + n_unlinked))
    assert check.status == status
    assert check.detail.startswith(f"{n_unlinked} of {n_linked + n_unlinked}")
    if n_unlinked:
        assert "raw/doc100.txt" in check.detail


@pytest.mark.parametrize("bad, status", [
    (judgement(), "ok"),
    (judgement(scale="ofsted_4point", grade=None, score=2), "ok"),
    (judgement(scale="apa_1to4", grade=4, score=4), "ok"),
    (judgement(scale="ofsted_4point", grade=2, score=2), "fail"),  # a 4-point judgement has no grade
    (judgement(scale="rating_1to4", grade=5, score=5), "fail"),  # score outside 1-4
    (judgement(scale="ofsted_4point", grade=None, score=0), "fail"),
    (judgement(scale="apa_1to4", grade=None, score=3), "fail"),  # a 1-4 scale needs its grade
    (judgement(scale="apa_1to4", grade=2, score=3), "fail"),  # grade and score disagree
])
def test_scores_out_of_range(store, bad, status):
    store.write_documents([document(1), document(2, judgements=[bad])])
    check = by_name(measure(store.con), "scores_out_of_range")
    assert check.status == status
    assert check.value == (0 if status == "ok" else 1)


@pytest.mark.parametrize("copies, status", [(0, "ok"), (1, "warn"), (10, "warn"), (11, "fail")])
def test_duplicate_judgements(store, copies, status):
    """Keys stored twice (inserted directly with SQL, as a buggy writer would)."""
    store.write_documents([document(n, judgements=[judgement(start=5), judgement(area="leadership", start=50)])
                           for n in range(12)])
    for n in range(copies):
        store.con.execute("INSERT INTO judgements SELECT * FROM judgements WHERE doc_id = ? AND area = 'overall'",
                          [f"doc{n:04d}"])
    check = by_name(measure(store.con), "duplicate_judgements")
    assert check.value == copies
    assert check.status == status


def test_duplicate_documents(store):
    store.write_documents([document(1), document(2)])
    assert by_name(measure(store.con), "duplicate_documents").status == "ok"
    # doc_id is the primary key: the same path under two doc_ids is what can slip in
    store.con.execute("INSERT INTO documents (doc_id, path, doc_type) VALUES ('other-id', 'raw/doc1.txt', 'other')")
    check = by_name(measure(store.con), "duplicate_documents")
    assert (check.value, check.status) == (1, "fail")


@pytest.mark.parametrize("judged, unjudged, status", [
    (20, 0, "ok"),
    (19, 1, "ok"),  # 95% is the warn limit itself
    (18, 2, "warn"),
    (10, 10, "warn"),  # 50% is the fail limit itself
    (9, 11, "fail"),
    (0, 3, "fail"),
])
def test_judgement_coverage(store, judged, unjudged, status):
    docs = [document(n) for n in range(judged)]
    docs += [document(100 + n, judgements=[]) for n in range(unjudged)]
    store.write_documents(docs)
    check = by_name(measure(store.con), "judgement_coverage", "annual_rating")
    assert check.value == pytest.approx(judged / (judged + unjudged))
    assert check.status == status
    assert check.detail == f"{judged} of {judged + unjudged} documents"


def test_judgement_coverage_is_per_framework(store):
    docs = [document(n, framework="apa", doc_type="apa_letter") for n in range(4)]
    docs += [document(10 + n, framework="ilacs", doc_type="inspection_report",
                      judgements=[] if n else None) for n in range(3)]
    # no framework: reported under "none"; documents of an unjudged type are left out
    docs.append(document(20, framework=None, doc_type="inspection_report"))
    docs.append(document(21, framework="ilacs", doc_type="cabinet_minutes", judgements=[]))
    docs.append(document(22, framework="ilacs", doc_type="other", council=None, judgements=[]))
    store.write_documents(docs)
    coverage = {c.scope: (round(c.value, 3), c.status) for c in measure(store.con)
                if c.check_name == "judgement_coverage"}
    assert coverage == {"apa": (1.0, "ok"), "ilacs": (0.333, "fail"), "none": (1.0, "ok")}


def test_custom_thresholds(store):
    store.write_documents([document(1), document(2, council=None)])
    lenient = dict(THRESHOLDS_V1, documents_without_council=Threshold(warn_at=0.6, fail_at=0.9))
    assert by_name(measure(store.con), "documents_without_council").status == "fail"
    assert by_name(measure(store.con, lenient), "documents_without_council").status == "ok"


# -- check_quality() stores its rows --------------------------------------------------------

def test_check_quality_stores_one_row_per_check_per_run(store):
    store.write_documents([document(1), document(2, judgements=[judgement(score=5, grade=5)]),
                           document(3, council=None, judgements=[])])
    first = check_quality(store, run_id=7)
    assert first.run_id == 7
    assert first.status == "fail"
    rows = store.con.execute("SELECT run_id, check_name, scope, value, warn_at, fail_at, status, detail "
                             "FROM quality_checks ORDER BY check_name, scope").fetchall()
    assert [(r[1], r[2], r[6]) for r in rows] == [
        ("documents_without_council", "all", "fail"),
        ("duplicate_documents", "all", "ok"),
        ("duplicate_judgements", "all", "ok"),
        ("heading_grade_disagreements", "inspection_report", "ok"),
        ("judgement_coverage", "annual_rating", "warn"),
        ("judgements_of_another_council", "ofsted_documents", "ok"),
        # doc1 and doc2 are two letters of Stockton's 2009 rating, grading it 3 and 5
        ("report_grade_conflicts", "all", "fail"),
        # doc3 is a rating letter with no judgement
        ("reports_typed_otherwise", "all", "ok"),
        ("reports_without_judgements", "all", "fail"),
        ("restated_grade_conflicts", "all", "ok"),
        ("scores_out_of_range", "all", "fail"),
        ("weak_council_links", "all", "ok"),
        ("years_outside_framework", "all", "ok"),
    ]
    assert {r[0] for r in rows} == {7}
    scores = [r for r in rows if r[1] == "scores_out_of_range"][0]
    assert scores[3:6] == (1.0, 0.0, 0.0)
    assert sorted(first.rows()) == sorted((r[1], r[2], r[3], r[6], r[7]) for r in rows)
    assert store.con.execute("SELECT count(*) FROM quality_checks WHERE checked_at IS NULL").fetchone()[0] == 0

    check_quality(store, run_id=8)
    counts = store.con.execute("SELECT run_id, count(*) FROM quality_checks GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [(7, 13), (8, 13)]


@pytest.mark.parametrize("heading_grade, status, detail", [
    ("Requires improvement to be good", "ok", "0 areas"),
    ("good", "warn", "1 areas; raw/doc1.txt: care_leavers 'Requires improvement to be good' in the table, "
                     "'good' in its heading"),
])
def test_a_heading_that_disagrees_with_the_table_is_reported(store, heading_grade, status, detail):
    """The table stays the judgement; a heading stating another grade for its area is reported."""
    table = Judgement(area="care_leavers", label="Requires improvement to be good", scale="ofsted_4point", grade=None,
                      score=2, year=2023, local_authority="Stockton-on-Tees", evidence="table", text="...", start=0,
                      end=3, la_gss_code=STOCKTON.gss_code, framework="ilacs")
    report = document(1, doc_type="inspection_report", framework="ilacs", judgements=[table])
    report.sections = [Section("care_leavers", f"The experiences and progress of care leavers: {heading_grade}",
                               5, 30, page=1, level=2, grade=heading_grade)]
    store.write_documents([report])
    check = by_name(measure(store.con), "heading_grade_disagreements", "inspection_report")
    assert (check.status, check.detail) == (status, detail)


# -- the inspection checks: each one's ok and its failure, with the offending rows named -----

HALTON = LocalAuthorityMatch("Halton", "E06000006", "876", 100.0)
REPORT_FIRST_PAGE = ("Inspection of Stockton-on-Tees local authority children's services\n\n"
                     "Inspection dates: 6 to 17 March 2023\n\nLead inspector: Jane Smith, His Majesty's Inspector\n")


def ilacs(area="overall", label="Good", score=3, evidence="table", year=2023, council=STOCKTON, start=0):
    return Judgement(area=area, label=label, scale="ofsted_4point", grade=None, score=score, year=year,
                     local_authority=council.name, evidence=evidence, text=f"{area}: {label}", start=start,
                     end=start + 10, la_gss_code=council.gss_code, framework="ilacs")


def report(n, judgements, *, doc_type="inspection_report", council=STOCKTON, text=REPORT_FIRST_PAGE,
           year=2023, framework="ilacs"):
    return DocumentResult(
        path=f"raw/report{n}.pdf", doc_id=f"rep{n:04d}", doc_type=doc_type, framework=framework,
        local_authority=council, year=year, clean_text=text, pages=[PageSpan(1, 0, len(text))],
        inspection_start="2023-03-06" if doc_type == "inspection_report" else None,
        inspection_end="2023-03-17" if doc_type == "inspection_report" else None,
        judgements=judgements, pipeline_version="test")


WEAK = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 40.0)

INSPECTION_CHECK_CASES = [
    # (check, scope, documents, status, words the detail must hold)
    ("reports_without_judgements", "all", [report(1, [ilacs()])], "ok", "0"),
    ("reports_without_judgements", "all", [report(1, [ilacs()]), report(2, [])], "fail", "1: raw/report2.pdf"),
    ("reports_typed_otherwise", "all", [report(1, [ilacs()])], "ok", "0"),
    # South Gloucestershire's report was typed as minutes: its first page gives it away
    ("reports_typed_otherwise", "all", [report(1, [ilacs()], doc_type="council_minutes")], "fail",
     "1: raw/report1.pdf typed council_minutes"),
    # minutes that mention the lead inspector print no inspection dates
    ("reports_typed_otherwise", "all",
     [report(1, [ilacs()], doc_type="council_minutes", text="Minutes. The lead inspector thanked staff.")], "ok", "0"),
    ("report_grade_conflicts", "all", [report(1, [ilacs(), ilacs(evidence="prose", start=50)])], "ok", "0"),
    # one report giving its overall effectiveness two grades: the table is chosen, the prose reported
    ("report_grade_conflicts", "all",
     [report(1, [ilacs(), ilacs(label="Inadequate", score=1, evidence="prose", start=50)])], "fail",
     "1: E06000004/ilacs_standard/2023-03-06 overall: 'Good' (table) against 'Inadequate' (prose)"),
    # minutes misquoting the report's grade: a restatement's conflict warns
    ("restated_grade_conflicts", "all",
     [report(1, [ilacs()]), report(2, [ilacs(label="Inadequate", score=1, evidence="prose")],
                                   doc_type="council_minutes", text="Minutes of the meeting")], "warn",
     "1: E06000004/ilacs_standard/2023-03-06 overall: 'Good' (table) against 'Inadequate' in raw/report2.pdf"),
    ("judgements_of_another_council", "ofsted_documents", [report(1, [ilacs()])], "ok", "0"),
    # Cumberland's report recalling Cumbria's grade is Cumbria's; half a report's grades is too many
    ("judgements_of_another_council", "ofsted_documents",
     [report(1, [ilacs(), ilacs(label="Inadequate", score=1, council=HALTON, year=2019, start=50)])], "fail",
     "1: raw/report1.pdf overall Inadequate given to Halton"),
    ("weak_council_links", "all", [report(n, [ilacs()]) for n in range(5)], "ok", "0"),
    ("weak_council_links", "all", [report(1, [ilacs()], council=WEAK)] + [report(n, [ilacs()]) for n in range(2, 6)],
     "warn", "1: raw/report1.pdf Stockton-on-Tees score 40.0"),
    ("weak_council_links", "all", [report(1, [ilacs()], council=WEAK)], "fail", "1: raw/report1.pdf"),
    ("years_outside_framework", "all", [report(1, [ilacs()])], "ok", "0"),
    # an APA letter dated 2011: APA ran 2005-08
    ("years_outside_framework", "all",
     [report(1, [Judgement(area="overall", label="Good", scale="apa_1to4", grade=3, score=3, year=2011,
                           local_authority="Stockton-on-Tees", evidence="prose", text="good", start=0, end=4,
                           la_gss_code="E06000004", framework="apa")],
             doc_type="apa_letter", framework="apa", year=2011, text="Annual performance assessment")],
     "fail", "1: E06000004/apa/2011 apa 2011"),
]


@pytest.mark.parametrize("name, scope, documents, status, detail", INSPECTION_CHECK_CASES,
                         ids=[f"{case[0]}-{case[3]}-{i}" for i, case in enumerate(INSPECTION_CHECK_CASES)])
def test_inspection_checks(store, name, scope, documents, status, detail):
    store.write_documents(documents)
    store.rebuild_inspections()
    check = by_name(measure(store.con), name, scope)
    assert check.status == status, check.detail
    assert check.detail.startswith(detail)


def test_official_disagreements_is_measured_only_with_a_table_loaded(store):
    store.write_documents([report(1, [ilacs()])])
    store.rebuild_inspections()
    assert not [c for c in measure(store.con) if c.check_name == "official_disagreements"]
