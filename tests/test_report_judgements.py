"""Inspection-report judgement rules: for each rule, texts shaped like cleaned report text that it
must read, and texts it must not (narrative praise, legends, recommendations, other tables)."""
import inspect

import pytest

from extractors.judgements import document_rules
from extractors.judgements import report_rules as rj
from extractors.classify import classify, classify_doc_type
from extractors.judgements import JUDGEMENT_RULES_V1, find_judgements
from extractors.sections import split_sections


def run(rule, text):
    return [(c.area, c.score) for c in rule(text, split_sections(text, "inspection_report"))]


def judge(text, framework, year):
    found = find_judgements(text, split_sections(text, "inspection_report"), doc_type="inspection_report",
                            framework=framework, year=year, council=None)
    return sorted((j.area, j.score) for j in found)


ILACS_2019 = ("Inspection of children’s social care services\n\nInspection dates: 20 May 2019 to 24 May 2019\n\n"
              "Lead inspector: Matt Reed\n\nHer Majesty’s Inspector\n\nJudgement Grade\n\n"
              "The impact of leaders on social work practice with children and families Requires improvement to be good "
              "The experiences and progress of children who need help and protection Requires improvement to be good "
              "The experiences and progress of children in care and care leavers Good "
              "Overall effectiveness Requires improvement to be good The local authority has made progress from a low "
              "base. Children in care receive a good service.")
ILACS_2023 = ("Inspection of Norfolk local authority children’s services Inspection dates: 23 to 27 February 2026 "
              "Lead inspector: A Person, His Majesty’s Inspector Judgement Grade The impact of leaders on social work "
              "practice with children and families Outstanding The experiences and progress of children who need help "
              "and\nprotection\nOutstanding The experiences and progress of children in care Good "
              "The experiences and progress of care leavers Outstanding Overall effectiveness Outstanding Children in "
              "Norfolk receive consistently strong services.")
ILACS_2026 = ("Inspection of Lancashire local authority children’s services Inspection dates: 11 to 22 May 2026 "
              "Judgement Grade The impact of leaders on social work practice with children and families Outstanding "
              "The experiences and progress of children who need help and protection Good The experiences and progress "
              "of children in care Good The experiences and progress of children care leavers Outstanding "
              "Since the last inspection, senior leaders, supported by strong political commitment, have created an "
              "outstanding service.")
SIF_2016 = ("Stockton-on-Tees Borough Council\n\nInspection of services for children in need of help and protection, "
            "children looked after and care leavers and Review of the effectiveness of the Local Safeguarding Children "
            "Board1 Inspection date: 23 May to 16 June 2016 Report published: 5 August 2016 Children’s services in "
            "Stockton-on-Tees are good.\n\n1. Children who need help and protection Good\n\n"
            "2. Children looked after and achieving permanence\n\nRequires improvement\n\n"
            "2.1 Adoption performance Requires improvement\n\n"
            "2.2 Experiences and progress of care leavers Outstanding 3. Leadership, management and governance Good\n\n"
            "1 Ofsted produces this report under its power to combine reports.")
SIF_2014 = ("Inspection of services for children in need of help and protection, children looked after and care "
            "leavers and Review of the effectiveness of the local safeguarding children board1 Inspection date: 18 Feb "
            "2014 – 12 March 2014 The overall judgement is requires improvement There are no widespread or serious "
            "failures. It is Ofsted’s expectation that, as a minimum, all children and young people receive good help, "
            "care and protection.\n\n1. Children who need help and protection Requires\n\nImprovement\n\n"
            "2. Children looked after and achieving permanence Good 2.1 Adoption performance Good 2.2 Experiences and "
            "progress of care leavers Good 3. Leadership, management and governance Good The effectiveness of the Local "
            "Safeguarding Children Board (LSCB) is good\n\n1 Ofsted produces this report.")
LAC_2013 = ("Inspection of looked after children services Kent County Council Inspection dates: 15 – 19 July 2013\n\n"
            "Outstanding (Grade 1) A service that significantly exceeds minimum requirements Good (Grade 2) A service "
            "that exceeds minimum requirements Adequate (Grade 3) A service that only meets minimum requirements\n\n"
            "Overall effectiveness of services for looked after children and young people Grade 3 (Adequate) 11. The "
            "overall effectiveness of services is adequate.\n\n"
            "Record of main findings Services for looked after children Overall effectiveness Adequate Capacity to "
            "improve Good Outcomes for looked after children and young people Adequate Quality of provision Adequate "
            "Leadership and management Adequate")


