"""What a council's page shows, worked out from the queries: its latest inspection against its
Ofsted region and England, its inspections one row each, the evidence that disagrees, and (with
Ofsted's table loaded) how its inspections compare with the table. The templates only print it.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Iterable, Sequence
from urllib.parse import quote

import duckdb

from models.vocabulary import (INSPECTION_FRAMEWORKS, OUTCOME_COLUMNS, SUCCESSION, area_name, grade_words,
                               score_of_words)
from outputs.report import queries
from outputs.report.charts import LegendItem, Timeline, framework_legend, timeline
from outputs.report.queries import Point, framework_name, inspection_type_name

# Good or better: Good (3) or Outstanding (4), on every scale.
GOOD_OR_BETTER = 3

# How a publication date is known (inspections.published_source): short, and in full for a tooltip.
PUBLICATION_SOURCES: dict[str, tuple[str, str]] = {
    "printed": ("printed", "printed in the document"),
    "pdf_metadata": ("PDF metadata", "the PDF file's creation date: the report prints no publication date"),
}
# What an inspection is known from (inspections.known_from).
KNOWN_FROM: dict[str, str] = {
    "report": "its report",
    "letter": "Ofsted's letter",
    "restatement": "restatements only",
}
# The reconciliation's statuses, as a reader would say them.
RECONCILIATION_STATUS_NAMES: dict[str, str] = {
    "agree": "agree",
    "disagree": "disagree",
    "only_ours": "only ours",
    "only_official": "only Ofsted's table",
}


# -- links to documents ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A document the page names, and the relative link to its file."""

    path: str
    href: str
    doc_type: str | None = None

    @property
    def name(self) -> str:
        return PurePath(self.path).name


@dataclass(frozen=True, slots=True)
class DocumentLinks:
    """Relative links from the page to the documents' files, so that the page and the raw folder
    can be moved together. Document paths are relative to the folder the latest ingestion read,
    which is recorded as it was given: a relative one is taken as relative to the current folder,
    where ingestions are run from."""

    raw_folder: Path | None
    written_in: Path  # the folder the page is written to

    def link(self, path: str, doc_type: str | None = None) -> DocumentLink:
        target = Path(path) if self.raw_folder is None else self.raw_folder / path
        relative = os.path.relpath(os.path.abspath(target), os.path.abspath(self.written_in))
        # quoted whole, ":" included, so that no file name can read as a URL scheme
        return DocumentLink(path, quote(PurePath(relative).as_posix()), doc_type)


# -- against the region and England ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Share:
    """Of the councils whose latest inspection has a grade in a column, how many are good or better."""

    good: int
    judged: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.good / self.judged) if self.judged else None


def share(rows: Iterable[dict], column: str) -> Share:
    scores = [score_of_words(row.get(column)) for row in rows]
    judged = [s for s in scores if s is not None]
    return Share(sum(1 for s in judged if s >= GOOD_OR_BETTER), len(judged))


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One judgement column: the council's grade, and the share good or better around it."""

    column: str
    heading: str
    words: str | None
    region: Share
    england: Share

    @property
    def score(self) -> int | None:
        return score_of_words(self.words)


def benchmarks(latest: dict, everyone: Sequence[dict]) -> list[Benchmark]:
    """Each judgement column of a council's latest inspection beside the share of councils good or
    better in its Ofsted region and in England, over every latest inspection in the database."""
    region = [row for row in everyone if row.get("ofsted_region") == latest.get("ofsted_region")]
    return [Benchmark(column, heading, latest.get(column), share(region, column), share(everyone, column))
            for column, heading, _areas in OUTCOME_COLUMNS]


# -- the history -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Grade:
    """An inspection's chosen grade of one area."""

    area: str
    words: str
    score: int | None
    label: str | None  # as written
    evidence: str | None
    n_evidence: int = 1
    text: str | None = None  # the words it was read from

    @property
    def area_name(self) -> str:
        return area_name(self.area)


