"""The HTML report: built from a small database made here, read through a read-only connection."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from extractors.records import DocumentResult, Judgement, LocalAuthorityMatch
from models.councils import resolve_council
from models.store import Store
from outputs.report import UnknownCouncil, build_report

STOCKTON = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)
GENERATED = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
# A label and a path with markup in them: the report must show them as text.
NASTY_LABEL = 'Good <script>alert("x")</script> & more'
NASTY_PATH = 'raw/stockton <b>2016<i> & "sif".pdf'


def _judgement(area: str, score: int, year: int, scale: str = "ofsted_4point", label: str | None = None,
               framework: str | None = None) -> Judgement:
    words = {4: "outstanding", 3: "good", 2: "requires improvement", 1: "inadequate"}[score]
    return Judgement(area=area, label=label or words, scale=scale,
                     grade=score if scale != "ofsted_4point" else None, score=score, year=year,
                     local_authority="Stockton-on-Tees", evidence="table", text=f"{area} is {words}",
                     start=0, end=10, framework=framework)


def _document(path: str, doc_type: str, framework: str | None, year: int | None,
              judgements: list[Judgement], **dates: str) -> DocumentResult:
    return DocumentResult(path=path, doc_id=f"id-{path}", doc_type=doc_type, framework=framework,
                          local_authority=STOCKTON, year=year, document_date=f"{year}-06-01" if year else None,
                          judgements=judgements, clean_text="text", pipeline_version="9.9.9-test", **dates)


def small_results() -> list[DocumentResult]:
    """Three Stockton documents with 9 dated judgements, and a news article with none."""
    return [
        _document("raw/stockton_2006_apa_letter.txt", "apa_letter", "apa", 2006, [
            _judgement("overall", 4, 2006, "apa_1to4", framework="apa"),
            _judgement("staying_safe", 3, 2006, "apa_1to4", framework="apa"),
        ]),
        _document(NASTY_PATH, "inspection_report", "sif", 2016, [
            _judgement("overall", 3, 2016, label=NASTY_LABEL),
            _judgement("help_and_protection", 2, 2016),
        ], inspection_start="2016-05-09", inspection_end="2016-06-02", published="2016-08-05"),
        _document("raw/stockton_2023_ilacs.pdf", "inspection_report", "ilacs", 2023, [
            _judgement("overall", 2, 2023),
            _judgement("impact_of_leaders", 2, 2023),
            _judgement("help_and_protection", 2, 2023),
            _judgement("children_in_care", 2, 2023),
            _judgement("care_leavers", 3, 2023),
        ], inspection_start="2023-03-06", inspection_end="2023-03-17", published="2023-05-09"),
        _document("raw/stockton_2024_news.txt", "news_article", None, 2024, []),
    ]


def make_small_db(path: Path) -> Path:
    with Store(path) as store:
        store.load_register()
        store.write_documents(small_results())
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_small_db(tmp_path_factory.mktemp("report") / "small.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def stockton_html(con) -> str:
    return build_report(con, "Stockton-on-Tees", generated_at=GENERATED)


class _Parsed(HTMLParser):
    """Collects start tags with their attributes, and checks every element that must close does."""

    VOID = {"meta", "link", "br", "img", "hr", "input", "line", "circle", "rect", "polyline", "path"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def parse(html_text: str) -> _Parsed:
    parsed = _Parsed()
    parsed.feed(html_text)
    parsed.close()
    assert parsed.stack == [], f"unclosed elements: {parsed.stack}"
    return parsed


def _points(html_text: str) -> list[str]:
    return re.findall(r'<circle class="point[^"]*"', html_text)


def test_council_report_has_a_timeline_with_one_point_per_judgement(stockton_html):
    assert stockton_html.startswith("<!DOCTYPE html>")
    svg = re.search(r'<svg class="chart timeline".*?</svg>', stockton_html, re.S)
    assert svg, "no timeline chart"
    assert len(_points(svg.group(0))) == 9
    assert len(re.findall(r'<circle class="point[^"]* overall', svg.group(0))) == 3
    for words in ("Inadequate", "Requires improvement", "or Adequate", "Good", "Outstanding", "or Excellent"):
        assert f">{words}</tspan>" in svg.group(0)
    assert 'role="img"' in svg.group(0) and "aria-label=" in svg.group(0)
    # framework colours and a legend naming each framework drawn
    assert 'class="point fw-apa' in svg.group(0) and 'class="point fw-ilacs' in svg.group(0)
    legend = re.search(r'<ul class="legend" aria-label="Legend">.*?</ul>', stockton_html, re.S).group(0)
    assert "APA" in legend and "SIF" in legend and "ILACS" in legend
    # tooltips say the grade in Ofsted's words and the source
    assert "<title>2023 · ILACS (2018–) · Overall effectiveness: Requires improvement to be good" in svg.group(0)


def test_council_report_has_the_latest_inspection_table(stockton_html):
    table = re.search(r"<caption>Latest inspection of Stockton-on-Tees.*?</table>", stockton_html, re.S).group(0)
    assert "ILACS" in table and "2023-03-06 to 2023-03-17" in table and "2023-05-09" in table
    assert table.count("Requires improvement to be good") == 4
    assert ">Good</td>" in table  # care leavers
    assert "stockton_2023_ilacs.pdf" in table
    assert '<th scope="col">Overall effectiveness</th>' in table


def test_header_says_database_time_version_and_counts(stockton_html, con):
    header = re.search(r'<header class="page">.*?</header>', stockton_html, re.S).group(0)
    assert "small.duckdb" in header
    assert "2026-01-02 03:04" in header
    assert "9.9.9-test (4 documents)" in header
    assert "4 documents, 9 judgements, 1 councils, years 2006–2023" in header


def test_corpus_charts_and_coverage(stockton_html):
    bars = re.search(r'<svg class="chart bars".*?</svg>', stockton_html, re.S).group(0)
    assert len(re.findall(r'<g class="bar"', bars)) == 3  # 2006 apa, 2016 sif, 2023 ilacs
    assert len(re.findall(r'<rect class="segment', bars)) == 6  # two scores in each bar
    coverage = stockton_html.split("Coverage: documents with no judgement", 1)[1]
    assert "1 documents with no judgement" in coverage
    assert "raw/stockton_2024_news.txt" in coverage


def test_text_from_the_database_is_escaped(stockton_html):
    assert "<script" not in stockton_html
    assert "<b>2016" not in stockton_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in stockton_html
    assert "stockton &lt;b&gt;2016&lt;i&gt; &amp; &quot;sif&quot;.pdf" in stockton_html
    parse(stockton_html)  # well formed: the markup in the data did not open any element


def test_report_is_self_contained(con, stockton_html):
    for html_text in (stockton_html, build_report(con)):
        for tag, attrs in parse(html_text).tags:
            for name in ("src", "href", "xlink:href", "action"):
                value = attrs.get(name) or ""
                assert not re.match(r"(https?:)?//", value), f"<{tag} {name}={value}> is external"
        assert "<script" not in html_text
        assert "@import" not in html_text and "url(" not in html_text
        assert "<img" not in html_text


def test_aliases_and_case_resolve(con):
    assert resolve_council(con, "stockton-on-tees borough council") == "Stockton-on-Tees"
    assert resolve_council(con, "  Stockton   on Tees ") == "Stockton-on-Tees"


def test_unknown_council_lists_close_names(con):
    with pytest.raises(UnknownCouncil) as caught:
        build_report(con, "Stokton-on-Teas")
    assert "Stockton-on-Tees" in caught.value.suggestions
    message = str(caught.value)
    assert "Stokton-on-Teas" in message and "Did you mean" in message and "--council" in message
    with pytest.raises(UnknownCouncil) as nothing_close:
        build_report(con, "Zzqxj")
    assert nothing_close.value.suggestions == []


def test_council_with_no_judgements_says_so(con):
    html_text = build_report(con, "Enfield", generated_at=GENERATED)
    assert "No judgements for Enfield in this database" in html_text
    assert "No SIF or ILACS inspection report with judgements for Enfield" in html_text
    assert _points(html_text) == []
    assert '<svg class="chart bars"' in html_text  # the corpus section is still there
    parse(html_text)


def test_report_of_every_council(con):
    html_text = build_report(con, generated_at=GENERATED)
    assert '<a href="#council-stockton-on-tees">Stockton-on-Tees</a>' in html_text
    assert 'id="council-stockton-on-tees"' in html_text
    assert len(_points(html_text)) == 9
    assert '<svg class="chart bars"' in html_text


def test_empty_database(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store:
        store.load_register()
    with duckdb.connect(str(tmp_path / "empty.duckdb"), read_only=True) as empty:
        html_text = build_report(empty)
        assert "No judgements in this database" in html_text
        assert "No council has a judgement in this database" in html_text
        parse(html_text)