@pytest.mark.parametrize("rule, text, expected", [
    # ILACS page-1 table: wrapped labels and grades, 2018-22 combined row, 2023- care leavers row
    (rj.judgement_grade_table, ILACS_2019,
     [("impact_of_leaders", 2), ("help_and_protection", 2), ("children_in_care", 3), ("overall", 2)]),
    (rj.judgement_grade_table, ILACS_2023,
     [("impact_of_leaders", 4), ("help_and_protection", 4), ("children_in_care", 3), ("care_leavers", 4),
      ("overall", 4)]),
    # April 2026 format: no overall row, and the narrative after the table ("an outstanding service") is not a row
    (rj.judgement_grade_table, ILACS_2026,
     [("impact_of_leaders", 4), ("help_and_protection", 3), ("children_in_care", 3), ("care_leavers", 4)]),
    # a label worded a little differently, and a row naming no known area, do not end the table
    (rj.judgement_grade_table, "Judgement Grade The impact of leaders on social work practice with children and "
     "their families Good The quality of some new thing Outstanding Overall effectiveness Good Leaders are ambitious.",
     [("impact_of_leaders", 3), ("overall", 3)]),
    # a grade word inside a sentence after the table is not a row
    (rj.judgement_grade_table, "Judgement Grade Overall effectiveness Good Services for children in care good",
     [("overall", 3)]),
    # no "Judgement Grade" table: nothing
    (rj.judgement_grade_table, "The impact of leaders on social work practice with children and families Good", []),
    # ILACS section headings with their grade
    (rj.ilacs_heading_judgements,
     "(outcome 1, national framework) The experiences and progress of children who need help and protection: "
     "outstanding 1. Children in need of help benefit.", [("help_and_protection", 4)]),
    (rj.ilacs_heading_judgements, "The experiences and progress of children in care and care leavers: good\n\n2. Text",
     [("children_in_care", 3)]),
    (rj.ilacs_heading_judgements, "The impact of leaders on social work practice with children and families: requires "
     "improvement to be good", [("impact_of_leaders", 2)]),
    (rj.ilacs_heading_judgements, "The experiences and progress of care leavers are good.", []),
    (rj.ilacs_heading_judgements, "The experiences and progress of some children: good", []),
    # SIF headline
    (rj.sif_overall_headline, SIF_2016, [("overall", 3)]),
    (rj.sif_overall_headline, SIF_2014, [("overall", 2)]),
    (rj.sif_overall_headline, "Report published: 19 January 2018 Children’s services in Norfolk requires improvement "
     "to be good 1. Children who need help", [("overall", 2)]),
    (rj.sif_overall_headline, "Children’s services in the Borough of Redcar and Cleveland area require improvement to "
     "be Good 1. Children", [("overall", 2)]),
    (rj.sif_overall_headline, "The overall judgement is that children’s services are good The local authority leads",
     [("overall", 3)]),
    (rj.sif_overall_headline, "Inspection date: 19 November 2013 – 11 December 2013 The overall judgement is good.",
     [("overall", 3)]),
    (rj.sif_overall_headline, "Children’s services in Leeds benefit from outstanding, inspirational leadership.", []),
    (rj.sif_overall_headline, "Children’s services in Kent are good at listening to children.", []),
    (rj.sif_overall_headline, "Children’s services in Bradford were judged inadequate in 2018.", []),
    # SIF numbered list: grades on the next line, wrapped grades, rows on one line
    (rj.sif_numbered_judgements, SIF_2016,
     [("help_and_protection", 3), ("children_in_care", 2), ("adoption", 2), ("care_leavers", 4), ("leadership", 3)]),
    (rj.sif_numbered_judgements, SIF_2014,
     [("help_and_protection", 2), ("children_in_care", 3), ("adoption", 3), ("care_leavers", 3), ("leadership", 3)]),
    # a numbered recommendation is not the list
    (rj.sif_numbered_judgements, "1. Children who need help and protection should be seen quickly and good plans made.",
     []),
    # LSCB headline wherever printed
    (rj.lscb_headline, "The Local Safeguarding Children Board requires improvement The arrangements in place",
     [("lscb", 2)]),
    (rj.lscb_headline, "Leadership, management and governance Good The judgement for the effectiveness of the Local "
     "Safeguarding Children Board (LSCB) is requires improvement The LSCB is not yet good.", [("lscb", 2)]),
    (rj.lscb_headline, SIF_2014, [("lscb", 3)]),
    (rj.lscb_headline, "Section 2: The effectiveness of the LSCB is inadequate Priority actions", [("lscb", 1)]),
    (rj.lscb_headline, "The Local Safeguarding Children Board is good\n\nSummary", [("lscb", 3)]),
    (rj.lscb_headline, "The Local Safeguarding Children Board requires improvement Executive summary The Kent "
     "Safeguarding Children Board (KSCB) requires improvement to be good.", [("lscb", 2), ("lscb", 2)]),
    (rj.lscb_headline, "The Local Safeguarding Children Board is good at sharing information with schools.", []),
    (rj.lscb_headline, "The local safeguarding children board is good.", [("lscb", 3)]),
    (rj.lscb_headline, "The chair of the Local Safeguarding Children Board is good at challenge.", []),
    (rj.lscb_headline, "An LSCB that is good coordinates the activity of statutory partners.", []),
    # the SIF summary form "The LSCB is good because ..." restates the board's own judgement
    (rj.lscb_headline, "The LSCB is good because it fulfils all of its statutory responsibilities.", [("lscb", 3)]),
    (rj.lscb_headline, "The LSCB is outstanding in its use of data.", []),
    (rj.lscb_headline, "The LSCB requires partners to report good practice.", []),
    # 2013 looked-after-children: overall and leadership only, never the inverted-number legend
    (rj.lac_main_findings, LAC_2013, [("overall", 2), ("leadership", 2)]),
    (rj.lac_main_findings, "Contents\n\nQuality of provision 13 Leadership and management 16 Record of main findings 19"
     "\n\nAbout this inspection", []),
])
def test_rule(rule, text, expected):
    assert run(rule, text) == expected


