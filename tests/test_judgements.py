"""Judgement rules: each with texts it must find and texts it must not (legends, praise)."""
from functools import cache

import pytest
import spacy

from extractors.judgements import find_judgements, settle_scale
from extractors.judgements.restatements import RestatementMatcher, load_restatement_rules
from extractors.judgements.rules import RESTATEMENT_DOC_TYPES
from extractors.records import LocalAuthorityMatch
from extractors.sections import split_sections
from extractors.vocab import PatternFileError, parse_vocabulary

STOCKTON = LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0)


@cache
def restatements():
    nlp = spacy.blank("en")
    return nlp, RestatementMatcher(nlp.vocab, load_restatement_rules())


def judge(text, doc_type, framework, year):
    """The rule table's judgements and, on documents that restate grades, the token patterns'."""
    more = []
    if doc_type in RESTATEMENT_DOC_TYPES:
        nlp, matcher = restatements()
        more = list(matcher.candidates(nlp.make_doc(text), text, framework=framework, year=year))
    found = find_judgements(text, split_sections(text, doc_type), doc_type=doc_type, framework=framework,
                            year=year, council=STOCKTON, more=more)
    return [(j.area, j.label, j.scale, j.grade, j.score, j.year, j.evidence) for j in found]


@pytest.mark.parametrize("text, doc_type, framework, year, expected", [
    # APA grade table
    ("Areas for judgement\tGrade awarded\nThe contribution of the local authority's children's services in maintaining and improving outcomes for children and young people\t4",
     "apa_letter", "apa", 2006, [("overall", "4", "apa_1to4", 4, 4, 2006, "table")]),
    ("The council's overall capacity to improve its services for children and young people\t3",
     "apa_letter", "apa", 2006, [("capacity_to_improve", "3", "apa_1to4", 3, 3, 2006, "table")]),
    # prose in an outcome section
    ("Being healthy\n\nThe contribution of the council's children's services towards improving the health of children and young people is good.",
     "apa_letter", "apa", 2006, [("being_healthy", "good", "apa_1to4", 3, 3, 2006, "prose")]),
    ("Staying safe\n\nThe council's children's services makes an excellent contribution towards promoting the safety of children.",
     "apa_letter", "apa", 2006, [("staying_safe", "excellent", "apa_1to4", 4, 4, 2006, "prose")]),
    ("Making a positive contribution\n\nThe council's contribution to outcomes for children and young people in this area is excellent.",
     "apa_letter", "apa", 2006, [("positive_contribution", "excellent", "apa_1to4", 4, 4, 2006, "prose")]),
    ("Summary\n\nThe leadership and management of council services for children and young people in Stockton are excellent.",
     "apa_letter", "apa", 2006, [("service_management", "excellent", "apa_1to4", 4, 4, 2006, "prose")]),
    # 2009 rating with and without the number
    ("Children's services rating\tPerforms well (3)", "annual_rating_letter", "annual_rating", 2009,
     [("overall", "Performs well (3)", "rating_1to4", 3, 3, 2009, "table")]),
    ("Children's services rating\tPerforms well", "annual_rating_letter", "annual_rating", 2009,
     [("overall", "Performs well", "rating_1to4", 3, 3, 2009, "table")]),
    ("Children's services in Redcar and Cleveland Borough Council perform well.", "annual_rating_letter", "annual_rating", 2009,
     [("overall", "perform well", "rating_1to4", 3, 3, 2009, "prose")]),
    # second-hand statements keep their own year
    ("The Council was rated as performing well. The 'performing well' rating was in line with the 2008 grading of 'good' for the overall effectiveness of services.",
     "council_minutes", "annual_rating", 2009,
     [("overall", "performing well", "rating_1to4", 3, 3, 2009, "prose"), ("overall", "good", "apa_1to4", 3, 3, 2008, "prose")]),
    ("In a report published today inspectors awarded the Council an overall “good” rating.", "news_article", "sif", None,
     [("overall", "good", "ofsted_4point", None, 3, None, "prose")]),
    ("It is one of only three councils to secure an “outstanding” rating for the experiences and progress of care leavers.",
     "news_article", "sif", None, [("care_leavers", "outstanding", "ofsted_4point", None, 4, None, "prose")]),
    ("But inspectors also found areas that require improvement, including adoption and looked after children.",
     "news_article", "sif", None, [("adoption", "require improvement", "ofsted_4point", None, 2, None, "prose"),
                                  ("children_in_care", "require improvement", "ofsted_4point", None, 2, None, "prose")]),
    # SIF and ILACS report lines
    ("Children’s services in Stockton-on-Tees are good.", "inspection_report", "sif", 2016,
     [("overall", "good", "ofsted_4point", None, 3, 2016, "prose")]),
    ("2.1 Adoption performance Requires improvement", "inspection_report", "sif", 2016,
     [("adoption", "Requires improvement", "ofsted_4point", None, 2, 2016, "table")]),
    ("The Local Safeguarding Children Board requires improvement.", "inspection_report", "sif", 2015,
     [("lscb", "requires improvement", "ofsted_4point", None, 2, 2015, "prose")]),
])
def test_judgements_found(text, doc_type, framework, year, expected):
    assert judge(text, doc_type, framework, year) == expected


