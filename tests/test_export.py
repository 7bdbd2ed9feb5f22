"""Exports: the folders they may replace, CSV a spreadsheet opens safely, and Excel workbooks."""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

import outputs.export
from extractors.records import DocumentResult, Judgement, LocalAuthorityMatch, PageSpan, Section
from flows.cli import app
from models.errors import ExportRefused
from models.store import Store
from outputs.export import EXPORT_MARKER, default_export_dir, export_views

runner = CliRunner()
DOC_ID = hashlib.sha256(b"a report with awkward sections").hexdigest()
LONG_TEXT = "Children’s services in Stockton-on-Tees are good. " * 800  # 40,000 characters
# section heading -> its CSV cell: quoted where a spreadsheet would run it as a formula
CSV_CELLS = {"=1+1": "'=1+1", "+44 20 7946 0000": "'+44 20 7946 0000", "-2": "'-2", "@SUM(A1:A9)": "'@SUM(A1:A9)",
             "\tTabbed": "'\tTabbed", "\rReturned": "'\rReturned", "Children’s services": "Children’s services",
             "http://example.com/report": "http://example.com/report", "Say =1+1": "Say =1+1"}
HEADINGS = list(CSV_CELLS)


def write_report(db: Path, headings: list[str] = HEADINGS, long_text: str = LONG_TEXT) -> Path:
    """A database of one ILACS report: a short section per heading, then one long section."""
    texts = [f"{heading}\n\nA short section.\n\n" for heading in headings] + [long_text]
    clean = "".join(texts)
    sections, start = [], 0
    for number, text in enumerate(texts):
        heading = headings[number] if number < len(headings) else "Long section"
        sections.append(Section(f"section_{number}", heading, start, start + len(text), page=1))
        start += len(text)
    report = DocumentResult(
        path=f"/raw/{db.stem}.txt", doc_id=DOC_ID,
        doc_type="inspection_report", framework="ilacs",
        local_authority=LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0),
        document_date="2023-05-12", year=2023, inspection_start="2023-04-17", inspection_end="2023-04-28",
        judgements=[Judgement("overall", "Good", "ofsted_4point", 3, 3, 2023, "Stockton-on-Tees", "table",
                              "Overall effectiveness: Good", 0, 10, page=1)],
        sections=sections, clean_text=clean, pages=[PageSpan(1, 0, len(clean))], pipeline_version="test")
    with Store(db) as store:
        store.load_register()
        store.write_documents([report])
    return db


@pytest.fixture(scope="module")
def report_db(tmp_path_factory) -> Path:
    return write_report(tmp_path_factory.mktemp("report") / "ofsted.duckdb")


@pytest.fixture(scope="module")
def other_db(tmp_path_factory) -> Path:
    return write_report(tmp_path_factory.mktemp("other") / "other.duckdb", headings=["Other"], long_text="Short.")


