"""A self-contained HTML report of the database: timelines, latest inspections and coverage.

``build_report(con)`` returns one HTML page that needs no network to view: CSS is inline, charts
are inline SVG drawn here (tooltips are SVG ``<title>`` elements), and there is no script. It only
reads, through the views of ``models.views`` and the ``documents``/``local_authorities`` tables,
so a read-only connection is enough. Every piece of text from the database goes through
``html.escape``.
"""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Iterable, Sequence

import duckdb

from models.councils import UnknownCouncil, resolve_council

# -- vocabulary ------------------------------------------------------------------------------

FRAMEWORKS: dict[str, str] = {
    "apa": "APA (2005–2008)",
    "annual_rating": "Annual rating (2009–2012)",
    "safeguarding_lac": "Safeguarding and looked after children (2009–2012)",
    "sif": "SIF (2013–2018)",
    "ilacs": "ILACS (2018–)",
}
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
FRAMEWORK_SHORT: dict[str, str] = {
    "apa": "APA", "annual_rating": "Rating", "safeguarding_lac": "SLAC", "sif": "SIF", "ilacs": "ILACS",
}
FRAMEWORK_COLOURS: dict[str, str] = {
    "apa": "#E69F00",
    "annual_rating": "#56B4E9",
    "safeguarding_lac": "#009E73",
    "sif": "#0072B2",
    "ilacs": "#CC79A7",
}
UNKNOWN_COLOUR = "#888888"

SCORE_AXIS: dict[int, str] = {
    4: "Outstanding / Excellent",
    3: "Good",
    2: "Requires improvement / Adequate",
    1: "Inadequate",
}
SCORE_COLOURS: dict[int, str] = {1: "#b2182b", 2: "#ef8a62", 3: "#67a9cf", 4: "#2166ac"}

AREAS: dict[str, str] = {
    "overall": "Overall effectiveness",
    "capacity_to_improve": "Capacity to improve",
    "being_healthy": "Being healthy",
    "staying_safe": "Staying safe",
    "enjoying_and_achieving": "Enjoying and achieving",
    "positive_contribution": "Making a positive contribution",
    "economic_wellbeing": "Economic well-being",
    "service_management": "Management of children's services",
    "social_care": "Contribution of social care services",
    "help_and_protection": "Children who need help and protection",
    "children_in_care": "Children in care",
    "adoption": "Adoption performance",
    "care_leavers": "Care leavers",
    "leadership": "Leadership, management and governance",
    "impact_of_leaders": "Impact of leaders on social work practice",
    "lscb": "Local Safeguarding Children Board",
}
# Documents that restate a judgement rather than make it: drawn as hollow points.
SECONDARY_DOC_TYPES = {"council_minutes", "news_article", "press_release", "other"}

LATEST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("overall_effectiveness", "Overall effectiveness"),
    ("impact_of_leaders", "Impact of leaders"),
    ("help_and_protection", "Help and protection"),
    ("children_in_care", "Children in care"),
    ("care_leavers", "Care leavers"),
)


def e(value: object) -> str:
    """Escaped text of any value ('' for None)."""
    return html.escape("" if value is None else str(value), quote=True)


def grade_words(score: int | None, scale: str | None = None, framework: str | None = None) -> str:
    """A score in Ofsted's words for that scale and framework (score 4 is always best)."""
    if score is None:
        return "—"
    if scale == "rating_1to4":
        return {4: "Performs excellently", 3: "Performs well", 2: "Performs adequately", 1: "Performs poorly"}[score]
    if scale == "apa_1to4" or framework in ("apa", "safeguarding_lac"):
        return {4: "Outstanding", 3: "Good", 2: "Adequate", 1: "Inadequate"}[score]
    if score == 2:
        return "Requires improvement to be good" if framework == "ilacs" else "Requires improvement"
    return {4: "Outstanding", 3: "Good", 1: "Inadequate"}[score]


def area_name(area: str | None) -> str:
    return AREAS.get(area or "", (area or "unknown area").replace("_", " ").capitalize())


def framework_name(framework: str | None) -> str:
    return FRAMEWORKS.get(framework or "", framework or "no framework")


