"""Ofsted's vocabulary, in one place: frameworks and their years, document types, judged areas,
grade scales and the words of each grade.

Classification, the judgement rules, sections, the views, the HTML report and the evaluation all
read these names from here; the extraction rules' own phrase lists (how a grade or an area is
*written*: ``extractors/patterns/grades_v1.jsonl``, ``areas_v1.jsonl``) are checked against them
when they load. Scores are normalised so that 4 is always best, whatever the scale.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Framework:
    """An inspection or assessment framework and the years its documents were published."""

    key: str
    name: str
    short: str
    first_year: int
    last_year: int | None  # None: still in use

    @property
    def title(self) -> str:
        """The name with its years: "SIF (2013–2018)", "ILACS (2018–)"."""
        return f"{self.name} ({self.first_year}–{self.last_year or ''})"


# In the order they began. SIF reports were published until 2018, the year ILACS began.
FRAMEWORKS: dict[str, Framework] = {f.key: f for f in (
    Framework("apa", "APA", "APA", 2005, 2008),
    Framework("annual_rating", "Annual rating", "Rating", 2009, 2012),
    # 2009-12, and the stand-alone looked after children inspections that followed them in 2013
    Framework("safeguarding_lac", "Safeguarding and looked after children", "SLAC", 2009, 2013),
    Framework("sif", "SIF", "SIF", 2013, 2018),
    Framework("ilacs", "ILACS", "ILACS", 2018, None),
)}
# The frameworks that followed one another for a council's overall judgement (safeguarding and
# looked-after-children inspections ran beside the annual ratings).
SUCCESSION: tuple[str, ...] = ("apa", "annual_rating", "sif", "ilacs")
# The frameworks of full inspection reports, whose latest one is a council's current judgement.
INSPECTION_FRAMEWORKS: tuple[str, ...] = ("sif", "ilacs")


def framework_for_year(year: int | None) -> str | None:
    """The framework a council's judgement of that year was made under: the newest one begun by
    then (2018 is ILACS: SIF reports still published that year were of 2017 inspections)."""
    if year is None:
        return None
    begun = [key for key in SUCCESSION if FRAMEWORKS[key].first_year <= year]
    return begun[-1] if begun else SUCCESSION[0]


def framework_key(name: str) -> str | None:
    """A framework as stored, from any case ("ILACS" -> "ilacs"); None if there is no such framework."""
    key = name.strip().lower()
    return key if key in FRAMEWORKS else None


# -- document types --------------------------------------------------------------------------

DOC_TYPES: tuple[str, ...] = (
    "apa_letter", "annual_rating_letter", "inspection_report", "focused_visit", "monitoring_visit",
    "council_minutes", "news_article", "press_release", "other",
)
# Documents in which Ofsted states its own judgements: one of them with none is a gap.
JUDGED_DOC_TYPES: tuple[str, ...] = ("apa_letter", "annual_rating_letter", "inspection_report")
# Documents Ofsted wrote about an inspection, with its dates and inspectors.
OFSTED_REPORT_DOC_TYPES: tuple[str, ...] = ("inspection_report", "focused_visit", "monitoring_visit")
# Documents that restate a judgement second hand rather than make it.
SECOND_HAND_DOC_TYPES: tuple[str, ...] = ("council_minutes", "news_article", "press_release")
# Documents that restate grades rather than make them: second-hand texts, and the rest ("other":
# officers' reports, bulletins). Their judgements are read as restatements, drawn hollow in the report.
RESTATING_DOC_TYPES: tuple[str, ...] = (*SECOND_HAND_DOC_TYPES, "other")
# Letters that are a framework's own document.
FRAMEWORK_OF_DOC_TYPE: dict[str, str] = {"apa_letter": "apa", "annual_rating_letter": "annual_rating"}


# -- areas -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Area:
    """A judged area, named as Ofsted's documents name it, and the frameworks that judge it."""

    key: str
    name: str
    frameworks: frozenset[str]


