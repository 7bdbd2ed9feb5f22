"""Analyst views, full-text search and exports over a database of the sample documents."""
import duckdb
import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from flows.cli import app
from models.export import export_views
from models.search import SearchUnavailable, highlight, refresh_search_index, search
from models.store import Store

runner = CliRunner()


def test_latest_inspection_has_one_row_per_current_council_in_ofsteds_words(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT gss_code) FROM latest_inspection").fetchone() == (153, 153)
        row = con.execute("""SELECT framework, inspection_start, overall_effectiveness, impact_of_leaders,
                                    help_and_protection, children_in_care, care_leavers
                             FROM latest_inspection WHERE council = 'Stockton-on-Tees'""").fetchone()
    assert row[0] == "ilacs" and str(row[1]).startswith("2023")
    assert row[2:] == ("Requires improvement to be good",) * 5


def test_judgement_timeline_spans_frameworks(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        rows = con.execute("""SELECT year, framework, score FROM judgement_timeline
                              WHERE council = 'Stockton-on-Tees' AND area = 'overall' AND year IS NOT NULL
                              ORDER BY year, score""").fetchall()
    assert [(year, framework) for year, framework, _ in rows] == [
        (2006, "apa"), (2008, "apa"), (2009, "annual_rating"), (2009, "annual_rating"), (2016, "sif"), (2023, "ilacs")]


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
    header = (tmp_path / "out" / "csv" / "latest_inspection.csv").read_text().splitlines()[0]
    assert header.startswith("council,gss_code,dfe_la_code,region,framework")


def test_search_and_export_commands(sample_db, tmp_path):
    result = runner.invoke(app, ["search", "missing from home", "--db", str(sample_db), "--limit", "1"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(" 1. ") and "Stockton-on-Tees" in first
    result = runner.invoke(app, ["export", str(tmp_path / "x"), "--db", str(sample_db)])
    assert result.exit_code == 0 and result.output.splitlines()[0].startswith("latest_inspection        153 rows")
    missing = runner.invoke(app, ["search", "neglect", "--db", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 2