def framework_colour(framework: str | None) -> str:
    return FRAMEWORK_COLOURS.get(framework or "", UNKNOWN_COLOUR)


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    """One judgement on a timeline."""

    year: int | None
    area: str
    label: str | None
    scale: str | None
    score: int
    framework: str | None
    doc_type: str | None
    path: str | None

    @property
    def words(self) -> str:
        return grade_words(self.score, self.scale, self.framework)

    @property
    def secondary(self) -> bool:
        return self.doc_type in SECONDARY_DOC_TYPES

    def tooltip(self) -> str:
        source = PurePath(self.path).name if self.path else "unknown document"
        written = f" (written “{self.label}”)" if self.label and self.label.lower() != self.words.lower() else ""
        return (f"{self.year or 'undated'} · {framework_name(self.framework)} · {area_name(self.area)}: "
                f"{self.words}{written}, score {self.score} — {self.doc_type or 'document'}: {source}")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def timeline_points(con: duckdb.DuckDBPyConnection, council: str) -> list[Point]:
    """Judgements of a council (today's, or as it was called then), oldest first."""
    rows = _rows(con, """
        SELECT coalesce(year, year(document_date)) AS year, area, label, scale, score, framework,
               doc_type, path
        FROM judgement_timeline
        WHERE (council = ? OR council_at_the_time = ?) AND score IS NOT NULL
        ORDER BY year NULLS LAST, framework, area, path""", [council, council])
    return [Point(**row) for row in rows]


def latest_inspection(con: duckdb.DuckDBPyConnection, council: str) -> dict | None:
    """The council's row of the ``latest_inspection`` view, or None when it has no inspection."""
    rows = _rows(con, "SELECT * FROM latest_inspection WHERE council = ? AND doc_id IS NOT NULL", [council])
    return rows[0] if rows else None