@pytest.mark.parametrize("text, doc_type, framework, year", [
    # grade-scale legends are never judgements
    ("Grade\tService descriptors\tCapacity to improve descriptors\n4\tA service that delivers well above minimum requirements for users\tExcellent / outstanding\n1\tA service that does not deliver minimum requirements for users\tInadequate",
     "apa_letter", "apa", 2006),
    ("4\tPerforms excellently\tAn organisation that significantly exceeds minimum requirements\n3\tPerforms well\tAn organisation that exceeds minimum requirements",
     "annual_rating_letter", "annual_rating", 2009),
    ("Performs excellently: an organisation that significantly exceeds minimum requirements\n\nPerforms well: an organisation that exceeds minimum requirements",
     "council_minutes", "annual_rating", 2009),
    # praise is not a formal judgement
    ("The extent to which all leaders engage with children and young people is outstanding.", "news_article", "sif", None),
    ("There are good levels of fostering and adoption.", "apa_letter", "apa", 2006),
    ("Schools are performing well in helping learners to be healthy.", "apa_letter", "apa", 2006),
    # settings' grades are not the council's
    ("Performance for care leavers and for young people known to the offending services is good.", "annual_rating_letter", "annual_rating", 2009),
    ("One special school is outstanding, one is good and one is satisfactory.", "annual_rating_letter", "annual_rating", 2009),
    ("RESOLVED that the report be received and the good outcome of the 2009 annual performance rating be noted.", "council_minutes", "annual_rating", 2009),
    # the LSCB's grade descriptors and shortfalls are not its judgement
    ("The LSCB is likely to be judged to be good if it meets the criteria.", "inspection_report", "sif", 2016),
    ("The LSCB is not yet demonstrating the characteristics of good.", "inspection_report", "sif", 2016),
    # not an inspection document: no invented judgements
    ("The weather was good and the cake was outstanding.", "other", None, None),
])
def test_no_judgement(text, doc_type, framework, year):
    assert judge(text, doc_type, framework, year) == []


@pytest.mark.parametrize("family, score, framework, expected", [
    ("number", 4, "apa", ("apa_1to4", 4)),
    ("word", 3, "apa", ("apa_1to4", 3)),
    ("rating", 1, "annual_rating", ("rating_1to4", 1)),
    ("word", 2, "sif", ("ofsted_4point", None)),
    ("word", 4, "ilacs", ("ofsted_4point", None)),
    ("word", 3, None, ("ofsted_4point", None)),
])
def test_scales(family, score, framework, expected):
    assert settle_scale(family, score, framework) == expected


@pytest.mark.parametrize("kind, line, message", [
    ("grades", '{"phrase": "good", "score": 5, "family": "word"}', "score must be 1-4"),
    ("grades", '{"phrase": "good", "score": "3", "family": "word"}', "'score' must be int"),
    ("grades", '{"phrase": "good", "score": true, "family": "word"}', "'score' must be int"),
    ("areas", '{"area": "overall", "phrases": []}', None),
    ("areas", '{"area": "overall"}', "missing key 'phrases'"),
])
def test_bad_rule_files(kind, line, message):
    if message is None:
        assert parse_vocabulary(kind, [line], "x.jsonl")[0]["area"] == "overall"
    else:
        with pytest.raises(PatternFileError, match=message):
            parse_vocabulary(kind, [line], "x.jsonl")
