"""Inspections from documents: the type of each, where each judgement belongs, which grade is chosen."""
from __future__ import annotations

from datetime import date

import pytest

from extractors.pdf_reader import parse_pdf_date
from extractors.records import DocumentResult, Judgement, LocalAuthorityMatch, PageSpan
from models.inspections import EVIDENCE_RANKS, inspection_type
from models.store import Store

STOCKTON = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)
CUMBRIA = LocalAuthorityMatch("Cumbria", "E10000006", "909", 100.0)
CUMBERLAND = LocalAuthorityMatch("Cumberland", "E06000063", "942", 100.0)

SIF_TITLE = ("Stockton-on-Tees Borough Council\nInspection of services for children in need of help and protection, "
             "children looked after and care leavers\nand\nReview of the effectiveness of the Local Safeguarding "
             "Children Board\nInspection date: 23 May 2016 to 16 June 2016\n")


@pytest.mark.parametrize("doc_type, framework, title, start, end, expected", [
    ("apa_letter", "apa", "Annual performance assessment", None, None, "apa"),
    ("annual_rating_letter", "annual_rating", "Children's services assessment", None, None, "annual_rating"),
    ("inspection_report", "safeguarding_lac", "Inspection of looked after children services", None, None,
     "safeguarding_lac"),
    # an SIF report's title names the board's review beside the inspection: it is the inspection
    ("inspection_report", "sif", SIF_TITLE, None, None, "sif"),
    ("inspection_report", "sif", "Norfolk Council\nRe-inspection of services for children in need of help", None, None,
     "sif_reinspection"),
    ("inspection_report", "sif", "Surrey Safeguarding Children Board\nReview of the effectiveness of the Local "
     "Safeguarding Children Board", None, None, "lscb_review"),
    # ILACS: one week on site is a short inspection, two a standard one
    ("inspection_report", "ilacs", "Inspection of Hartlepool", date(2024, 3, 18), date(2024, 3, 22), "ilacs_short"),
    ("inspection_report", "ilacs", "Inspection of Leeds", date(2025, 6, 30), date(2025, 7, 4), "ilacs_short"),
    ("inspection_report", "ilacs", "Inspection of Surrey", date(2025, 3, 17), date(2025, 3, 28), "ilacs_standard"),
    ("inspection_report", "ilacs", "Inspection of Surrey", None, None, None),  # no dates: not known
    ("focused_visit", "ilacs", "Focused visit to Kent", None, None, "focused_visit"),
    ("monitoring_visit", "ilacs", "Monitoring visit to Bradford", None, None, "monitoring_visit"),
    ("inspection_report", None, "Joint targeted area inspection of the multi-agency response", None, None, "jtai"),
    # must not find: a JTAI recalled past the first page is not this report's kind
    ("inspection_report", "ilacs", "Inspection of Bradford" + " text" * 200 + " since the joint targeted area "
     "inspection in 2017", date(2018, 9, 17), date(2018, 9, 28), "ilacs_standard"),
])
def test_inspection_type(doc_type, framework, title, start, end, expected):
    assert inspection_type(doc_type, framework, title, start, end) == expected


@pytest.mark.parametrize("raw, expected", [
    ("D:20230214161956+00'00'", "2023-02-14"),
    ("D:20151019161853+01'00'", "2015-10-19"),
    ("20180118", "2018-01-18"),
    ("D:2018", None),  # a year alone is no date
    ("D:20181332000000", None),  # no 13th month
    ("", None),
    ("yesterday", None),
])
def test_parse_pdf_date(raw, expected):
    assert parse_pdf_date(raw) == expected


# -- a small database ------------------------------------------------------------------------

def grade(area, label, score, *, evidence="table", year=2023, council=STOCKTON, start=0, framework="ilacs",
          scale="ofsted_4point"):
    return Judgement(area=area, label=label, scale=scale, grade=None if scale == "ofsted_4point" else score,
                     score=score, year=year, local_authority=council.name if council else None, evidence=evidence,
                     text=f"{area} {label}", start=start, end=start + 10,
                     la_gss_code=council.gss_code if council else None, framework=framework)