def councils_with_judgements(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One row per council of the timeline: counts, years and latest overall judgement."""
    return _rows(con, """
        SELECT t.council, count(*) AS n_judgements, count(DISTINCT t.doc_id) AS n_documents,
               min(t.year) AS first_year, max(t.year) AS last_year,
               any_value(li.overall_effectiveness) AS latest_overall,
               any_value(li.framework) AS latest_framework,
               any_value(li.inspection_end) AS latest_end
        FROM judgement_timeline t
        LEFT JOIN latest_inspection li ON li.council = t.council
        WHERE t.council IS NOT NULL
        GROUP BY t.council ORDER BY t.council""")


def grade_distribution(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Judgement counts per (year, framework, score), every council and area."""
    return _rows(con, """
        SELECT coalesce(j.year, d.year) AS year, j.framework, j.score, count(*) AS n
        FROM judgements j JOIN documents d USING (doc_id)
        WHERE j.score IS NOT NULL
        GROUP BY ALL ORDER BY 1 NULLS LAST, 2, 3""")


def unjudged_documents(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Documents from which no judgement was extracted."""
    return _rows(con, """
        SELECT d.doc_type, d.framework, d.year, coalesce(la.name, d.la_name) AS council, d.path
        FROM documents d LEFT JOIN local_authorities la ON la.gss_code = d.la_gss_code
        WHERE NOT EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id)
        ORDER BY d.doc_type NULLS LAST, d.framework NULLS LAST, d.year, d.path""")


def document_counts(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Documents per (doc_type, framework), with how many have no judgement."""
    return _rows(con, """
        SELECT d.doc_type, d.framework, count(*) AS n_documents,
               count(*) FILTER (WHERE NOT EXISTS
                   (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id)) AS n_without
        FROM documents d GROUP BY ALL ORDER BY d.doc_type NULLS LAST, d.framework NULLS LAST""")


@dataclass(frozen=True, slots=True)
class Facts:
    """What the header says about the database."""

    database: str
    generated_at: datetime
    pipeline_versions: dict[str, int]
    n_documents: int
    n_judgements: int
    n_councils: int
    first_year: int | None
    last_year: int | None


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return (rows[0][0] if rows else None) or ":memory:"


def header_facts(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None) -> Facts:
    versions = dict(con.execute("""SELECT coalesce(pipeline_version, 'unknown'), count(*) FROM documents
                                   GROUP BY 1 ORDER BY 1""").fetchall())
    n_docs, n_judgements, n_councils, first, last = con.execute("""
        SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM judgements),
               (SELECT count(DISTINCT council) FROM judgement_timeline),
               (SELECT min(year) FROM judgement_timeline), (SELECT max(year) FROM judgement_timeline)
    """).fetchone()
    return Facts(database_path(con), generated_at or datetime.now(timezone.utc), versions,
                 n_docs, n_judgements, n_councils, first, last)


# -- SVG charts ------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _year_ticks(first: int, last: int, max_ticks: int = 12) -> list[int]:
    step = 1
    while (last - first) / step > max_ticks:
        step += 1
    return list(range(first, last + 1, step))


@dataclass(frozen=True, slots=True)
class Frame:
    """The plotting area of a chart, in SVG user units."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def inner_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> int:
        return self.height - self.top - self.bottom


def _svg_open(frame: Frame, title: str, description: str, css_class: str) -> str:
    return (f'<svg class="chart {css_class}" role="img" viewBox="0 0 {frame.width} {frame.height}" '
            f'width="{frame.width}" height="{frame.height}" aria-label="{e(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{e(title)}</title><desc>{e(description)}</desc>')


def _score_axis(frame: Frame, y_of) -> list[str]:
    parts = []
    for score, words in SCORE_AXIS.items():
        y = y_of(score)
        parts.append(f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" '
                     f'y1="{_fmt(y)}" y2="{_fmt(y)}"/>')
        lines = words.split(" / ")
        x = frame.left - 10
        spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else 14}">{e(line if i == 0 else "or " + line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text class="axis-label" x="{x}" y="{_fmt(y + 4 - 7 * (len(lines) - 1))}" '
                     f'text-anchor="end">{spans}</text>')
    return parts


def _jitter(points: Sequence[Point], step: float) -> list[float]:
    """Horizontal offsets spreading points of the same year and score side by side."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, p in enumerate(points):
        groups[(p.year, p.score)].append(i)
    offsets = [0.0] * len(points)
    for members in groups.values():
        # the overall judgement sits in the middle of its group
        members.sort(key=lambda i: (points[i].area != "overall", i))
        n = len(members)
        slots = sorted(range(n), key=lambda k: (abs(k - (n - 1) / 2), k))
        for member, slot in zip(members, slots):
            offsets[member] = (slot - (n - 1) / 2) * step
    return offsets


def timeline_svg(points: Sequence[Point], council: str, compact: bool = False) -> str:
    """A council's judgements over the years: x year, y score, colour framework.

    Every dated judgement is one ``<circle class="point">``; the overall judgement is larger and
    joined by a line; judgements restated by minutes or news are hollow.
    """
    dated = [p for p in points if p.year is not None]
    frame = (Frame(780, 200, 156, 16, 16, 30) if compact else Frame(960, 380, 170, 24, 20, 44))
    first = min(p.year for p in dated) - 1
    last = max(p.year for p in dated) + 1
    x_unit = frame.inner_width / max(last - first, 1)

    def x_of(year: float) -> float:
        return frame.left + (year - first) * x_unit

    def y_of(score: float) -> float:
        return frame.top + (4.5 - score) / 4 * frame.inner_height

    title = f"Ofsted judgements of {council}, {first + 1}–{last - 1}"
    description = (f"{len(dated)} judgements plotted by year and score (1 Inadequate to 4 Outstanding), "
                   "coloured by inspection framework; the overall judgement is larger and joined by a line.")
    parts = [_svg_open(frame, title, description, "timeline")]
    parts += _score_axis(frame, y_of)
    parts += _year_axis(frame, first, last, x_of)
    offsets = _jitter(dated, step=min(5.5 if compact else 8.5, x_unit / 5))
    parts.append(_overall_line(dated, offsets, x_of, y_of))
    # overall points last, so they are drawn on top
    for i in sorted(range(len(dated)), key=lambda i: dated[i].area == "overall"):
        parts.append(_point_circle(dated[i], x_of(dated[i].year) + offsets[i], y_of(dated[i].score), compact))
    parts.append("</svg>")
    return "".join(parts)


def _year_axis(frame: Frame, first: int, last: int, x_of) -> list[str]:
    base = frame.height - frame.bottom
    parts = [f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" y1="{base}" y2="{base}"/>']
    for year in _year_ticks(first + 1, last - 1):
        x = _fmt(x_of(year))
        parts.append(f'<line class="tick" x1="{x}" x2="{x}" y1="{base}" y2="{base + 5}"/>'
                     f'<text class="axis-label" x="{x}" y="{base + 19}" text-anchor="middle">{year}</text>')
    return parts


def _overall_line(points: Sequence[Point], offsets: Sequence[float], x_of, y_of) -> str:
    """A line through the overall judgements of inspection documents (not restatements), left to right."""
    xy = sorted((x_of(p.year) + dx, y_of(p.score)) for p, dx in zip(points, offsets)
                if p.area == "overall" and not p.secondary)
    if len(xy) < 2:
        return ""
    coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in xy)
    return f'<polyline class="overall-line" points="{coords}" aria-hidden="true"/>'


def _point_circle(p: Point, x: float, y: float, compact: bool) -> str:
    overall = p.area == "overall"
    radius = (6 if overall else 3.5) if compact else (8 if overall else 4.5)
    colour = framework_colour(p.framework)
    fill = "#ffffff" if p.secondary else colour
    classes = " ".join(["point", f"fw-{p.framework or 'none'}", "overall" if overall else "area",
                        "secondary" if p.secondary else "primary"])
    return (f'<circle class="{classes}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{radius}" fill="{fill}" '
            f'stroke="{colour if p.secondary else "#1a1a1a"}" data-area="{e(p.area)}" data-year="{p.year}" '
            f'data-score="{p.score}"><title>{e(p.tooltip())}</title></circle>')


def framework_legend(frameworks: Iterable[str | None]) -> str:
    """An HTML legend of framework colours and point shapes."""
    items = []
    for fw in dict.fromkeys(frameworks):
        items.append(f'<li><span class="swatch" style="background:{framework_colour(fw)}"></span>'
                     f'{e(framework_name(fw))}</li>')
    items.append('<li><span class="swatch big"></span>Overall judgement (larger, joined by a line)</li>')
    items.append('<li><span class="swatch hollow"></span>Restated by council minutes or news</li>')
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


def stacked_bars_svg(rows: Sequence[dict]) -> str:
    """Judgement counts per year and framework, stacked by score (Inadequate at the bottom)."""
    bars: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        bars[(row["year"], row["framework"])][row["score"]] += row["n"]
    keys = sorted(bars, key=lambda k: (k[0] is None, k[0] or 0, list(FRAMEWORKS).index(k[1]) if k[1] in FRAMEWORKS else 9))
    frame = Frame(max(480, 110 + 34 * len(keys)), 360, 56, 16, 16, 84)
    top = max(sum(c.values()) for c in bars.values())
    y_unit = frame.inner_height / top
    slot = frame.inner_width / len(keys)
    width = min(26.0, slot * 0.75)
    title = "Judgements per year and framework, by grade"
    description = (f"Stacked bars of judgement counts for {len(keys)} year and framework pairs; each bar "
                   "stacks Inadequate, Requires improvement or Adequate, Good, Outstanding or Excellent.")
    parts = [_svg_open(frame, title, description, "bars")]
    parts += _count_axis(frame, top, y_unit)
    for i, key in enumerate(keys):
        parts.append(_bar(frame, key, bars[key], frame.left + slot * (i + 0.5), width, y_unit))
    parts.append("</svg>")
    return "".join(parts)


def _count_axis(frame: Frame, top: int, y_unit: float) -> list[str]:
    step = max(1, round(top / 5))
    parts = []
    for value in range(0, top + 1, step):
        y = _fmt(frame.height - frame.bottom - value * y_unit)
        parts.append(f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y}" y2="{y}"/>'
                     f'<text class="axis-label" x="{frame.left - 6}" y="{y}" dy="4" text-anchor="end">{value}</text>')
    parts.append(f'<text class="axis-label" transform="translate(14 {frame.top + frame.inner_height / 2}) rotate(-90)" '
                 'text-anchor="middle">Judgements</text>')
    return parts