_APA = frozenset({"apa"})
_SLAC = frozenset({"safeguarding_lac"})
AREAS: dict[str, Area] = {a.key: a for a in (
    Area("overall", "Overall effectiveness", frozenset(FRAMEWORKS)),
    Area("capacity_to_improve", "Capacity to improve", _APA),  # an APA area only
    Area("being_healthy", "Being healthy", _APA),
    Area("staying_safe", "Staying safe", _APA),
    Area("enjoying_and_achieving", "Enjoying and achieving", _APA),
    Area("positive_contribution", "Making a positive contribution", _APA),
    Area("economic_wellbeing", "Economic well-being", _APA),
    Area("service_management", "Management of children's services", _APA),
    Area("social_care", "Contribution of social care services", _APA),
    Area("education", "Contribution of education services", _APA),  # the 2005 APA's two service grades
    Area("help_and_protection", "Children who need help and protection", frozenset({"sif", "ilacs"})),
    Area("children_in_care", "Children in care", frozenset({"sif", "ilacs"})),
    Area("adoption", "Adoption performance", frozenset({"sif"})),
    Area("care_leavers", "Care leavers", frozenset({"sif", "ilacs"})),
    Area("leadership", "Leadership, management and governance", frozenset({"sif", "safeguarding_lac"})),
    Area("impact_of_leaders", "Impact of leaders on social work practice", frozenset({"ilacs"})),
    Area("lscb", "Local Safeguarding Children Board", frozenset({"sif"})),
    # the two overall judgements of a 2009-12 safeguarding and looked after children inspection
    Area("safeguarding", "Safeguarding services", _SLAC),
    Area("looked_after_children", "Services for looked after children", _SLAC),
)}
# The five Every Child Matters outcomes and the management of services, graded in APA letters
# under headings of their own.
APA_OUTCOME_AREAS = frozenset({"being_healthy", "staying_safe", "enjoying_and_achieving",
                               "positive_contribution", "economic_wellbeing", "service_management"})
AREAS_BY_FRAMEWORK: dict[str, frozenset[str]] = {
    framework: frozenset(key for key, area in AREAS.items() if framework in area.frameworks)
    for framework in FRAMEWORKS
}


# What a framework calls an area that others name otherwise: minutes call ILACS's impact of leaders
# "leadership", APA-era papers call the staying safe outcome "safeguarding", and a safeguarding
# and looked after children inspection's judgement of children in care is its looked after children one.
AREA_UNDER_FRAMEWORK: dict[tuple[str, str], str] = {
    ("ilacs", "leadership"): "impact_of_leaders",
    ("apa", "safeguarding"): "staying_safe",
    ("safeguarding_lac", "children_in_care"): "looked_after_children",
}


def area_under(area: str, framework: str | None) -> str:
    """An area as the framework it was judged under names it."""
    return AREA_UNDER_FRAMEWORK.get((framework or "", area), area)


# ILACS judged care leavers apart from children in care from 2023; before, one judgement held both.
ILACS_CARE_LEAVERS_FROM = 2023


def inspection_areas(framework: str | None, year: int | None) -> tuple[str, ...]:
    """The areas one inspection of a framework judges, overall first: what "judged good across
    all areas" grades. A framework of one judgement (or none known) judges ``overall`` only."""
    if framework == "ilacs":
        areas = ["overall", "impact_of_leaders", "help_and_protection", "children_in_care"]
        if year is not None and year >= ILACS_CARE_LEAVERS_FROM:
            areas.append("care_leavers")
        return tuple(areas)
    if framework == "sif":
        return ("overall", "help_and_protection", "children_in_care", "adoption", "care_leavers", "leadership")
    if framework == "safeguarding_lac":
        return ("safeguarding", "looked_after_children")
    return ("overall",)


# The areas a report's section heading may grade ("The experiences and progress of care leavers:
# good"): a section of that label states that area's grade.
HEADED_AREAS = frozenset({"overall", "help_and_protection", "children_in_care", "adoption", "care_leavers",
                          "leadership", "impact_of_leaders", "lscb"})


def area_name(area: str | None) -> str:
    """An area as a reader would name it ("children_in_care" -> "Children in care")."""
    found = AREAS.get(area or "")
    return found.name if found else (area or "unknown area").replace("_", " ").capitalize()


# -- inspection types ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InspectionType:
    """A kind of assessment, inspection or visit, and the framework it belongs to."""

    key: str
    name: str
    framework: str | None


INSPECTION_TYPES: dict[str, InspectionType] = {t.key: t for t in (
    InspectionType("apa", "Annual performance assessment", "apa"),
    InspectionType("annual_rating", "Annual rating", "annual_rating"),
    InspectionType("safeguarding_lac", "Safeguarding and looked after children inspection", "safeguarding_lac"),
    InspectionType("sif", "SIF inspection", "sif"),
    InspectionType("sif_reinspection", "SIF re-inspection", "sif"),
    InspectionType("lscb_review", "Review of the Local Safeguarding Children Board", "sif"),
    InspectionType("ilacs_standard", "ILACS standard inspection", "ilacs"),
    InspectionType("ilacs_short", "ILACS short inspection", "ilacs"),
    InspectionType("focused_visit", "Focused visit", "ilacs"),
    InspectionType("monitoring_visit", "Monitoring visit", None),
    InspectionType("jtai", "Joint targeted area inspection", None),
)}
# Visits and joint inspections write letters and findings, not graded judgements.
VISIT_INSPECTION_TYPES: tuple[str, ...] = ("focused_visit", "monitoring_visit", "jtai")


