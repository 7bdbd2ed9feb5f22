"""What a document is: its type, inspection framework, date and year.

Rules are a decision list over cues, most specific first: a council's minutes or a news story
restate a report's title, so their own cues (a decision record, a byline) are tested before the
titles of reports and letters. Dates come from where each type prints its own date (a letter's
date line, a meeting's date, a report's publication line), never from a website's banner.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil import parser as dateparser

from models.vocabulary import FRAMEWORK_OF_DOC_TYPE, FRAMEWORKS

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december"
          "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DAY_MONTH_YEAR = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d\d"
DATE_RE = re.compile(DAY_MONTH_YEAR, re.IGNORECASE)
NUMERIC_DATE = r"\d{1,2}/\d{1,2}/(?:19|20)\d\d"
MONTH_DAY_YEAR = rf"(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
ANY_DATE = rf"(?:(?:\w+day,?\s+)?{DAY_MONTH_YEAR}|{NUMERIC_DATE}|{MONTH_DAY_YEAR})"
ANY_DATE_RE = re.compile(ANY_DATE, re.IGNORECASE)
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
ACADEMIC_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\s*[/–-]\s*(?P<end>(?:19|20)?\d\d)\b")

HEAD_CHARS = 2500  # where titles, letter dates and addresses are printed


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# doc_type rules v1: (doc_type, where to look, cue). First match wins.
DOC_TYPE_RULES_V1: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # A report's own title line ("Inspection of X local authority children's services", "Inspection of
    # children's social care services", "Inspection of X Children and Families Trust") followed by its
    # inspection dates: first, because a report's body may hold any other type's cue (its "minutes
    # of the corporate parenting board meeting", "the 2019 focused visit") and a title block is its own.
    ("inspection_report", "head", _cue(r"(?:^|\n)[ \t]*(?:re-?)?inspection of\b(?=[^.]{0,160}?\bchildren)"
                                       r"[^\n.]{0,100}(?:\n+[^\n.]{0,100}){0,3}?\s*\binspection dates?\s*:")),
    # Minutes: a decision record, and the furniture of committee systems' pages (ModernGov's
    # "Agenda item", "Issue - meetings", "Meeting: 30/07/2020 - Executive Board", "Minutes:").
    ("council_minutes", "all", _cue(r"\brecord of (the )?decision\b", r"\bRESOLVED\b(?= that)", r"\bRESOLVED\s*[:–—-]",
                                    r"\bminutes of (the|a) .{0,40}meeting\b", r"\bcall[- ]in must be\b")),
    # (the furniture stands at the top of the page: looked for there only, which keeps long reports cheap)
    ("council_minutes", "head", _cue(r"(?m:^[ \t*]*(?:cabinet|committee|council) meeting\b[\s.:…-]{0,20}\d)",
                                     r"(?m:^[ \t]*Minutes:[ \t]*$)", r"(?m:^[ \t]*Agenda (?:item|and minutes)\b)",
                                     r"(?m:^[ \t]*Issue - meetings\b)", r"\bMeeting:\s*\d{1,2}/\d{1,2}/\d{2,4}\b")),
    # A council officer's report to a committee, cabinet or panel, and a council's self-assessment.
    ("other", "head", _cue(r"\bPurpose\s*:\s*For (?:Decision|Information|Noting)\b", r"\bSUMMARY\s*/\s*PURPOSE\b",
                           r"(?m:^[ \t|]*Report (?:of the|to (?:the )?)[\w ,]{0,60}(?:Director|Scrutiny|Panel|Committee|Cabinet)\b)",
                           r"\bWards Affected\b", r"\bannual performance assessment\W+self[- ]assessment\b")),
    # A council's news page: its furniture ("Last updated at 10:00", "By on 23/05/2014 in ... News",
    # "Permalink"), or a headline of Ofsted's verdict on the council ("Children's services rated
    # good by Ofsted", "Children's services 'require improvement' - Ofsted").
    ("press_release", "head", _cue(r"\bpress release\b", r"\bmedia release\b", r"\bnotes to editors\b",
                                   r"\bLast updated at \d", r"(?m:^[ \t]*By on \d)", r"\bPermalink\b",
                                   r"\bRelated topics:")),
    ("news_article", "all", _cue(r"\bin a report published today\b", r"^by [a-z]+\s*$")),
    ("press_release", "lead", _cue(r"(?=[^\n]*\bOfsted\b)[^\n]*\b(?:rated|rating|rates|requires?|judged|judgement|"
                                   r"good|outstanding|inadequate|publish(?:es|ed)?|findings|praised?)\b")),
    ("news_article", "all", _cue(r"\bsaid: [“\"]", r"\b(councillor|cllr) [A-Z][a-z]+ [A-Z][a-z]+, said\b")),
    ("focused_visit", "head", _cue(r"\bfocused visit\b")),
    ("monitoring_visit", "head", _cue(r"\bmonitoring visit\b")),
    ("inspection_report", "head", _cue(
        r"\binspection of services for children in need of help and protection",
        # the title, not a sentence about the inspection ("... Children's Services (ILACS) has been rated")
        r"\binspection of .{0,60}local authority children.s services\b(?!\s*(?:\([A-Z]+\)\s*)?(?:\.|(?:has|have|had|was|were|is|are)\b))",
        r"\binspection of (safeguarding and )?looked after children services\b",
        r"\binspection of safeguarding and looked after children\b",
        r"\breview of the effectiveness of the local safeguarding children board\b",
        r"\bsafeguarding and looked after children services\b")),
    ("apa_letter", "head", _cue(r"\bannual performance assessment\b")),
    ("annual_rating_letter", "head", _cue(r"\bchildren.s services (annual )?rating\b",
                                          r"\brating of children.s services\b")),
)

# Cues for the framework a report, minute or story is about, most specific first.
FRAMEWORK_CUES_V1: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ilacs", _cue(r"\bILACS\b", r"\binspecting local authority children.s services\b",
                   r"\binspection of .{0,60}local authority children.s services\b",
                   r"\bimpact of leaders on social work practice\b")),
    ("sif", _cue(r"\bsingle inspection framework\b",
                 r"\binspection of services for children in need of help and protection",
                 r"\breview of the effectiveness of the local safeguarding children board\b")),
    ("safeguarding_lac", _cue(r"\b(inspection of )?(safeguarding and )?looked after children services\b",
                              r"\binspection of (?:services for )?(?:safeguarding and )?looked[- ]after children\b")),
    ("annual_rating", _cue(r"\bannual (performance )?rating\b", r"\bchildren.s services rating\b")),
    ("apa", _cue(r"\bannual performance assessment\b")),
)

PUBLISHED_RE = re.compile(rf"\b(?:report )?published:?\s*(?:on\s+)?({DAY_MONTH_YEAR})", re.IGNORECASE)
DATE_LINE_CUES_V1: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("published", PUBLISHED_RE),
    ("meeting", re.compile(rf"\bmeeting\b[\s.:…-]*((?:\w+day,?\s+)?{DAY_MONTH_YEAR})", re.IGNORECASE)),
    ("date_of_decision", re.compile(rf"\bdate of decision:?\s*({DAY_MONTH_YEAR})", re.IGNORECASE)),
)


@dataclass(slots=True)
class Classification:
    doc_type: str
    framework: str | None
    document_date: date | None
    year: int | None


def parse_date(text: str) -> date | None:
    """A complete day-month-year date, or None."""
    try:
        return dateparser.parse(text, dayfirst=True, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def classify_doc_type(text: str) -> str:
    """The document's type from the first rule whose cue it has."""
    scopes = {"all": text, "head": text[:HEAD_CHARS], "lead": headline_lines(text)}
    for doc_type, scope, cue in DOC_TYPE_RULES_V1:
        if cue.search(scopes[scope]):
            return doc_type
    return "other"


