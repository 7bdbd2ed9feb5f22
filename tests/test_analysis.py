"""Analyst views, full-text search and exports over a database of the sample documents."""
import re
import shutil
from datetime import date

import duckdb
import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from flows.cli import app
from outputs.export import export_views
from models.search import SearchUnavailable, highlight, refresh_search_index, search
from models.store import Store

runner = CliRunner()


def test_latest_inspection_has_one_row_per_current_council_in_ofsteds_words(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT gss_code) FROM latest_inspection").fetchone() == (153, 153)
        row = con.execute("""SELECT la_area_code, ofsted_region, framework, inspection_type, inspection_date,
                                    overall_effectiveness, impact_of_leaders, help_and_protection, children_in_care,
                                    care_leavers, previous_inspection_type, previous_overall_effectiveness, change
                             FROM latest_inspection WHERE local_authority = 'Stockton-on-Tees'""").fetchone()
    assert row[:5] == ("808", "North East, Yorkshire and the Humber", "ilacs", "ilacs_standard", date(2023, 3, 6))
    assert row[5:10] == ("Requires improvement to be good",) * 5
    # the 2016 SIF inspection was good: "requires improvement" since is a decline
    assert row[10:] == ("sif", "Good", "declined")


def test_judgement_timeline_spans_frameworks(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        rows = con.execute("""SELECT year, framework, score FROM judgement_timeline
                              WHERE council = 'Stockton-on-Tees' AND area = 'overall' AND year IS NOT NULL
                              ORDER BY year, score""").fetchall()
    # one row per assessment: the 2009 rating is in a letter and in the provisional rating's minutes
    assert [(year, framework) for year, framework, _ in rows] == [
        (2006, "apa"), (2008, "apa"), (2009, "annual_rating"), (2016, "sif"), (2023, "ilacs")]


def test_council_lineage_follows_reorganisations(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        successors = dict(con.execute("""SELECT l.gss_code || ' -> ' || l.current_name, 1 FROM council_lineage l
                                          JOIN local_authorities la USING (gss_code)
                                          WHERE la.name IN ('Cheshire', 'Northumberland', 'Dorset')""").fetchall())
    assert {"E10000004 -> Cheshire East", "E10000004 -> Cheshire West and Chester",
            "E06000048 -> Northumberland", "E06000057 -> Northumberland"} <= successors.keys()


def test_section_text_reads_the_section(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        text, page = con.execute("SELECT text, page FROM section_text WHERE label = 'being_healthy'").fetchone()
    assert text.startswith("Being healthy\n\nThe contribution of the council's children's services") and page == 1


def test_section_text_of_a_long_document_needs_memory_for_its_text_not_for_text_times_sections(tmp_path):
    # One document of about 1 MB in 300 sections: a copy of its text per section would be 300 MB.
    text = ("Leaders know their services well and act on what they find. " * 20 + "\n") * 800
    step = len(text) // 300
    with Store(tmp_path / "long.duckdb") as store:
        con = store.con
        con.execute("INSERT INTO documents (doc_id, path, doc_type, clean_text) VALUES ('d1', 'long.txt', 'other', ?)",
                    [text])
        con.executemany("INSERT INTO sections (doc_id, label, start_char, end_char, page) VALUES ('d1', 'body', ?, ?, 1)",
                        [[n * step, (n + 1) * step] for n in range(300)])
        con.execute("SET threads = 1")
        con.execute("SET memory_limit = '100MB'")
        con.execute("SET temp_directory = ''")  # nothing may spill to disk either
        rows = con.execute("SELECT section_no, start_char, text FROM section_text ORDER BY section_no").fetchall()
    assert len(rows) == 300
    assert all(row_text == text[start:start + step] for _, start, row_text in rows)


def test_search_ranks_sections_and_marks_terms(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        hits = search(con, "missing from home", limit=3)
        only_ilacs = search(con, "missing from home", framework="ilacs")
        redcar = search(con, "missing from home", council="Redcar")
    assert hits and hits[0].score >= hits[-1].score
    assert "**missing**" in hits[0].snippet.lower()
    assert {hit.framework for hit in only_ilacs} == {"ilacs"}
    assert {hit.council for hit in redcar} == {"Redcar and Cleveland"}


def test_search_index_is_rebuilt_only_when_documents_change(sample_db, tmp_path):
    with duckdb.connect(str(sample_db)) as con:
        assert refresh_search_index(con) is False


def test_search_without_an_index_says_how_to_build_it(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store, pytest.raises(SearchUnavailable, match="run `ofsted ingest`"):
        search(store.con, "neglect")


@pytest.mark.parametrize("text, query, expected", [
    ("Children who go missing from home are found quickly.", "missing from home",
     "Children who go **missing** from **home** are found quickly."),
    ("Neglected children are helped.", "neglect", "**Neglected** children are helped."),
    ("Nothing to see.", "the", "Nothing to see."),
])
def test_highlight(text, query, expected):
    assert highlight(text, query) == expected


def test_exports_are_partitioned_parquet_and_csv(sample_db, tmp_path):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        exported = {e.view: e.rows for e in export_views(con, tmp_path / "out")}
    assert exported["latest_inspection"] == 153
    timeline = ds.dataset(tmp_path / "out" / "parquet" / "judgement_timeline", partitioning="hive").to_table()
    assert timeline.num_rows == exported["judgement_timeline"]
    assert str(timeline.schema.field("year").type) == "int32"
    assert (tmp_path / "out" / "parquet" / "judgement_timeline" / "part_framework=apa" / "part_year=2006").is_dir()
    header = (tmp_path / "out" / "csv" / "latest_inspection.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("la_area_code,local_authority,ofsted_region,inspection_date,inspection_end,publication_date")


def test_search_and_export_commands(sample_db, tmp_path):
    result = runner.invoke(app, ["search", "missing from home", "--db", str(sample_db), "--limit", "1"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(" 1. ") and re.search(r"\(p\. \d+\)$", first)
    result = runner.invoke(app, ["export", str(tmp_path / "x"), "--db", str(sample_db)])
    assert result.exit_code == 0 and result.output.splitlines()[0].startswith("latest_inspection        153 rows")
    missing = runner.invoke(app, ["search", "neglect", "--db", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 2


# -- search arguments ------------------------------------------------------------------------

HIT_LINE = re.compile(r"^ ?\d+\. [\d.]+  (?P<council>.+?), (?:\d{4}|year unknown), (?P<framework>\S+)  \[")
COUNCIL_HINT = ("Pass --council with a council's name as the register spells it (or one of its aliases, "
                "e.g. 'Stockton-on-Tees' or 'Stockton-on-Tees Borough Council'), or omit --council for every council.")
STOPWORDS_ONLY = ("has no word the index keeps: stopwords such as 'the' or 'about', numbers and punctuation "
                  "are not indexed. Add a word of the text you are looking for.")


@pytest.mark.parametrize("arguments, councils, frameworks", [
    (["--framework", "ILACS"], {"Stockton-on-Tees", "Lancashire"}, {"ilacs"}),
    (["--framework", " Annual_Rating "], {"Stockton-on-Tees", "Redcar and Cleveland"}, {"annual_rating"}),
    (["--council", "redcar"], {"Redcar and Cleveland"}, {"annual_rating"}),
    (["--council", "REDCAR AND CLEVELAND BOROUGH COUNCIL"], {"Redcar and Cleveland"}, {"annual_rating"}),
    (["--council", "Stockton-on-Tees Borough Council", "--framework", "Sif"], {"Stockton-on-Tees"}, {"sif"}),
    (["--council", "Stockton on Tees BC"], {"Stockton-on-Tees"}, {"apa", "annual_rating", "sif", "ilacs"}),
    (["--council", "stock"], {"Stockton-on-Tees"}, {"apa", "annual_rating", "sif", "ilacs"}),  # the start of a name
    (["--council", "lancashire county council"], {"Lancashire"}, {"ilacs"}),
])
def test_search_filters_by_council_and_framework_as_the_report_names_them(sample_db, arguments, councils, frameworks):
    result = runner.invoke(app, ["search", "missing from home", "--db", str(sample_db), "--limit", "50", *arguments])
    assert result.exit_code == 0, result.output
    hits = [HIT_LINE.match(line) for line in result.stdout.splitlines() if HIT_LINE.match(line)]
    assert {hit["council"] for hit in hits} == councils
    assert {hit["framework"] for hit in hits} == frameworks


@pytest.mark.parametrize("arguments, exit_code, message", [
    (["neglect", "--framework", "report"], 2,
     "No framework called 'report'. Pass --framework with one of: apa, annual_rating, safeguarding_lac, sif, ilacs "
     "(in any case), or omit it for every framework."),
    (["neglect", "--framework", "ILAC"], 2,
     "No framework called 'ILAC'. Pass --framework with one of: apa, annual_rating, safeguarding_lac, sif, ilacs "
     "(in any case), or omit it for every framework."),
    (["neglect", "--council", "Stokton-on-Teas"], 2,
     "No council called 'Stokton-on-Teas' in the register of local authorities. "
     f"Did you mean: Stockton-on-Tees, Stoke-on-Trent, Southend-on-Sea? {COUNCIL_HINT}"),
    (["neglect", "--council", "Zzqxj"], 2,
     f"No council called 'Zzqxj' in the register of local authorities. No council name is close. {COUNCIL_HINT}"),
    (["neglect", "--council", " "], 2,
     f"No council called ' ' in the register of local authorities. No council name is close. {COUNCIL_HINT}"),
    ([""], 2, 'The query is empty. Give the words to look for, e.g. ofsted search "missing from home".'),
    (["the of and"], 2, f"The query 'the of and' {STOPWORDS_ONLY}"),
    (["2016 !"], 2, f"The query '2016 !' {STOPWORDS_ONLY}"),
    # Arguments that are right, and nothing matches.
    (["xylophone", "--council", "Redcar"], 1, "no section matches 'xylophone'"),
    (["missing from home", "--council", "Enfield"], 1, "no section matches 'missing from home'"),
])
def test_search_says_in_one_line_what_is_wrong_with_an_argument(sample_db, arguments, exit_code, message):
    result = runner.invoke(app, ["search", *arguments, "--db", str(sample_db)])
    assert (result.exit_code, result.stderr, result.stdout) == (exit_code, message + "\n", "")


@pytest.mark.parametrize("limit, complaint", [
    ("100000000000000000000", "Input should be less than or equal to 1000"),
    ("1001", "Input should be less than or equal to 1000"),
    ("0", "Input should be greater than or equal to 1"),
    ("1e20", "Input should be a valid integer"),
])
def test_search_limit_out_of_range_is_a_usage_error(sample_db, limit, complaint):
    result = runner.invoke(app, ["search", "neglect", "--limit", limit, "--db", str(sample_db)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert f"Invalid value for '--limit': {complaint}" in " ".join(result.stderr.replace("│", " ").split())


def test_search_help_lists_the_frameworks_and_the_limit_the_library_accepts():
    from models.vocabulary import FRAMEWORKS
    from models.search import MAX_HITS

    help_text = " ".join(runner.invoke(app, ["search", "--help"]).output.replace("│", " ").split())
    assert f"Only this framework: {', '.join(FRAMEWORKS)} (any case)." in help_text
    assert f"[1<=x<={MAX_HITS}]" in help_text


def test_search_finds_the_documents_of_a_councils_predecessors(sample_db, tmp_path):
    from models.councils import council_gss_codes

    db = tmp_path / "ofsted.duckdb"
    shutil.copy(sample_db, db)
    with duckdb.connect(str(db)) as con:
        assert council_gss_codes(con, ["Northumberland"]) == ["E06000048", "E06000057", "E10000022"]
        assert council_gss_codes(con, ["Cheshire"]) == ["E10000004"]
        assert "E10000004" in council_gss_codes(con, ["Cheshire East"])
        # The Redcar letter, as if it had been about Northumberland County Council before 2009.
        con.execute("UPDATE documents SET la_gss_code = 'E10000022' WHERE path LIKE '%redcar%'")
        northumberland = search(con, "missing from home", council="Northumberland")
        redcar = search(con, "missing from home", council="Redcar")
    assert northumberland and {hit.path.rsplit("/", 1)[1] for hit in northumberland} == {"redcar_2009_annual_rating_letter.txt"}
    assert redcar == []


def test_search_arguments_are_checked_by_the_library_too(sample_db):
    from models.search import HitLimitOutOfRange, QueryWithoutTerms, UnknownFramework

    with duckdb.connect(str(sample_db), read_only=True) as con:
        with pytest.raises(HitLimitOutOfRange, match="between 1 and 1000, not 100000000000000000000"):
            search(con, "neglect", limit=10**20)
        with pytest.raises(UnknownFramework, match="one of: apa, annual_rating"):
            search(con, "neglect", framework="Ofsted")
        with pytest.raises(QueryWithoutTerms, match="no word the index keeps"):
            search(con, "would")  # in DuckDB's English stopwords, not in the snippet's
        assert {hit.framework for hit in search(con, "neglect", framework="SIF")} == {"sif"}


PREDECESSOR_REPORT = """Inspection of North Northamptonshire local authority children’s services
Inspection dates: 7 to 18 November 2022
Lead inspector: Máire Atherton, His Majesty’s Inspector
Judgement Grade
The impact of leaders on social work practice with children and families Requires improvement to be good
The experiences and progress of children who need help and protection Requires improvement to be good
The experiences and progress of children in care Requires improvement to be good
The experiences and progress of care leavers Requires improvement to be good
Overall effectiveness Good

Children’s services in the predecessor local authority, Northamptonshire County Council, were judged inadequate
in 2019. Since then, services have improved.
"""


def test_a_predecessors_grade_is_the_predecessors_and_not_the_reports(extractor, tmp_path):
    """A report recalling its predecessor council's grade keeps it with that council and year;
    latest_inspection reads the report's own table."""
    report = tmp_path / "report.txt"
    report.write_text(PREDECESSOR_REPORT, encoding="utf-8")
    with Store(tmp_path / "ofsted.duckdb") as store:
        store.load_register()
        store.write_documents([extractor.extract(report)])
        recalled = store.con.execute("""SELECT j.year, la.name FROM judgements j JOIN local_authorities la
                                        ON la.gss_code = j.la_gss_code WHERE j.score = 1""").fetchall()
        latest = store.con.execute("""SELECT overall_effectiveness, care_leavers FROM latest_inspection
                                      WHERE local_authority = 'North Northamptonshire'""").fetchone()
    assert recalled == [(2019, "Northamptonshire")]
    assert latest == ("Good", "Requires improvement to be good")


def test_a_phrase_is_found_as_written_on_its_own_page(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        hits = search(con, '"child sexual exploitation"', limit=5)
        texts = {row[0]: row[1] for row in con.execute(
            "SELECT path || ':' || section_no, text FROM section_text").fetchall()}
        pages = con.execute("""SELECT d.path, p.page, substr(d.clean_text, p.start_char + 1, p.end_char - p.start_char)
                               FROM pages p JOIN documents d USING (doc_id)""").fetchall()
    assert hits and all("**child sexual exploitation**" in hit.snippet.lower() for hit in hits)
    for hit in hits:  # the hit's page holds the phrase
        page_text = next(text for path, page, text in pages if path == hit.path and page == hit.page)
        assert re.search(r"child\s+sexual\s+exploitation", page_text, re.IGNORECASE)
    assert texts


@pytest.mark.parametrize("arguments, check", [
    ({"section": "recommendations"}, lambda hit: hit.label == "recommendations"),
    ({"since": 2020}, lambda hit: hit.year >= 2020),
    ({"until": 2016, "since": 2016}, lambda hit: hit.year == 2016),
])
def test_search_filters_by_section_and_years(sample_db, arguments, check):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        hits = search(con, "children", limit=20, **arguments)
    assert hits and all(check(hit) for hit in hits)


def test_a_year_range_backwards_says_which_way_round(sample_db):
    from models.search import InvalidYearRange

    with duckdb.connect(str(sample_db), read_only=True) as con, pytest.raises(InvalidYearRange, match="earlier year first"):
        search(con, "children", since=2020, until=2016)


@pytest.mark.parametrize("text, query, expected", [
    # a phrase is marked whole; a word's inflections are its own, another word's are not
    ("Children at risk of child sexual exploitation are helped.", '"child sexual exploitation"',
     "Children at risk of **child sexual exploitation** are helped."),
    ("Children who went missing from home, and homeless young people.", "missing home",
     "Children who went **missing** from **home**, and homeless young people."),
])
def test_highlight_phrases_and_inflections(text, query, expected):
    assert highlight(text, query) == expected
