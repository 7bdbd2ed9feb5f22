"""Judgements restated second hand (minutes, news pages, officers' reports), read by the token
patterns of patterns/restatements_v1.jsonl: for each family, texts it must read, and the
distractors it must not take for the document's own judgements (another year's grade is kept
with that year)."""
import json

import pytest

from extractors import load_pipeline
from extractors.errors import PatternFileError
from extractors.judgements.restatements import load_restatement_rules

MINUTES = "Agenda item\n\nMinutes:\n\n"
ILACS = "The inspection of local authority children's services (ILACS) was reported. "
SIF = "The inspection under the single inspection framework was reported. "
APA = "The Annual Performance Assessment was reported. "
SLAC = "The inspection of safeguarding and looked after children services was reported. "


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def judged(nlp, text):
    doc = nlp(text)
    return sorted((j.area, j.score, j.year) for j in doc._.judgements)


@pytest.mark.parametrize("text, expected", [
    # every area at once
    (MINUTES + ILACS + "Halton was deemed to ‘require improvement to be good’ across all areas.",
     [("children_in_care", 2, None), ("help_and_protection", 2, None), ("impact_of_leaders", 2, None),
      ("overall", 2, None)]),
    (MINUTES + SIF + "All aspects of the service were judged to be 'good'.",
     [("adoption", 3, None), ("care_leavers", 3, None), ("children_in_care", 3, None),
      ("help_and_protection", 3, None), ("leadership", 3, None), ("overall", 3, None)]),
    # one grade, several areas; another grade for another area in the same sentence
    (MINUTES + ILACS + "It was reported that Good ratings were received for the impact of leaders on social work "
     "practice with children and families, the experiences and progress of children who need help and protection "
     "and overall effectiveness; and an Outstanding rating for the experiences and progress of children in care "
     "and care leavers.",
     [("children_in_care", 4, None), ("help_and_protection", 3, None), ("impact_of_leaders", 3, None),
      ("overall", 3, None)]),
    (MINUTES + SIF + "Lincolnshire had received the second best judgement in the country, being rated as outstanding "
     "in adoption performance, and rated as good in the following areas – children who need help and protection; "
     "children looked after and achieving permanence; experiences and progress of care leavers; and leadership, "
     "management and governance.",
     [("adoption", 4, None), ("care_leavers", 3, None), ("children_in_care", 3, None),
      ("help_and_protection", 3, None), ("leadership", 3, None)]),
    (MINUTES + ILACS + "Areas relating to the impact of leaders on social work practice with children and families, "
     "the experiences and progress of children in care and the experiences and progress of care leavers were judged "
     "as ‘outstanding’.",
     [("care_leavers", 4, None), ("children_in_care", 4, None), ("impact_of_leaders", 4, None)]),
    (MINUTES + ILACS + "We have received ‘Outstanding’ sub judgements for our work with children in care; care "
     "leavers; and for the impact of leadership and management.",
     [("care_leavers", 4, None), ("children_in_care", 4, None), ("impact_of_leaders", 4, None)]),
    (MINUTES + ILACS + "I am really pleased that our sub judgement for children in need of help and protection has "
     "improved to Good.", [("help_and_protection", 3, None)]),
    # the overall judgement, however it is named
    (MINUTES + ILACS + "The Executive Member highlighted the Council’s achievement of maintaining its ‘Outstanding’ "
     "judgement following the recent Ofsted inspection.", [("overall", 4, None)]),
    (MINUTES + SIF + "The Commission considered the progress of Children’s Services subsequent to their Ofsted "
     "grading of ‘inadequate’ issued in May.", [("overall", 1, None)]),
    (MINUTES + ILACS + "The outcome of the Ofsted inspection report was to conclude that the overall effectiveness of "
     "children’s services was inadequate.", [("overall", 1, None)]),
    ("22 June 2015\n\nChildren’s services ‘require improvement’ - Ofsted\n\nThe council’s children’s services have "
     "made steady improvements over the past two years, according to Ofsted.", [("overall", 2, None)]),
    (MINUTES + APA + "Overall the scores were the same as last year’s assessment with all five “Every Child Matters” "
     "outcomes rated at “Good”.",
     [("being_healthy", 3, None), ("economic_wellbeing", 3, None), ("enjoying_and_achieving", 3, None),
      ("positive_contribution", 3, None), ("staying_safe", 3, None)]),
    # distractors: an earlier inspection's grade keeps its year
    (MINUTES + ILACS + "It was the first inspection of this kind since 2018 when services were found to Require "
     "Improvement.", [("overall", 2, 2018)]),
    (MINUTES + ILACS + "This is an improvement on our “Good” rating of 2018.", [("overall", 3, 2018)]),
    (MINUTES + SIF + "The ‘good’ rating is an improvement from the ‘adequate’ rating that was awarded following the "
     "last Ofsted inspection in November 2012.", [("overall", 2, 2012), ("overall", 3, None)]),
    # distractors: conditions, predictions, negations, national counts are no judgement
    (MINUTES + SIF + "Inspectors have made it clear that they require further improvements before they can give the "
     "council an overall ‘good’ rating.", []),
    (MINUTES + SIF + "The LSCB is likely to be judged to be good at the next inspection.", []),
    (MINUTES + SIF + "Services are not yet rated good.", []),
    (MINUTES + SIF + "Nationally, only 20 councils were graded good.", []),
    (MINUTES + ILACS + "The Board noted that the council would aim to be rated outstanding.", []),
    (MINUTES + SIF + "It is likely that the council will be judged good, which would be a first.", []),
    # counts of sub-judgements or councils, praise and scale legends are no judgement
    (MINUTES + SLAC + "Of ten outcome areas, seven were found to be good and two were adequate.", []),
    (MINUTES + SLAC + "No areas were found to be inadequate.", []),
    (MINUTES + SIF + "Their work with families was considered to be good practice.", []),
    (MINUTES + SIF + "Nationally 3 out of 4 councils were rated good.", []),
    (MINUTES + APA + "Councils are graded on a scale of 1 to 4, where grade 4 is the highest score.", []),
    (MINUTES + SIF + "Ofsted rated the quality of the schools in the town as good.", []),
])
def test_restated_judgements(nlp, text, expected):
    assert judged(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    # stars and numbers on the APA's four-point scale
    (MINUTES + APA + "The annual performance assessment found that education provision merited only one star.",
     [("education", 1, None)]),
    (MINUTES + APA + "Social care provision was rated more positively with three stars.", [("social_care", 3, None)]),
    (MINUTES + APA + "The council's education services were deemed to be inadequate (1-star).", [("education", 1, None)]),
    (MINUTES + APA + "Kent received a score of 3 out of 4 for capacity to improve.", [("capacity_to_improve", 3, None)]),
    (MINUTES + APA + "The letter gave scores of 2 out of 4 for current performance on 'Children's Services'.",
     [("overall", 2, None)]),
    (MINUTES + APA + "The council's children's services were graded 3 on a four-point scale, where grade 4 is the "
     "highest.", [("overall", 3, None)]),
    (MINUTES + APA + "The council's children's services were judged to be delivering a good service.",
     [("overall", 3, None)]),
    # an area as the framework names it: APA papers call staying safe "safeguarding"
    (MINUTES + APA + "Grades of “outstanding” were achieved in Safeguarding and Being Healthy.",
     [("being_healthy", 4, None), ("staying_safe", 4, None)]),
    # safeguarding and looked after children inspections
    (MINUTES + SLAC + "Services for looked after children were rated as good.", [("looked_after_children", 3, None)]),
    (MINUTES + "The report noted the March 2010 inspection of safeguarding and looked after children, which was "
     "graded ‘inadequate’.", [("safeguarding", 1, 2010)]),
    # the object of the verb names the area
    (MINUTES + SIF + "Ofsted rated the council’s Local Safeguarding Children Board (LSCB), chaired by Jo Smith, as "
     "‘good’.", [("lscb", 3, None)]),
    (MINUTES + SIF + "They noted that the leadership of children’s services is good.", [("leadership", 3, None)]),
])
def test_grades_as_numbers_stars_and_framework_areas(nlp, text, expected):
    assert judged(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    # another council's grade is that council's
    (MINUTES + "Halton Borough Council\n\n" + ILACS + "Halton was judged good, while Warrington was judged inadequate.",
     [("overall", 1, None, "Warrington"), ("overall", 3, None, "Halton")]),
    (MINUTES + "Halton Borough Council\n\n" + ILACS + "Unlike Warrington, Halton was judged good.",
     [("overall", 3, None, "Halton")]),
])
def test_another_councils_grade_keeps_its_council(nlp, text, expected):
    doc = nlp(text)
    assert sorted((j.area, j.score, j.year, j.local_authority) for j in doc._.judgements) == expected