HEADLINE_MAX_WORDS = 14


SITE_CHROME_RE = re.compile(r"^(?:skip to (?:main )?content|toggle contrast|menu|search|home)$", re.IGNORECASE)


def headline_lines(text: str, lines: int = 3) -> str:
    """The short lines a text opens with, past a date line and site chrome, up to its first
    paragraph: where a news page puts its headline (a report opens with its title block)."""
    found = []
    for line in text[:1000].split("\n"):
        stripped = line.strip()
        if not stripped or SITE_CHROME_RE.match(stripped) or DATE_RE.match(stripped):
            continue
        if len(stripped.split()) > HEADLINE_MAX_WORDS or len(found) == lines:
            break
        found.append(stripped)
    return "\n".join(found)


def classify_framework(text: str, doc_type: str, year: int | None) -> str | None:
    """The inspection framework a document is (or is about)."""
    if doc_type in FRAMEWORK_OF_DOC_TYPE:
        return FRAMEWORK_OF_DOC_TYPE[doc_type]
    head = text[:HEAD_CHARS]
    for scope in (head, text):
        for framework, cue in FRAMEWORK_CUES_V1:
            if cue.search(scope):
                return framework
    if doc_type in ("focused_visit", "monitoring_visit") and year:
        return "ilacs" if year >= FRAMEWORKS["ilacs"].first_year else "sif"  # visits began with SIF
    return None


