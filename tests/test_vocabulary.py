"""Ofsted's vocabulary is defined once (models/vocabulary.py) and every rule table agrees with it."""
import pytest

from extractors import classify, sections
from extractors.judgements import JUDGEMENT_RULES_V1
from extractors.judgements.grades import grade_table
from extractors.vocab import PatternFileError, load_vocabulary, parse_vocabulary
from models import vocabulary as v


@pytest.mark.parametrize("year, framework", [
    (None, None), (2004, "apa"), (2005, "apa"), (2008, "apa"), (2009, "annual_rating"), (2012, "annual_rating"),
    (2013, "sif"), (2017, "sif"), (2018, "ilacs"), (2025, "ilacs"),
])
def test_framework_for_year(year, framework):
    assert v.framework_for_year(year) == framework


@pytest.mark.parametrize("key, title", [
    ("apa", "APA (2005–2008)"), ("annual_rating", "Annual rating (2009–2012)"),
    ("safeguarding_lac", "Safeguarding and looked after children (2009–2013)"),
    ("sif", "SIF (2013–2018)"), ("ilacs", "ILACS (2018–)"),
])
def test_framework_titles_carry_their_years(key, title):
    assert v.FRAMEWORKS[key].title == title


def test_framework_years_and_the_year_rule_agree():
    """SIF ran to 2018 and ILACS began in 2018: a year belongs to the newest framework begun by then."""
    for key in v.SUCCESSION:
        framework = v.FRAMEWORKS[key]
        assert v.framework_for_year(framework.first_year) == key
        if framework.last_year is not None:
            assert v.framework_for_year(framework.last_year) in (key, v.SUCCESSION[v.SUCCESSION.index(key) + 1])


@pytest.mark.parametrize("name, key", [("ILACS", "ilacs"), (" sif ", "sif"), ("Annual_Rating", "annual_rating"),
                                       ("ofsted", None), ("", None)])
def test_framework_key(name, key):
    assert v.framework_key(name) == key


@pytest.mark.parametrize("score, scale, framework, words", [
    (3, "ofsted_4point", "sif", "Good"),
    (2, "ofsted_4point", "sif", "Requires improvement"),
    (2, "ofsted_4point", "ilacs", "Requires improvement to be good"),
    (2, "apa_1to4", "apa", "Adequate"),
    (2, "ofsted_4point", "safeguarding_lac", "Adequate"),
    (4, "rating_1to4", "annual_rating", "Performs excellently"),
    (3, "rating_1to4", "annual_rating", "Performs well"),
    (4, "apa_1to4", "apa", "Outstanding"),
    (1, None, None, "Inadequate"),
    (None, "ofsted_4point", "sif", None),
])
def test_grade_words(score, scale, framework, words):
    assert v.grade_words(score, scale, framework) == words
    if words is not None:
        assert v.score_of_words(words) == score


@pytest.mark.parametrize("words", ["Good enough", "requires", "", None])
def test_words_that_are_no_grade_have_no_score(words):
    assert v.score_of_words(words) is None


def test_every_area_of_a_framework_is_an_area():
    assert set().union(*v.AREAS_BY_FRAMEWORK.values()) == set(v.AREAS)
    assert v.APA_OUTCOME_AREAS <= v.AREAS_BY_FRAMEWORK["apa"]
    assert {area for _, _, areas in v.OUTCOME_COLUMNS for area in areas} <= set(v.AREAS)


def test_rule_tables_use_the_vocabulary():
    doc_types = {doc_type for doc_type, _, _ in classify.DOC_TYPE_RULES_V1}
    doc_types |= {t for _, types in JUDGEMENT_RULES_V1.values() for t in types}
    doc_types |= set(sections.BODY_LABEL_BY_DOC_TYPE) | set(v.JUDGED_DOC_TYPES) | set(v.SECOND_HAND_DOC_TYPES)
    assert doc_types <= set(v.DOC_TYPES)
    assert {framework for framework, _ in classify.FRAMEWORK_CUES_V1} <= set(v.FRAMEWORKS)
    assert {row["area"] for row in load_vocabulary("areas")} == set(v.AREAS)
    assert {family for _, family in grade_table().values()} <= set(v.GRADE_FAMILIES)


def test_every_grade_word_is_written_in_the_grade_phrases():
    """What the views and the report print back is a phrase the rules read."""
    for table in v.GRADE_WORDS.values():
        for score, words in table.items():
            assert grade_table()[words.lower()][0] == score
    assert grade_table()[v.ILACS_SCORE_2.lower()][0] == 2


@pytest.mark.parametrize("kind, line, error", [
    ("grades", '{"phrase": "good", "score": 3, "family": "word"}', None),
    ("grades", '{"phrase": "good", "score": 3, "family": "letters"}', "family must be one of word, rating, number"),
    ("grades", '{"phrase": "good", "score": 5, "family": "word"}', "score must be 1-4"),
    ("areas", '{"area": "adoption", "phrases": ["adoption"]}', None),
    ("areas", '{"area": "adoptions", "phrases": ["adoption"]}', "is not an area of models/vocabulary.py"),
])
def test_pattern_files_are_checked_against_the_vocabulary(kind, line, error):
    if error is None:
        assert parse_vocabulary(kind, [line], "test.jsonl")
    else:
        with pytest.raises(PatternFileError, match=error):
            parse_vocabulary(kind, [line], "test.jsonl")
