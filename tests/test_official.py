"""Ofsted's own outcomes table: the real 2024 edition, the 2025 layout written by hand, files
that are not the table, loading an edition over an older load, and the reconciliation."""
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from flows.cli import app
from models.errors import OfficialTableError, OfstedError
from models.official import (
    OFFICIAL_INSPECTION_TYPES,
    editions,
    format_reconciliation,
    header_key,
    inspection_type_of,
    load_official,
    read_official,
    reconcile,
)
from models.store import Store

ROOT = Path(__file__).resolve().parent.parent
EDITION_2024 = ROOT / "data" / "official" / "LA_Inspection_Outcomes_as_at_31_March_2024.ods"
LATEST, IN_YEAR, HISTORY = "Inspections_31_March_2024", "Inspections_in_year_2023-24", "ILACS_inspections_2018-2024"
RI = "Requires improvement to be good"

runner = CliRunner()


@pytest.fixture(scope="module")
def edition_2024():
    return read_official(EDITION_2024)


def by_id(table):
    return {row.row_id: row for row in table.rows}


# -- the 2024 edition ----------------------------------------------------------------------------


def test_the_2024_edition_its_sheets_and_their_rows(edition_2024):
    table = edition_2024
    assert table.edition == date(2024, 3, 31)
    assert table.sheets == {LATEST: "latest", IN_YEAR: "in_year", HISTORY: "history"}
    # 151 councils inspected (Cumberland and Westmorland and Furness not yet); 42 inspections and
    # 65 visits in the year; 151 first ILACS inspections, 65 second ones and 3 of former councils
    assert table.records == {LATEST: 151, IN_YEAR: 107, HISTORY: 219}
    assert table.not_inspected == ("Cumberland", "Westmorland and Furness")
    kinds = {}
    for row in table.rows:
        kinds[row.inspection_type] = kinds.get(row.inspection_type, 0) + 1
    assert kinds == {"ilacs_standard": 150, "ilacs_short": 69, "focused_visit": 37, "monitoring_visit": 28}
    assert len(table.rows) == 219 + 65  # every dated inspection is one of the history's rows
    assert sum(row.is_latest for row in table.rows) == 151
    assert len({row.row_id for row in table.rows}) == len(table.rows)


def test_every_council_of_the_2024_edition_is_matched_to_the_register(edition_2024):
    assert edition_2024.unresolved == ()
    assert all(row.la_gss_code for row in edition_2024.rows)
    codes = {row.la_name: row.la_gss_code for row in edition_2024.rows}
    assert {name: codes[name] for name in (
        "Bedford Borough", "Bristol", "Kingston Upon Hull", "Herefordshire", "Durham", "St Helens",
        "Southend-on-Sea", "Bournemouth, Christchurch & Poole", "Bournemouth", "Northamptonshire", "Cumbria")} == {
        "Bedford Borough": "E06000055", "Bristol": "E06000023", "Kingston Upon Hull": "E06000010",
        "Herefordshire": "E06000019", "Durham": "E06000047", "St Helens": "E08000013",
        "Southend-on-Sea": "E06000033", "Bournemouth, Christchurch & Poole": "E06000058",
        "Bournemouth": "E06000028", "Northamptonshire": "E10000021", "Cumbria": "E10000006"}


