"""Ofsted's own table of outcomes, "Local authority inspection outcomes as at 31 March <year>",
read into ``official_outcomes`` and reconciled with the inspections read from the reports.

Ofsted publishes the table each year as an ODS spreadsheet of several sheets: every council's
latest inspection (with its date), the inspections and visits of the year (with their dates,
types and visit themes) and the ILACS inspection history (with publication dates). The 2024
edition writes the history wide, a "First ILACS ..." and a "Second ILACS ..." block per council,
and judgement columns in short names ("Impact of leaders"); the 2025 edition writes it long, one
row per inspection, names the judgements in full ("The impact of leaders on social work practice
with children and families") and adds the area code, status and inspection type of a council.
So nothing here relies on a sheet's name or a row number: each sheet's header row is found by
its cells, each header is matched against the spellings ``FIELDS`` accepts, and what a sheet
holds is told from the fields it has (``_role``).

``read_official`` merges the sheets into one row per inspection or visit; ``load_official``
replaces an edition's rows in one transaction; ``OFFICIAL_VIEWS["reconciliation"]`` sets each
row beside the inspection of ours it describes.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dateutil.parser
import duckdb
import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from models.errors import OfficialTableError
from models.register import LocalAuthorityMatch, Register
from models.schema import TABLES, arrow_schema
from models.vocabulary import ILACS_SCORE_2, OUTCOME_COLUMNS, grade_words, word_scores

if TYPE_CHECKING:  # a store is only used through its connection and transaction()
    from models.store import Store

log = logging.getLogger(__name__)

# -- the table's vocabulary ------------------------------------------------------------------

# The inspection types the table prints, as stored in official_outcomes.inspection_type: the
# printed words are kept in inspection_type_text. Each is told by the words it is printed with
# ("ILACS Standard Inspection", "ILACS Short Inspection", "ILACS Focused Visit", "LA Monitoring
# visit", ...), tried in this order: "SIF reinspection" must not be read as a SIF inspection.
OFFICIAL_INSPECTION_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("focused_visit", re.compile(r"\bfocused\b")),
    ("monitoring_visit", re.compile(r"\bmonitoring\b")),
    ("jtai", re.compile(r"\bjtai\b|\bjoint targeted\b")),
    ("sif_reinspection", re.compile(r"\bre ?inspection\b")),
    ("sif", re.compile(r"\bsif\b|\bsingle inspection\b")),
    ("ilacs_short", re.compile(r"\bshort\b")),
    ("ilacs_standard", re.compile(r"\bstandard\b")),
)
VISIT_TYPES = frozenset({"focused_visit", "monitoring_visit"})
# The framework whose words an inspection type's grades are written in (ILACS's score 2 is
# "Requires improvement to be good", SIF's "Requires improvement").
FRAMEWORK_OF_TYPE = {"ilacs_standard": "ilacs", "ilacs_short": "ilacs", "focused_visit": "ilacs",
                     "monitoring_visit": "ilacs", "sif": "sif", "sif_reinspection": "sif"}

JUDGEMENT_FIELDS: tuple[str, ...] = tuple(column for column, _heading, _areas in OUTCOME_COLUMNS)


@dataclass(frozen=True, slots=True)
class Field:
    """One thing the table records and the header spellings that name it (compared by ``header_key``)."""

    name: str
    headers: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("web_link", ("Web link",)),
    Field("la_name", ("Local authority name", "Local authority", "LA name")),
    Field("la_area_code", ("Local authority area code", "LA area code", "Area code", "LA code",
                           "Local authority code", "DfE LA code")),
    Field("la_status", ("Local authority status", "LA status")),
    Field("ofsted_region", ("Ofsted region", "Region", "LA region")),
    Field("inspection_type", ("Inspection type", "Inspection/Visit type", "Visit type", "Type of inspection")),
    Field("inspection_date", ("Inspection date", "Inspection/Visit date", "Visit date", "Inspection start date",
                              "Date of inspection")),
    Field("published", ("Publication date", "Date published", "Report publication date", "Published")),
    Field("overall_effectiveness", ("Overall effectiveness",)),
    Field("impact_of_leaders", ("Impact of leaders",
                                "The impact of leaders on social work practice with children and families",
                                "Leadership, management and governance")),
    Field("help_and_protection", ("Experiences and progress of children who need help and protection",
                                  "The experiences and progress of children who need help and protection",
                                  "Children who need help and protection")),
    # 2018-22 ILACS judged children in care and care leavers together (2024's table of former councils)
    Field("children_in_care", ("Experiences and progress of children in care",
                               "The experiences and progress of children in care",
                               "The experiences and progress of children in care and care leavers",
                               "Children looked after and achieving permanence")),
    Field("care_leavers", ("Experiences and progress of care leavers", "The experiences and progress of care leavers")),
    Field("visit_theme", ("Visit theme", "Theme of visit")),
)

# The history's wide blocks: "First ILACS overall effectiveness", "Second ILACS publication date";
# 2024's table of former councils, of one inspection each, says "ILACS framework ...".
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_BLOCK_RE = re.compile(r"^(?:(?P<ordinal>" + "|".join(_ORDINALS) + r") )?ilacs(?: framework)? (?P<rest>.+)$")
# Cells in a grade column that say there is no grade.
_NO_GRADE = frozenset({"", "n a", "na", "not applicable", "not judged", "none"})
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_EDITION_RE = re.compile(r"\bas at (\d{1,2})(?:st|nd|rd|th)? (" + "|".join(_MONTHS) + r") (\d{4})\b")

# Days from an inspection's (first) day to its report's publication, for telling which history row
# a dated inspection is. In the 2024 edition the latest and in-year sheets' dates come 22 to 156
# days (South Tyneside's short inspection) before the history's publication dates; a council's
# ILACS inspections are years apart, so half a year cannot take the next one.
PUBLICATION_LAG_DAYS = 183


def header_key(text: Any) -> str:
    """A header as compared: case, punctuation, "&", a leading "The" and a trailing "grade" do not count."""
    key = str(text or "").replace("’", "'").replace("&", " and ").casefold()
    key = re.sub(r"[^0-9a-z]+", " ", key).strip()
    key = re.sub(r"^the ", "", key)
    return re.sub(r" (?:grade|judgement)$", "", key)


_FIELD_OF_HEADER: dict[str, str] = {header_key(h): f.name for f in FIELDS for h in f.headers}


def inspection_type_of(text: str | None) -> str | None:
    """The inspection type a printed type names ("ILACS Short Inspection" -> "ilacs_short"), or None."""
    key = header_key(text)
    for name, pattern in OFFICIAL_INSPECTION_TYPES:
        if pattern.search(key):
            return name
    return None


# -- what is read ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficialRow:
    """One inspection or visit as the table lists it: official_outcomes' columns but the load's own."""

    row_id: str
    la_name: str
    la_area_code: str | None
    la_gss_code: str | None
    la_status: str | None
    ofsted_region: str | None
    inspection_type: str | None
    inspection_type_text: str | None
    inspection_date: date | None
    published: date | None
    overall_effectiveness: str | None
    impact_of_leaders: str | None
    help_and_protection: str | None
    children_in_care: str | None
    care_leavers: str | None
    visit_theme: str | None
    is_latest: bool
    sheets: str


@dataclass(frozen=True, slots=True)
class OfficialTable:
    """A whole edition of the table: its date, its rows, and what each sheet held."""

    path: str
    edition: date
    rows: tuple[OfficialRow, ...]
    sheets: dict[str, str]  # sheet name -> what it holds: latest | in_year | history
    records: dict[str, int]  # sheet name -> inspections and visits read from it
    councils: tuple[str, ...]  # every council the table names: the register's name, else the printed one
    unresolved: tuple[str, ...]  # those matching no council of the register
    not_inspected: tuple[str, ...]  # councils the latest sheet lists with no inspection ("Not yet inspected")


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What ``load_official`` did."""

    path: str
    edition: date
    rows: int
    replaced: int  # rows of the same edition deleted first
    councils: int
    matched: int  # councils resolved to the register
    unresolved: tuple[str, ...]

    def format(self) -> str:
        """The one line ``ofsted official load`` prints."""
        unresolved = ", ".join(self.unresolved) or "none"
        return (f"edition {self.edition.isoformat()}: {self.rows} rows ({self.replaced} replaced), "
                f"{self.matched} of {self.councils} councils matched to the register, unresolved: {unresolved}")