def _grade(row: dict) -> Grade:
    words = grade_words(row["score"], row["scale"], row["framework"]) or row["label"] or "—"
    return Grade(row["area"], words, row["score"], row["label"], row["evidence"], row.get("n_evidence") or 1,
                 row.get("text"))


def _column_of(area: str, framework: str | None) -> str | None:
    """The outcome-table column an area's grade goes in: SIF and ILACS areas as Ofsted's table puts
    them; of older frameworks only the overall judgement (their other areas are not the table's)."""
    if framework not in INSPECTION_FRAMEWORKS:
        return "overall_effectiveness" if area == "overall" else None
    for column, _heading, areas in OUTCOME_COLUMNS:
        if area in areas:
            return column
    return None


def _series(framework: str | None) -> str | None:
    """Inspections whose overall judgements follow one another: the frameworks that succeeded each
    other for a council's overall judgement are one series; any other framework is its own."""
    return "succession" if framework in SUCCESSION else framework


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One inspection, assessment or visit of a council."""

    inspection_id: str
    held_on: date | None
    year: int | None
    inspection_start: date | None
    inspection_end: date | None
    published: date | None
    published_source: str | None
    type_name: str
    framework: str | None
    council_at_the_time: str | None  # set when it is not the council's own name
    known_from: str | None
    columns: dict[str, Grade]  # outcome column -> grade
    others: list[Grade]  # areas outside the table's columns (APA outcomes, adoption, the LSCB)
    change: str | None  # of the overall judgement since the series' previous one with an overall grade
    documents: list[DocumentLink]

    @property
    def framework_name(self) -> str:
        return framework_name(self.framework)

    @property
    def known_from_words(self) -> str:
        return KNOWN_FROM.get(self.known_from or "", self.known_from or "—")

    @property
    def published_source_words(self) -> tuple[str, str] | None:
        return PUBLICATION_SOURCES.get(self.published_source or "")


def _change(score: int | None, before: int | None) -> str | None:
    if score is None or before is None:
        return None
    return "improved" if score > before else "declined" if score < before else "same"


def history(council: str, inspections: Sequence[dict], grades: Sequence[dict], documents: dict[str, dict],
            links: DocumentLinks) -> list[HistoryRow]:
    """A council's inspections, newest first, one row each (``inspections`` oldest first)."""
    by_inspection: dict[str, list[dict]] = defaultdict(list)
    for row in grades:
        by_inspection[row["inspection_id"]].append(row)
    last_overall: dict[str | None, int] = {}
    rows = []
    for inspection in inspections:
        framework = inspection["framework"]
        columns: dict[str, Grade] = {}
        others: list[Grade] = []
        for row in by_inspection.get(inspection["inspection_id"], []):
            column = _column_of(row["area"], framework)
            if column is not None and column not in columns:
                columns[column] = _grade(row)
            else:
                others.append(_grade(row))
        overall = columns.get("overall_effectiveness")
        series = _series(framework)
        change = _change(overall.score if overall else None, last_overall.get(series))
        if overall is not None and overall.score is not None:
            last_overall[series] = overall.score
        doc_ids = sorted(inspection["doc_ids"] or [], key=lambda d: (d != inspection["report_doc_id"],
                                                                       (documents.get(d) or {}).get("path") or ""))
        named = inspection["council_at_the_time"]
        rows.append(HistoryRow(
            inspection_id=inspection["inspection_id"], held_on=inspection["held_on"], year=inspection["year"],
            inspection_start=inspection["inspection_start"], inspection_end=inspection["inspection_end"],
            published=inspection["published"], published_source=inspection["published_source"],
            type_name=inspection_type_name(inspection["inspection_type"], framework), framework=framework,
            council_at_the_time=named if named and named != council else None,
            known_from=inspection["known_from"], columns=columns, others=others, change=change,
            documents=[links.link(documents[d]["path"], documents[d]["doc_type"]) for d in doc_ids if d in documents],
        ))
    return rows[::-1]