# A meeting's own date, as committee systems print it: "Meeting: 30/07/2020 - Executive Board",
# "Meeting Date September 21st 2010", "Cabinet - Monday, 17th December, 2007 10.00 am".
MEETING_DATE_RES_V1 = (
    re.compile(rf"\bMeeting(?:\s+Date)?\s*[:|]?\s*({ANY_DATE})", re.IGNORECASE),
    re.compile(rf"(?m:^[^\n.]{{2,60}}?\s[-–]\s+({ANY_DATE}))", re.IGNORECASE),
)
DATELINE_LINES = 5
# A site's banner shows today's date, weekday first ("• Tue. Apr 16th, 2024"): not the page's.
SITE_BANNER_RE = re.compile(r"^\W*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s", re.IGNORECASE)
DATELINE_LABEL_RE = re.compile(r"^\W*(?:date|published|posted|updated)\b", re.IGNORECASE)
DATELINE_MAX_WORDS = 12


def find_dateline(text: str) -> date | None:
    """A news page's or a report's date among its opening lines ("22 June 2015", "07 Jan 2019 Last
    updated at 10:00", "04/05/2011 - Permalink", "Date: Thursday, 16th May 2024 | Category: ...")."""
    lines = [line.strip() for line in text[:1500].split("\n") if line.strip()][:DATELINE_LINES]
    for line in lines:
        match = ANY_DATE_RE.search(line)
        labelled = DATELINE_LABEL_RE.match(line)
        if not match or (SITE_BANNER_RE.match(line) and not labelled):
            continue
        if labelled or len(line.split()) <= DATELINE_MAX_WORDS:
            return parse_date(match.group())
    return None


def find_document_date(text: str, doc_type: str) -> date | None:
    """The date the document gives itself: a meeting's date for minutes, a dateline for news pages
    and officers' reports, a cue line, else a letter's first date line."""
    if doc_type == "council_minutes":
        for cue in MEETING_DATE_RES_V1:
            match = cue.search(text[:HEAD_CHARS])
            if match and (day := parse_date(match.group(1))):
                return day
    if doc_type in ("press_release", "news_article", "other"):
        dateline = find_dateline(text)
        if dateline:
            return dateline
    if doc_type == "other":  # an officer's report to a committee: the meeting it goes to
        match = MEETING_DATE_RES_V1[0].search(text[:HEAD_CHARS])
        if match and (day := parse_date(match.group(1))):
            return day
    for _, cue in DATE_LINE_CUES_V1:
        match = cue.search(text)
        if match:
            return parse_date(match.group(1))
    if doc_type in ("apa_letter", "annual_rating_letter", "inspection_report", "focused_visit",
                    "monitoring_visit", "other"):
        # A letter's date stands on a line of its own near the top.
        for line in text[:HEAD_CHARS].split("\n"):
            if DATE_RE.fullmatch(line.strip()):
                return parse_date(line.strip())
    return None


def find_title_year(text: str) -> int | None:
    """A year printed in the document's title lines ("2006 ANNUAL PERFORMANCE ASSESSMENT...")."""
    for line in text[:HEAD_CHARS].split("\n"):
        stripped = line.strip()
        if stripped.endswith(".") and not stripped.endswith(("etc.", "Ltd.")):
            continue  # a sentence ("... the last Ofsted inspection in November 2012."), not a title
        if 0 < len(stripped.split()) <= 25 and re.search(r"assessment|rating|inspection", stripped, re.I):
            academic = ACADEMIC_YEAR_RE.search(stripped)
            if academic:
                # "2006/07": an assessment of the year 2006-07 is that of 2007 (not "18 Feb 2014 – 12
                # March 2014", a date range whose "2014 – 12" only looks like one)
                start, end = int(academic.group()[:4]), academic.group("end")
                end_year = int(str(start)[:4 - len(end)] + end)
                if end_year == start + 1:
                    return end_year
            match = YEAR_RE.search(stripped)
            if match:
                return int(match.group())
    return None


# "between 10 and 21 October 2022 a full inspection", "the July 2024 Ofsted inspection",
# "the inspection ... carried out between 21st February to 4th March 2022"
INSPECTION_YEAR_RE = re.compile(
    r"\b((?:19|20)\d\d)\b[^.;\n]{0,40}?\b(?:ofsted\s+)?(?:inspection|assessment|rating)\b"
    r"|\b(?:inspection|assessment)\b[^.;\n]{0,100}?\b((?:19|20)\d\d)\b", re.IGNORECASE)


EARLIER_INSPECTION_RE = re.compile(r"\b(?:last|previous|previously|prior|earlier|since)\b", re.IGNORECASE)