@dataclass(slots=True)
class _Record:
    """One inspection or visit as one sheet prints it, before the sheets are merged."""

    sheet: str
    role: str
    la_name: str
    values: dict[str, Any]
    council: LocalAuthorityMatch | None = None
    sheets: list[str] = field(default_factory=list)
    is_latest: bool = False

    @property
    def key(self) -> str:
        """The council across sheets and names: its GSS code, else its name as compared."""
        return self.council.gss_code if self.council else header_key(self.la_name)

    @property
    def type(self) -> str | None:
        return inspection_type_of(self.values.get("inspection_type"))

    @property
    def family(self) -> str:
        """Visits apart, every inspection of a council is one sequence to place dates in."""
        kind = self.type
        return kind if kind in VISIT_TYPES else "inspection"

    def grades(self) -> tuple[str | None, ...]:
        return tuple(self.values.get(name) for name in JUDGEMENT_FIELDS)


@dataclass(frozen=True, slots=True)
class _Table:
    """One table of a sheet: where its header is, which field each column holds, per block."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    # block -> field -> columns (a field may have several: 2025 prints both care columns)
    blocks: dict[int, dict[str, list[int]]]
    rows: list[list[Any]]

    @property
    def wide(self) -> bool:
        return any(block for block in self.blocks)

    def fields(self) -> set[str]:
        return {name for columns in self.blocks.values() for name in columns}


# -- reading ---------------------------------------------------------------------------------


def read_official(path: str | Path, register: Register | None = None) -> OfficialTable:
    """Read an edition of Ofsted's outcomes table (ODS or XLSX); raises OfficialTableError."""
    path = Path(path)
    register = register or Register.default()
    sheets = _read_workbook(path)
    edition = _edition(path, sheets)
    tables = [table for name, rows in sheets.items() for table in _tables(name, rows)]
    if not tables:
        shown = "; ".join(f"{name!r} starts {_first_cells(rows)}" for name, rows in sheets.items()) or "no sheets"
        raise OfficialTableError(
            str(path), f"no sheet is laid out as the outcomes table: no header row names a "
                       f"'Local authority name' column with dates or judgements beside it ({shown})")
    records: list[_Record] = []
    roles: dict[str, str] = {}
    for table in tables:
        role = roles[table.sheet] = _role(table)
        _check_columns(path, table, role)
        records.extend(_records(table, role))
    for record in records:
        record.council = _council(register, record)
    names = sorted({r.council.name if r.council else r.la_name for r in records})
    unresolved = sorted({r.la_name for r in records if r.council is None})
    for name in unresolved:
        log.warning("%s: council %r matches no council of the register: kept with no GSS code", path, name)
    not_inspected = sorted({r.la_name for r in records if r.role == "latest" and _no_inspection(r)})
    # The latest sheet names every council once: its spelling of a region ("Yorkshire and the
    # Humber"; the history writes "The Humber") is the one every row of the council gets.
    regions = {r.key: r.values.get("ofsted_region") for r in records if r.role == "latest"}
    rows = _merge([r for r in records if not (r.role == "latest" and _no_inspection(r))])
    return OfficialTable(
        path=str(path), edition=edition, rows=tuple(_rows(rows, regions)), sheets=roles,
        records=dict(Counter(r.sheet for r in records if not _no_inspection(r))),
        councils=tuple(names), unresolved=tuple(unresolved), not_inspected=tuple(not_inspected))