def _bar(frame: Frame, key: tuple, counts: Counter, centre: float, width: float, y_unit: float) -> str:
    year, framework = key
    base = frame.height - frame.bottom
    parts = [f'<g class="bar" data-year="{year}" data-framework="{e(framework)}">']
    y = base
    for score in (1, 2, 3, 4):
        n = counts.get(score, 0)
        if not n:
            continue
        h = n * y_unit
        y -= h
        tip = f"{year or 'undated'} · {framework_name(framework)}: {n} × {SCORE_AXIS[score]}"
        parts.append(f'<rect class="segment score-{score}" x="{_fmt(centre - width / 2)}" y="{_fmt(y)}" '
                     f'width="{_fmt(width)}" height="{_fmt(h)}" fill="{SCORE_COLOURS[score]}">'
                     f'<title>{e(tip)}</title></rect>')
    parts.append(f'<rect class="fw-marker" x="{_fmt(centre - width / 2)}" y="{base + 3}" width="{_fmt(width)}" '
                 f'height="5" fill="{framework_colour(framework)}"/>')
    parts.append(f'<text class="axis-label" transform="translate({_fmt(centre + 4)} {base + 14}) rotate(-60)" '
                 f'text-anchor="end">{e(year or "undated")} {e(FRAMEWORK_SHORT.get(framework, framework or ""))}</text></g>')
    return "".join(parts)


