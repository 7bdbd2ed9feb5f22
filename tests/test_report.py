"""The HTML report: built from small databases made here, read through a read-only connection."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from extractors.records import DocumentResult, Judgement, LocalAuthorityMatch
from models.councils import resolve_council
from models.official import OfficialRow, OfficialTable, store_official
from models.store import Store
from outputs.report import UnknownCouncil, build_report
from outputs.report.council import council_view, report_context
from outputs.report.render import anchor

STOCKTON = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)
HARTLEPOOL = LocalAuthorityMatch("Hartlepool", "E06000001", "805", 100.0)
LEEDS = LocalAuthorityMatch("Leeds", "E08000035", "383", 100.0)
KENT = LocalAuthorityMatch("Kent", "E10000016", "886", 100.0)
SURREY = LocalAuthorityMatch("Surrey", "E10000030", "936", 100.0)
GENERATED = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
# A label and a path with markup in them: the report must show them as text.
NASTY_LABEL = 'Good <script>alert("x")</script> & more'
NASTY_PATH = 'raw/stockton <b>2016<i> & "sif".pdf'
WORDS = {4: "outstanding", 3: "good", 2: "requires improvement", 1: "inadequate"}
ILACS_AREAS = ("overall", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers")


def _judgement(area: str, score: int, year: int, scale: str = "ofsted_4point", label: str | None = None,
               framework: str | None = None, council: LocalAuthorityMatch = STOCKTON, evidence: str = "table",
               start: int = 0) -> Judgement:
    words = WORDS[score]
    return Judgement(area=area, label=label or words, scale=scale,
                     grade=score if scale != "ofsted_4point" else None, score=score, year=year,
                     local_authority=council.name, evidence=evidence, text=f"{area} is {words}",
                     start=start, end=start + 10, framework=framework, la_gss_code=council.gss_code)


def _document(path: str, doc_type: str, framework: str | None, year: int | None,
              judgements: list[Judgement], council: LocalAuthorityMatch = STOCKTON, **dates: str) -> DocumentResult:
    return DocumentResult(path=path, doc_id=f"id-{path}", doc_type=doc_type, framework=framework,
                          local_authority=council, year=year, document_date=f"{year}-06-01" if year else None,
                          judgements=judgements, clean_text="text", pipeline_version="9.9.9-test", **dates)


def small_results() -> list[DocumentResult]:
    """Stockton: an APA letter, an SIF report and the minutes restating it with another overall
    grade, an ILACS report (9 chosen grades of 3 inspections, 10 judgements), and a news article
    with none."""
    return [
        _document("raw/stockton_2006_apa_letter.txt", "apa_letter", "apa", 2006, [
            _judgement("overall", 4, 2006, "apa_1to4", framework="apa"),
            _judgement("staying_safe", 3, 2006, "apa_1to4", framework="apa"),
        ]),
        _document(NASTY_PATH, "inspection_report", "sif", 2016, [
            _judgement("overall", 3, 2016, label=NASTY_LABEL, framework="sif"),
            _judgement("help_and_protection", 2, 2016, framework="sif", start=20),
        ], inspection_start="2016-05-09", inspection_end="2016-06-02", published="2016-08-05"),
        _document("raw/stockton_2016_cabinet_minutes.txt", "council_minutes", "sif", 2016, [
            _judgement("overall", 2, 2016, framework="sif", evidence="prose"),
        ]),
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
        store.rebuild_inspections()
    return path


def _ilacs(council: LocalAuthorityMatch, year: int, scores: tuple[int | None, ...]) -> DocumentResult:
    """An ILACS standard inspection report (two weeks on site) grading the areas of ILACS_AREAS."""
    judgements = [_judgement(area, score, year, framework="ilacs", council=council, start=i * 20)
                  for i, (area, score) in enumerate(zip(ILACS_AREAS, scores)) if score is not None]
    return _document(f"raw/{council.name.lower()}_{year}_ilacs.pdf", "inspection_report", "ilacs", year,
                     judgements, council, inspection_start=f"{year}-03-06", inspection_end=f"{year}-03-17",
                     published=f"{year}-05-09")


# Five councils' latest inspections (overall, leaders, help and protection, children in care,
# care leavers), three of them in Ofsted's North East, Yorkshire and the Humber region and two
# in the South East; Leeds's earlier, inadequate, SIF inspection is not its latest.
COUNCIL_GRADES: list[tuple[LocalAuthorityMatch, int, tuple[int | None, ...]]] = [
    (STOCKTON, 2023, (2, 2, 2, 2, 3)),
    (HARTLEPOOL, 2024, (4, 4, 4, 4, 3)),
    (LEEDS, 2025, (3, 4, 3, 4, None)),
    (KENT, 2025, (1, 2, 3, 4, 2)),
    (SURREY, 2025, (3, 3, 3, 3, None)),
]


def councils_results() -> list[DocumentResult]:
    results = [_ilacs(council, year, scores) for council, year, scores in COUNCIL_GRADES]
    results.append(_document("raw/leeds_2015_sif.pdf", "inspection_report", "sif", 2015, [
        _judgement(area, 1, 2015, framework="sif", council=LEEDS, start=i * 20)
        for i, area in enumerate(("overall", "help_and_protection", "children_in_care", "leadership"))
    ], LEEDS, inspection_start="2015-01-20", inspection_end="2015-02-11", published="2015-03-20"))
    return results


def make_councils_db(path: Path) -> Path:
    with Store(path) as store:
        store.load_register()
        store.write_documents(councils_results())
        store.rebuild_inspections()
    return path


def _official_row(row_id: str, kind: str, when: date, published: date, grades: dict[str, str | None]) -> OfficialRow:
    return OfficialRow(
        row_id=row_id, la_name="Stockton-on-Tees", la_area_code="808", la_gss_code=STOCKTON.gss_code,
        la_status=None, ofsted_region="North East, Yorkshire and the Humber", inspection_type=kind,
        inspection_type_text=kind.replace("_", " "), inspection_date=when, published=published,
        overall_effectiveness=grades.get("overall_effectiveness"), impact_of_leaders=grades.get("impact_of_leaders"),
        help_and_protection=grades.get("help_and_protection"), children_in_care=grades.get("children_in_care"),
        care_leavers=grades.get("care_leavers"), visit_theme=None, is_latest=kind == "ilacs_standard",
        sheets="test")


RI = "Requires improvement to be good"
# Ofsted's table as at 31 March 2024 for Stockton: its 2023 inspection graded Good overall (ours
# reads Requires improvement to be good), and a 2021 focused visit of which the database has no letter.
OFFICIAL_STOCKTON = OfficialTable(
    path="test-table.ods", edition=date(2024, 3, 31),
    rows=(
        _official_row("stockton-2023", "ilacs_standard", date(2023, 3, 6), date(2023, 5, 9),
                      {"overall_effectiveness": "Good", "impact_of_leaders": RI, "help_and_protection": RI,
                       "children_in_care": RI, "care_leavers": "Good"}),
        _official_row("stockton-2021", "focused_visit", date(2021, 6, 8), date(2021, 7, 20), {}),
    ),
    sheets={"test": "latest"}, records={"test": 2}, councils=("Stockton-on-Tees",), unresolved=(),
    not_inspected=())


def make_official_db(path: Path) -> Path:
    make_small_db(path)
    with Store(path) as store:
        store_official(store, OFFICIAL_STOCKTON)
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_small_db(tmp_path_factory.mktemp("report") / "small.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def councils_con(tmp_path_factory):
    path = make_councils_db(tmp_path_factory.mktemp("report") / "councils.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def official_con(tmp_path_factory):
    path = make_official_db(tmp_path_factory.mktemp("report") / "official.duckdb")
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


def _section(html_text: str, heading: str) -> str:
    """The part of a council's page under an <h3> heading, up to the next one."""
    found = re.search(rf"<h3>{re.escape(heading)}</h3>(.*?)(?=<h3>|</section>)", html_text, re.S)
    assert found, f"no section {heading!r}"
    return found.group(1)