def _read_workbook(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells, by sheet name; a file that is not a workbook raises OfficialTableError."""
    if not path.is_file():
        raise OfficialTableError(str(path), "does not exist" if not path.exists() else "is not a file",
                                 "give the path of the .ods (or .xlsx) file")
    if path.stat().st_size == 0:
        raise OfficialTableError(str(path), "is empty", "download the spreadsheet again")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    except (CalamineError, OSError, ValueError) as exc:
        raise OfficialTableError(
            str(path), f"is not a readable ODS or XLSX workbook ({exc})",
            "give the spreadsheet as Ofsted publishes it (.ods), or saved as .xlsx") from None


def _first_cells(rows: list[list[Any]]) -> str:
    """A sheet's first non-empty cells, to say what an unrecognised sheet holds."""
    for row in rows[:5]:
        cells = [str(c).strip() for c in row if str(c).strip()]
        if cells:
            return repr(cells[:4])
    return "empty"


def _edition(path: Path, sheets: dict[str, list[list[Any]]]) -> date:
    """The date the edition is "as at", from a sheet's title, else the file name."""
    titles = [str(cell) for rows in sheets.values() for row in rows[:3] for cell in row[:2] if cell]
    for text in [*titles, path.stem]:
        found = _EDITION_RE.search(re.sub(r"[_\s]+", " ", text).casefold())
        if found:
            day, month, year = found.groups()
            return date(int(year), _MONTHS.index(month) + 1, int(day))
    raise OfficialTableError(
        str(path), "names no edition: no sheet title or file name says 'as at <day> <month> <year>'",
        "keep Ofsted's file name (LA_Inspection_Outcomes_as_at_31_March_2024.ods) or its cover sheet")


def _tables(sheet: str, rows: list[list[Any]]) -> list[_Table]:
    """The tables of a sheet: each from a header row to the first row naming no council."""
    tables = []
    i = 0
    while i < len(rows):
        blocks = _header_blocks(rows[i])
        if blocks is None:
            i += 1
            continue
        name_column = blocks[0]["la_name"][0]
        body = []
        j = i + 1
        while j < len(rows) and _cell(rows[j], name_column) and _header_blocks(rows[j]) is None:
            body.append(rows[j])
            j += 1
        tables.append(_Table(sheet, i + 1, tuple(str(c) for c in rows[i]), blocks, body))
        i = j
    return tables


def _header_blocks(row: list[Any]) -> dict[int, dict[str, list[int]]] | None:
    """A header row's columns as block -> field -> columns, or None if the row is no header.

    A header row names the council column and at least two other fields; block 0 holds the
    columns every block shares (the council's name, region, code), blocks 1, 2... the history's
    "First ILACS ...", "Second ILACS ..." columns.
    """
    blocks: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for column, cell in enumerate(row):
        key = header_key(cell)
        if not key:
            continue
        block = 0
        wide = _BLOCK_RE.match(key)
        if wide and _FIELD_OF_HEADER.get(header_key(wide["rest"])):
            block = _ORDINALS.index(wide["ordinal"]) + 1 if wide["ordinal"] else 1
            key = header_key(wide["rest"])
        name = _FIELD_OF_HEADER.get(key)
        if name:
            blocks[block].setdefault(name, []).append(column)
    shared = blocks.get(0, {})
    named = {name for columns in blocks.values() for name in columns} - {"la_name", "web_link"}
    if "la_name" not in shared or len(named) < 2:
        return None
    return dict(blocks)


# What each kind of sheet must have for its rows to mean anything.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "latest": ("la_name", "inspection_date", "overall_effectiveness"),
    "in_year": ("la_name", "inspection_date", "inspection_type"),
    "history": ("la_name", "published", "inspection_type", "overall_effectiveness"),
}
ROLE_NAMES = {"latest": "latest inspections", "in_year": "inspections and visits of the year",
              "history": "ILACS inspection history"}