# An inspection's month without its year: "Inspectors, who visited for three weeks in November".
VISIT_MONTH_RE = re.compile(
    rf"\b(?:visited|inspected|on site|fieldwork|inspection took place|inspection was carried out)\b[^.;\n]{{0,40}}?"
    rf"\bin\s+(?P<month>{MONTHS})\b(?!\.?,?\s+(?:\d{{1,2}}\w*,?\s+)?(?:19|20)\d\d)", re.IGNORECASE)
# The latest annual assessment, named without its year: APAs and annual ratings were published in
# November and December, so a paper dated before November restates the previous year's.
LATEST_ANNUAL_RE = re.compile(
    r"\b(?:most recent|latest|last)\s+(?:annual performance assessment|APA|annual (?:performance )?rating"
    r"|annual assessment)\b", re.IGNORECASE)
ANNUAL_PUBLICATION_MONTH = 11


def find_assessed_year(text: str, document_date: date | None = None) -> int | None:
    """The year of the inspection or assessment a second-hand text restates, as it states it:
    in its title ("Results of Annual Performance Assessment ... for 2006/07"), as the date it
    was published ("The APA had been published on 17th December 2008"), or beside the word
    inspection; else, from the document's own date, the month inspectors visited ("visited ...
    in November" in a January page is the previous year's) or the latest annual assessment's.
    None when it does not say: a meeting's or a news page's own date is not it."""
    year = find_title_year(text)
    if year is not None:
        return year
    published = PUBLISHED_RE.search(text)
    if published and (day := parse_date(published.group(1))):
        return day.year
    for match in INSPECTION_YEAR_RE.finditer(text):
        sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        if EARLIER_INSPECTION_RE.search(text[sentence_start:match.end()]):
            continue  # "the last Ofsted inspection in November 2012": an earlier one
        return int(match.group(1) or match.group(2))
    if document_date is None:
        return None
    visit = VISIT_MONTH_RE.search(text)
    if visit and (month := parse_date(f"1 {visit.group('month')} {document_date.year}")):
        return document_date.year - (month.month > document_date.month)
    if LATEST_ANNUAL_RE.search(text):
        return document_date.year - (document_date.month < ANNUAL_PUBLICATION_MONTH)
    return None


def classify(text: str) -> Classification:
    """Type, framework, date and year of one cleaned document."""
    doc_type = classify_doc_type(text)
    document_date = find_document_date(text, doc_type)
    year = document_date.year if document_date else find_title_year(text)
    framework = classify_framework(text, doc_type, year)
    return Classification(doc_type=doc_type, framework=framework, document_date=document_date, year=year)


DATE_RANGE_RE = re.compile(
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?P<m1>{MONTHS})?\.?\s*(?P<y1>(?:19|20)\d\d)?\s*(?:to|-|–|and|until)\s*"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTHS})\.?\s+(?P<y2>(?:19|20)\d\d)", re.IGNORECASE)
INSPECTION_DATES_RE = re.compile(r"\b(?:inspection dates?|dates? of inspection|inspection took place)\b\s*:?\s*",
                                 re.IGNORECASE)
LEAD_INSPECTOR_RE = re.compile(
    r"\b(?i:(?:lead|reporting) inspector)\s*:?\s*(?P<name>(?:[A-Z][a-zA-Z'’-]+\s+){1,3}?[A-Z][a-zA-Z'’-]+)(?=\s*(?:,|\n|$|Senior|HMI|His|Her))",
    re.MULTILINE)


def parse_date_range(text: str) -> tuple[date, date] | None:
    """Start and end of a printed range such as "23 May to 16 June 2016" or "11 to 22 May 2026"."""
    match = DATE_RANGE_RE.search(text)
    if not match:
        return None
    end = parse_date(f"{match['d2']} {match['m2']} {match['y2']}")
    start = parse_date(f"{match['d1']} {match['m1'] or match['m2']} {match['y1'] or match['y2']}")
    if not start or not end:
        return None
    if start > end and not match["y1"]:
        start = start.replace(year=start.year - 1)
    return start, end


def find_report_metadata(text: str) -> dict[str, str]:
    """Inspection start and end, publication date and lead inspector as a report prints them."""
    head = text[:HEAD_CHARS]
    found: dict[str, str] = {}
    cue = INSPECTION_DATES_RE.search(head)
    span = parse_date_range(head[cue.end(): cue.end() + 80]) if cue else parse_date_range(head)
    if span:
        found["inspection_start"], found["inspection_end"] = span[0].isoformat(), span[1].isoformat()
    published = PUBLISHED_RE.search(head)
    if published and (day := parse_date(published.group(1))):
        found["published"] = day.isoformat()
    lead = LEAD_INSPECTOR_RE.search(text)
    if lead:
        found["lead_inspector"] = " ".join(lead.group("name").split())
    return found