def test_council_report_has_a_timeline_with_one_point_per_inspection_and_area(stockton_html):
    assert stockton_html.startswith("<!DOCTYPE html>")
    svg = re.search(r'<svg class="chart timeline".*?</svg>', stockton_html, re.S)
    assert svg, "no timeline chart"
    # 10 judgements, but the minutes' overall grade of the SIF inspection is not the one chosen
    assert len(_points(svg.group(0))) == 9
    assert len(re.findall(r'<circle class="point[^"]* overall', svg.group(0))) == 3
    assert "secondary" not in svg.group(0)  # every chosen grade is from Ofsted's own documents
    for words in ("Inadequate", "Requires improvement", "or Adequate", "Good", "Outstanding", "or Excellent"):
        assert f">{words}</tspan>" in svg.group(0)
    assert 'role="img"' in svg.group(0) and "aria-label=" in svg.group(0)
    # framework colours and a legend naming each framework drawn
    assert 'class="point fw-apa' in svg.group(0) and 'class="point fw-ilacs' in svg.group(0)
    legend = re.search(r'<ul class="legend" aria-label="Legend">.*?</ul>', stockton_html, re.S).group(0)
    assert "APA" in legend and "SIF" in legend and "ILACS" in legend
    # tooltips say the inspection, the grade in Ofsted's words and the source
    assert ("<title>2023 · ILACS standard inspection · Overall effectiveness: Requires improvement to be good"
            in svg.group(0))
    assert "2 pieces of evidence, which disagree" in svg.group(0)  # the SIF overall grade