def _role(table: _Table) -> str:
    """What a table holds, from its fields (its sheet's name only where they cannot tell).

    The history is wide (blocks) or the sheet that prints publication dates beside no visit
    theme and repeats councils; the year's sheet prints visits; the latest sheet lists each
    council once.
    """
    fields = table.fields()
    name = header_key(table.sheet)
    if table.wide or "history" in name:
        return "history"
    if "visit_theme" in fields or "visit" in header_key(" ".join(table.headers)) or "in year" in name:
        return "in_year"
    name_column = table.blocks[0]["la_name"][0]
    councils = Counter(header_key(_cell(row, name_column)) for row in table.rows)
    if "published" in fields and councils and max(councils.values()) > 1:
        return "history"
    return "latest"


def _check_columns(path: Path, table: _Table, role: str) -> None:
    """Raise OfficialTableError naming the sheet and its columns when one the role needs is missing."""
    for block, fields in sorted(table.blocks.items()):
        if table.wide and block == 0:
            continue
        have = set(fields) | set(table.blocks.get(0, {}))
        missing = [name for name in REQUIRED_FIELDS[role] if name not in have]
        if missing:
            expected = "; ".join(f"{name}: {' or '.join(repr(h) for h in _headers_of(name)[:2])}" for name in missing)
            found = ", ".join(repr(h) for h in table.headers if str(h).strip())
            raise OfficialTableError(
                str(path), f"sheet {table.sheet!r} (header row {table.header_row}) reads as the "
                           f"{ROLE_NAMES[role]} but has no column for {expected}; its columns are {found}",
                "give the file as Ofsted publishes it, or name the column as one of those")


def _headers_of(name: str) -> tuple[str, ...]:
    return next(f.headers for f in FIELDS if f.name == name)


def _cell(row: Sequence[Any], column: int) -> Any:
    value = row[column] if column < len(row) else None
    return value.strip() if isinstance(value, str) else value


def _records(table: _Table, role: str) -> Iterable[_Record]:
    """One record per inspection or visit of a table: per row, per block that has one."""
    shared = table.blocks.get(0, {})
    blocks = [fields for block, fields in sorted(table.blocks.items()) if block or not table.wide]
    for row in table.rows:
        for fields in blocks:
            values: dict[str, Any] = {}
            for name, columns in {**shared, **fields}.items():
                cells = [_cell(row, column) for column in columns]
                values[name] = next((c for c in cells if c not in (None, "")), None)
            dated = any(values.get(name) is not None for name in ("published", "inspection_date", "inspection_type"))
            if not dated and not any(values.get(name) for name in JUDGEMENT_FIELDS):
                continue  # an empty "Second ILACS" block: no second inspection yet
            yield _Record(table.sheet, role, str(values.pop("la_name")), _clean(values), sheets=[table.sheet])


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Cells as stored: dates as dates, grades in the project's words, text stripped."""
    kind = inspection_type_of(values.get("inspection_type"))
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("inspection_date", "published"):
            cleaned[name] = _date(value)  # "Not yet inspected" is no date
        elif name in JUDGEMENT_FIELDS:
            cleaned[name] = _grade(value, kind)
        else:
            cleaned[name] = None if value is None else str(value).strip() or None
    return cleaned