def export(db: Path, out_dir) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return export_views(con, out_dir)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (hidden ones too) with the bytes of each file."""
    return {str(path.relative_to(root)): None if path.is_dir() else path.read_bytes() for path in root.rglob("*")}


def csv_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 20)
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def cut_note(total: int) -> str:
    return (f"… [cut: 32,000 of {total:,} characters; full text in parquet/section_text/ or "
            f"documents.clean_text, doc_id {DOC_ID}]")


# -- the folders an export may replace --------------------------------------------------------

def notes_folder(tmp_path, db, other):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("my notes")
    return tmp_path / "out"


def photos_folder(tmp_path, db, other):
    (tmp_path / "out" / "photos").mkdir(parents=True)
    (tmp_path / "out" / "photos" / "team.jpg").write_bytes(b"\xff\xd8")
    return tmp_path / "out"


def a_file(tmp_path, db, other):
    (tmp_path / "out").write_text("council,grade\n")
    return tmp_path / "out"


def read_only_folder(tmp_path, db, other):
    (tmp_path / "out").mkdir()
    (tmp_path / "out").chmod(0o555)  # kept as it is; root could still write into it
    return tmp_path / "out"


def current_folder(tmp_path, db, other):
    (tmp_path / "out").mkdir()
    return "."


def parent_by_dots(tmp_path, db, other):
    (tmp_path / "X").mkdir()
    return tmp_path / "X" / ".."


def home_folder(tmp_path, db, other):
    return "~"


def filesystem_root(tmp_path, db, other):
    return "/"


def database_folder(tmp_path, db, other):
    return db.parent


def another_databases_export(tmp_path, db, other):
    export(other, tmp_path / "out")
    return tmp_path / "out"


def our_export_with_notes(tmp_path, db, other):
    export(db, tmp_path / "out")
    (tmp_path / "out" / "notes.txt").write_text("my notes")
    (tmp_path / "out" / "csv" / "mine.csv").write_text("a,b\n")
    return tmp_path / "out"


REFUSALS = [
    (notes_folder, "{out} holds notes.txt and is not an export folder; name a new or empty folder instead."),
    (photos_folder, "{out} holds photos/ and is not an export folder; name a new or empty folder instead."),
    (a_file, "{out} is a file, not a folder; name a new or empty folder instead."),
    (read_only_folder, "{out} is read-only; make it writable (chmod u+w) if exports may replace it, "
                       "or name another folder."),
    (current_folder, "{out} is the current folder, which an export would swap away; name another folder, "
                     "or run from elsewhere."),
    (parent_by_dots, "{tmp} holds X/ and is not an export folder; name a new or empty folder instead."),
    (home_folder, "{home} is your home folder; name a folder inside it, such as {home}/ofsted-exports."),
    (filesystem_root, "/ is the filesystem root; name a new or empty folder instead."),
    (database_folder, "{db_dir} holds the database {db}; name a folder beside it, such as {db_dir}/ofsted-exports."),
    (another_databases_export, "{out} holds the export of another database ({other}); name another folder, "
                               "or delete this one if that export is no longer wanted."),
    (our_export_with_notes, "{out} is an export of this database but also holds csv/mine.csv, notes.txt, which "
                            "export did not write; move those out, then export again."),
]


@pytest.mark.parametrize("make_target, message", REFUSALS, ids=[make.__name__ for make, _ in REFUSALS])
def test_export_refuses_a_folder_it_does_not_own_and_changes_nothing(make_target, message, report_db, other_db,
                                                                     tmp_path, tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    (home / ".bashrc").write_text("export PS1='$ '\n")
    monkeypatch.setenv("HOME", str(home))
    target = make_target(tmp_path, report_db, other_db)
    if make_target is current_folder:
        monkeypatch.chdir(tmp_path / "out")
    before = tree(tmp_path)
    with pytest.raises(ExportRefused) as refused:
        export(report_db, target)
    expected = "Export refused: " + message.format(out=tmp_path / "out", tmp=tmp_path, home=home, db=report_db,
                                                   db_dir=report_db.parent, other=other_db)
    assert str(refused.value) == expected
    assert tree(tmp_path) == before  # nothing deleted, nothing left beside it


def test_the_export_command_prints_a_refusal_as_one_line_and_exits_2(report_db, tmp_path):
    notes_folder(tmp_path, report_db, None)
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--db", str(report_db)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"Export refused: {tmp_path / 'out'} holds notes.txt and is not an export folder; "
                             "name a new or empty folder instead.\n")
    assert (tmp_path / "out" / "notes.txt").read_text() == "my notes"


def test_a_new_export_replaces_its_own_folder_whole_and_leaves_nothing_beside_it(report_db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)  # kept: whoever could read the folder can read the new export
    export(report_db, out)  # an empty folder is adopted
    stale = out / "parquet" / "section_text" / "part_framework=gone"
    stale.mkdir()
    export(report_db, out)
    assert sorted(path.name for path in out.iterdir()) == [EXPORT_MARKER, "csv", "parquet", "xlsx"]
    assert not stale.exists()
    assert (out / EXPORT_MARKER).read_text() == f"{report_db.resolve()}\n"
    assert oct(out.stat().st_mode & 0o777) == oct(0o750)
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_an_export_that_fails_keeps_the_previous_one_and_leaves_nothing_beside_it(report_db, tmp_path, monkeypatch):
    out = tmp_path / "out"
    export(report_db, out)
    before = tree(tmp_path)
    monkeypatch.setitem(outputs.export.EXPORTED_VIEWS, "no_such_view", ("framework",))
    with pytest.raises(duckdb.CatalogException):
        export(report_db, out)
    assert tree(tmp_path) == before


def test_an_export_removes_what_a_killed_export_left_beside_its_folder(report_db, other_db, tmp_path):
    dead = subprocess.Popen(["true"])  # its process id no longer runs once it has been waited for
    dead.wait()
    abandoned = tmp_path / f".out.ofsted-export-staging-{dead.pid}-0123abcd"
    another_database = tmp_path / f".out.ofsted-export-old-{dead.pid}-4567cdef"
    running = tmp_path / f".out.ofsted-export-staging-{os.getpid()}-89abcdef"
    for sibling, db in ((abandoned, report_db), (another_database, other_db), (running, report_db)):
        sibling.mkdir()
        (sibling / EXPORT_MARKER).write_text(f"{db.resolve()}\n")
    export(report_db, tmp_path / "out")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([another_database.name, running.name, "out"])


def test_default_export_folder_is_named_after_the_database():
    assert default_export_dir("data/processed/ofsted.duckdb") == Path("data/processed/ofsted-exports")
    assert default_export_dir(Path("/srv/2024.duckdb")) == Path("/srv/2024-exports")


def test_two_databases_in_one_folder_export_to_their_own_folders(tmp_path, monkeypatch):
    monkeypatch.delenv("OFSTED_EXPORT_DIR", raising=False)
    for name in ("ofsted", "trial"):
        db = write_report(tmp_path / f"{name}.duckdb", headings=[name])
        result = runner.invoke(app, ["export", "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0].endswith(f"{tmp_path}/{name}-exports/xlsx/latest_inspection.xlsx")
    for name in ("ofsted", "trial"):
        assert (tmp_path / f"{name}-exports" / EXPORT_MARKER).read_text() == f"{tmp_path.resolve() / name}.duckdb\n"
        headings = {row["heading"] for row in csv_rows(tmp_path / f"{name}-exports" / "csv" / "section_text.csv")}
        assert name in headings


@pytest.mark.flow
def test_ingest_exports_each_database_beside_it_and_refuses_a_foreign_folder_before_extracting(
        prefect_harness, tmp_path, monkeypatch):
    monkeypatch.delenv("OFSTED_EXPORT_DIR", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "letter.txt").write_text("9 December 2009\n\nStockton-on-Tees Borough Council\n\n"
                                    "Children's services annual rating\n\n"
                                    "Children's services rating\tPerforms well (3)\n")
    for name in ("ofsted", "trial"):
        result = runner.invoke(app, ["ingest", str(raw), "--db", str(tmp_path / f"{name}.duckdb")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"{name}-exports" / EXPORT_MARKER).read_text() == f"{tmp_path.resolve() / name}.duckdb\n"
    assert not (tmp_path / "exports").exists()

    notes_folder(tmp_path, None, None)
    monkeypatch.setenv("OFSTED_EXPORT_DIR", str(tmp_path / "out"))
    result = runner.invoke(app, ["ingest", str(raw), "--db", str(tmp_path / "third.duckdb")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"Export refused: {tmp_path / 'out'} holds notes.txt and is not an export folder; "
                             "name a new or empty folder instead.\n")
    assert not (tmp_path / "third.duckdb").exists()
    # A deployment's run calls the flow itself, which checks the folder before extracting too.
    from flows.ingest import ingest_flow

    with pytest.raises(ExportRefused, match="holds notes.txt"):
        ingest_flow(raw_dir=str(raw), db_path=str(tmp_path / "third.duckdb"), export_dir=str(tmp_path / "out"))
    assert not (tmp_path / "third.duckdb").exists()
    assert (tmp_path / "out" / "notes.txt").read_text() == "my notes"


# -- CSV ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(report_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exported") / "out"
    export(report_db, out)
    return out


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8(exported):
    raw = (exported / "csv" / "section_text.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,section_no,label,heading,")
    assert "Children’s services" in raw.decode("utf-8")
    assert (exported / "csv" / "latest_inspection.csv").read_bytes().startswith(b"\xef\xbb\xbfla_area_code,local_authority,")


def test_csv_text_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote_and_nothing_else_changes(exported):
    rows = csv_rows(exported / "csv" / "section_text.csv")
    headings = {int(row["section_no"]): row["heading"] for row in rows}
    assert headings == {number: cell for number, cell in enumerate([*CSV_CELLS.values(), "Long section"], start=1)}
    assert {(row["page"], row["year"], row["framework"]) for row in rows} == {("1", "2023", "ilacs")}
    [stockton] = [r for r in csv_rows(exported / "csv" / "latest_inspection.csv")
                  if r["local_authority"] == "Stockton-on-Tees"]
    assert (stockton["inspection_date"], stockton["inspection_end"], stockton["overall_effectiveness"]) == (
        "2023-04-17", "2023-04-28", "Good")


def test_text_longer_than_an_excel_cell_is_cut_visibly_in_csv_and_kept_whole_in_parquet(exported):
    [row] = [r for r in csv_rows(exported / "csv" / "section_text.csv") if r["heading"] == "Long section"]
    assert row["text"] == LONG_TEXT[:32_000] + cut_note(len(LONG_TEXT))
    assert len(row["text"]) <= 32_767
    parquet = ds.dataset(exported / "parquet" / "section_text", partitioning="hive").to_table().to_pylist()
    assert [r["text"] for r in parquet if r["heading"] == "Long section"] == [LONG_TEXT]


# -- Excel ----------------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_view_with_strings_as_strings_and_dates_as_dates(exported):
    workbook = openpyxl.load_workbook(exported / "xlsx" / "section_text.xlsx")
    assert workbook.sheetnames == ["section_text"]
    sheet = workbook["section_text"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["doc_id", "section_no", "label", "heading"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    formula = rows[1][header.index("heading")]
    assert (formula.value, formula.data_type) == ("=1+1", "s")
    link = rows[HEADINGS.index("http://example.com/report") + 1][header.index("heading")]
    assert (link.value, link.data_type, link.hyperlink) == ("http://example.com/report", "s", None)
    assert rows[1][header.index("page")].value == 1

    latest = openpyxl.load_workbook(exported / "xlsx" / "latest_inspection.xlsx")["latest_inspection"]
    header = [cell.value for cell in latest[1]]
    [stockton] = [row for row in latest.iter_rows(min_row=2)
                  if row[header.index("local_authority")].value == "Stockton-on-Tees"]
    start = stockton[header.index("inspection_date")]
    assert start.is_date and start.value.date().isoformat() == "2023-04-17"


def test_text_longer_than_an_excel_cell_is_cut_visibly_in_xlsx(exported):
    sheet = openpyxl.load_workbook(exported / "xlsx" / "section_text.xlsx")["section_text"]
    header = [cell.value for cell in sheet[1]]
    [text] = [row[header.index("text")] for row in sheet.iter_rows(min_row=2, values_only=True)
              if row[header.index("heading")] == "Long section"]
    assert text == LONG_TEXT[:32_000] + cut_note(len(LONG_TEXT))


def test_a_view_longer_than_a_sheet_continues_on_further_sheets(report_db, tmp_path, monkeypatch):
    monkeypatch.setattr(outputs.export, "EXCEL_MAX_ROWS", 5)  # a header and four rows
    by_view = {item.view: item for item in export(report_db, tmp_path / "out")}
    assert by_view["section_text"].rows == len(HEADINGS) + 1 == 10
    assert by_view["section_text"].sheets == 3
    workbook = openpyxl.load_workbook(tmp_path / "out" / "xlsx" / "section_text.xlsx")
    assert workbook.sheetnames == ["section_text", "section_text (2)", "section_text (3)"]
    assert [workbook[name].max_row for name in workbook.sheetnames] == [5, 5, 3]
    assert all(workbook[name]["A1"].value == "doc_id" for name in workbook.sheetnames)
    numbers = sorted(row[1] for name in workbook.sheetnames
                     for row in workbook[name].iter_rows(min_row=2, values_only=True))
    assert numbers == list(range(1, 11))


def test_the_export_command_lists_every_file_it_wrote(sample_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "x"), "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "x"
    assert result.stdout.splitlines() == [
        f"{view:<20}{rows:>8} rows  {out}/csv/{view}.csv  {out}/parquet/{view}/  {out}/xlsx/{view}.xlsx"
        for view, rows in (("latest_inspection", 153), ("judgement_timeline", 28), ("section_text", 73),
                              ("inspections", 7), ("judgement_conflicts", 0))]


def test_every_export_writes_its_rows_in_one_order(exported):
    """The same database always exports the same files: rows come in EXPORT_ORDER, not in the
    order a parallel scan happens to return them."""
    assert set(outputs.export.EXPORT_ORDER) == set(outputs.export.EXPORTED_VIEWS)
    councils = [row["local_authority"] for row in csv_rows(exported / "csv" / "latest_inspection.csv")]
    assert len(councils) > 100 and councils == sorted(councils)
    sections = [int(row["section_no"]) for row in csv_rows(exported / "csv" / "section_text.csv")]
    assert sections == sorted(sections)
    sheet = openpyxl.load_workbook(exported / "xlsx" / "latest_inspection.xlsx", read_only=True)["latest_inspection"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == councils
    parquet = ds.dataset(exported / "parquet" / "latest_inspection", partitioning="hive").to_table()
    by_framework = {}
    for council, framework in zip(parquet.column("local_authority").to_pylist(), parquet.column("framework").to_pylist()):
        by_framework.setdefault(framework, []).append(council)
    assert all(names == sorted(names) for names in by_framework.values())