def inspection_type_areas(kind: str | None) -> frozenset[str] | None:
    """The areas an inspection of a type may grade (None: any, the type being unknown)."""
    if kind is None:
        return None
    if kind in VISIT_INSPECTION_TYPES:
        return frozenset()
    if kind == "lscb_review":
        return frozenset({"lscb"})
    framework = INSPECTION_TYPES[kind].framework
    return AREAS_BY_FRAMEWORK.get(framework or "")


# Ofsted's regions, as its outcomes table names them, from the ONS region a council is in:
# Ofsted's North East, Yorkshire and the Humber region covers two ONS regions.
OFSTED_REGION_OF_ONS_REGION: dict[str, str] = {
    "North East": "North East, Yorkshire and the Humber",
    "Yorkshire and The Humber": "North East, Yorkshire and the Humber",
    "North West": "North West",
    "East Midlands": "East Midlands",
    "West Midlands": "West Midlands",
    "East of England": "East of England",
    "London": "London",
    "South East": "South East",
    "South West": "South West",
}


# The judgement columns of Ofsted's published outcomes table: (column, its heading, the areas
# it holds; SIF's "leadership, management and governance" is the column ILACS calls impact of leaders).
OUTCOME_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("overall_effectiveness", "Overall effectiveness", ("overall",)),
    ("impact_of_leaders", "Impact of leaders", ("impact_of_leaders", "leadership")),
    ("help_and_protection", "Help and protection", ("help_and_protection",)),
    ("children_in_care", "Children in care", ("children_in_care",)),
    ("care_leavers", "Care leavers", ("care_leavers",)),
)


# -- scales and grade words ------------------------------------------------------------------

SCALES: tuple[str, ...] = ("apa_1to4", "rating_1to4", "ofsted_4point")
# Scales whose grades are numbers (the grade is the score); Ofsted's 4-point scale is words only.
NUMBERED_SCALES: tuple[str, ...] = ("apa_1to4", "rating_1to4")
WORDS_ONLY_SCALE = "ofsted_4point"
# How a grade phrase is written: in words ("good"), as a rating ("performs well") or a number.
GRADE_FAMILIES: tuple[str, ...] = ("word", "rating", "number")

# score -> Ofsted's words for it, per scale. ILACS says "requires improvement to be good".
GRADE_WORDS: dict[str, dict[int, str]] = {
    "rating_1to4": {4: "Performs excellently", 3: "Performs well", 2: "Performs adequately", 1: "Performs poorly"},
    "apa_1to4": {4: "Outstanding", 3: "Good", 2: "Adequate", 1: "Inadequate"},
    "ofsted_4point": {4: "Outstanding", 3: "Good", 2: "Requires improvement", 1: "Inadequate"},
}
ILACS_SCORE_2 = "Requires improvement to be good"
# Frameworks graded Outstanding / Good / Adequate / Inadequate whatever scale a grade was stored on.
APA_WORDED_FRAMEWORKS = frozenset({"apa", "safeguarding_lac"})
# A score across every scale, for an axis or a legend.
SCORE_NAMES: dict[int, str] = {
    4: "Outstanding / Excellent",
    3: "Good",
    2: "Requires improvement / Adequate",
    1: "Inadequate",
}


def grade_words(score: int | None, scale: str | None = None, framework: str | None = None) -> str | None:
    """A score in Ofsted's words for its scale and framework (None for no score)."""
    if score is None:
        return None
    if scale == "rating_1to4":
        return GRADE_WORDS["rating_1to4"][score]
    if scale == "apa_1to4" or framework in APA_WORDED_FRAMEWORKS:
        return GRADE_WORDS["apa_1to4"][score]
    if score == 2 and framework == "ilacs":
        return ILACS_SCORE_2
    return GRADE_WORDS["ofsted_4point"][score]


def score_of_words(words: str | None) -> int | None:
    """The score of a grade in Ofsted's words as ``grade_words`` writes them, or None."""
    return _SCORE_OF_WORDS.get((words or "").strip().lower())


_SCORE_OF_WORDS: dict[str, int] = {
    **{w.lower(): s for table in GRADE_WORDS.values() for s, w in table.items()},
    ILACS_SCORE_2.lower(): 2,
}


def word_scores() -> dict[str, int]:
    """Every grade in Ofsted's words, lower case, with its score ("requires improvement to be good": 2)."""
    return dict(_SCORE_OF_WORDS) | {"require improvement": 2, "require improvement to be good": 2}


def report_grade_words() -> tuple[str, ...]:
    """The grade words of inspection reports and APA letters (not the ratings' "performs ..."),
    longest first: what a report's heading may end with."""
    words = {w.lower() for scale in ("apa_1to4", "ofsted_4point") for w in GRADE_WORDS[scale].values()}
    return tuple(sorted(words | {ILACS_SCORE_2.lower()}, key=len, reverse=True))


# The report grade words as one regex alternation, longest first: what headings and table cells end with.
GRADE_WORDS_RX = "|".join(re.escape(words) for words in report_grade_words())