def _date(value: Any) -> date | None:
    """A cell as a date: a date cell, or text such as "15/11/2021" or "15 November 2021"; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.search(r"\d", value):
        try:
            return dateutil.parser.parse(value, dayfirst=True).date()
        except (ValueError, OverflowError):
            return None
    return None


_SCORES = word_scores()


def _grade(value: Any, inspection_type: str | None) -> str | None:
    """A grade cell in the project's words (ILACS's score 2: "Requires improvement to be good")."""
    if value is None or header_key(value) in _NO_GRADE:
        return None
    score = _SCORES.get(" ".join(str(value).split()).casefold())
    if score is None:
        log.warning("grade %r is none of Ofsted's grade words: kept as printed", value)
        return str(value).strip()
    return grade_words(score, framework=FRAMEWORK_OF_TYPE.get(inspection_type or "", "ilacs"))


def _no_inspection(record: _Record) -> bool:
    """A latest-sheet row of a council not inspected yet (Cumberland in 2024): no date, no grade."""
    return record.values.get("inspection_date") is None and not any(record.grades())


def _council(register: Register, record: _Record) -> LocalAuthorityMatch | None:
    """The register's council a record names, in the period of the record's date."""
    when = record.values.get("published") or record.values.get("inspection_date")
    year, month = (when.year, when.month) if when else (None, None)
    found = register.match(record.la_name, year, month)
    if found is None:
        # The history writes "Bedford Borough" where the other sheets write "Bedford".
        bare = re.sub(r"\s+borough$", "", record.la_name, flags=re.IGNORECASE)
        if bare != record.la_name:
            found = register.match(bare, year, month)
            found = found if found and found.match_score == 100 else None
    return found


# -- merging the sheets ------------------------------------------------------------------------


def _merge(records: list[_Record]) -> list[_Record]:
    """One record per inspection or visit: a history row takes the date the year's and the latest
    sheets print for it; what no history row accounts for stays a row of its own."""
    merged = [r for r in records if r.role == "history"]
    for record in (r for r in records if r.role == "in_year"):
        if record.family == "inspection":
            target = _history_row_of(merged, record, only_undated=True)
            if target is not None:
                _absorb(target, record)
                continue
        merged.append(record)
    for record in (r for r in records if r.role == "latest"):
        target = _history_row_of(merged, record, only_undated=False)
        if target is None:
            record.is_latest = True
            merged.append(record)
        else:
            _absorb(target, record)
            target.is_latest = True
    return merged


def _history_row_of(rows: list[_Record], dated: _Record, only_undated: bool) -> _Record | None:
    """The row of the same council whose report is of an inspection begun on ``dated``'s date:
    the same date, else the first published within ``PUBLICATION_LAG_DAYS`` after it."""
    day = dated.values.get("inspection_date")
    if day is None:
        return None
    same = [r for r in rows if r.key == dated.key and r.family == "inspection" and r is not dated]
    exact = [r for r in same if r.values.get("inspection_date") == day]
    if exact:
        return exact[0]
    candidates = [r for r in same if r.values.get("published") and r.values.get("inspection_date") is None
                  and day <= r.values["published"] <= day + timedelta(days=PUBLICATION_LAG_DAYS)]
    if not only_undated:
        # the latest sheet's date is the latest inspection's: the latest report that fits
        candidates.sort(key=lambda r: r.values["published"], reverse=True)
    else:
        candidates.sort(key=lambda r: r.values["published"])
    return candidates[0] if candidates else None


def _absorb(target: _Record, other: _Record) -> None:
    """Take another sheet's date, type, theme and any grade the target lacks; a grade that
    differs is logged (the history's is kept: it is the one the table keeps year on year)."""
    for name, value in other.values.items():
        if value is None:
            continue
        mine = target.values.get(name)
        if mine is None:
            target.values[name] = value
        elif name in JUDGEMENT_FIELDS and mine != value:
            log.warning("%s, %s: %s is %r in %s but %r in %s: kept %r", target.la_name,
                        target.values.get("published"), name, mine, target.sheet, value, other.sheet, mine)
    if other.sheet not in target.sheets:
        target.sheets.append(other.sheet)


def _rows(records: list[_Record], regions: dict[str, str | None]) -> list[OfficialRow]:
    """The merged records as rows, with stable ids; a council's region as ``regions`` has it."""
    rows = []
    seen: Counter[str] = Counter()
    for r in sorted(records, key=_order):
        v = r.values
        kind = r.type
        when = v.get("published") or v.get("inspection_date")
        row_id = f"{r.council.gss_code if r.council else header_key(r.la_name).replace(' ', '-')}/" \
                 f"{kind or 'inspection'}/{when.isoformat() if when else 'undated'}"
        seen[row_id] += 1
        if seen[row_id] > 1:
            row_id = f"{row_id}/{seen[row_id]}"
        area_code = v.get("la_area_code") or (r.council.dfe_la_code if r.council else None) or None
        rows.append(OfficialRow(
            row_id=row_id, la_name=r.la_name, la_area_code=area_code,
            la_gss_code=r.council.gss_code if r.council else None, la_status=v.get("la_status"),
            ofsted_region=regions.get(r.key) or v.get("ofsted_region"),
            inspection_type=kind, inspection_type_text=v.get("inspection_type"),
            inspection_date=v.get("inspection_date"), published=v.get("published"),
            **{name: v.get(name) for name in JUDGEMENT_FIELDS},
            visit_theme=v.get("visit_theme"), is_latest=r.is_latest, sheets=", ".join(sorted(r.sheets))))
    return rows


def _order(record: _Record) -> tuple:
    when = record.values.get("inspection_date") or record.values.get("published") or date.min
    return (header_key(record.la_name), when, record.type or "")


# -- loading -----------------------------------------------------------------------------------

_COLUMNS = TABLES["official_outcomes"].column_names


def official_arrow(table: OfficialTable, loaded_at: datetime | None = None) -> pa.Table:
    """An edition's rows as an Arrow table of official_outcomes' columns."""
    loaded_at = loaded_at or datetime.now(timezone.utc).replace(tzinfo=None)
    schema = arrow_schema("official_outcomes")
    common = {"edition": table.edition, "source_file": table.path, "loaded_at": loaded_at}
    columns = {name: [common[name] if name in common else getattr(row, name) for row in table.rows]
               for name in _COLUMNS}
    return pa.Table.from_arrays([pa.array(columns[f.name], f.type) for f in schema], schema=schema)


def load_official(store: Store, path: str | Path, register: Register | None = None) -> LoadSummary:
    """Read an edition and replace that edition's rows in official_outcomes, in one transaction.

    The file is read whole before the transaction begins: a file that cannot be read raises
    OfficialTableError and leaves the rows loaded before untouched.
    """
    return store_official(store, read_official(path, register))


def store_official(store: Store, table: OfficialTable) -> LoadSummary:
    """Replace the rows of ``table``'s edition in official_outcomes with its rows, in one transaction."""
    arrow = official_arrow(table)
    cols = ", ".join(_COLUMNS)
    with store.transaction() as con:
        replaced = con.execute("SELECT count(*) FROM official_outcomes WHERE edition = ?",
                               [table.edition]).fetchone()[0]
        con.execute("DELETE FROM official_outcomes WHERE edition = ?", [table.edition])
        con.register("_official_rows", arrow)
        try:
            con.execute(f"INSERT INTO official_outcomes ({cols}) SELECT {cols} FROM _official_rows")
        finally:
            con.unregister("_official_rows")
    log.info("%s: edition %s, %d rows (%d replaced)", table.path, table.edition, arrow.num_rows, replaced)
    return LoadSummary(path=table.path, edition=table.edition, rows=arrow.num_rows, replaced=replaced,
                       councils=len(table.councils), matched=len(table.councils) - len(table.unresolved),
                       unresolved=table.unresolved)


# -- reconciliation with our inspections -------------------------------------------------------

# Our inspection and an official row are one inspection when, best first:
# 1. the table's inspection date falls within our fieldwork, give or take a week (the table
#    prints the first day on site: in the corpus it is our inspection_start to the day);
# 2. both publication dates are known and within two weeks (ours is often the PDF's creation
#    date, a few days before publication; Ofsted re-issued a few reports weeks later);
# 3. the table's publication date falls after our last day on site, within PUBLICATION_LAG_DAYS
#    (the history prints no inspection date: reports are published 3 to 22 weeks after);
# 4. our inspection has no dates at all (known from restatements only) and the same year.
# Each side keeps its best candidate, and a pair is made only when each is the other's best.
FIELDWORK_SLACK_DAYS = 7
PUBLISHED_SLACK_DAYS = 14
# Our inspections are compared only over what the edition covers: the types it lists, from half
# a year before its first one (whose publication date may be all it prints) to its "as at" date,
# published by the end of June (Ofsted lists inspections "with a report published by 30 June").
COVERAGE_PUBLISHED_DAYS = 91


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _score_sql(words: str) -> str:
    """SQL for the score of a grade in Ofsted's words (official_outcomes' grade columns)."""
    cases = " ".join(f"WHEN {_sql_text(w)} THEN {s}" for w, s in sorted(word_scores().items()))
    return f"CASE lower({words}) {cases} END"


def _words_sql(score: str, framework: str) -> str:
    """SQL for a score in Ofsted's words for its framework (ILACS's 2: "Requires improvement to be good")."""
    cases = []
    for s in (4, 3, 2, 1):
        words = _sql_text(grade_words(s, framework="sif"))
        if s == 2:
            words = f"CASE WHEN {framework} = 'ilacs' THEN {_sql_text(ILACS_SCORE_2)} ELSE {words} END"
        cases.append(f"WHEN {s} THEN {words}")
    return f"CASE {score} {' '.join(cases)} END"


def _family_sql(kind: str, framework: str | None) -> str:
    """SQL for what an inspection is compared as: its visit type, else its framework."""
    visits = ", ".join(_sql_text(v) for v in sorted(VISIT_TYPES | {"jtai"}))
    frameworks = " ".join(f"WHEN {_sql_text(k)} THEN {_sql_text(f)}" for k, f in FRAMEWORK_OF_TYPE.items()
                          if k not in VISIT_TYPES)
    otherwise = framework or "NULL"
    return f"CASE WHEN {kind} IN ({visits}) THEN {kind} ELSE coalesce(CASE {kind} {frameworks} END, {otherwise}) END"


def _reconciliation_sql() -> str:
    areas = [(column, areas) for column, _heading, areas in OUTCOME_COLUMNS]
    ours = ",\n            ".join(
        f"max(j.score) FILTER (WHERE j.area IN ({', '.join(_sql_text(a) for a in names)})) AS {column}_score,\n"
        f"            arg_min(j.text, j.evidence_rank) FILTER (WHERE j.area IN "
        f"({', '.join(_sql_text(a) for a in names)})) AS {column}_text"
        for column, names in areas)
    official_scores = ",\n            ".join(f"{_score_sql('o.' + column)} AS {column}_score" for column, _ in areas)
    differs = {column: f"(p.o_{column} IS DISTINCT FROM p.i_{column})" for column, _ in areas}
    grade_columns = ",\n        ".join(
        f"{_words_sql('p.i_' + column, 'p.framework')} AS our_{column},\n        p.{column} AS official_{column}"
        for column, _ in areas)
    ours_words = {column: f"coalesce({_words_sql('p.i_' + column, 'p.framework')}, 'none')" for column, _ in areas}
    disagreements = ", ".join(
        [f"CASE WHEN p.matched AND p.our_type IS NOT NULL AND p.official_type IS NOT NULL "
         f"AND p.our_type <> p.official_type THEN 'inspection_type: ours ' || p.our_type || ', official ' "
         f"|| p.official_type END"]
        + [f"CASE WHEN p.matched AND {differs[column]} THEN '{column}: ours ' || {ours_words[column]} "
           f"|| ', official ' || coalesce(p.{column}, 'none') END" for column, _ in areas])
    evidence = ", ".join(
        f"CASE WHEN p.matched AND {differs[column]} AND p.i_{column}_text IS NOT NULL "
        f"THEN '{column}: ' || p.i_{column}_text END" for column, _ in areas)
    return f"""
        WITH edition AS (SELECT max(edition) AS edition FROM official_outcomes),
        official AS (
            SELECT o.*, {_family_sql('o.inspection_type', None)} AS family,
            {official_scores}
            FROM official_outcomes o JOIN edition e ON o.edition = e.edition
        ),
        official_councils AS (
            SELECT o.row_id, coalesce(l.current_gss_code, o.la_gss_code) AS current_gss
            FROM official o LEFT JOIN council_lineage l ON l.gss_code = o.la_gss_code
        ),
        our_grades AS (
            SELECT j.inspection_id,
            {ours}
            FROM judgements j WHERE j.chosen AND j.inspection_id IS NOT NULL
            GROUP BY j.inspection_id
        ),
        ours AS (
            SELECT i.*, {_family_sql('i.inspection_type', 'i.framework')} AS family,
                   coalesce(i.inspection_end, i.inspection_start) AS last_day
            FROM inspections i
        ),
        our_councils AS (
            SELECT i.inspection_id, coalesce(l.current_gss_code, i.la_gss_code) AS current_gss
            FROM ours i LEFT JOIN council_lineage l ON l.gss_code = i.la_gss_code
        ),
        candidates AS (
            SELECT DISTINCT o.row_id, i.inspection_id,
                CASE
                    WHEN o.inspection_date BETWEEN i.inspection_start - INTERVAL {FIELDWORK_SLACK_DAYS} DAY
                                               AND i.last_day + INTERVAL {FIELDWORK_SLACK_DAYS} DAY THEN 1
                    WHEN abs(date_diff('day', o.published, i.published)) <= {PUBLISHED_SLACK_DAYS} THEN 2
                    WHEN o.published BETWEEN i.last_day AND i.last_day + INTERVAL {PUBLICATION_LAG_DAYS} DAY THEN 3
                    WHEN i.inspection_start IS NULL AND i.inspection_end IS NULL AND i.published IS NULL
                         AND i.year IN (year(o.inspection_date), year(o.published)) THEN 4
                END AS rule,
                abs(date_diff('day', coalesce(o.inspection_date, o.published),
                              coalesce(CASE WHEN o.inspection_date IS NOT NULL THEN i.inspection_start END,
                                       i.published, i.last_day, make_date(i.year, 7, 1)))) AS gap
            FROM official o
            JOIN official_councils oc ON oc.row_id = o.row_id
            JOIN our_councils ic ON ic.current_gss = oc.current_gss
            JOIN ours i ON i.inspection_id = ic.inspection_id AND i.family = o.family
        ),
        ranked AS (
            SELECT *,
                row_number() OVER (PARTITION BY row_id ORDER BY rule, gap, inspection_id) AS official_choice,
                row_number() OVER (PARTITION BY inspection_id ORDER BY rule, gap, row_id) AS our_choice
            FROM candidates WHERE rule IS NOT NULL
        ),
        pairs AS (SELECT row_id, inspection_id, rule FROM ranked WHERE official_choice = 1 AND our_choice = 1),
        coverage AS (
            SELECT o.family, min(coalesce(o.inspection_date, o.published)) - INTERVAL {PUBLICATION_LAG_DAYS} DAY AS since,
                   any_value(e.edition) AS until,
                   any_value(e.edition) + INTERVAL {COVERAGE_PUBLISHED_DAYS} DAY AS published_by
            FROM official o, edition e GROUP BY o.family
        ),
        -- councils we hold an inspection of: the table's rows of any other say nothing of our reading
        held AS (SELECT DISTINCT current_gss FROM our_councils),
        sides AS (
            SELECT o.row_id, p.inspection_id, p.rule FROM official o
            LEFT JOIN pairs p ON p.row_id = o.row_id
            WHERE p.inspection_id IS NOT NULL
               OR EXISTS (SELECT 1 FROM official_councils oc JOIN held h ON h.current_gss = oc.current_gss
                          WHERE oc.row_id = o.row_id)
            UNION ALL
            SELECT NULL, i.inspection_id, NULL FROM ours i
            JOIN coverage c ON c.family = i.family
            WHERE i.inspection_id NOT IN (SELECT inspection_id FROM pairs)
              AND coalesce(i.inspection_start, i.published, i.last_day, make_date(i.year, 7, 1))
                  BETWEEN c.since AND c.until
              AND (i.published IS NULL OR i.published <= c.published_by)
        ),
        paired AS (
            SELECT s.rule, s.row_id IS NOT NULL AND s.inspection_id IS NOT NULL AS matched,
                   o.edition, o.row_id, o.la_gss_code AS official_gss, o.la_name,
                   o.inspection_type AS official_type, o.inspection_type_text, o.inspection_date, o.published AS o_published,
                   o.overall_effectiveness, o.impact_of_leaders, o.help_and_protection, o.children_in_care,
                   o.care_leavers, o.visit_theme,
                   {", ".join(f"o.{column}_score AS o_{column}" for column, _ in areas)},
                   i.inspection_id, i.la_gss_code AS our_gss, i.local_authority, i.framework,
                   i.inspection_type AS our_type, i.inspection_start, i.inspection_end, i.published AS i_published,
                   i.published_source, i.known_from, i.report_doc_id,
                   {", ".join(f"g.{column}_score AS i_{column}, g.{column}_text AS i_{column}_text" for column, _ in areas)}
            FROM sides s
            LEFT JOIN official o ON o.row_id = s.row_id
            LEFT JOIN ours i ON i.inspection_id = s.inspection_id
            LEFT JOIN our_grades g ON g.inspection_id = s.inspection_id
        ),
        explained AS (
            SELECT p.*, nullif(concat_ws('; ', {disagreements}), '') AS disagreements,
                   nullif(concat_ws(' | ', {evidence}), '') AS evidence
            FROM paired p
        )
        SELECT
            CASE WHEN p.row_id IS NULL THEN 'only_ours'
                 WHEN p.inspection_id IS NULL THEN 'only_official'
                 WHEN p.disagreements IS NULL THEN 'agree'
                 ELSE 'disagree' END AS status,
            coalesce(la.name, p.la_name, p.local_authority) AS council,
            coalesce(p.official_gss, p.our_gss) AS gss_code,
            coalesce(p.edition, (SELECT edition FROM edition)) AS edition,
            p.row_id,
            p.inspection_id,
            coalesce(p.official_type, p.our_type) AS inspection_type,
            p.our_type AS our_inspection_type,
            p.inspection_type_text AS official_inspection_type_text,
            CASE p.rule WHEN 1 THEN 'inspection_date' WHEN 2 THEN 'published' WHEN 3 THEN 'published_after_fieldwork'
                        WHEN 4 THEN 'year' END AS matched_by,
            p.inspection_start AS our_inspection_start,
            p.inspection_end AS our_inspection_end,
            p.inspection_date AS official_inspection_date,
            p.i_published AS our_published,
            p.published_source AS our_published_source,
            p.o_published AS official_published,
        {grade_columns},
            p.visit_theme AS official_visit_theme,
            p.disagreements,
            p.evidence AS our_evidence,
            p.known_from AS our_known_from,
            p.report_doc_id AS our_report_doc_id
        FROM explained p
        LEFT JOIN local_authorities la ON la.gss_code = coalesce(p.official_gss, p.our_gss)
    """


OFFICIAL_VIEWS: dict[str, str] = {"reconciliation": _reconciliation_sql()}

RECONCILIATION_STATUSES: tuple[str, ...] = ("agree", "disagree", "only_ours", "only_official")


def editions(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The editions loaded, oldest first."""
    return [row[0] for row in con.execute("SELECT DISTINCT edition FROM official_outcomes ORDER BY 1").fetchall()]


def reconcile(con: duckdb.DuckDBPyConnection, statuses: Sequence[str] = (),
              gss_codes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The reconciliation's rows (every status, or those given; every council, or those of
    ``gss_codes``), by council and date. Read through the view's own SQL, so a database whose
    views were made before it still answers."""
    unknown = sorted(set(statuses) - set(RECONCILIATION_STATUSES))
    if unknown:
        raise ValueError(f"unknown status {', '.join(unknown)}: one of {', '.join(RECONCILIATION_STATUSES)}")
    where, params = [], []
    if statuses:
        where.append("list_contains(?, status)")
        params.append(list(statuses))
    if gss_codes is not None:
        where.append("list_contains(?, gss_code)")
        params.append(list(gss_codes))
    cursor = con.execute(
        f"SELECT * FROM ({OFFICIAL_VIEWS['reconciliation']}) r {'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY council, coalesce(official_inspection_date, our_inspection_start, official_published, "
        "our_published), status, row_id, inspection_id", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _span(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "-"
    if end is None or end == start:
        return (start or end).isoformat()
    return f"{start.isoformat() if start else '?'}..{end.isoformat()}"


def format_reconciliation(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The reconciliation as a table of lines: one per row, a disagreement's areas and our
    evidence indented under it, and the count of each status last."""
    header = ("status", "council", "inspection type", "ours: on site", "published", "official: inspected",
              "published")
    cells = [(r["status"], r["council"] or "-", r["inspection_type"] or "-",
              _span(r["our_inspection_start"], r["our_inspection_end"]), _span(r["our_published"], None),
              _span(r["official_inspection_date"], None), _span(r["official_published"], None)) for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip()]
    for row, line in zip(rows, cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        for disagreement in (row["disagreements"] or "").split("; ") if row["disagreements"] else ():
            lines.append(f"    {disagreement}")
        for evidence in (row["our_evidence"] or "").split(" | ") if row["our_evidence"] else ():
            lines.append(f"    our evidence, {' '.join(evidence.split())}")
    counts = Counter(r["status"] for r in rows)
    lines.append(f"{len(rows)} rows: " + ", ".join(f"{counts[s]} {s}" for s in RECONCILIATION_STATUSES))
    return lines