def test_council_report_has_the_latest_inspection(stockton_html):
    latest = _section(stockton_html, "Latest inspection")
    assert "<dt>Inspection</dt><dd>ILACS standard inspection</dd>" in latest
    assert "<dd>2023-03-06 to 2023-03-17</dd>" in latest
    assert "2023-05-09" in latest and "(printed in the document)" in latest
    assert '<a class="document" href="raw/stockton_2023_ilacs.pdf"' in latest
    assert "SIF inspection of 2016-05-09, overall effectiveness Good" in latest
    assert '<span class="change change-declined">declined</span>' in latest
    table = re.search(r'<table class="benchmarks">.*?</table>', latest, re.S).group(0)
    assert table.count(">Requires improvement to be good</td>") == 4
    assert '<td class="grade-3">Good</td>' in table  # care leavers
    assert '<th scope="row">Overall effectiveness</th>' in table
    assert "Good or better in North East, Yorkshire and the Humber" in table


# (council, column, its region's share good or better, England's): from COUNCIL_GRADES, over the
# latest inspection of each council (Leeds's inadequate SIF inspection of 2015 does not count).
SHARES = [
    ("Stockton-on-Tees", "overall_effectiveness", (2, 3), (3, 5)),
    ("Stockton-on-Tees", "impact_of_leaders", (2, 3), (3, 5)),
    ("Stockton-on-Tees", "help_and_protection", (2, 3), (4, 5)),
    ("Stockton-on-Tees", "children_in_care", (2, 3), (4, 5)),
    # care leavers: judged by three councils' inspections only
    ("Stockton-on-Tees", "care_leavers", (2, 2), (2, 3)),
    ("Leeds", "overall_effectiveness", (2, 3), (3, 5)),
    ("Kent", "overall_effectiveness", (1, 2), (3, 5)),
    ("Kent", "impact_of_leaders", (1, 2), (3, 5)),
    ("Kent", "care_leavers", (0, 1), (2, 3)),
    ("Surrey", "help_and_protection", (2, 2), (4, 5)),
]