def score_legend() -> str:
    items = "".join(f'<li><span class="swatch" style="background:{SCORE_COLOURS[s]}"></span>{e(SCORE_AXIS[s])}</li>'
                    for s in (4, 3, 2, 1))
    return f'<ul class="legend" aria-label="Legend of grades">{items}</ul>'


# -- HTML sections ---------------------------------------------------------------------------

CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d6d6d6; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
header.page, main, footer { max-width: 1040px; margin: 0 auto; padding: 0 24px; }
header.page { border-bottom: 4px solid #0072B2; padding-top: 16px; padding-bottom: 8px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 32px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1.1rem; margin: 24px 0 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92rem; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--band); }
tbody th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
code { font-size: 0.85rem; overflow-wrap: anywhere; }
.grade-4 { background: #d1e5f0; } .grade-3 { background: #eef5fa; }
.grade-2 { background: #fddbc7; } .grade-1 { background: #f4a6a6; }
figure { margin: 8px 0 16px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 0.9rem; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg .grid { stroke: #e5e5e5; stroke-width: 1; }
svg .axis, svg .tick { stroke: #777; stroke-width: 1; }
svg .axis-label { fill: #333; }
svg .overall-line { fill: none; stroke: #1a1a1a; stroke-width: 2; stroke-dasharray: 5 3; opacity: .55; }
svg circle.point { stroke-width: 1; }
svg circle.point.overall { stroke-width: 2.2; }
svg circle.point.secondary { stroke-width: 2; }
ul.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 18px;
            font-size: 0.9rem; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 6px;
          vertical-align: -1px; border: 1px solid #1a1a1a; }
.swatch.big { width: 16px; height: 16px; background: #bbb; border-width: 2px; vertical-align: -3px; }
.swatch.hollow { background: #fff; border: 2px solid #0072B2; }
.message { background: #fff8e1; border-left: 4px solid #E69F00; padding: 8px 12px; }
nav.toc ul { columns: 3; padding-left: 18px; }
.councils section.council { border-top: 1px solid var(--rule); margin-top: 24px; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); margin-top: 32px;
         padding-top: 8px; padding-bottom: 24px; }
@media print { figure { break-inside: avoid; } }
"""


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str | None = None,
               row_header: bool = True) -> str:
    """A table whose cells are already-escaped HTML; the first cell of a row is its header."""
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = [f'<th scope="row">{row[0]}</th>' if row_header else f"<td>{row[0]}</td>"]
        cells += [cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in row[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _grade_cell(words: str | None) -> str:
    if not words:
        return '<td>—</td>'
    score = next((s for s, w in ((4, "outstanding"), (3, "good"), (2, "requires"), (2, "adequate"),
                                 (1, "inadequate")) if words.lower().startswith(w)), None)
    return f'<td class="grade-{score}">{e(words)}</td>' if score else f"<td>{e(words)}</td>"


def _num(value: object) -> str:
    return f'<td class="num">{e(value)}</td>'


def header_html(facts: Facts, title: str) -> str:
    versions = ", ".join(f"{e(v)} ({n} documents)" for v, n in facts.pipeline_versions.items()) or "—"
    years = f"{facts.first_year}–{facts.last_year}" if facts.first_year else "—"
    return f"""<header class="page"><h1>{e(title)}</h1><dl class="facts">
<dt>Database</dt><dd><code>{e(facts.database)}</code></dd>
<dt>Generated</dt><dd><time datetime="{e(facts.generated_at.isoformat())}">{e(facts.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip())}</time></dd>
<dt>Pipeline version</dt><dd>{versions}</dd>
<dt>Counts</dt><dd>{facts.n_documents} documents, {facts.n_judgements} judgements, {facts.n_councils} councils, years {e(years)}</dd>
</dl></header>"""


def timeline_section(points: Sequence[Point], council: str, compact: bool = False) -> str:
    """The timeline chart with its legend, or a message when there is nothing to draw."""
    dated = [p for p in points if p.year is not None]
    if not points:
        return (f'<p class="message" role="status">No judgements for {e(council)} in this database: '
                "no document about this council with a graded judgement has been ingested.</p>")
    if not dated:
        return (f'<p class="message" role="status">{len(points)} judgement(s) for {e(council)}, none of them '
                f"dated, so there is no timeline.</p>{judgements_table(points)}")
    undated = [p for p in points if p.year is None]
    note = ""
    if undated:
        items = "".join(f"<li>{e(p.tooltip())}</li>" for p in undated)
        note = (f"<details><summary>{len(undated)} undated judgement(s) not plotted</summary>"
                f"<ul>{items}</ul></details>")
    caption = (f"{len(dated)} judgements of {council}. Hover over a point for the area, the grade in "
               "Ofsted's words and the source document.")
    return (f'<figure>{timeline_svg(dated, council, compact)}<figcaption>{e(caption)}</figcaption></figure>'
            f"{framework_legend(p.framework for p in dated)}{judgements_table(points)}{note}")


def judgements_table(points: Sequence[Point]) -> str:
    """The timeline's judgements as a table, folded away (for screen readers and copying)."""
    rows = [[e(p.year or "undated"), e(framework_name(p.framework)), e(area_name(p.area)), _grade_cell(p.words),
             e(p.label or "—"), e(p.doc_type or "—"), f'<code>{e(PurePath(p.path).name if p.path else "—")}</code>']
            for p in points]
    return ("<details><summary>The same judgements as a table</summary>"
            + html_table(["Year", "Framework", "Area", "Grade", "As written", "Document type", "Document"], rows)
            + "</details>")


def latest_section(row: dict | None, council: str) -> str:
    if row is None:
        return (f'<p class="message" role="status">No SIF or ILACS inspection report with judgements for '
                f"{e(council)} in this database.</p>")
    dates = " to ".join(e(d) for d in (row["inspection_start"], row["inspection_end"]) if d) or "—"
    headers = ["Framework", "Inspection dates", "Published",
               *(label for _, label in LATEST_COLUMNS), "Source document"]
    cells = [e(framework_name(row["framework"])), e(dates), e(row["published"] or "—"),
             *(_grade_cell(row[col]) for col, _ in LATEST_COLUMNS),
             f'<code title="{e(row["source_document"])}">{e(PurePath(row["source_document"]).name)}</code>']
    return html_table(headers, [cells], caption=f"Latest inspection of {council} (Ofsted's outcomes table)")


def council_section(con: duckdb.DuckDBPyConnection, council: str, compact: bool = False, level: int = 2) -> str:
    """A council's timeline and latest inspection."""
    points = timeline_points(con, council)
    h = f"h{level}"
    sub = f"h{level + 1}"
    return (f'<section class="council" id="{e(anchor(council))}" aria-labelledby="{e(anchor(council))}-h">'
            f'<{h} id="{e(anchor(council))}-h">{e(council)}</{h}>'
            f"<{sub}>Judgements over the years</{sub}>{timeline_section(points, council, compact)}"
            f"<{sub}>Latest inspection</{sub}>{latest_section(latest_inspection(con, council), council)}"
            "</section>")


def anchor(council: str) -> str:
    return "council-" + "".join(ch if ch.isalnum() else "-" for ch in council.lower()).strip("-")


def distribution_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = grade_distribution(con)
    if not rows:
        return "<h3>Grades by year and framework</h3><p class=\"message\">No judgements in this database.</p>"
    table_rows = _distribution_table_rows(rows)
    return ("<h3>Grades by year and framework</h3>"
            f"<figure>{stacked_bars_svg(rows)}<figcaption>Every judgement of every council and area, "
            "counted by the year it is about and its framework (the coloured strip under each bar). "
            f"</figcaption></figure>{score_legend()}"
            "<details><summary>The same counts as a table</summary>"
            + html_table(["Year", "Framework", *(SCORE_AXIS[s] for s in (1, 2, 3, 4)), "Total"], table_rows)
            + "</details>")


def _distribution_table_rows(rows: Sequence[dict]) -> list[list[str]]:
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        counts[(row["year"], row["framework"])][row["score"]] += row["n"]
    return [[e(year or "undated"), e(framework_name(fw)), *(_num(c.get(s, 0)) for s in (1, 2, 3, 4)),
             _num(sum(c.values()))] for (year, fw), c in counts.items()]


def coverage_section(con: duckdb.DuckDBPyConnection) -> str:
    counts = document_counts(con)
    missing = unjudged_documents(con)
    summary = html_table(
        ["Document type", "Framework", "Documents", "With no judgement"],
        [[e(r["doc_type"] or "unclassified"), e(framework_name(r["framework"])), _num(r["n_documents"]),
          _num(r["n_without"])] for r in counts],
        caption="Documents by type and framework")
    if not missing:
        listing = "<p>Every document has at least one judgement.</p>"
    else:
        listing = html_table(
            ["Document", "Type", "Framework", "Council", "Year"],
            [[f"<code>{e(r['path'])}</code>", e(r["doc_type"] or "—"), e(r["framework"] or "—"),
              e(r["council"] or "—"), e(r["year"] or "—")] for r in missing],
            caption=f"{len(missing)} documents with no judgement")
    return f"<h3>Coverage: documents with no judgement</h3>{summary}{listing}"


def councils_table(rows: Sequence[dict]) -> str:
    return html_table(
        ["Council", "Judgements", "Documents", "Years", "Latest overall effectiveness", "Latest inspection"],
        [[f'<a href="#{e(anchor(r["council"]))}">{e(r["council"])}</a>', _num(r["n_judgements"]),
          _num(r["n_documents"]), e(f"{r['first_year'] or '?'}–{r['last_year'] or '?'}"),
          _grade_cell(r["latest_overall"]),
          e(f"{r['latest_framework'] or '—'} {r['latest_end'] or ''}".strip())] for r in rows],
        caption="Councils with judgements (links go to each council's timeline)")


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{e(title)}</title><style>{CSS}</style></head>'
            f"<body>{body}<footer>Scores are normalised so that 4 is always best: Outstanding (or "
            "Excellent, or Performs excellently), Good (Performs well), Requires improvement or Adequate "
            "(Performs adequately), Inadequate (Performs poorly). Generated by the ofsted pipeline's report "
            "command from the database named above.</footer></body></html>\n")


# -- the report ------------------------------------------------------------------------------


def build_report(con: duckdb.DuckDBPyConnection, council: str | None = None, *,
                 generated_at: datetime | None = None) -> str:
    """The HTML report: one council's timeline and latest inspection, or every council's.

    Raises ``UnknownCouncil`` (with close names) when ``council`` matches no register name or alias.
    """
    resolved = resolve_council(con, council) if council is not None else None
    title = (f"Ofsted judgements: {resolved}" if resolved
             else "Ofsted judgements on councils' children's services")
    parts = [header_html(header_facts(con, generated_at), title), "<main>"]
    if resolved:
        parts.append(council_section(con, resolved))
    parts.append(f"<section aria-labelledby=\"corpus-h\"><h2 id=\"corpus-h\">The whole database</h2>"
                 f"{distribution_section(con)}{coverage_section(con)}</section>")
    if not resolved:
        parts.append(all_councils_section(con))
    parts.append("</main>")
    return page(title, "".join(parts))


def all_councils_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = councils_with_judgements(con)
    if not rows:
        return '<h2>Councils</h2><p class="message">No council has a judgement in this database.</p>'
    sections = "".join(council_section(con, r["council"], compact=True, level=3) for r in rows)
    return (f'<section class="councils" aria-labelledby="councils-h"><h2 id="councils-h">Councils</h2>'
            f"{councils_table(rows)}{sections}</section>")