@pytest.mark.parametrize("text, framework, year, expected", [
    (ILACS_2019, "ilacs", 2019,
     [("children_in_care", 3), ("help_and_protection", 2), ("impact_of_leaders", 2), ("overall", 2)]),
    (ILACS_2026, "ilacs", 2026,
     [("care_leavers", 4), ("children_in_care", 3), ("help_and_protection", 3), ("impact_of_leaders", 4)]),
    (SIF_2016, "sif", 2016, [("adoption", 2), ("care_leavers", 4), ("children_in_care", 2), ("help_and_protection", 3),
                             ("leadership", 3), ("overall", 3)]),
    (SIF_2014, "sif", 2014, [("adoption", 3), ("care_leavers", 3), ("children_in_care", 3), ("help_and_protection", 2),
                             ("leadership", 3), ("lscb", 3), ("overall", 2)]),
    (LAC_2013, "safeguarding_lac", 2013, [("leadership", 2), ("overall", 2)]),
    # the same table printed with cells: capacity to improve and outcomes are not recorded for these inspections
    ("Record of main findings\nOverall effectiveness\tAdequate\nCapacity to improve\tGood\n"
     "Outcomes for looked after children and young people\tAdequate\nLeadership and management\tAdequate",
     "safeguarding_lac", 2013, [("leadership", 2), ("overall", 2)]),
    # praise in narrative, recommendations and legends: nothing
    ("Executive summary\n\nThe extent to which leaders engage with children is outstanding. Support for care leavers "
     "is good.\n\nRecommendations\n\n1. Ensure that children in care have good plans.", "sif", 2016, []),
])
def test_report_judgements(text, framework, year, expected):
    assert judge(text, framework, year) == expected


def _rule_functions(module):
    """The functions of a rule module shaped like a rule: (text, sections)."""
    return {f for name, f in vars(module).items() if inspect.isfunction(f) and f.__module__ == module.__name__
            and not name.startswith("_") and list(inspect.signature(f).parameters) == ["text", "sections"]}