# -- conflicts -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EvidencePiece:
    """One side of a conflict: a grade, the kind of evidence and where it was read."""

    label: str | None
    words: str
    score: int | None
    evidence: str | None
    doc_type: str | None
    document: DocumentLink | None
    page: int | None
    text: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    inspection: str  # its type and year, as a reader would name it
    area: str
    chosen: EvidencePiece
    other: EvidencePiece

    @property
    def area_name(self) -> str:
        return area_name(self.area)


def _piece(row: dict, side: str, links: DocumentLinks) -> EvidencePiece:
    score = row.get(f"{side}_score")
    path = row.get(f"{side}_document")
    doc_type = row.get(f"{side}_doc_type")
    return EvidencePiece(row.get(f"{side}_label"), grade_words(score, None, row.get("framework")) or "—", score,
                         row.get(f"{side}_evidence"), doc_type, links.link(path, doc_type) if path else None,
                         row.get(f"{side}_page"), row.get(f"{side}_text"))


def conflicts(rows: Sequence[dict], links: DocumentLinks) -> list[Conflict]:
    return [Conflict(f"{inspection_type_name(r.get('inspection_type'), r.get('framework'))} {r.get('year') or ''}"
                     .strip(), r["area"], _piece(r, "chosen", links), _piece(r, "other", links)) for r in rows]


# -- against Ofsted's table ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GradePair:
    """One judgement column of a reconciled inspection: our grade and the table's."""

    heading: str
    ours: str | None
    official: str | None
    our_text: str | None  # the evidence of our grade

    @property
    def differs(self) -> bool:
        return score_of_words(self.ours) != score_of_words(self.official)

    @property
    def same_words(self) -> bool:
        return (self.ours or "").lower() == (self.official or "").lower()


@dataclass(frozen=True, slots=True)
class ReconciledRow:
    """One row of the reconciliation: an inspection of ours, a row of Ofsted's table, or both."""

    status: str
    type_name: str
    our_type_name: str | None  # when the table names another type
    our_start: date | None
    our_end: date | None
    our_published: date | None
    official_date: date | None
    official_published: date | None
    pairs: list[GradePair]
    report: DocumentLink | None

    @property
    def status_name(self) -> str:
        return RECONCILIATION_STATUS_NAMES.get(self.status, self.status)

    @property
    def disagreements(self) -> list[GradePair]:
        return [pair for pair in self.pairs if pair.differs] if self.status == "disagree" else []


def _our_texts(grades: Sequence[dict]) -> dict[tuple[str, str], str]:
    """(inspection_id, outcome column) -> the text of our chosen grade of it."""
    texts: dict[tuple[str, str], str] = {}
    for row in grades:
        column = _column_of(row["area"], row["inspection_framework"])
        if column is not None and row.get("text"):
            texts.setdefault((row["inspection_id"], column), row["text"])
    return texts


def reconciled(rows: Sequence[dict], grades: Sequence[dict], documents: dict[str, dict],
               links: DocumentLinks) -> list[ReconciledRow]:
    """The reconciliation's rows of a council (columns read by name: a column missing reads as none)."""
    texts = _our_texts(grades)
    out = []
    for row in rows:
        inspection_id = row.get("inspection_id")
        kind, ours = row.get("inspection_type"), row.get("our_inspection_type")
        pairs = [GradePair(heading, row.get(f"our_{column}"), row.get(f"official_{column}"),
                           texts.get((inspection_id, column)) if inspection_id else None)
                 for column, heading, _areas in OUTCOME_COLUMNS]
        report = documents.get(row.get("our_report_doc_id") or "")
        out.append(ReconciledRow(
            status=row.get("status") or "", type_name=inspection_type_name(kind),
            our_type_name=inspection_type_name(ours) if ours and kind and ours != kind else None,
            our_start=row.get("our_inspection_start"), our_end=row.get("our_inspection_end"),
            our_published=row.get("our_published"), official_date=row.get("official_inspection_date"),
            official_published=row.get("official_published"), pairs=pairs,
            report=links.link(report["path"], report["doc_type"]) if report else None))
    return out