@pytest.mark.parametrize(("council", "column", "region", "england"), SHARES)
def test_shares_good_or_better_in_the_region_and_england(councils_con, tmp_path, council, column, region, england):
    view = council_view(councils_con, council, report_context(councils_con, tmp_path))
    [benchmark] = [b for b in view.benchmarks if b.column == column]
    assert (benchmark.region.good, benchmark.region.judged) == region
    assert (benchmark.england.good, benchmark.england.judged) == england
    row = re.search(rf'<th scope="row">{benchmark.heading}</th>.*?</tr>',
                    build_report(councils_con, council, generated_at=GENERATED), re.S).group(0)
    for good, judged in (region, england):
        assert f"{round(100 * good / judged)}% <span class=\"muted\">({good} of {judged})</span>" in row


# Stockton's inspections, newest first: (inspection type, overall grade, change, documents).
STOCKTON_HISTORY = [
    ("ILACS standard inspection", "Requires improvement to be good", "declined", ["stockton_2023_ilacs.pdf"]),
    # the minutes restating the SIF inspection are its second document, not a second row
    ("SIF inspection", "Good", "declined", ["stockton &lt;b&gt;2016&lt;i&gt; &amp; &quot;sif&quot;.pdf",
                                           "stockton_2016_cabinet_minutes.txt"]),
    ("Annual performance assessment", "Outstanding", None, ["stockton_2006_apa_letter.txt"]),
]


def _history_rows(html_text: str) -> list[str]:
    return re.findall(r'<tr data-inspection-id="[^"]*">.*?</tr>', _section(html_text, "Inspections"), re.S)


def test_history_is_one_row_per_inspection(con, stockton_html):
    ids = re.findall(r'<tr data-inspection-id="([^"]*)">', _section(stockton_html, "Inspections"))
    stored = [row[0] for row in con.execute(
        "SELECT inspection_id FROM inspections WHERE la_gss_code = ?", [STOCKTON.gss_code]).fetchall()]
    assert len(ids) == len(set(ids)) == len(stored) == 3
    assert set(ids) == set(stored)


@pytest.mark.parametrize(("position", "expected"), list(enumerate(STOCKTON_HISTORY)))
def test_history_row(stockton_html, position, expected):
    kind, overall, change, documents = expected
    row = _history_rows(stockton_html)[position]
    assert f"<td>{kind}<br>" in row
    assert re.search(rf'<td class="grade-\d"[^>]*>{overall}</td>', row)
    changes = re.findall(r'<span class="change change-(\w+)">', row)
    assert changes == ([change] if change else [])
    assert re.findall(r'<a class="document" href="[^"]*" title="[^"]*">([^<]*)</a>', row) == documents


def test_history_names_the_grades_outside_the_tables_columns(stockton_html):
    apa = _history_rows(stockton_html)[2]
    assert '<li>Staying safe: <span class="grade grade-3">Good</span></li>' in apa


def test_conflicts_show_both_sides_and_their_evidence(stockton_html):
    conflicts = _section(stockton_html, "Evidence that disagrees")
    [row] = re.findall(r"<tbody>(.*?)</tbody>", conflicts, re.S)
    assert '<th scope="row">SIF inspection 2016</th><td>Overall effectiveness</td>' in row
    chosen, other = re.findall(r"<td>\s*<span class=\"grade.*?</td>", row, re.S)
    assert '<span class="grade grade-3">Good</span>' in chosen and "table in inspection_report" in chosen
    assert "<blockquote>overall is good</blockquote>" in chosen
    assert '<span class="grade grade-2">Requires improvement</span>' in other
    assert "prose in council_minutes" in other and "stockton_2016_cabinet_minutes.txt" in other
    assert "<blockquote>overall is requires improvement</blockquote>" in other


@pytest.mark.parametrize(("official", "shown"), [(False, False), (True, True)])
def test_reconciliation_appears_only_when_ofsteds_table_is_loaded(con, official_con, official, shown):
    html_text = build_report(official_con if official else con, "Stockton-on-Tees", generated_at=GENERATED)
    assert ("Against Ofsted&#x27;s outcomes table as at 2024-03-31" in html_text) is shown
    assert ('class="reconciliation"' in html_text) is shown
    every = build_report(official_con if official else con, generated_at=GENERATED)
    assert ("Against Ofsted&#x27;s outcomes table" in every) is shown
    parse(html_text)