# row_id -> what the spreadsheet says of it (the history's grades; the latest or in-year sheet's date)
KNOWN_2024_ROWS = {
    "E06000004/ilacs_short/2019-07-01": dict(  # Stockton-on-Tees' first ILACS, in the history only
        inspection_date=None, published=date(2019, 7, 1), overall_effectiveness=RI, impact_of_leaders=RI,
        help_and_protection=RI, children_in_care=RI, care_leavers=None, is_latest=False, sheets=HISTORY),
    "E06000004/ilacs_standard/2023-05-09": dict(  # its second, in all three sheets
        inspection_date=date(2023, 3, 6), published=date(2023, 5, 9), overall_effectiveness=RI,
        care_leavers=RI, is_latest=True, sheets=", ".join(sorted((HISTORY, LATEST, IN_YEAR)))),
    "E09000004/ilacs_standard/2018-08-20": dict(  # Bexley's first
        inspection_date=None, overall_effectiveness="Outstanding", help_and_protection="Outstanding",
        children_in_care="Good", care_leavers=None, is_latest=False),
    "E09000004/ilacs_short/2023-03-24": dict(  # its second: inspected before the year's sheet begins
        inspection_date=date(2023, 2, 6), overall_effectiveness="Outstanding", help_and_protection="Good",
        children_in_care="Good", care_leavers="Outstanding", is_latest=True, sheets=f"{HISTORY}, {LATEST}"),
    "E06000047/ilacs_standard/2022-07-05": dict(  # Durham's second: Outstanding leaders
        inspection_date=date(2022, 5, 9), overall_effectiveness="Good", impact_of_leaders="Outstanding"),
    "E08000023/ilacs_short/2023-05-10": dict(  # South Tyneside: published 156 days after the inspection
        inspection_date=date(2022, 12, 5), overall_effectiveness="Inadequate",
        help_and_protection="Requires improvement to be good", is_latest=True),
    "E06000055/ilacs_standard/2022-01-14": dict(  # "Bedford Borough" in the history, "Bedford" elsewhere
        la_name="Bedford Borough", la_area_code="822", inspection_date=date(2021, 11, 15), is_latest=True),
    "E10000021/ilacs_standard/2019-07-29": dict(  # the table of councils that no longer exist
        la_name="Northamptonshire", overall_effectiveness="Inadequate", impact_of_leaders=RI,
        children_in_care="Inadequate", is_latest=False, sheets=HISTORY),
    "E08000002/monitoring_visit/2023-02-28": dict(  # Bury: a visit of the year, no grades
        inspection_type_text="LA Monitoring visit", inspection_date=date(2023, 2, 28), published=None,
        overall_effectiveness=None, visit_theme="Achieving permanence", sheets=IN_YEAR),
    "E08000016/ilacs_short/2023-10-27": dict(  # Barnsley: the region as the latest sheet spells it
        ofsted_region="North East, Yorkshire and the Humber", inspection_date=date(2023, 9, 11), la_area_code="370"),
}


@pytest.mark.parametrize("row_id", KNOWN_2024_ROWS)
def test_known_rows_of_the_2024_edition(edition_2024, row_id):
    row = by_id(edition_2024)[row_id]
    assert {name: getattr(row, name) for name in KNOWN_2024_ROWS[row_id]} == KNOWN_2024_ROWS[row_id]


def test_every_inspection_type_is_one_of_the_projects():
    from models.vocabulary import INSPECTION_TYPES

    assert {name for name, _ in OFFICIAL_INSPECTION_TYPES} <= set(INSPECTION_TYPES)


@pytest.mark.parametrize("printed, kind", [
    ("ILACS Standard Inspection", "ilacs_standard"), ("ILACS Short Inspection", "ilacs_short"),
    ("ILACS Focused Visit", "focused_visit"), ("LA Monitoring visit", "monitoring_visit"),
    ("Joint targeted area inspection", "jtai"), ("SIF", "sif"), ("SIF re-inspection", "sif_reinspection"),
    ("Single inspection framework", "sif"), ("Something else", None), (None, None),
])
def test_inspection_types_as_printed(printed, kind):
    assert inspection_type_of(printed) == kind


@pytest.mark.parametrize("header, same_as", [
    ("The impact of leaders on social work practice with children and families",
     "the IMPACT of leaders on social work practice with children & families"),
    ("Inspection/Visit date", "inspection visit date"),
    ("Experiences and progress of children in care", "The experiences and progress of children in care "),
])
def test_headers_compare_without_case_punctuation_or_a_leading_the(header, same_as):
    assert header_key(header) == header_key(same_as)