# -- the page --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CouncilView:
    """What a council's page shows."""

    name: str
    points: list[Point]
    latest: dict | None  # its row of the latest_inspection view
    latest_document: DocumentLink | None = None
    benchmarks: list[Benchmark] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    official_edition: date | None = None  # of Ofsted's table, when one is loaded
    reconciliation: list[ReconciledRow] = field(default_factory=list)
    level: int = 2  # of its heading
    timeline: Timeline | None = None  # None when no judgement is dated
    legend: list[LegendItem] = field(default_factory=list)
    # on the page of every council, each council's section is shown on its own when its link is followed
    one_of_many: bool = False

    @property
    def undated(self) -> list[Point]:
        return [p for p in self.points if p.year is None]

    @property
    def latest_type(self) -> str:
        return inspection_type_name(self.latest["inspection_type"], self.latest["framework"]) if self.latest else ""

    @property
    def latest_published_source_words(self) -> tuple[str, str] | None:
        return PUBLICATION_SOURCES.get((self.latest or {}).get("publication_date_source") or "")


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What every council's page reads once for the whole report."""

    links: DocumentLinks
    everyone: list[dict]  # every latest inspection
    official_edition: date | None
    reconciliation: dict[str, list[dict]]  # gss_code -> its rows


def report_context(con: duckdb.DuckDBPyConnection, written_in: Path) -> ReportContext:
    raw = queries.raw_folder(con)
    edition = queries.official_edition(con)
    by_council: dict[str, list[dict]] = defaultdict(list)
    if edition is not None:
        for row in queries.reconciliation_rows(con):
            by_council[row.get("gss_code") or ""].append(row)
    return ReportContext(DocumentLinks(Path(raw) if raw else None, written_in), queries.latest_inspections(con),
                         edition, by_council)


def council_view(con: duckdb.DuckDBPyConnection, council: str, context: ReportContext, *, compact: bool = False,
                 level: int = 2, one_of_many: bool = False) -> CouncilView:
    points = queries.timeline_points(con, council)
    dated = [p for p in points if p.year is not None]
    latest = queries.latest_inspection(con, council)
    gss_codes = queries.council_gss_codes(con, council)
    inspections = queries.council_inspections(con, council, gss_codes)
    ids = [i["inspection_id"] for i in inspections]
    grades = queries.chosen_grades(con, ids)
    official_rows = [row for code in gss_codes for row in context.reconciliation.get(code, [])]
    doc_ids = {d for i in inspections for d in i["doc_ids"] or []}
    doc_ids |= {row["our_report_doc_id"] for row in official_rows if row.get("our_report_doc_id")}
    documents = queries.documents_of(con, sorted(doc_ids))
    links = context.links
    return CouncilView(
        name=council, points=points, latest=latest,
        latest_document=links.link(latest["source_document"]) if latest and latest["source_document"] else None,
        benchmarks=benchmarks(latest, context.everyone) if latest else [],
        history=history(council, inspections, grades, documents, links),
        conflicts=conflicts(queries.council_conflicts(con, ids), links),
        official_edition=context.official_edition,
        reconciliation=reconciled(official_rows, grades, documents, links),
        level=level, timeline=timeline(dated, council, compact) if dated else None,
        legend=framework_legend(p.framework for p in dated), one_of_many=one_of_many,
    )


# -- every council ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CouncilRow:
    """A council's row of the table of every council: its latest inspection, as Ofsted's table has it."""

    name: str
    latest: dict | None
    document: DocumentLink | None


def council_rows(names: Sequence[str], everyone: Sequence[dict], links: DocumentLinks) -> list[CouncilRow]:
    latest = {row["local_authority"]: row for row in everyone}
    return [CouncilRow(name, latest.get(name),
                       links.link(latest[name]["source_document"])
                       if name in latest and latest[name]["source_document"] else None)
            for name in names]


def regions(everyone: Sequence[dict]) -> list[str]:
    """The Ofsted regions of the councils with a latest inspection, for the table's filter."""
    return sorted({row["ofsted_region"] for row in everyone if row.get("ofsted_region")})
