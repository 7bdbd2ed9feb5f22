"""The report's templates: what they escape, the CSS they inline, and the grade shading of a cell."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from importlib.resources import files

import duckdb
import pytest

from models.vocabulary import score_of_words
from outputs.report import CouncilView, Distribution, DistributionRow, build_report
from outputs.report.charts import score_legend, stacked_bars, timeline, timeline_svg
from outputs.report.queries import Facts, Point, timeline_points
from outputs.report.render import ENV, join_lines
from tests.test_report import GENERATED, make_small_db, parse

SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
# A file name has no "/": markup in one.
IMG = '<img src=x onerror="alert(1)">.pdf'
ESCAPED_IMG = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf"


def _point(score: int = 3, scale: str = "ofsted_4point", framework: str | None = "sif", label: str | None = None,
           year: int | None = 2016, doc_type: str = "inspection_report", path: str | None = "raw/a.pdf",
           area: str = "overall") -> Point:
    return Point(year=year, area=area, label=label, scale=scale, score=score, framework=framework,
                 doc_type=doc_type, path=path)


def _macro(template: str, name: str):
    return getattr(ENV.get_template(template).module, name)


def _council(name: str, points: list[Point], latest: dict | None = None) -> str:
    dated = [p for p in points if p.year is not None]
    view = CouncilView(name, points, latest, timeline=timeline(dated, name) if dated else None)
    return str(_macro("_council.html.j2", "council_section")(view))


LATEST = {"framework": "ilacs", "inspection_start": "2023-03-06", "inspection_end": "2023-03-17",
          "published": None, "overall_effectiveness": "Requires improvement to be good",
          "impact_of_leaders": "Good", "help_and_protection": "Inadequate", "children_in_care": "Outstanding",
          "care_leavers": None, "source_document": f"raw/{IMG}"}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = duckdb.connect(str(make_small_db(tmp_path_factory.mktemp("templates") / "small.duckdb")),
                                read_only=True)
    yield connection
    connection.close()


def _page(**context) -> str:
    """The whole page, from a context as build_report makes it, with markup in every text."""
    rows = [{"year": 2016, "framework": SCRIPT, "score": 3, "n": 2}]
    council = CouncilView(SCRIPT, [_point(label=SCRIPT), _point(year=None, path=IMG)], LATEST,
                          timeline=timeline([_point(label=SCRIPT)], SCRIPT))
    context = {
        "title": f"Ofsted judgements: {SCRIPT}",
        "facts": Facts(SCRIPT, datetime(2026, 1, 1, tzinfo=timezone.utc), {SCRIPT: 1}, 1, 2, 1, 2016, 2016),
        "council": council,
        "distribution": Distribution([DistributionRow(2016, SCRIPT, Counter({3: 2}))], stacked_bars(rows),
                                     score_legend()),
        "document_counts": [{"doc_type": SCRIPT, "framework": SCRIPT, "n_documents": 1, "n_without": 1}],
        "unjudged": [{"doc_type": SCRIPT, "framework": SCRIPT, "year": 2016, "council": SCRIPT, "path": SCRIPT}],
        "council_rows": [],
        "council_sections": [],
    } | context
    return ENV.get_template("report.html.j2").render(**context)


def _every_council_page() -> str:
    rows = [{"council": SCRIPT, "n_judgements": 1, "n_documents": 1, "first_year": 2016, "last_year": 2016,
             "latest_overall": SCRIPT, "latest_framework": SCRIPT, "latest_end": SCRIPT}]
    section = CouncilView(SCRIPT, [_point(label=SCRIPT)], None, level=3,
                          timeline=timeline([_point(label=SCRIPT)], SCRIPT, compact=True))
    return _page(council=None, council_rows=rows, council_sections=[section])


# -- escaping --------------------------------------------------------------------------------

@pytest.mark.parametrize(("where", "render"), [
    ("council name in a section", lambda: _council(SCRIPT, [_point()], LATEST)),
    ("council name with no judgements", lambda: _council(SCRIPT, [])),
    ("council name, undated judgements only", lambda: _council(SCRIPT, [_point(year=None)])),
    ("label as written, and in a point's <title>", lambda: _council("Stockton-on-Tees", [_point(label=SCRIPT)])),
    ("document path, and in a point's <title>", lambda: _council("Stockton-on-Tees", [_point(path=f"raw/{IMG}")])),
    ("undated judgement's tooltip", lambda: _council("Stockton-on-Tees", [_point(), _point(year=None, label=SCRIPT)])),
    ("area and doc type", lambda: _council("Stockton-on-Tees", [_point(area=SCRIPT, doc_type=SCRIPT)])),
    ("source document of the latest inspection", lambda: _council("Stockton-on-Tees", [], LATEST)),
    ("chart title", lambda: str(timeline_svg([_point()], SCRIPT))),
    ("the page of a council", _page),
    ("the page of every council", _every_council_page),
])
def test_text_is_escaped(where, render):
    html_text = render()
    assert "<script" not in html_text and "<img" not in html_text, where
    assert ESCAPED_SCRIPT in html_text or ESCAPED_IMG in html_text, where
    parse(html_text)


def test_a_points_tooltip_title_is_escaped():
    svg = str(timeline_svg([_point(label=SCRIPT, path=f"raw/{IMG}")], "Stockton-on-Tees"))
    titles = re.findall(r"<circle [^>]*><title>(.*?)</title></circle>", svg)
    assert len(titles) == 1
    assert ESCAPED_SCRIPT in titles[0] and ESCAPED_IMG in titles[0] and "<" not in titles[0]


def test_the_page_escapes_every_text():
    page = _page()
    assert page.count(ESCAPED_SCRIPT) > 20
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    # in the tooltips too: every <title> holds text only
    assert all("<" not in title for title in re.findall(r"<title>(.*?)</title>", page))


# -- the CSS ---------------------------------------------------------------------------------

def test_the_css_is_inlined_from_the_static_file(con):
    css = files("outputs").joinpath("static/report.css").read_text(encoding="utf-8")
    assert ".grade-2 {" in css
    for page in (build_report(con, "Stockton-on-Tees", generated_at=GENERATED), build_report(con)):
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert styles == ["\n" + css]
        assert "<link rel=\"stylesheet\"" not in page


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


def test_the_latest_inspection_row_is_shaded_from_the_views_words():
    table = _council("Stockton-on-Tees", [], LATEST)
    for column in ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care"):
        words = LATEST[column]
        assert f'<td class="grade-{score_of_words(words)}">{words}</td>' in table
    assert "<td>—</td>" in table  # care leavers not judged, and no publication date


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
