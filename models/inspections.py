"""Inspections, not documents: every judgement placed in one inspection, one grade chosen per area.

What extraction stores is a pile of per-document findings: a report's table and headings, the
sentence of a later report that recalls the last inspection, the minutes that restate this year's
and last year's grades. ``rebuild_inspections`` turns them into a dataset of inspections after
every load, in one transaction:

- every Ofsted document (a report, a visit's letter, an APA or rating letter) is an inspection of
  its council: the ``inspections`` row takes its type, fieldwork dates, publication date and
  lead inspector from it;
- a judgement of the document's own council and year is that inspection's; any other (a
  predecessor council's, an earlier year's, every judgement of minutes and press releases) is
  a restatement, attached to the inspection it restates (council + framework + year), which is
  made from the restatement alone when no Ofsted document of it is stored;
- each judgement's evidence is ranked (``EVIDENCE_RANKS``) and the best of an inspection's
  judgements of an area is ``chosen``; every piece stays in ``judgements`` and a disagreement
  shows in the ``judgement_conflicts`` view instead of being settled silently.

The rules read only stored columns, so a rebuild over an unchanged database changes nothing.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from .schema import arrow_schema
from .vocabulary import (
    FRAMEWORK_OF_DOC_TYPE,
    OFSTED_REPORT_DOC_TYPES,
    framework_for_year,
    inspection_type_areas,
)

# Documents Ofsted wrote: each is one inspection, assessment or visit of its council.
OFSTED_DOC_TYPES: tuple[str, ...] = (*OFSTED_REPORT_DOC_TYPES, *FRAMEWORK_OF_DOC_TYPE)

# How far to trust a piece of evidence, best first: the report's judgement table, its section
# heading, its prose, an Ofsted letter's grade, and last a restatement (minutes, press releases,
# or a later report recalling an earlier inspection).
EVIDENCE_RANKS: dict[str, int] = {"table": 1, "heading": 2, "prose": 3, "letter": 4, "restatement": 5}
_EVIDENCE_ORDER = {"table": 0, "heading": 1, "prose": 2}

# A short ILACS inspection is one week on site, a standard one two (Ofsted's ILACS framework);
# the corpus's short ones ran 4-5 days from first to last day, standard ones 11-22.
ILACS_SHORT_MAX_DAYS = 7
# The first page names the kind of inspection; later pages recall others ("since the JTAI in 2017").
TITLE_CHARS = 600
REINSPECTION_RE = re.compile(r"\bre-?\s?inspection of (?:services|local authority)", re.IGNORECASE)
LSCB_REVIEW_RE = re.compile(r"\breview of the effectiveness of the local safeguarding children board", re.IGNORECASE)
JTAI_RE = re.compile(r"\bjoint targeted area inspection\b", re.IGNORECASE)
# An SIF report's title names the board's review beside the inspection; a review of its own does not.
SIF_INSPECTION_TITLE_RE = re.compile(r"\binspection of services for children", re.IGNORECASE)
# An SIF-era restatement may give the year of publication, not of fieldwork: a report published
# in the January after its November fieldwork is restated as "the 2018 inspection".
RESTATED_YEAR_SLACK = 1


@dataclass(slots=True)
class Inspection:
    inspection_id: str
    la_gss_code: str | None
    local_authority: str | None
    framework: str | None
    inspection_type: str | None
    year: int | None
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    published_source: str | None = None
    lead_inspector: str | None = None
    known_from: str = "restatement"
    report_doc_id: str | None = None
    doc_ids: list[str] = field(default_factory=list)
    n_judgements: int = 0

    def restates(self, year: int | None) -> int | None:
        """How near a restated year is to this inspection (0 its fieldwork's year, 1 its
        publication's), or None when it is not this inspection's."""
        if year is None or self.year is None:
            return None
        if year == self.year:
            return 0
        published = self.published or self.inspection_end
        if published is not None and year == published.year and abs(year - self.year) <= RESTATED_YEAR_SLACK:
            return 1
        return None


def inspection_type(doc_type: str, framework: str | None, title: str,
                    start: date | None, end: date | None) -> str | None:
    """The kind of inspection an Ofsted document is of, from its type, framework and first page."""
    if doc_type in ("focused_visit", "monitoring_visit"):
        return doc_type
    if doc_type in FRAMEWORK_OF_DOC_TYPE:
        return FRAMEWORK_OF_DOC_TYPE[doc_type]
    head = title[:TITLE_CHARS]
    if JTAI_RE.search(head):
        return "jtai"
    if LSCB_REVIEW_RE.search(head) and not SIF_INSPECTION_TITLE_RE.search(head):
        return "lscb_review"
    if framework == "sif":
        return "sif_reinspection" if REINSPECTION_RE.search(head) else "sif"
    if framework == "ilacs":
        if start is None or end is None:
            return None
        return "ilacs_short" if (end - start).days < ILACS_SHORT_MAX_DAYS else "ilacs_standard"
    return framework  # apa, annual_rating, safeguarding_lac, or None


def restated_type(framework: str | None) -> str | None:
    """The inspection type a restatement implies: a framework of one kind of inspection names it;
    an ILACS restatement does not say whether the inspection was short or standard."""
    return None if framework in (None, "ilacs", "sif") else framework


@dataclass(slots=True)
class _Document:
    doc_id: str
    doc_type: str | None
    framework: str | None
    la_gss_code: str | None
    la_name: str | None
    year: int | None
    document_date: date | None
    inspection_start: date | None
    inspection_end: date | None
    published: date | None
    pdf_created: date | None
    lead_inspector: str | None
    title: str
    path: str


@dataclass(slots=True)
class _Judgement:
    rowid: int
    doc_id: str
    area: str
    score: int | None
    year: int | None
    la_gss_code: str | None
    local_authority: str | None
    evidence: str
    framework: str | None
    start: int | None


def _own_inspection(doc: _Document) -> Inspection:
    """The inspection an Ofsted document is the record of."""
    framework = doc.framework or FRAMEWORK_OF_DOC_TYPE.get(doc.doc_type or "") or framework_for_year(doc.year)
    kind = inspection_type(doc.doc_type or "", framework, doc.title, doc.inspection_start, doc.inspection_end)
    fieldwork = doc.inspection_start or doc.inspection_end
    year = fieldwork.year if fieldwork else doc.year
    letter = doc.doc_type in FRAMEWORK_OF_DOC_TYPE
    if doc.published is not None:
        published, source = doc.published, "printed"
    elif letter and doc.document_date is not None:
        published, source = doc.document_date, "printed"  # a letter is dated the day Ofsted sent it
    elif doc.pdf_created is not None:
        published, source = doc.pdf_created, "pdf_metadata"
    else:
        published, source = None, None
    council = doc.la_gss_code or "unlinked"
    # A letter is its framework's assessment of that year; a report is its fieldwork's.
    when = str(year) if letter else (fieldwork or published or doc.document_date or year)
    inspection_id = f"{council}/{kind or framework or 'unknown'}/{when}"
    if doc.la_gss_code is None:
        inspection_id += f"/{doc.doc_id[:12]}"  # an unlinked document is nobody else's inspection
    return Inspection(
        inspection_id=inspection_id, la_gss_code=doc.la_gss_code, local_authority=doc.la_name,
        framework=framework, inspection_type=kind, year=year,
        inspection_start=doc.inspection_start, inspection_end=doc.inspection_end,
        published=published, published_source=source, lead_inspector=doc.lead_inspector,
        known_from="letter" if letter else "report", report_doc_id=doc.doc_id, doc_ids=[doc.doc_id],
    )


def _is_own(j: _Judgement, doc: _Document, inspection: Inspection) -> bool:
    """Whether a judgement of an Ofsted document is its own inspection's, not one it recalls."""
    return (j.la_gss_code in (None, doc.la_gss_code)
            and (j.year is None or j.year in (doc.year, inspection.year))
            and (j.framework is None or j.framework == inspection.framework))


def _best_match(candidates: list[Inspection], j: _Judgement, written: date | None) -> Inspection | None:
    """Of a council's inspections under a framework, the one a restated judgement is of: one that
    judges its area, of the restated year (fieldwork's before publication's), the latest; a
    restatement that gives no year is of the latest inspection before its document was written."""
    scored = []
    for inspection in candidates:
        areas = inspection_type_areas(inspection.inspection_type)
        if areas is not None and j.area not in areas:
            continue
        when = inspection.inspection_start or inspection.inspection_end or inspection.published
        if j.year is None:
            if when is None or (written is not None and when > written):
                continue
            nearness = 0
        else:
            nearness = inspection.restates(j.year)
            if nearness is None:
                continue
        scored.append(((nearness, -(when or date.min).toordinal()), inspection))
    return min(scored, key=lambda pair: pair[0])[1] if scored else None


def build_inspections(documents: list[_Document], judgements: list[_Judgement],
                      names: dict[str, str] | None = None
                      ) -> tuple[list[Inspection], dict[int, tuple[str, int, bool]]]:
    """Inspections from documents and judgements, and each judgement's (inspection_id,
    evidence_rank, chosen) by its row id."""
    names = names or {}
    by_id: dict[str, Inspection] = {}
    own_of_doc: dict[str, Inspection] = {}
    docs = {doc.doc_id: doc for doc in documents}
    for doc in sorted(documents, key=lambda d: (d.doc_type != "inspection_report", d.path)):
        if doc.doc_type not in OFSTED_DOC_TYPES:
            continue
        inspection = _own_inspection(doc)
        kept = by_id.get(inspection.inspection_id)
        if kept is None:
            by_id[inspection.inspection_id] = kept = inspection
        else:
            kept.doc_ids.append(doc.doc_id)  # a second copy or a letter about the same inspection
        own_of_doc[doc.doc_id] = kept
    by_council: dict[tuple[str | None, str | None], list[Inspection]] = defaultdict(list)
    for inspection in by_id.values():
        by_council[(inspection.la_gss_code, inspection.framework)].append(inspection)

    placed: dict[int, tuple[str, int, tuple]] = {}
    for j in sorted(judgements, key=lambda j: j.rowid):
        doc = docs.get(j.doc_id)
        own = own_of_doc.get(j.doc_id)
        if doc is not None and own is not None and _is_own(j, doc, own):
            inspection = own
            rank = EVIDENCE_RANKS["letter"] if own.known_from == "letter" else EVIDENCE_RANKS.get(j.evidence, 3)
        else:
            framework = j.framework or framework_for_year(j.year)
            inspection = _best_match(by_council.get((j.la_gss_code, framework), []), j,
                                     doc.document_date if doc is not None else None)
            if inspection is None:
                inspection_id = f"{j.la_gss_code or 'unlinked'}/{framework or 'unknown'}/{j.year}"
                inspection = by_id.get(inspection_id)
                if inspection is None:
                    inspection = by_id[inspection_id] = Inspection(
                        inspection_id=inspection_id, la_gss_code=j.la_gss_code,
                        local_authority=names.get(j.la_gss_code or "", j.local_authority),
                        framework=framework, inspection_type=restated_type(framework), year=j.year)
                    by_council[(j.la_gss_code, framework)].append(inspection)
            rank = EVIDENCE_RANKS["restatement"]
            if j.doc_id not in inspection.doc_ids:
                inspection.doc_ids.append(j.doc_id)
        inspection.n_judgements += 1
        # ties: the surer kind of evidence, then an Ofsted document's over a second-hand one,
        # then the earlier in its document
        order = (rank, _EVIDENCE_ORDER.get(j.evidence, 3), own_of_doc.get(j.doc_id) is None, j.doc_id,
                 j.start if j.start is not None else 0, j.rowid)
        placed[j.rowid] = (inspection.inspection_id, rank, order)

    best: dict[tuple[str, str], tuple] = {}
    area_of = {j.rowid: j.area for j in judgements}
    for rowid, (inspection_id, _rank, order) in placed.items():
        key = (inspection_id, area_of[rowid])
        if key not in best or order < best[key]:
            best[key] = order
    assigned = {rowid: (inspection_id, rank, best[(inspection_id, area_of[rowid])] == order)
                for rowid, (inspection_id, rank, order) in placed.items()}
    return list(by_id.values()), assigned


def rebuild_inspections(con) -> int:
    """Rebuild ``inspections`` and the judgements' inspection, rank and choice from what is
    stored; return the number of inspections. Runs inside the caller's transaction if any."""
    documents = [_Document(*row) for row in con.execute("""
        SELECT doc_id, doc_type, framework, la_gss_code, la_name, year, document_date,
               inspection_start, inspection_end, published, pdf_created, lead_inspector,
               substr(clean_text, 1, ?), path
        FROM documents""", [TITLE_CHARS]).fetchall()]
    judgements = [_Judgement(*row) for row in con.execute("""
        SELECT rowid, doc_id, area, score, year, la_gss_code, local_authority, evidence, framework, start_char
        FROM judgements""").fetchall()]
    names = dict(con.execute("SELECT gss_code, name FROM local_authorities").fetchall())
    inspections, assigned = build_inspections(documents, judgements, names)
    inspection_rows = pa.Table.from_pylist(
        [{name: getattr(i, name) for name in arrow_schema("inspections").names} for i in inspections],
        schema=arrow_schema("inspections"))
    assignment_rows = pa.table({
        "rid": pa.array(list(assigned), pa.int64()),
        "inspection_id": pa.array([a[0] for a in assigned.values()], pa.string()),
        "evidence_rank": pa.array([a[1] for a in assigned.values()], pa.int32()),
        "chosen": pa.array([a[2] for a in assigned.values()], pa.bool_()),
    })
    con.register("_inspection_rows", inspection_rows)
    con.register("_assignment_rows", assignment_rows)
    try:
        con.execute("DELETE FROM inspections")
        con.execute("INSERT INTO inspections SELECT * FROM _inspection_rows")
        con.execute("""
            UPDATE judgements SET inspection_id = a.inspection_id, evidence_rank = a.evidence_rank, chosen = a.chosen
            FROM _assignment_rows a WHERE judgements.rowid = a.rid
              AND (judgements.inspection_id IS DISTINCT FROM a.inspection_id
                   OR judgements.evidence_rank IS DISTINCT FROM a.evidence_rank
                   OR judgements.chosen IS DISTINCT FROM a.chosen)""")
    finally:
        con.unregister("_inspection_rows")
        con.unregister("_assignment_rows")
    return len(inspections)