def test_the_rule_table_is_every_rule_that_runs():
    tabled = {name: function for name, (function, _) in JUDGEMENT_RULES_V1.items()}
    assert {f.__name__ for f in tabled.values()} == set(tabled)  # each rule under its own name
    assert _rule_functions(document_rules) | _rule_functions(rj) == set(tabled.values())


def test_report_rules_run_on_reports_only():
    for function in _rule_functions(rj):
        assert JUDGEMENT_RULES_V1[function.__name__][1] == frozenset({"inspection_report"})


@pytest.mark.parametrize("text, doc_type, framework", [
    # a report that mentions an earlier focused visit is not a focused visit
    ("Inspection of Norfolk local authority children’s services Inspection dates: 7 to 18 November 2022 Lead "
     "inspector: A Person Judgement Grade The impact of leaders on social work practice with children and families "
     "Good. They have built on the areas noted in the 2019 focused visit.", "inspection_report", "ilacs"),
    ("Birmingham City Council\n\nInspection of children's social care services\n\nInspection dates: 3 December 2018 "
     "to 14 December 2018\n\nJudgement Grade\n\nThe impact of leaders on social work practice with children and "
     "families Good", "inspection_report", "ilacs"),
    ("Inspection of Bradford Children and\n\nFamilies Trust\n\nInspection dates: 12 to 23 January 2026\n\nThe impact "
     "of leaders on social work practice with children and families Good", "inspection_report", "ilacs"),
    ("Inspection of Kent County Council children’s services Inspection dates: 3 to 7 November 2025 The impact of "
     "leaders on social work practice", "inspection_report", "ilacs"),
    # other inspections with dates are not children's services reports by this cue
    ("Inspection of youth offending services in Leeds\n\nInspection dates: 1 to 5 May 2019", "other", None),
    ("Focused visit to Leeds local authority children’s services\n\nThis visit was carried out under the inspection "
     "of local authority children’s services (ILACS) framework.", "focused_visit", "ilacs"),
])
def test_report_family_classification(text, doc_type, framework):
    assert classify_doc_type(text) == doc_type
    assert classify(text).framework == framework


@pytest.mark.parametrize("text, expected", [
    ("2.1 Adoption performance Requires improvement", [("adoption", 2)]),
    ("The experiences and progress of children who need help and protection: good", [("help_and_protection", 3)]),
    ("Leadership, management and governance is good", [("leadership", 3)]),
    ("The graded judgement for adoption is good", [("adoption", 3)]),
    # a wrapped sentence, a definition, a legend
    ("services for looked after children and\ncare leavers are still not good\nenough.", []),
    ("An LSCB that is good\ncoordinates the activity of statutory partners.", []),
    # the end of a wrapped row label is not a row
    ("The experiences and progress\nof children in care and\ncare leavers Outstanding", []),
    # an earlier inspection's judgements, restated in the report's annex
    ("The last inspection report for the local authority was published in September 2015. The judgements for the "
     "local authority were:\n\nOverall effectiveness: Inadequate\n\nChildren who need help and protection: Inadequate",
     []),
])
def test_area_grade_lines(text, expected):
    rule = JUDGEMENT_RULES_V1["area_grade_lines"][0]
    assert run(rule, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The Local Safeguarding Children Board requires improvement.", [("lscb", 2)]),
    ("The LSCB An outstanding LSCB is highly influential in improving the lives of children.", []),
    ("The LSCB An LSCB that is good coordinates the activity of statutory partners.", []),
])
def test_lscb_headline_statements(text, expected):
    rule = JUDGEMENT_RULES_V1["headline_statements"][0]
    assert run(rule, text) == expected


# OCR of the ILACS page-1 table reads each wrapped cell line by line: a label's second line comes
# after its grade, a grade's second line ("to be good") after the label, table rules as "|".
OCR_HEAD = "Inspection dates: 7 to 18 November 2022 Lead inspector: A Person Judgement Grade "