def test_ofsted_reports_are_read_by_their_own_rules_only(nlp):
    """A report's sentence about an earlier inspection is not read as the report's own judgement."""
    text = ("Inspection of Anytown local authority children’s services\nInspection dates: 6 to 17 March 2023\n\n"
            "Judgement Grade\nOverall effectiveness Good\n\nServices were judged to be inadequate in 2015.")
    assert judged(nlp, text) == [("overall", 3, 2023)]


@pytest.mark.parametrize("line, message", [
    ({"id": "x", "kind": "rule", "areas": "overall", "pattern": [{"LOWER": "x"}]}, "kind 'rule' is not one of"),
    ({"id": "x", "kind": "judgement", "areas": "somewhere", "pattern": [{"_": {"ofsted_grade": True}}]},
     "areas 'somewhere' is not one of"),
    ({"id": "x", "kind": "judgement", "areas": "overall", "pattern": [{"LOWER": "rated"}]},
     "must match a grade"),
    ({"id": "x", "kind": "judgement", "areas": "overall", "pattern": [{"LOWER": "rated", "OP": "!!"}]},
     "bad token pattern"),
    ({"id": "x", "kind": "judgement", "areas": "overall", "pattern": []}, "non-empty list"),
    ({"id": "x", "kind": "guard", "words": []}, "non-empty list of words"),
    ({"id": "x", "kind": "guard", "words": ["not"], "extra": 1}, "unknown key"),
    ({"kind": "guard", "words": ["not"]}, "'id' must be"),
    ({"id": "x", "kind": "guard", "words": ["not"], "scope": "everywhere"}, "scope 'everywhere' is not one of"),
    ({"id": "x", "kind": "guard", "words": ["not"], "except_next_to_grade": "only"}, "'except_next_to_grade' must be"),
])
def test_a_bad_restatements_file_names_its_line(tmp_path, line, message):
    path = tmp_path / "restatements_v9.jsonl"
    good = {"id": "ok", "kind": "judgement", "areas": "overall", "pattern": [{"_": {"ofsted_grade": True}}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match=message) as error:
        load_restatement_rules(path)
    assert "restatements_v9.jsonl, line 2" in str(error.value)


def test_the_packaged_restatements_load():
    rules = load_restatement_rules()
    hedges = next(guard for guard in rules.guards if guard.id == "hedges")
    assert len(rules.patterns) >= 5 and {"not", "likely", "before"} <= hedges.words
    assert {guard.scope for guard in rules.guards} == {"clause", "subject", "next"}


@pytest.mark.parametrize("text, expected", [
    # the subject decides: the council or its children's services is the overall judgement
    (MINUTES + APA + "The overall capacity to improve was also deemed to be adequate.", [("capacity_to_improve", 2, None)]),
    (MINUTES + APA + "The social care services were seen to be adequate, but the council’s education services were "
     "deemed to be inadequate.", [("education", 1, None), ("social_care", 2, None)]),
    (MINUTES + APA + "The schools were seen to be adequate.", []),
    (MINUTES + SIF + "The Isle of Wight Council’s children’s services has been rated 'good' by Ofsted.",
     [("overall", 3, None)]),
    (MINUTES + SIF + "Reports on schools were rated good by parents.", []),
])
def test_the_subject_of_a_restated_grade(nlp, text, expected):
    assert judged(nlp, text) == expected