def doc(name, judgements, *, doc_type="inspection_report", council=STOCKTON, framework="ilacs", year=2023,
        start="2023-03-06", end="2023-03-17", published=None, document_date=None, pdf_created=None,
        text="Inspection of Stockton-on-Tees local authority children's services"):
    return DocumentResult(
        path=f"raw/{name}", doc_id=name.ljust(16, "0"), doc_type=doc_type, framework=framework,
        local_authority=council, year=year, clean_text=text, pages=[PageSpan(1, 0, len(text))],
        inspection_start=start, inspection_end=end, published=published, document_date=document_date,
        pdf_created=pdf_created, judgements=judgements, pipeline_version="test")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "i.duckdb") as store:
        yield store


def rows(store, sql, params=()):
    return store.con.execute(sql, list(params)).fetchall()


def test_a_report_and_the_minutes_restating_it_are_one_inspection(store):
    store.write_documents([
        doc("report.pdf", [grade("overall", "Good", 3), grade("help_and_protection", "Good", 3, start=40)],
            pdf_created="2023-05-04"),
        doc("minutes.txt", [grade("overall", "Good", 3, evidence="prose")], doc_type="council_minutes",
            start=None, end=None, text="Minutes of the Cabinet"),
    ])
    assert store.rebuild_inspections() == 1
    [inspection] = rows(store, "SELECT inspection_id, inspection_type, year, inspection_start, published, "
                               "published_source, known_from, len(doc_ids), n_judgements FROM inspections")
    assert inspection == ("E06000004/ilacs_standard/2023-03-06", "ilacs_standard", 2023, date(2023, 3, 6),
                          date(2023, 5, 4), "pdf_metadata", "report", 2, 3)
    assert rows(store, "SELECT d.doc_type, j.area, j.evidence_rank, j.chosen FROM judgements j "
                       "JOIN documents d USING (doc_id) ORDER BY d.doc_type, j.area") == [
        ("council_minutes", "overall", EVIDENCE_RANKS["restatement"], False),
        ("inspection_report", "help_and_protection", EVIDENCE_RANKS["table"], True),
        ("inspection_report", "overall", EVIDENCE_RANKS["table"], True),
    ]
    assert rows(store, "SELECT count(*) FROM judgement_conflicts") == [(0,)]


def test_a_predecessor_councils_grade_does_not_beat_the_reports_table(store):
    """Cumberland's report says Good in its table and recalls Cumbria's 2022 grade in its prose."""
    store.load_register()
    store.write_documents([doc("cumberland.pdf", [
        grade("overall", "Good", 3, council=CUMBERLAND, year=2024),
        grade("overall", "Requires improvement to be good", 2, evidence="prose", council=CUMBRIA, year=2022, start=90),
    ], council=CUMBERLAND, year=2024, start="2024-06-03", end="2024-06-14")])
    store.rebuild_inspections()
    assert rows(store, "SELECT inspection_id, known_from, n_judgements FROM inspections ORDER BY 1") == [
        ("E06000063/ilacs_standard/2024-06-03", "report", 1),
        ("E10000006/ilacs/2022", "restatement", 1),
    ]
    [latest] = rows(store, "SELECT local_authority, overall_effectiveness, inspection_type, inspected_council "
                           "FROM latest_inspection WHERE gss_code = 'E06000063'")
    assert latest == ("Cumberland", "Good", "ilacs_standard", "Cumberland")


def test_a_reports_table_is_chosen_over_its_prose_and_the_conflict_is_shown(store):
    store.write_documents([doc("report.pdf", [
        grade("overall", "Good", 3, evidence="prose", start=0),
        grade("overall", "Inadequate", 1, evidence="table", start=50),
    ])])
    store.rebuild_inspections()
    assert rows(store, "SELECT label, evidence, chosen FROM judgements ORDER BY start_char") == [
        ("Good", "prose", False), ("Inadequate", "table", True)]
    assert rows(store, "SELECT area, chosen_label, chosen_evidence, other_label, other_evidence, other_document "
                       "FROM judgement_conflicts") == [
        ("overall", "Inadequate", "table", "Good", "prose", "raw/report.pdf")]
    assert rows(store, "SELECT label, conflicting, n_evidence FROM judgement_timeline") == [("Inadequate", True, 2)]