@pytest.mark.parametrize("table, expected", [
    ("The impact of leaders on social work Good practice with children and families The experiences and progress of "
     "Good children who need help and protection The experiences and progress of Good children in care and care "
     "leavers Overall effectiveness Good Since the last inspection in 2017, services have improved.",
     [("impact_of_leaders", 3), ("help_and_protection", 3), ("children_in_care", 3), ("overall", 3)]),
    ("The impact of leaders on social work practice with children Requires improvement and families to be good The "
     "experiences and progress of children who need help and | Requires improvement protection to be good The "
     "experiences and progress of children in care and care Requires improvement leavers to be good Requires "
     "improvement Overall effectiveness to be good Since the last inspection in 2016, there has been a decline.",
     [("impact_of_leaders", 2), ("help_and_protection", 2), ("children_in_care", 2), ("overall", 2)]),
    ("The impact of leaders on social work practice with Requires improvement to children and families be good The "
     "experiences and progress of children who need Inadequate help and protection The experiences and progress of "
     "children in care and Requires improvement to care leavers be good Overall effectiveness Inadequate Services "
     "have deteriorated.",
     [("impact_of_leaders", 2), ("help_and_protection", 1), ("children_in_care", 2), ("overall", 1)]),
    # narrative after the table is not read as a wrapped row
    ("Overall effectiveness Good Since the last inspection, children have received help that is good.",
     [("overall", 3)]),
    # OCR damage ends the rows early ("G : ood", "Me experiences"): the overall row is still read
    ("The impact of leaders on social work practice with children Gena and families The experiences and progress of "
     "children who need help and G : ood protection Me experiences and progress of children in care and care "
     "Outstanding eavers Overall effectiveness Good Since the last inspection, children have received more help.",
     [("overall", 3)]),
])
def test_an_ocr_read_judgement_table(table, expected):
    text = f"Inspection of Anytown local authority children’s services {OCR_HEAD}{table}"
    found = [(c.area, c.score) for c in rj.judgement_grade_table(text, [])]
    assert found == expected


SIF_HEAD = ("Inspection of services for children in need of help and protection, children looked after and care "
            "leavers\n\nInspection date: 27 February 2018 to 22 March 2018\n\n")


@pytest.mark.parametrize("page_one, expected", [
    # OCR reads a two-line grade cell around its row: "Requires" before the number, "improvement" after the label
    ("Children's services in Anytown are good\n\nRequires\n\n1. Children who need help and protection Improvement\n\n"
     "2. Children looked after and achieving permanence Good 2.1 Adoption performance Good 2.2 Experiences and "
     "progress of care leavers Good 3. Leadership, management and governance Good",
     [("adoption", 3), ("care_leavers", 3), ("children_in_care", 3), ("help_and_protection", 2), ("leadership", 3)]),
    # and damages a label past reading: SIF numbers its judgements the same way in every report
    ("Requires 1. Children who need help and protection improvement to be good . - Requires 2. cnieren ooked after "
     "and achieving improvement to be pe good 2.1 Adoption performance Good 2.2 Experiences and progress of care "
     "leavers Good Requires 3. Leadership, management and governance improvement to be good\n\nExecutive summary",
     [("adoption", 3), ("care_leavers", 3), ("children_in_care", 2), ("help_and_protection", 2), ("leadership", 2)]),
    # must not: a number OCR did not damage keeps its own label's area, and narrative ends the list
    ("1. Children who need help and protection Good\n\nThe local authority has 2. a plan that is good.",
     [("help_and_protection", 3)]),
])
def test_an_ocr_read_sif_list(page_one, expected):
    text = SIF_HEAD + page_one
    assert sorted((c.area, c.score) for c in rj.sif_numbered_judgements(text, [])) == expected


@pytest.mark.parametrize("headline, expected", [
    ("Children’s services in the Borough of Anytown are good", [("overall", 3)]),
    # OCR read the headline's second line first
    ("require improvement to be Good Children’s services in the Borough of Anytown area 1. Children who need help "
     "and protection Requires improvement", [("overall", 2)]),
    # must not: a grade before "Children's services in ..." that is not followed by the list
    ("The service was good Children’s services in Anytown have a new director.", []),
])
def test_an_ocr_read_sif_headline(headline, expected):
    assert [(c.area, c.score) for c in rj.sif_overall_headline(SIF_HEAD + headline, [])] == expected
