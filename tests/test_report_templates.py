"""The report's templates: what they escape, the CSS they inline, and the grade shading of a cell."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from importlib.resources import files

import duckdb
import pytest

from models.vocabulary import score_of_words
from outputs.report import CouncilView, Distribution, DistributionRow, ReconciliationSummary, build_report
from outputs.report.charts import score_legend, stacked_bars, timeline, timeline_svg
from outputs.report.council import (Benchmark, Conflict, CouncilRow, DocumentLink, EvidencePiece, Grade, GradePair,
                                    HistoryRow, ReconciledRow, Share)
from outputs.report.queries import Facts, Point, timeline_points
from outputs.report.render import ENV, join_lines
from tests.test_report import GENERATED, make_councils_db, make_small_db, parse

SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
# A file name has no "/": markup in one.
IMG = '<img src=x onerror="alert(1)">.pdf'
ESCAPED_IMG = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf"
NASTY_LINK = DocumentLink(f"raw/{IMG}", f'"><b>{SCRIPT}', SCRIPT)


def _point(score: int = 3, scale: str = "ofsted_4point", framework: str | None = "sif", label: str | None = None,
           year: int | None = 2016, doc_type: str = "inspection_report", path: str | None = "raw/a.pdf",
           area: str = "overall") -> Point:
    return Point(year=year, area=area, label=label, scale=scale, score=score, framework=framework,
                 doc_type=doc_type, path=path)


def _macro(template: str, name: str):
    return getattr(ENV.get_template(template).module, name)


LATEST = {"la_area_code": SCRIPT, "local_authority": SCRIPT, "ofsted_region": SCRIPT, "framework": "ilacs",
          "inspection_type": "ilacs_standard", "inspection_date": "2023-03-06", "inspection_end": "2023-03-17",
          "publication_date": None, "publication_date_source": None,
          "overall_effectiveness": "Requires improvement to be good", "impact_of_leaders": "Good",
          "help_and_protection": "Inadequate", "children_in_care": "Outstanding", "care_leavers": None,
          "source_document": f"raw/{IMG}", "previous_inspection_date": "2019-05-20",
          "previous_inspection_type": SCRIPT, "previous_overall_effectiveness": SCRIPT, "change": "same"}


def _grade(words: str = SCRIPT, score: int | None = 3) -> Grade:
    return Grade(SCRIPT, words, score, SCRIPT, SCRIPT, 2, SCRIPT)


def _history_row() -> HistoryRow:
    return HistoryRow(SCRIPT, None, 2016, None, None, None, "pdf_metadata", SCRIPT, SCRIPT, SCRIPT, SCRIPT,
                      {"overall_effectiveness": _grade()}, [_grade(), _grade(score=None)], "improved", [NASTY_LINK])


def _evidence() -> EvidencePiece:
    return EvidencePiece(SCRIPT, SCRIPT, 2, SCRIPT, SCRIPT, NASTY_LINK, 3, SCRIPT)


def _reconciled(status: str = "disagree") -> ReconciledRow:
    return ReconciledRow(status, SCRIPT, SCRIPT, None, None, None, None, None,
                         [GradePair(SCRIPT, "Good", SCRIPT, SCRIPT), GradePair(SCRIPT, SCRIPT, SCRIPT, None)],
                         NASTY_LINK)


def _view(name: str = SCRIPT, points: list[Point] | None = None, latest: dict | None = LATEST, **parts) -> CouncilView:
    points = [_point(label=SCRIPT), _point(year=None, path=IMG)] if points is None else points
    dated = [p for p in points if p.year is not None]
    share = Share(1, 3)
    defaults = dict(
        latest_document=NASTY_LINK if latest else None,
        benchmarks=[Benchmark("overall_effectiveness", SCRIPT, SCRIPT, share, share)] if latest else [],
        history=[_history_row()], conflicts=[Conflict(SCRIPT, SCRIPT, _evidence(), _evidence())],
        official_edition=SCRIPT, reconciliation=[_reconciled(), _reconciled("only_official")],
        timeline=timeline(dated, name) if dated else None)
    return CouncilView(name, points, latest, **(defaults | parts))


def _council(view: CouncilView) -> str:
    return str(_macro("_council.html.j2", "council_section")(view))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = duckdb.connect(str(make_small_db(tmp_path_factory.mktemp("templates") / "small.duckdb")),
                                read_only=True)
    yield connection
    connection.close()


def _page(**context) -> str:
    """The whole page, from a context as build_report makes it, with markup in every text."""
    rows = [{"year": 2016, "framework": SCRIPT, "score": 3, "n": 2}]
    context = {
        "title": f"Ofsted judgements: {SCRIPT}",
        "facts": Facts(SCRIPT, datetime(2026, 1, 1, tzinfo=timezone.utc), {SCRIPT: 1}, 1, 1, 2, 1, 2016, 2016),
        "council": _view(),
        "distribution": Distribution([DistributionRow(2016, SCRIPT, Counter({3: 2}))], stacked_bars(rows),
                                     score_legend()),
        "document_counts": [{"doc_type": SCRIPT, "framework": SCRIPT, "n_documents": 1, "n_without": 1}],
        "inspection_counts": [{"inspection_type": SCRIPT, "framework": SCRIPT, "n_inspections": 1, "n_graded": 1,
                               "n_report": 1, "n_letter": 0, "n_restatement": 0}],
        "unjudged": [{"doc_type": SCRIPT, "framework": SCRIPT, "year": 2016, "council": SCRIPT, "path": SCRIPT}],
        "reconciliation": ReconciliationSummary(SCRIPT, Counter({"agree": 1})),
        "council_rows": [],
        "regions": [],
        "council_pages": [],
    } | context
    return ENV.get_template("report.html.j2").render(**context)


def _every_council_page() -> str:
    rows = [CouncilRow(SCRIPT, LATEST, NASTY_LINK), CouncilRow(f"{SCRIPT} 2", None, None)]
    page = _view(one_of_many=True, level=2,
                 timeline=timeline([_point(label=SCRIPT)], SCRIPT, compact=True))
    return _page(council=None, council_rows=rows, regions=[SCRIPT], council_pages=[page])


def _without_the_pages_script(html_text: str) -> str:
    """The page with its own inline script taken out: what is left must hold no script."""
    return re.sub(r"<script>\n.*?</script>", "", html_text, count=1, flags=re.S)


# -- escaping --------------------------------------------------------------------------------

@pytest.mark.parametrize(("where", "render"), [
    ("council name and every part of its page", lambda: _council(_view())),
    ("council name with no judgements", lambda: _council(_view(points=[], latest=None))),
    ("council name, undated judgements only", lambda: _council(_view(points=[_point(year=None)]))),
    ("label as written, and in a point's <title>", lambda: _council(_view("Stockton-on-Tees", [_point(label=SCRIPT)]))),
    ("document path, and in a point's <title>", lambda: _council(_view("Stockton-on-Tees", [_point(path=f"raw/{IMG}")]))),
    ("undated judgement's tooltip", lambda: _council(_view("Stockton-on-Tees", [_point(), _point(year=None, label=SCRIPT)]))),
    ("area and doc type", lambda: _council(_view("Stockton-on-Tees", [_point(area=SCRIPT, doc_type=SCRIPT)]))),
    ("source document of the latest inspection", lambda: _council(_view("Stockton-on-Tees", []))),
    ("chart title", lambda: str(timeline_svg([_point()], SCRIPT))),
    ("the page of a council", _page),
    ("the page of every council", lambda: _without_the_pages_script(_every_council_page())),
])
def test_text_is_escaped(where, render):
    html_text = render()
    assert "<script" not in html_text and "<img" not in html_text and "<b>" not in html_text, where
    assert ESCAPED_SCRIPT in html_text or ESCAPED_IMG in html_text, where
    parse(html_text)


def test_the_page_of_every_council_has_one_script_its_own():
    page = _every_council_page()
    assert page.count("<script") == 1
    assert "<script>\n" + files("outputs").joinpath("static/report.js").read_text(encoding="utf-8") + "</script>" in page


def test_a_points_tooltip_title_is_escaped():
    svg = str(timeline_svg([_point(label=SCRIPT, path=f"raw/{IMG}")], "Stockton-on-Tees"))
    titles = re.findall(r"<circle [^>]*><title>(.*?)</title></circle>", svg)
    assert len(titles) == 1
    assert ESCAPED_SCRIPT in titles[0] and ESCAPED_IMG in titles[0] and "<" not in titles[0]


@pytest.mark.parametrize("page", [_page, lambda: _without_the_pages_script(_every_council_page())])
def test_the_page_escapes_every_text(page):
    html_text = page()
    assert html_text.count(ESCAPED_SCRIPT) > 20
    assert html_text.startswith("<!DOCTYPE html>") and "<script" not in html_text
    # in the tooltips too: every <title> holds text only
    assert all("<" not in title for title in re.findall(r"<title>(.*?)</title>", html_text))
    # and a link's address is an attribute's text, never markup
    assert '<a class="document" href="&quot;&gt;&lt;b&gt;' in html_text


# -- the CSS ---------------------------------------------------------------------------------

def test_the_css_is_inlined_from_the_static_file(con):
    css = files("outputs").joinpath("static/report.css").read_text(encoding="utf-8")
    assert ".grade-2 {" in css
    for page in (build_report(con, "Stockton-on-Tees", generated_at=GENERATED), build_report(con)):
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert styles == ["\n" + css]
        assert "<link rel=\"stylesheet\"" not in page


def test_the_script_is_inlined_from_the_static_file(tmp_path):
    script = files("outputs").joinpath("static/report.js").read_text(encoding="utf-8")
    with duckdb.connect(str(make_councils_db(tmp_path / "councils.duckdb")), read_only=True) as councils:
        page = build_report(councils)
    assert re.findall(r"<script>(.*?)</script>", page, re.S) == ["\n" + script]


# -- grade cells -----------------------------------------------------------------------------

@pytest.mark.parametrize(("words", "cell"), [
    ("Requires improvement to be good", '<td class="grade-2">Requires improvement to be good</td>'),
    ("Requires improvement", '<td class="grade-2">Requires improvement</td>'),
    ("Adequate", '<td class="grade-2">Adequate</td>'),
    ("Good", '<td class="grade-3">Good</td>'),
    ("Outstanding", '<td class="grade-4">Outstanding</td>'),
    ("Inadequate", '<td class="grade-1">Inadequate</td>'),
    ("Performs well", '<td class="grade-3">Performs well</td>'),
    ("Not yet judged", "<td>Not yet judged</td>"),
    (None, "<td>—</td>"),
    ("", "<td>—</td>"),
])
def test_a_cell_of_grade_words_is_shaded_by_their_score(words, cell):
    assert str(_macro("_tables.html.j2", "grade_words_cell")(words)) == cell


@pytest.mark.parametrize(("point", "cell"), [
    (_point(3, "rating_1to4", "annual_rating", year=2010), '<td class="grade-3">Performs well</td>'),
    (_point(1, "rating_1to4", "annual_rating", year=2010), '<td class="grade-1">Performs poorly</td>'),
    (_point(2, "ofsted_4point", "ilacs", year=2023), '<td class="grade-2">Requires improvement to be good</td>'),
    (_point(2, "ofsted_4point", "safeguarding_lac", year=2011), '<td class="grade-2">Adequate</td>'),
    (_point(4, "apa_1to4", "apa", year=2006), '<td class="grade-4">Outstanding</td>'),
    (_point(3, "ofsted_4point", None, year=2016), '<td class="grade-3">Good</td>'),
])
def test_a_timeline_judgement_is_shaded_by_its_score(point, cell):
    table = str(_macro("_council.html.j2", "judgements_table")([point]))
    assert table.count(cell) == 1


def test_the_latest_inspection_is_shaded_from_the_views_words():
    view = _view("Stockton-on-Tees", [], LATEST, benchmarks=[
        Benchmark(column, column, LATEST[column], Share(0, 0), Share(0, 0))
        for column in ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care",
                       "care_leavers")])
    table = re.search(r'<table class="benchmarks">.*?</table>', _council(view), re.S).group(0)
    for column in ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care"):
        words = LATEST[column]
        assert f'<td class="grade-{score_of_words(words)}">{words}</td>' in table
    assert "<td>not judged</td>" in table  # care leavers
    assert table.count('<span class="muted">no council judged</span>') == 10


# -- the page is one line of HTML --------------------------------------------------------------

@pytest.mark.parametrize(("template_text", "joined"), [
    ("<ul>\n  <li>a</li>\n</ul>", "<ul><li>a</li></ul>"),
    ('<rect x="1"\n      y="2"/>', '<rect x="1" y="2"/>'),
    ("\n  <td>", "<td>"),  # beside a template tag
    ("</td>\n", "</td>"),
    ("words on\n  two lines", "words on two lines"),
    ("one line, spaces kept  </td>", "one line, spaces kept  </td>"),
])
def test_template_lines_are_joined(template_text, joined):
    assert join_lines(template_text) == joined


def test_the_timeline_svg_is_the_one_in_the_page(con):
    page = build_report(con, "Stockton-on-Tees", generated_at=GENERATED)
    svg = str(timeline_svg(timeline_points(con, "Stockton-on-Tees"), "Stockton-on-Tees"))
    assert svg.startswith('<svg class="chart timeline"') and svg in page