# -- a workbook written here: the 2025 layout ------------------------------------------------------


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An ODS file as a spreadsheet program writes one: a zip of mimetype, content.xml, manifest."""
    def cell(value):
        if isinstance(value, (date, datetime)):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
        if value in (None, ""):
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>" for name, rows in sheets.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        ods.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    workbook.save(path)
    return path


FULL_NAMES = ["Overall effectiveness", "The impact of leaders on social work practice with children and families",
              "The experiences and progress of children who need help and protection",
              "The experiences and progress of children in care",
              "The experiences and progress of children in care and care leavers",
              "The experiences and progress of care leavers"]
G, O, I = "Good", "Outstanding", "Inadequate"


def edition_2025_sheets(history_rows=None) -> dict[str, list[list]]:
    """The 2025 layout: the long history, full judgement names, area code, status and type columns."""
    history_rows = history_rows if history_rows is not None else [
        ["Stockton-on-Tees", "808", "Active", "North East, Yorkshire and the Humber", "ILACS Short Inspection",
         date(2019, 7, 1), RI, RI, RI, "", RI, ""],
        ["Stockton-on-Tees", "808", "Active", "North East, Yorkshire and the Humber", "ILACS Standard Inspection",
         date(2023, 5, 9), RI, RI, RI, RI, "", "Requires Improvement"],
        ["Northamptonshire", "928", "Inactive", "East Midlands", "ILACS Standard Inspection",
         date(2019, 7, 29), I, RI, I, "", I, ""],
    ]
    return {
        "Cover": [["Local authority inspection outcomes as at 31 March 2025"], ["Section", "Detail"]],
        "Notes": [["Notes"], ["A care leavers grade published in 2024 has been corrected."]],
        "Inspections_31_March_2025": [
            ["Local authority inspection judgements as at 31 March 2025"],
            ["Web link", "Local authority name", "Local authority area code", "Local authority status",
             "Ofsted region", "Inspection type", "Inspection date", *FULL_NAMES[:4], FULL_NAMES[5]],
            ["Ofsted Local Authority Webpage", "Stockton-on-Tees", "808", "Active",
             "North East, Yorkshire and the Humber", "ILACS Standard Inspection", date(2023, 3, 6), RI, RI, RI, RI, RI],
            ["Ofsted Local Authority Webpage", "Cumberland", "942", "Active", "North West", "", "Not yet inspected",
             "", "", "", "", ""],
        ],
        "Inspections_in_year_2024-25": [
            ["Local authority in year inspection activity 2024-25"],
            ["Local authority name", "Local authority area code", "Ofsted region", "Inspection/Visit date",
             "Inspection/Visit type", *FULL_NAMES[:4], FULL_NAMES[5], "Visit Theme"],
            ["Stockton-on-Tees", "808", "North East, Yorkshire and the Humber", date(2024, 11, 12),
             "ILACS Focused Visit", "", "", "", "", "", "Children in care"],
        ],
        "ILACS_inspection_history": [
            ["ILACS inspection history"],
            ["Local authority name", "Local authority area code", "Local authority status", "Ofsted region",
             "Inspection type", "Publication date", *FULL_NAMES],
            *history_rows,
        ],
    }


@pytest.mark.parametrize("write", [write_ods, write_xlsx])
def test_the_2025_layout_long_history_full_names_new_columns(tmp_path, write):
    suffix = ".ods" if write is write_ods else ".xlsx"
    table = read_official(write(tmp_path / f"LA_outcomes_2025{suffix}", edition_2025_sheets()))
    assert table.edition == date(2025, 3, 31)  # from the cover sheet's title: the file name has no date
    assert table.sheets == {"Inspections_31_March_2025": "latest", "Inspections_in_year_2024-25": "in_year",
                            "ILACS_inspection_history": "history"}
    assert table.not_inspected == ("Cumberland",)
    rows = by_id(table)
    assert sorted(rows) == ["E06000004/focused_visit/2024-11-12", "E06000004/ilacs_short/2019-07-01",
                            "E06000004/ilacs_standard/2023-05-09", "E10000021/ilacs_standard/2019-07-29"]
    first, second = rows["E06000004/ilacs_short/2019-07-01"], rows["E06000004/ilacs_standard/2023-05-09"]
    # 2019: the combined "children in care and care leavers" column is children in care
    assert (first.children_in_care, first.care_leavers, first.is_latest) == (RI, None, False)
    # 2023: graded apart; a grade in another case is still Ofsted's words
    assert (second.children_in_care, second.care_leavers, second.inspection_date, second.is_latest) == (
        RI, RI, date(2023, 3, 6), True)
    assert (second.la_area_code, second.la_status, second.inspection_type_text) == (
        "808", "Active", "ILACS Standard Inspection")
    former = rows["E10000021/ilacs_standard/2019-07-29"]
    assert (former.la_status, former.la_area_code, former.children_in_care) == ("Inactive", "928", I)
    visit = rows["E06000004/focused_visit/2024-11-12"]
    assert (visit.visit_theme, visit.published, visit.overall_effectiveness) == ("Children in care", None, None)


# -- files that are not the table ------------------------------------------------------------------


def _text_file(path):
    path.write_text("Local authority inspection outcomes as at 31 March 2024\n")
    return path


def _empty_file(path):
    path.write_bytes(b"")
    return path


def _wrong_headers(path):
    return write_ods(path, {"Data": [["Outcomes as at 31 March 2024"], ["Council", "Date", "Grade"],
                                     ["Leeds", date(2022, 2, 21), "Good"]]})


def _no_overall_column(path):
    return write_ods(path, {"Inspections_31_March_2024": [
        ["Local authority name", "Ofsted region", "Inspection date", "Impact of leaders"],
        ["Leeds", "North East, Yorkshire and the Humber", date(2022, 2, 21), "Outstanding"]]})


def _no_edition(path):
    sheets = edition_2025_sheets()
    del sheets["Cover"]
    sheets["Inspections_31_March_2025"][0] = ["Local authority inspection judgements"]
    sheets["Inspections_in_year_2024-25"][0] = ["In year"]
    sheets["ILACS_inspection_history"][0] = ["History"]
    return write_ods(path, sheets)


@pytest.mark.parametrize("name, make, says", [
    ("notes.ods", _text_file, "is not a readable ODS or XLSX workbook"),
    ("empty.ods", _empty_file, "is empty"),
    ("missing.ods", Path, "does not exist"),
    ("LA_outcomes_as_at_31_March_2024.ods", _wrong_headers,
     "no sheet is laid out as the outcomes table: no header row names a 'Local authority name' column"),
    ("LA_outcomes_as_at_31_March_2024.ods", _no_overall_column,
     "sheet 'Inspections_31_March_2024' (header row 1) reads as the latest inspections but has no column for "
     "overall_effectiveness: 'Overall effectiveness'; its columns are 'Local authority name', 'Ofsted region', "
     "'Inspection date', 'Impact of leaders'"),
    ("outcomes.ods", _no_edition, "names no edition"),
])
def test_a_file_that_is_not_the_table_says_so_naming_it(tmp_path, name, make, says):
    path = make(tmp_path / name)
    with pytest.raises(OfficialTableError) as error:
        read_official(path)
    assert str(error.value).startswith(f"{path}: ")
    assert says in str(error.value)
    assert isinstance(error.value, OfstedError) and error.value.exit_code == 2


# -- loading ---------------------------------------------------------------------------------------


def test_a_load_replaces_its_editions_rows_only_and_a_bad_file_changes_nothing(tmp_path):
    first = write_ods(tmp_path / "first.ods", edition_2025_sheets())
    fewer = write_ods(tmp_path / "fewer.ods", edition_2025_sheets(history_rows=[
        ["Stockton-on-Tees", "808", "Active", "North East, Yorkshire and the Humber", "ILACS Standard Inspection",
         date(2023, 5, 9), RI, RI, RI, RI, "", G]]))  # the correction of a care leavers grade
    bad = tmp_path / "bad.ods"
    bad.write_text("not a spreadsheet")
    with Store(tmp_path / "ofsted.duckdb") as store:
        store.load_register()
        assert load_official(store, EDITION_2024).rows == 284
        summary = load_official(store, first)
        assert (summary.edition, summary.rows, summary.replaced, summary.councils, summary.matched) == (
            date(2025, 3, 31), 4, 0, 3, 3)
        summary = load_official(store, fewer)
        assert (summary.rows, summary.replaced) == (2, 4)
        with pytest.raises(OfficialTableError):
            load_official(store, bad)
        counts = dict(store.con.execute(
            "SELECT edition, count(*) FROM official_outcomes GROUP BY edition").fetchall())
        assert counts == {date(2024, 3, 31): 284, date(2025, 3, 31): 2}
        assert store.con.execute(
            "SELECT care_leavers, source_file FROM official_outcomes WHERE edition = '2025-03-31' "
            "AND row_id = 'E06000004/ilacs_standard/2023-05-09'").fetchone() == (G, str(fewer))
        assert editions(store.con) == [date(2024, 3, 31), date(2025, 3, 31)]


# -- reconciliation ----------------------------------------------------------------------------------

AREAS = ("overall", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers")


def add_inspection(con, inspection_id, gss, framework, kind, start, end, published, scores=None, texts=None):
    """An inspection of ours and its chosen judgements, as rebuild_inspections leaves them."""
    year = (start or published).year
    con.execute(
        "INSERT INTO inspections (inspection_id, la_gss_code, local_authority, framework, inspection_type, year, "
        "inspection_start, inspection_end, published, published_source, known_from, report_doc_id, doc_ids, "
        "n_judgements) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, 'pdf_metadata', 'report', ?, [?], ?)",
        [inspection_id, gss, framework, kind, year, start, end, published, f"doc-{inspection_id}",
         f"doc-{inspection_id}", len(scores or {})])
    for area, score in (scores or {}).items():
        con.execute(
            "INSERT INTO judgements (doc_id, area, score, year, la_gss_code, framework, text, inspection_id, "
            "evidence_rank, chosen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, true)",
            [f"doc-{inspection_id}", area, score, year, gss, framework, (texts or {}).get(area), inspection_id])


@pytest.fixture
def reconciled_db(tmp_path):
    """The 2024 edition beside a few inspections of ours of Stockton-on-Tees and Barnsley."""
    path = tmp_path / "ofsted.duckdb"
    with Store(path) as store:
        store.load_register()
        load_official(store, EDITION_2024)
        con = store.con
        # agrees: the 2023 standard inspection, every grade as Ofsted's table has it
        add_inspection(con, "stockton/2023", "E06000004", "ilacs", "ilacs_standard", date(2023, 3, 6),
                       date(2023, 3, 17), date(2023, 5, 5), dict.fromkeys(AREAS, 2))
        # disagrees: the 2019 short inspection with children in care read as good
        add_inspection(con, "stockton/2019", "E06000004", "ilacs", "ilacs_short", date(2019, 5, 20),
                       date(2019, 5, 24), None, {"overall": 2, "impact_of_leaders": 2, "help_and_protection": 2,
                                                 "children_in_care": 3},
                       {"children_in_care": "The experiences and progress of children in care: good"})
        # only ours: an ILACS inspection the table does not list
        add_inspection(con, "stockton/2021", "E06000004", "ilacs", "ilacs_standard", date(2021, 6, 7),
                       date(2021, 6, 18), None, {"overall": 2})
        # left out: a SIF inspection, and an inspection after the edition's date
        add_inspection(con, "stockton/2016", "E06000004", "sif", "sif", date(2016, 5, 23), date(2016, 6, 16),
                       date(2016, 8, 5), {"overall": 3})
        add_inspection(con, "stockton/2025", "E06000004", "ilacs", "ilacs_standard", date(2025, 9, 1),
                       date(2025, 9, 12), None, {"overall": 3})
        # agrees through the register's lineage: Barnsley's new code (2025) is its old one's successor
        add_inspection(con, "barnsley/2023", "E08000038", "ilacs", "ilacs_short", date(2023, 9, 11),
                       date(2023, 9, 15), None, {"overall": 3, "impact_of_leaders": 3, "help_and_protection": 2,
                                                 "children_in_care": 3, "care_leavers": 3})
    return path


def test_reconciliation_statuses(reconciled_db):
    with Store(reconciled_db, read_only=True) as store:
        rows = reconcile(store.con)
    got = [(r["status"], r["council"], r["inspection_type"], r["inspection_id"], r["row_id"], r["matched_by"])
           for r in rows]
    assert got == [
        # Barnsley's first ILACS (2018) is the table's only: no report of ours
        ("only_official", "Barnsley", "ilacs_standard", None, "E08000016/ilacs_standard/2018-11-19", None),
        ("agree", "Barnsley", "ilacs_short", "barnsley/2023", "E08000016/ilacs_short/2023-10-27", "inspection_date"),
        ("disagree", "Stockton-on-Tees", "ilacs_short", "stockton/2019", "E06000004/ilacs_short/2019-07-01",
         "published_after_fieldwork"),
        ("only_ours", "Stockton-on-Tees", "ilacs_standard", "stockton/2021", None, None),
        ("agree", "Stockton-on-Tees", "ilacs_standard", "stockton/2023", "E06000004/ilacs_standard/2023-05-09",
         "inspection_date"),
    ]
    disagreeing = rows[2]
    assert disagreeing["disagreements"] == "children_in_care: ours Good, official Requires improvement to be good"
    assert disagreeing["our_evidence"] == "children_in_care: The experiences and progress of children in care: good"
    assert (disagreeing["our_children_in_care"], disagreeing["official_children_in_care"]) == ("Good", RI)
    assert {r["edition"] for r in rows} == {date(2024, 3, 31)}


def test_reconciliation_by_status_and_council(reconciled_db):
    from models.councils import council_gss_codes

    with Store(reconciled_db, read_only=True) as store:
        assert [r["inspection_id"] for r in reconcile(store.con, ["agree"])] == ["barnsley/2023", "stockton/2023"]
        barnsley = council_gss_codes(store.con, ["Barnsley"])
        assert [r["status"] for r in reconcile(store.con, gss_codes=barnsley)] == ["only_official", "agree"]
        with pytest.raises(ValueError):
            reconcile(store.con, ["agreed"])


def test_official_diff_prints_the_reconciliation(reconciled_db):
    result = runner.invoke(app, ["official", "diff", "--db", str(reconciled_db), "--council", "Stockton-on-Tees"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "status     council           inspection type  ours: on site           published   official: inspected  published",
        "disagree   Stockton-on-Tees  ilacs_short      2019-05-20..2019-05-24  -           -                    2019-07-01",
        "    children_in_care: ours Good, official Requires improvement to be good",
        "    our evidence, children_in_care: The experiences and progress of children in care: good",
        "only_ours  Stockton-on-Tees  ilacs_standard   2021-06-07..2021-06-18  -           -                    -",
        "agree      Stockton-on-Tees  ilacs_standard   2023-03-06..2023-03-17  2023-05-05  2023-03-06           2023-05-09",
        "3 rows: 1 agree, 1 disagree, 1 only_ours, 0 only_official",
    ]
    result = runner.invoke(app, ["official", "diff", "--db", str(reconciled_db), "--status", "only_ours", "--json"])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (row["status"], row["inspection_id"], row["our_inspection_start"]) == ("only_ours", "stockton/2021",
                                                                                   "2021-06-07")


def test_official_load_prints_one_line_and_a_bad_file_exits_2(tmp_path):
    db = tmp_path / "ofsted.duckdb"
    result = runner.invoke(app, ["official", "load", str(EDITION_2024), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "edition 2024-03-31: 284 rows (0 replaced), 156 of 156 councils matched to the register, unresolved: none"]
    bad = tmp_path / "outcomes.ods"
    bad.write_text("a text file")
    result = runner.invoke(app, ["official", "load", str(bad), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.startswith(f"{bad}: is not a readable ODS or XLSX workbook")
    result = runner.invoke(app, ["official", "diff", "--db", str(tmp_path / "fresh.duckdb")])
    assert result.exit_code == 2  # no such database


def test_official_diff_before_any_load_says_what_to_run(tmp_path):
    db = tmp_path / "ofsted.duckdb"
    Store(db).close()
    result = runner.invoke(app, ["official", "diff", "--db", str(db)])
    assert result.exit_code == 2
    assert "run `ofsted official load FILE.ods` first" in result.output


def test_a_council_the_register_does_not_know_is_kept_without_a_code_and_logged(tmp_path, caplog):
    sheets = edition_2025_sheets(history_rows=[
        ["Atlantis", "999", "Active", "South West", "ILACS Standard Inspection", date(2022, 6, 1), G, G, G, G, "", ""]])
    with caplog.at_level("WARNING", logger="models.official"):
        table = read_official(write_ods(tmp_path / "outcomes.ods", sheets))
    [row] = [r for r in table.rows if r.la_name == "Atlantis"]
    assert (row.row_id, row.la_gss_code, row.la_area_code) == ("atlantis/ilacs_standard/2022-06-01", None, "999")
    assert table.unresolved == ("Atlantis",)
    assert "council 'Atlantis' matches no council of the register" in caplog.text


def test_the_reconciliation_view_is_made_with_the_others(reconciled_db):
    with Store(reconciled_db, read_only=True) as store:
        statuses = dict(store.con.execute("SELECT status, count(*) FROM reconciliation GROUP BY status").fetchall())
    assert statuses == {"agree": 2, "disagree": 1, "only_ours": 1, "only_official": 1}


def test_the_quality_check_names_each_disagreement_with_ofsteds_table(reconciled_db):
    from models.quality import measure

    with Store(reconciled_db, read_only=True) as store:
        [check] = [c for c in measure(store.con) if c.check_name == "official_disagreements"]
    assert (check.value, check.status) == (1, "fail")
    assert check.detail == ("1: Stockton-on-Tees stockton/2019 children_in_care: ours Good, "
                            "official Requires improvement to be good")
