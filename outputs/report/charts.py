"""The report's charts: their geometry worked out here, their SVG markup written by the macros
of ``outputs/templates/_charts.html.j2`` (tooltips are SVG ``<title>`` elements).

``timeline(...)`` and ``stacked_bars(...)`` return what a macro draws; ``timeline_svg`` and
``stacked_bars_svg`` return the drawn SVG.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from markupsafe import Markup

from models.vocabulary import FRAMEWORKS, SCORE_NAMES
from outputs.report.queries import Point, framework_name, framework_short
from outputs.report.render import ENV

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
FRAMEWORK_COLOURS: dict[str, str] = {
    "apa": "#E69F00",
    "annual_rating": "#56B4E9",
    "safeguarding_lac": "#009E73",
    "sif": "#0072B2",
    "ilacs": "#CC79A7",
}
UNKNOWN_COLOUR = "#888888"
SCORE_COLOURS: dict[int, str] = {1: "#b2182b", 2: "#ef8a62", 3: "#67a9cf", 4: "#2166ac"}


def framework_colour(framework: str | None) -> str:
    return FRAMEWORK_COLOURS.get(framework or "", UNKNOWN_COLOUR)


def fmt(value: float) -> str:
    """A coordinate to one decimal place, without trailing zeros ("12.5", "40")."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


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

    @property
    def base(self) -> int:
        """The y of the horizontal axis."""
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right


# -- timeline --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScoreLine:
    """A grid line of the score axis and its label, on one or two lines."""

    y: str
    label_x: int
    label_y: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    x: str
    label: int


@dataclass(frozen=True, slots=True)
class Circle:
    """A judgement drawn as a point."""

    point: Point
    classes: str
    cx: str
    cy: str
    r: float
    fill: str
    stroke: str


@dataclass(frozen=True, slots=True)
class Timeline:
    frame: Frame
    title: str
    description: str
    score_lines: list[ScoreLine]
    ticks: list[Tick]
    overall_line: str | None  # the points of the line through the overall judgements
    circles: list[Circle]  # in drawing order
    css_class: str = "timeline"


def _year_ticks(first: int, last: int, max_ticks: int = 12) -> list[int]:
    step = 1
    while (last - first) / step > max_ticks:
        step += 1
    return list(range(first, last + 1, step))


def _score_lines(frame: Frame, y_of) -> list[ScoreLine]:
    lines = []
    for score, words in SCORE_NAMES.items():
        y = y_of(score)
        parts = tuple(words.split(" / "))
        lines.append(ScoreLine(fmt(y), frame.left - 10, fmt(y + 4 - 7 * (len(parts) - 1)), parts))
    return lines


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


def _overall_line(points: Sequence[Point], offsets: Sequence[float], x_of, y_of) -> str | None:
    """A line through the overall judgements of inspection documents (not restatements), left to right."""
    xy = sorted((x_of(p.year) + dx, y_of(p.score)) for p, dx in zip(points, offsets)
                if p.area == "overall" and not p.secondary)
    if len(xy) < 2:
        return None
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in xy)


def _circle(p: Point, x: float, y: float, compact: bool) -> Circle:
    overall = p.area == "overall"
    radius = (6 if overall else 3.5) if compact else (8 if overall else 4.5)
    colour = framework_colour(p.framework)
    classes = " ".join(["point", f"fw-{p.framework or 'none'}", "overall" if overall else "area",
                        "secondary" if p.secondary else "primary"])
    return Circle(p, classes, fmt(x), fmt(y), radius, "#ffffff" if p.secondary else colour,
                  colour if p.secondary else "#1a1a1a")