def test_reconciliation_names_both_grades_and_our_evidence(official_con):
    section = _section(build_report(official_con, "Stockton-on-Tees", generated_at=GENERATED),
                       "Against Ofsted&#x27;s outcomes table as at 2024-03-31")
    rows = re.findall(r"<tr><th scope=\"row\"><span class=\"status status-(\w+)\">.*?</tr>", section, re.S)
    assert sorted(rows) == ["disagree", "only_official"]
    disagree = re.search(r'<span class="status status-disagree">.*?</tr>', section, re.S).group(0)
    assert ("<strong>Overall effectiveness</strong>: ours Requires improvement to be good, "
            "Ofsted&#x27;s table Good") in disagree
    assert "<blockquote>overall is requires improvement</blockquote>" in disagree
    # the areas both give the same grade are not disagreements
    assert disagree.count('<p class="disagreement">') == 1
    visit = re.search(r'<span class="status status-only_official">.*?</tr>', section, re.S).group(0)
    assert "Focused visit" in visit and "inspected 2021-06-08" in visit


def test_header_says_database_time_version_and_counts(stockton_html, con):
    header = re.search(r'<header class="page">.*?</header>', stockton_html, re.S).group(0)
    assert "small.duckdb" in header
    assert "2026-01-02 03:04" in header
    assert "9.9.9-test (5 documents)" in header
    assert "5 documents, 3 inspections, 10 judgements, 1 councils, years 2006–2023" in header


def test_corpus_charts_and_coverage(stockton_html):
    bars = re.search(r'<svg class="chart bars".*?</svg>', stockton_html, re.S).group(0)
    assert len(re.findall(r'<g class="bar"', bars)) == 3  # 2006 apa, 2016 sif, 2023 ilacs
    # two scores in each bar: the minutes' restated grade is not counted beside the report's
    assert len(re.findall(r'<rect class="segment', bars)) == 6
    coverage = stockton_html.split("Coverage: inspections and documents", 1)[1]
    assert re.search(r'<th scope="row">SIF inspection</th><td>SIF \(2013–2018\)</td>'
                     r'<td class="num">1</td><td class="num">1</td><td class="num">1</td>', coverage)
    assert "1 documents with no judgement" in coverage
    assert "raw/stockton_2024_news.txt" in coverage


def test_text_from_the_database_is_escaped(stockton_html):
    assert "<script" not in stockton_html  # a council's page has no script of its own
    assert "<b>2016" not in stockton_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in stockton_html
    assert "stockton &lt;b&gt;2016&lt;i&gt; &amp; &quot;sif&quot;.pdf" in stockton_html
    parse(stockton_html)  # well formed: the markup in the data did not open any element


def _scripts(html_text: str) -> list[tuple[dict, str]]:
    return [(dict(re.findall(r'(\w+)="([^"]*)"', attrs)), body)
            for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html_text, re.S)]


def test_report_is_self_contained(con, councils_con, stockton_html):
    for html_text in (stockton_html, build_report(con), build_report(councils_con)):
        for tag, attrs in parse(html_text).tags:
            for name in ("src", "href", "xlink:href", "action"):
                value = attrs.get(name) or ""
                assert not re.match(r"([a-z][a-z0-9+.-]*:)?//", value, re.I), f"<{tag} {name}={value}> is external"
        # the only script is the page's own, inline
        assert all(attrs == {} for attrs, _body in _scripts(html_text))
        assert "@import" not in html_text and "url(" not in html_text
        assert "<img" not in html_text