def test_a_restatement_by_publication_year_finds_the_sif_inspection(store):
    """An SIF inspection in November 2017 published in January 2018 is restated as "the 2018 inspection"."""
    store.write_documents([
        doc("sif.pdf", [grade("overall", "Requires improvement", 2, year=2017, framework="sif")], framework="sif",
            year=2017, start="2017-11-13", end="2017-11-24", published="2018-01-19",
            text="Norfolk\nRe-inspection of services for children in need of help and protection"),
        doc("minutes.txt", [grade("overall", "Requires improvement", 2, evidence="prose", year=2018, framework="sif")],
            doc_type="council_minutes", framework="sif", year=2018, start=None, end=None, text="Minutes"),
    ])
    store.rebuild_inspections()
    assert rows(store, "SELECT inspection_id, inspection_type, year, published_source, len(doc_ids) "
                       "FROM inspections") == [("E06000004/sif_reinspection/2017-11-13", "sif_reinspection", 2017,
                                                "printed", 2)]


def test_a_restatement_without_a_year_is_of_the_latest_inspection_before_it(store):
    store.write_documents([
        doc("old.pdf", [grade("overall", "Good", 3, year=2019)], year=2019, start="2019-05-20", end="2019-05-24"),
        doc("new.pdf", [grade("overall", "Requires improvement to be good", 2)]),
        doc("news.txt", [grade("overall", "Good", 3, evidence="prose", year=None)], doc_type="news_article",
            start=None, end=None, document_date="2019-07-01", year=None, text="News"),
    ])
    store.rebuild_inspections()
    assert rows(store, "SELECT i.inspection_id FROM judgements j JOIN documents d USING (doc_id) "
                       "JOIN inspections i USING (inspection_id) WHERE d.doc_type = 'news_article'") == [
        ("E06000004/ilacs_short/2019-05-20",)]


def test_restated_years_with_no_document_of_their_own_are_one_inspection_each(store):
    """Minutes restating this year's and last year's APA grades: two assessments, each of its year."""
    store.write_documents([doc("minutes.txt", [
        grade("overall", "Good", 3, evidence="prose", year=2007, framework="apa", scale="apa_1to4"),
        grade("overall", "Adequate", 2, evidence="prose", year=2006, framework="apa", scale="apa_1to4", start=40),
    ], doc_type="council_minutes", framework="apa", year=2007, start=None, end=None, text="Minutes")])
    store.rebuild_inspections()
    assert rows(store, "SELECT inspection_id, inspection_type, year, known_from FROM inspections ORDER BY year") == [
        ("E06000004/apa/2006", "apa", 2006, "restatement"), ("E06000004/apa/2007", "apa", 2007, "restatement")]
    assert rows(store, "SELECT year, label FROM judgement_timeline ORDER BY year") == [(2006, "Adequate"), (2007, "Good")]


def test_an_apa_letter_and_its_restatement_share_the_years_assessment(store):
    store.write_documents([
        doc("letter.txt", [grade("overall", "Good", 3, year=2006, framework="apa", scale="apa_1to4")],
            doc_type="apa_letter", framework="apa", year=2006, start=None, end=None, document_date="2006-11-01",
            text="Annual performance assessment"),
        doc("minutes.txt", [grade("overall", "Good", 3, evidence="prose", year=2006, framework="apa",
                                  scale="apa_1to4")],
            doc_type="council_minutes", framework="apa", year=2007, start=None, end=None, text="Minutes"),
    ])
    store.rebuild_inspections()
    assert rows(store, "SELECT inspection_id, known_from, published, published_source, len(doc_ids) "
                       "FROM inspections") == [("E06000004/apa/2006", "letter", date(2006, 11, 1), "printed", 2)]
    assert rows(store, "SELECT evidence_rank, chosen FROM judgements ORDER BY evidence_rank") == [
        (EVIDENCE_RANKS["letter"], True), (EVIDENCE_RANKS["restatement"], False)]