def timeline(points: Sequence[Point], council: str, compact: bool = False) -> Timeline:
    """A council's dated judgements over the years: x year, y score, colour framework.

    Every dated judgement is one circle; the overall judgement is larger and joined by a line;
    judgements restated by minutes or news are hollow.
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

    offsets = _jitter(dated, step=min(5.5 if compact else 8.5, x_unit / 5))
    # overall points last, so they are drawn on top
    order = sorted(range(len(dated)), key=lambda i: dated[i].area == "overall")
    return Timeline(
        frame=frame,
        title=f"Ofsted judgements of {council}, {first + 1}–{last - 1}",
        description=(f"{len(dated)} judgements plotted by year and score (1 Inadequate to 4 Outstanding), "
                     "coloured by inspection framework; the overall judgement is larger and joined by a line."),
        score_lines=_score_lines(frame, y_of),
        ticks=[Tick(fmt(x_of(year)), year) for year in _year_ticks(first + 1, last - 1)],
        overall_line=_overall_line(dated, offsets, x_of, y_of),
        circles=[_circle(dated[i], x_of(dated[i].year) + offsets[i], y_of(dated[i].score), compact) for i in order],
    )


# -- stacked bars ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CountLine:
    """A grid line of the count axis."""

    y: str
    value: int


@dataclass(frozen=True, slots=True)
class Segment:
    score: int
    n: int
    y: str
    height: str
    fill: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class Bar:
    """The judgements of one year and framework, stacked by score."""

    year: int | None
    framework: str | None
    x: str
    width: str
    segments: list[Segment]  # Inadequate at the bottom
    marker_y: int  # the strip in the framework's colour under the bar
    marker_fill: str
    label_x: str
    label_y: int
    label: str


@dataclass(frozen=True, slots=True)
class StackedBars:
    frame: Frame
    title: str
    description: str
    count_lines: list[CountLine]
    count_label_y: float  # the middle of the count axis, where its name is
    bars: list[Bar]
    css_class: str = "bars"


def _bar(frame: Frame, key: tuple, counts: Counter, centre: float, width: float, y_unit: float) -> Bar:
    year, framework = key
    segments = []
    y = frame.base
    for score in (1, 2, 3, 4):
        n = counts.get(score, 0)
        if not n:
            continue
        h = n * y_unit
        y -= h
        tip = f"{year or 'undated'} · {framework_name(framework)}: {n} × {SCORE_NAMES[score]}"
        segments.append(Segment(score, n, fmt(y), fmt(h), SCORE_COLOURS[score], tip))
    return Bar(year, framework, fmt(centre - width / 2), fmt(width), segments, frame.base + 3,
               framework_colour(framework), fmt(centre + 4), frame.base + 14,
               f"{year or 'undated'} {framework_short(framework)}")


def stacked_bars(rows: Sequence[dict]) -> StackedBars:
    """Judgement counts per year and framework (rows of ``grade_distribution``), stacked by score."""
    bars: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        bars[(row["year"], row["framework"])][row["score"]] += row["n"]
    order = list(FRAMEWORKS)
    keys = sorted(bars, key=lambda k: (k[0] is None, k[0] or 0, order.index(k[1]) if k[1] in FRAMEWORKS else 9))
    frame = Frame(max(480, 110 + 34 * len(keys)), 360, 56, 16, 16, 84)
    top = max(sum(c.values()) for c in bars.values())
    y_unit = frame.inner_height / top
    slot = frame.inner_width / len(keys)
    width = min(26.0, slot * 0.75)
    step = max(1, round(top / 5))
    return StackedBars(
        frame=frame,
        title="Judgements per year and framework, by grade",
        description=(f"Stacked bars of judgement counts for {len(keys)} year and framework pairs; each bar "
                     "stacks Inadequate, Requires improvement or Adequate, Good, Outstanding or Excellent."),
        count_lines=[CountLine(fmt(frame.base - value * y_unit), value) for value in range(0, top + 1, step)],
        count_label_y=frame.top + frame.inner_height / 2,
        bars=[_bar(frame, key, bars[key], frame.left + slot * (i + 0.5), width, y_unit)
              for i, key in enumerate(keys)],
    )


# -- legends ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LegendItem:
    colour: str
    name: str


def framework_legend(frameworks: Iterable[str | None]) -> list[LegendItem]:
    """The colour of each framework drawn, in the order first drawn."""
    return [LegendItem(framework_colour(fw), framework_name(fw)) for fw in dict.fromkeys(frameworks)]


def score_legend() -> list[LegendItem]:
    """The colour of each score, best first."""
    return [LegendItem(SCORE_COLOURS[s], SCORE_NAMES[s]) for s in (4, 3, 2, 1)]


# -- drawn -----------------------------------------------------------------------------------

def _macro(name: str):
    return getattr(ENV.get_template("_charts.html.j2").module, name)


def timeline_svg(points: Sequence[Point], council: str, compact: bool = False) -> Markup:
    """The timeline of ``timeline(...)`` as SVG."""
    return _macro("timeline")(timeline(points, council, compact))


def stacked_bars_svg(rows: Sequence[dict]) -> Markup:
    """The bars of ``stacked_bars(...)`` as SVG."""
    return _macro("stacked_bars")(stacked_bars(rows))
