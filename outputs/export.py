"""Exports of the analyst views as Parquet (partitioned by framework and year), CSV and Excel.

Analysts can read these with pandas, Polars, R or a spreadsheet while an ingestion holds the
database file (DuckDB lets no other process open a file that a writer has open).

An export owns its folder: it writes a marker file (``.ofsted-export``, holding the resolved path
of the database) into it, and replaces only a folder that is missing, empty, or an export of the
same database holding nothing the export did not write. Anything else raises ExportRefused
before a byte is written. The new export is built in a hidden sibling folder and swapped in by
renaming, so a reader never sees half an export; the siblings are removed even on error.

CSV files are UTF-8 with a byte-order mark, so that Excel reads them as UTF-8, and a text cell a
spreadsheet would run as a formula starts with a quote. Text longer than an Excel cell holds is
cut, visibly, in CSV and Excel, with where to find the rest; Parquet keeps every character.
"""
from __future__ import annotations

import fnmatch
import os
import re
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter

from models.errors import ExportRefused
from models.paths import default_export_dir, snapshot_origin

# view -> Parquet partition columns (a view without a year is one file per framework)
EXPORTED_VIEWS: dict[str, tuple[str, ...]] = {
    "latest_inspection": ("framework",),
    "judgement_timeline": ("framework", "year"),
    "section_text": ("framework", "year"),
    "inspections": ("framework", "year"),
    "judgement_conflicts": ("framework",),
}
# view -> the order its rows are written in: the same database always exports the same files
# (DuckDB's parallel scans return a view's rows in any order).
EXPORT_ORDER: dict[str, str] = {
    "latest_inspection": "local_authority, gss_code",
    "judgement_timeline": "council NULLS LAST, year NULLS LAST, framework NULLS LAST, inspection_id NULLS LAST, area, "
                          "path, page NULLS LAST, score, label, text",
    "section_text": "path, section_no",
    "inspections": "inspection_id",
    "judgement_conflicts": "inspection_id, area, other_document, other_page NULLS LAST, other_text",
}
EXPORT_MARKER = ".ofsted-export"
FORMATS = ("csv", "parquet", "xlsx")

# Excel holds at most 32,767 characters in a cell and 1,048,576 rows (header included) in a sheet.
EXCEL_MAX_CHARACTERS = 32_767
EXCEL_MAX_ROWS = 1_048_576
# A cut cell keeps this many characters and then says how long the text was and where it is in
# full; the note is under 200 characters, so the cell stays within Excel's limit.
KEPT_CHARACTERS = 32_000
FULL_TEXT_IN = {"section_text": "parquet/section_text/ or documents.clean_text"}
# OWASP's advice on CSV injection: a spreadsheet may run a cell starting with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FETCH_ROWS = 10_000
# What file managers and office programs leave in a folder someone browses or has a file open
# in; an export replaces these along with its own files rather than refuse.
LITTER = (".DS_Store", "Thumbs.db", "desktop.ini", "~$*", ".~lock.*#")
_SIBLING = re.compile(r"\.(?P<name>.+)\.ofsted-export-(?:staging|old)-(?P<pid>\d+)-[0-9a-f]{8}")


@dataclass(slots=True)
class ExportedView:
    view: str
    rows: int
    csv: Path
    parquet: Path
    xlsx: Path
    sheets: int  # more than one when the view has more rows than an Excel sheet


def check_export_dir(out_dir: str | Path, db_path: str | Path) -> Path:
    """The resolved folder an export of the database at ``db_path`` may replace.

    Raises ExportRefused, saying what is there and what to do, for anything but a missing or
    empty folder or an earlier export of this database.
    """
    return _check_target(_resolve(out_dir), _database_identity(db_path))