def test_latest_inspection_has_the_previous_one_and_the_change(store):
    store.load_register()
    store.write_documents([
        doc("old.pdf", [grade("overall", "Requires improvement to be good", 2, year=2019)], year=2019,
            start="2019-05-20", end="2019-05-24"),
        doc("new.pdf", [grade("overall", "Good", 3), grade("care_leavers", "Outstanding", 4, start=30)],
            published="2023-05-05"),
        doc("visit.pdf", [], doc_type="focused_visit", year=2024, start="2024-01-09", end="2024-01-10",
            text="Focused visit to Stockton-on-Tees"),
    ])
    store.rebuild_inspections()
    [row] = rows(store, """
        SELECT la_area_code, local_authority, ofsted_region, inspection_date, publication_date,
               publication_date_source, inspection_type, overall_effectiveness, care_leavers, source_document,
               previous_inspection_date, previous_inspection_type, previous_overall_effectiveness, change
        FROM latest_inspection WHERE gss_code = 'E06000004'""")
    # the focused visit grades nothing: the latest inspection is the 2023 one
    assert row == ("808", "Stockton-on-Tees", "North East, Yorkshire and the Humber", date(2023, 3, 6),
                   date(2023, 5, 5), "printed", "ilacs_standard", "Good", "Outstanding", "raw/new.pdf",
                   date(2019, 5, 20), "ilacs_short", "Requires improvement to be good", "improved")
    assert rows(store, "SELECT count(*) FROM inspections") == [(3,)]


def test_a_rebuild_over_an_unchanged_database_changes_nothing(store):
    store.write_documents([doc("report.pdf", [grade("overall", "Good", 3)])])
    store.rebuild_inspections()
    before = rows(store, "SELECT * FROM judgements ORDER BY doc_id, start_char")
    inspections = rows(store, "SELECT * FROM inspections")
    store.rebuild_inspections()
    assert rows(store, "SELECT * FROM judgements ORDER BY doc_id, start_char") == before
    assert rows(store, "SELECT * FROM inspections") == inspections


def test_a_stale_database_is_told_apart(store):
    assert not store.inspections_stale()  # empty
    store.write_documents([doc("report.pdf", [grade("overall", "Good", 3)])], inspections=False)
    assert store.inspections_stale()  # as a run leaves it between its batches and its rebuild
    store.rebuild_inspections()
    assert not store.inspections_stale()
    store.remove_documents(["raw/report.pdf"], inspections=False)
    assert store.inspections_stale()  # an inspection of a document no longer stored
    store.remove_documents([])
    store.rebuild_inspections()
    assert rows(store, "SELECT count(*) FROM inspections") == [(0,)] and not store.inspections_stale()


def test_writing_documents_keeps_the_inspections_current(store):
    store.write_documents([doc("report.pdf", [grade("overall", "Good", 3)])])
    assert rows(store, "SELECT inspection_id, chosen FROM judgements") == [("E06000004/ilacs_standard/2023-03-06", True)]
    store.remove_documents(["raw/report.pdf"])
    assert rows(store, "SELECT count(*) FROM inspections") == [(0,)]


def test_a_successor_not_yet_inspected_shows_its_predecessors_inspection_as_such(store):
    """Until Cumberland's first inspection, its latest is Cumbria's, named as Cumbria's."""
    store.load_register()
    store.write_documents([doc("cumbria.pdf", [grade("overall", "Requires improvement to be good", 2, council=CUMBRIA,
                                                     year=2022)], council=CUMBRIA, year=2022, start="2022-05-09",
                               end="2022-05-20")])
    assert rows(store, "SELECT local_authority, inspected_council, overall_effectiveness FROM latest_inspection "
                       "WHERE gss_code IN ('E06000063', 'E06000064') ORDER BY 1") == [
        ("Cumberland", "Cumbria", "Requires improvement to be good"),
        ("Westmorland and Furness", "Cumbria", "Requires improvement to be good")]