@pytest.mark.parametrize(("raw_folder", "written_in", "path", "href"), [
    # no ingestion recorded: paths are relative to the current folder
    (None, ".", "raw/a.pdf", "raw/a.pdf"),
    ("data/raw", ".", "stockton/a.pdf", "data/raw/stockton/a.pdf"),
    ("data/raw", "reports", "a.pdf", "../data/raw/a.pdf"),
    ("/srv/raw", "/srv/reports", "a.pdf", "../raw/a.pdf"),
    # quoted: spaces and apostrophes, and a colon that would otherwise read as a URL scheme
    ("data/raw", ".", "children's services - 9 may.pdf", "data/raw/children%27s%20services%20-%209%20may.pdf"),
    (None, ".", "javascript:alert(1).pdf", "javascript%3Aalert%281%29.pdf"),
])
def test_document_links_are_relative_to_the_page(tmp_path, monkeypatch, raw_folder, written_in, path, href):
    from outputs.report.council import DocumentLinks

    monkeypatch.chdir(tmp_path)
    links = DocumentLinks(Path(raw_folder) if raw_folder else None, Path(written_in))
    assert links.link(path).href == href


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
    assert "No inspection of Enfield in this database" in html_text
    assert _points(html_text) == []
    assert '<svg class="chart bars"' in html_text  # the corpus section is still there
    parse(html_text)


def _council_table(html_text: str) -> str:
    return re.search(r'<table id="councils-table".*?</table>', html_text, re.S).group(0)


def test_report_of_every_council_is_one_table_and_a_page_each(councils_con):
    html_text = build_report(councils_con, generated_at=GENERATED)
    table = _council_table(html_text)
    names = re.findall(r'<th scope="row"><a href="#([^"]*)">([^<]*)</a></th>', table)
    assert [name for _, name in names] == ["Hartlepool", "Kent", "Leeds", "Stockton-on-Tees", "Surrey"]
    for target, name in names:
        assert target == anchor(name)
        # the council's page, shown alone when the link is followed
        assert f'<section class="council council-page" id="{target}"' in html_text
    kent = re.search(r'<tr data-region="South East">.*?Kent.*?</tr>', table, re.S).group(0)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", kent)[:5] == ["886", "South East", "2025-03-06", "2025-05-09",
                                                              "ILACS standard inspection"]
    assert '<td data-column="overall_effectiveness" data-score="1" class="grade-1">Inadequate</td>' in kent
    assert '<td data-column="care_leavers" data-score="2" class="grade-2">Requires improvement to be good</td>' in kent
    # Leeds's change since its SIF inspection
    leeds = re.search(r"<tr [^>]*>(?:(?!</tr>).)*>Leeds</a>.*?</tr>", table, re.S).group(0)
    assert '<span class="change change-improved">improved</span>' in leeds
    # every row is in the page, in name order, with JS off: the controls stay hidden until the script runs
    assert '<form class="table-controls" data-controls-for="councils-table" hidden>' in html_text
    [(attrs, script)] = _scripts(html_text)
    assert "data-controls-for" in script
    parse(html_text)


def test_region_filter_offers_the_regions_of_the_table(councils_con):
    html_text = build_report(councils_con, generated_at=GENERATED)
    select = re.search(r'<select data-filter="region">(.*?)</select>', html_text, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)">', select) == [
        "", "North East, Yorkshire and the Humber", "South East"]


def test_report_of_every_council_with_the_small_database(con):
    html_text = build_report(con, generated_at=GENERATED)
    assert '<a href="#council-stockton-on-tees">Stockton-on-Tees</a>' in html_text
    assert 'id="council-stockton-on-tees"' in html_text
    assert len(_points(html_text)) == 9
    assert '<svg class="chart bars"' in html_text
    assert "<script" not in html_text  # one council: nothing to sort


def test_empty_database(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store:
        store.load_register()
    with duckdb.connect(str(tmp_path / "empty.duckdb"), read_only=True) as empty:
        html_text = build_report(empty)
        assert "No judgements in this database" in html_text
        assert "No council has an inspection in this database" in html_text
        parse(html_text)