def export_views(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> list[ExportedView]:
    """Write every analyst view as CSV, partitioned Parquet and an Excel workbook under ``out_dir``.

    The folder is replaced whole; see check_export_dir for the folders an export refuses.
    """
    database = _database_identity(con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    target = _check_target(_resolve(out_dir), database)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_siblings(target, database)
    staging = _new_sibling(target, "staging")
    replaced = None
    try:
        (staging / EXPORT_MARKER).write_text(database + "\n", encoding="utf-8")
        for name in FORMATS:
            (staging / name).mkdir()
        con.execute("SET enable_progress_bar = false")
        exported = [_export_view(con, view, partitions, staging, target)
                    for view, partitions in EXPORTED_VIEWS.items()]
        _check_target(target, database)  # again: files may have been put there while writing
        if target.exists():
            staging.chmod(stat.S_IMODE(target.stat().st_mode))  # whoever could read it still can
            replaced = _new_sibling(target, "old")
            target.rename(replaced)  # onto the new empty folder, which POSIX allows
        staging.rename(target)
    except BaseException:
        if replaced is not None and not target.exists():
            replaced.rename(target)
            replaced = None
        raise
    finally:
        for leftover in (staging, replaced):
            if leftover is not None and leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    return exported


# -- the folder -----------------------------------------------------------------------------

def _resolve(out_dir: str | Path) -> Path:
    return Path(out_dir).expanduser().resolve()


def _database_identity(db_path: str | Path | None) -> str:
    """The database as a marker names it: its resolved path (a snapshot's: its database's), or ``:memory:``."""
    if db_path is None or str(db_path) in ("", ":memory:"):
        return ":memory:"
    return str(_resolve(snapshot_origin(db_path)))


def _check_target(target: Path, database: str) -> Path:
    def refused(what: str, fix: str = "name a new or empty folder instead") -> ExportRefused:
        return ExportRefused(f"Export refused: {target} {what}; {fix}.")

    if target == Path(target.anchor):
        raise refused("is the filesystem root")
    home = Path.home().resolve()
    if target == home:
        raise refused("is your home folder", f"name a folder inside it, such as {home / 'ofsted-exports'}")
    if target in home.parents:
        raise refused(f"holds your home folder ({home})")
    if database != ":memory:":
        db_file = Path(database)
        if target == db_file or target in db_file.parents:
            what = "is the database file" if target == db_file else f"holds the database {db_file}"
            raise refused(what, f"name a folder beside it, such as {default_export_dir(db_file)}")
    cwd = Path.cwd()
    if target == cwd or target in cwd.parents:
        what = "is the current folder" if target == cwd else f"holds the current folder ({cwd})"
        raise refused(f"{what}, which an export would swap away", "name another folder, or run from elsewhere")
    if not target.exists():
        existing = next(parent for parent in target.parents if parent.exists())
        if not existing.is_dir():
            raise refused(f"cannot be created: {existing} is a file", "name another folder")
        if _read_only(existing):
            raise refused(f"cannot be created: {existing} is read-only", "make it writable, or name another folder")
        return target
    if not target.is_dir():
        raise refused("is a file, not a folder")
    if os.path.ismount(target):
        raise refused("is a mount point, which an export cannot swap",
                      f"name a folder inside it, such as {target / 'ofsted-exports'}")
    if _read_only(target):
        raise refused("is read-only", "make it writable (chmod u+w) if exports may replace it, or name another folder")
    if _read_only(target.parent):
        raise refused(f"is in a read-only folder ({target.parent})", "make that writable, or name another folder")
    owner = _marker_owner(target)
    if owner is not None and owner != database:
        raise refused(f"holds the export of another database ({owner})",
                      "name another folder, or delete this one if that export is no longer wanted")
    foreign = _foreign_entries(target, ours=owner is not None)
    if foreign and owner is not None:
        raise refused(f"is an export of this database but also holds {_listing(foreign)}, which export did not "
                      "write", "move those out, then export again")
    if foreign:
        raise refused(f"holds {_listing(foreign)} and is not an export folder")
    return target


def _read_only(path: Path) -> bool:
    # Root may write anywhere, so os.access alone never sees a folder someone made read-only
    # (chmod a-w) to keep it as it is: a folder without any write permission is read-only too.
    mode = path.stat().st_mode
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _marker_owner(folder: Path) -> str | None:
    """The database whose export ``folder`` is, from its marker; None for a folder without one."""
    marker = folder / EXPORT_MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    return marker.read_text(encoding="utf-8", errors="replace").strip() or "a database it does not name"


def _foreign_entries(folder: Path, ours: bool) -> list[str]:
    """What is in ``folder`` that an export did not write (everything, if it is not ours)."""
    expected = {"csv": {f"{view}.csv" for view in EXPORTED_VIEWS},
                "parquet": set(EXPORTED_VIEWS),
                "xlsx": {f"{view}.xlsx" for view in EXPORTED_VIEWS}}
    foreign = []
    for entry in folder.iterdir():
        if _is_litter(entry.name) or (ours and entry.name == EXPORT_MARKER and entry.is_file()):
            continue
        if not ours or entry.name not in expected or entry.is_symlink() or not entry.is_dir():
            foreign.append(_shown(entry))
            continue
        foreign += [f"{entry.name}/{_shown(inner)}" for inner in entry.iterdir()
                    if inner.name not in expected[entry.name] and not _is_litter(inner.name)]
    return sorted(foreign)


def _is_litter(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in LITTER)


def _shown(path: Path) -> str:
    return path.name + ("/" if path.is_dir() and not path.is_symlink() else "")


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown if len(names) <= 3 else f"{shown} and {len(names) - 3} more"


def _new_sibling(target: Path, role: str) -> Path:
    """A new empty hidden folder beside ``target``: the export being built, or the one replaced.

    The name says whose it is (``.<name>.ofsted-export-<role>-<pid>-<random>``) and mkdir fails
    rather than reuse an existing path, so no file of anyone else's is ever taken.
    """
    while True:
        sibling = target.with_name(f".{target.name}.ofsted-export-{role}-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            sibling.mkdir()
            return sibling
        except FileExistsError:
            continue


def _remove_abandoned_siblings(target: Path, database: str) -> None:
    """Remove siblings of this database's exports whose process died before its clean-up ran."""
    for sibling in target.parent.iterdir():
        match = _SIBLING.fullmatch(sibling.name)
        if not match or match["name"] != target.name or not sibling.is_dir() or _running(int(match["pid"])):
            continue
        if _marker_owner(sibling) == database or not any(sibling.iterdir()):
            shutil.rmtree(sibling, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


# -- the files ------------------------------------------------------------------------------

def _export_view(con: duckdb.DuckDBPyConnection, view: str, partitions: tuple[str, ...], staging: Path,
                 target: Path) -> ExportedView:
    described = con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()
    columns = [(name, column_type) for name, column_type, *_ in described]
    rows = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
    _write_csv(con, view, columns, staging / "csv" / f"{view}.csv")
    # Partition folders get their own string columns (part_framework=ilacs/part_year=2019,
    # "unknown" where null), so the typed framework and year columns stay in the files and
    # hive-partitioned readers (pandas, Polars, Arrow) see no type clash.
    part_columns = ", ".join(f"coalesce(CAST({c} AS VARCHAR), 'unknown') AS part_{c}" for c in partitions)
    con.execute(f"COPY (SELECT *, {part_columns} FROM {view} ORDER BY {EXPORT_ORDER[view]}) "
                f"TO {_quote(staging / 'parquet' / view)} "
                f"(FORMAT parquet, PARTITION_BY ({', '.join('part_' + c for c in partitions)}))")
    sheets = _write_workbook(con, view, columns, staging / "xlsx" / f"{view}.xlsx")
    return ExportedView(view, rows, target / "csv" / f"{view}.csv", target / "parquet" / view,
                        target / "xlsx" / f"{view}.xlsx", sheets)


def _write_csv(con: duckdb.DuckDBPyConnection, view: str, columns: list[tuple[str, str]], path: Path) -> None:
    cells = [_spreadsheet_text(name, view, columns, escape_formulas=True) if column_type == "VARCHAR"
             else _identifier(name) for name, column_type in columns]
    # DuckDB's CSV writer has no byte-order-mark option (PREFIX cannot go with HEADER), so the
    # mark leads the first column's name, which makes it the first three bytes of the file.
    names = ["\ufeff" + columns[0][0]] + [name for name, _ in columns[1:]]
    select = ", ".join(f"{cell} AS {_identifier(name)}" for cell, name in zip(cells, names))
    con.execute(f"COPY (SELECT {select} FROM {view} ORDER BY {EXPORT_ORDER[view]}) TO {_quote(path)} "
                "(HEADER, DELIMITER ',')")


def _write_workbook(con: duckdb.DuckDBPyConnection, view: str, columns: list[tuple[str, str]], path: Path) -> int:
    """Stream the view into a workbook; rows beyond a sheet's limit go on "<view> (2)" and so on.

    Returns the number of sheets. Strings are written as strings, never as formulas or links.
    """
    # constant_memory: each row goes to a temporary file as it is written, kept beside the workbook
    # (the staging folder, removed on error) rather than in a /tmp that may be small.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent),
                                               "strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    try:
        header = workbook.add_format({"bold": True})
        writers = [_cell_writer(workbook, column_type) for _, column_type in columns]
        select = ", ".join(_spreadsheet_text(name, view, columns, escape_formulas=False) if column_type == "VARCHAR"
                           else _identifier(name) for name, column_type in columns)
        result = con.execute(f"SELECT {select} FROM {view} ORDER BY {EXPORT_ORDER[view]}")
        sheets, sheet, row = 0, None, EXCEL_MAX_ROWS
        while batch := result.fetchmany(FETCH_ROWS):
            for record in batch:
                if row == EXCEL_MAX_ROWS:
                    _finish_sheet(sheet, row, len(columns))
                    sheets += 1
                    sheet = _new_sheet(workbook, view if sheets == 1 else f"{view} ({sheets})", columns, header)
                    row = 1
                for col, (value, write) in enumerate(zip(record, writers)):
                    if value is not None:
                        write(sheet, row, col, value)
                row += 1
        if sheet is None:  # no rows: the header alone
            sheets, sheet, row = 1, _new_sheet(workbook, view, columns, header), 1
        _finish_sheet(sheet, row, len(columns))
    finally:
        workbook.close()
    return sheets


def _new_sheet(workbook, name: str, columns: list[tuple[str, str]], header):
    sheet = workbook.add_worksheet(name)
    for col, (column, column_type) in enumerate(columns):
        sheet.set_column(col, col, 11 if column_type == "DATE" else 18)  # a narrower date shows as ####
        sheet.write_string(0, col, column, header)
    sheet.freeze_panes(1, 0)
    return sheet


def _finish_sheet(sheet, rows: int, n_columns: int) -> None:
    if sheet is not None:
        sheet.autofilter(0, 0, rows - 1, n_columns - 1)


def _cell_writer(workbook, column_type: str):
    """How to write a value of a DuckDB column type into a cell (None is left blank by the caller)."""
    if column_type == "VARCHAR":
        return lambda sheet, row, col, value: sheet.write_string(row, col, value)
    if column_type in ("DATE", "TIMESTAMP"):
        shown = workbook.add_format({"num_format": "yyyy-mm-dd" if column_type == "DATE" else "yyyy-mm-dd hh:mm:ss"})
        return lambda sheet, row, col, value: sheet.write_datetime(row, col, value, shown)
    if column_type in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
                       "FLOAT", "DOUBLE"} or column_type.startswith("DECIMAL"):
        return lambda sheet, row, col, value: sheet.write_number(row, col, value)
    if column_type == "BOOLEAN":
        return lambda sheet, row, col, value: sheet.write_boolean(row, col, value)
    return lambda sheet, row, col, value: sheet.write_string(row, col, str(value))


def _spreadsheet_text(name: str, view: str, columns: list[tuple[str, str]], escape_formulas: bool) -> str:
    """SQL for a text column as a spreadsheet cell: cut visibly to fit, quoted if formula-like."""
    column = _identifier(name)
    doc_id = " || ', doc_id ' || coalesce(doc_id, 'unknown')" if any(c == "doc_id" for c, _ in columns) else ""
    note = (f"'… [cut: {KEPT_CHARACTERS:,} of ' || format('{{:,}}', length({column})) || "
            f"' characters; full text in {FULL_TEXT_IN.get(view, f'parquet/{view}/')}'{doc_id} || ']'")
    fits = EXCEL_MAX_CHARACTERS - 1 if escape_formulas else EXCEL_MAX_CHARACTERS  # room for the quote
    cell = f"CASE WHEN length({column}) > {fits} THEN left({column}, {KEPT_CHARACTERS}) || {note} ELSE {column} END"
    if not escape_formulas:
        return cell
    starts = ", ".join(f"chr({ord(start)})" for start in FORMULA_STARTS)
    return f"CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || ({cell}) ELSE ({cell}) END"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
