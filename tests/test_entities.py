"""Entity components: each rule family with text that must and must not match, and pattern files."""
from __future__ import annotations

import json

import pytest
import spacy

from extractors.components import PatternFileError, load_entity_rules, load_role_rules
from extractors.components.dates import normalize_date
from extractors.entities import add_entity_components, entities_from_doc, make_nlp
from models.register import Register


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def run(nlp, text: str, year: int | None = None):
    """Process text the way the pipeline does: make_doc, set the year, run each component."""
    doc = nlp.make_doc(text)
    if year is not None:
        doc.user_data["year"] = year
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def found(nlp, text: str, label: str, year: int | None = None) -> list[str]:
    return [e.text for e in entities_from_doc(run(nlp, text, year)) if e.label == label]


ENTITY_CASES = [
    # (label, text, expected entity texts)
    ("ORG", "the findings of the Audit Commission and Ofsted", ["Audit Commission", "Ofsted"]),
    ("ORG", "Divisional Manager Office for Standards in Education", ["Office for Standards in Education"]),
    ("ORG", "in partnership with the Primary Care Trust to raise awareness", ["Primary Care Trust"]),
    ("ORG", "The new Local Safeguarding Children Board has now been established", ["Local Safeguarding Children Board"]),
    ("ORG", "The Stockton-on-Tees Local Safeguarding Children Board met.", ["Stockton-on-Tees Local Safeguarding Children Board"]),
    ("ORG", "Leeds Safeguarding Children Partnership published it", ["Leeds Safeguarding Children Partnership"]),
    ("ORG", "run by Bradford Children and Families Trust since 2023", ["Bradford Children and Families Trust"]),
    ("ORG", "Birmingham Children’s Trust took over", ["Birmingham Children’s Trust"]),
    ("ORG", "Tees Valley NHS Foundation Trust and Cleveland Police", ["Tees Valley NHS Foundation Trust", "Cleveland Police"]),
    ("ORG", "especially via Sure Start and Connexions", ["Sure Start", "Connexions"]),
    ("ORG", "Comprehensive Area Assessment (CAA) organisational assessment", ["Comprehensive Area Assessment", "CAA"]),
    ("ORG", "reported to Cabinet through the framework", ["Cabinet"]),
    ("ORG", "The Youth Offending Service and CAFCASS", ["Youth Offending Service", "CAFCASS"]),
    ("LEGISLATION", "for the purpose of section 138 of the Education and Inspections Act 2006.",
     ["section 138 of the Education and Inspections Act 2006"]),
    ("LEGISLATION", "under the Children Act 1989, the council", ["Children Act 1989"]),
    ("LEGISLATION", "The Children Act 2004 requires", ["Children Act 2004"]),
    ("LEGISLATION", "the Local Safeguarding Children Boards (Review) Regulations 2013 apply",
     ["Local Safeguarding Children Boards (Review) Regulations 2013"]),
    ("LEGISLATION", "section 47(1) of the Children Act 1989", ["section 47(1) of the Children Act 1989"]),
    ("POSTCODE", "Church Road Stockton-on-Tees TS18 1LD", ["TS18 1LD"]),
    ("POSTCODE", "Alexandra House 33 Kingsway London WC2B 6SE", ["WC2B 6SE"]),
    ("POSTCODE", "Cleveland\nTS10 1SP", ["TS10 1SP"]),
    ("EMAIL", "T 08456 404045 enquiries@ofsted.gov.uk www.ofsted.gov.uk", ["enquiries@ofsted.gov.uk"]),
    ("URL", "T 08456 404045 enquiries@ofsted.gov.uk www.ofsted.gov.uk.", ["www.ofsted.gov.uk"]),
    ("URL", "see https://www.gov.uk/government/organisations/ofsted, or reports.ofsted.gov.uk",
     ["https://www.gov.uk/government/organisations/ofsted", "reports.ofsted.gov.uk"]),
    ("PHONE", "T 08456 404045 enquiries@ofsted.gov.uk", ["08456 404045"]),
    ("PHONE", "Telephone 0300 123 1231 or (01642) 527000", ["0300 123 1231", "(01642) 527000"]),
    ("DATE", "1 November 2006\n\nDear Mrs Baxter", ["1 November 2006"]),
    ("DATE", "Cabinet Meeting .....17th December 2009", ["17th December 2009"]),
    ("DATE", "Not later than Midnight on Tuesday, 29th December 2009", ["Tuesday, 29th December 2009"]),
    ("DATE", "In a report published today (August 5) inspectors", ["August 5"]),
    ("DATE", "judged to be inadequate in June 2009.", ["June 2009"]),
    ("DATE", "between May 23 and June 16 under", ["May 23", "June 16"]),
]


@pytest.mark.parametrize("label, text, expected", ENTITY_CASES)
def test_entities_good(nlp, label, text, expected):
    assert found(nlp, text, label) == expected


NOT_ENTITY_CASES = [
    ("ORG", "The Cabinet Member for Children and Young People"),  # a role, not the Cabinet
    ("ORG", "children's centres and local services"),
    ("ORG", "ofsted"),  # gazetteer phrases are case-sensitive
    ("LEGISLATION", "the council acted in 2006"),
    ("LEGISLATION", "The Children Act requires"),  # no year: not resolvable to one Act
    ("POSTCODE", "Key Stage 4 and GCSE"),
    ("POSTCODE", "AB12CDE9"),
    ("EMAIL", "at ofsted.gov.uk"),
    ("URL", "the report. Then more"),
    ("PHONE", "pupils aged 11 and 16 in 2005 2006"),
    ("PHONE", "Key Stage 1 and 2"),
    ("DATE", "Performs well (3)"),
    ("DATE", "May we thank you"),  # "May" without a number
    ("DATE", "at Key Stage 4 in 2005"),  # a bare year is not a date
    ("DATE", "the Mayor 12 times"),
]


@pytest.mark.parametrize("label, text", NOT_ENTITY_CASES)
def test_entities_bad(nlp, label, text):
    assert found(nlp, text, label) == []


@pytest.mark.parametrize(
    "day, month, year, iso",
    [
        ("1", "November", "2006", "2006-11-01"),
        ("17", "December", "2009", "2009-12-17"),
        ("5", "August", None, None),
        (None, "June", "2009", "2009-06"),
        ("9", "Dec.", "2009", "2009-12-09"),
        ("17", "12", "2009", "2009-12-17"),
        ("31", "February", "2009", None),  # invalid day
        (None, None, "2009", None),
    ],
)
def test_normalize_date(day, month, year, iso):
    assert normalize_date(day, month, year) == iso


@pytest.mark.parametrize(
    "text, iso",
    [
        ("1 November 2006", "2006-11-01"),
        ("Tuesday, 29th December 2009", "2009-12-29"),
        ("17th December 2009", "2009-12-17"),
        ("9 December 2009", "2009-12-09"),
        ("June 2009", "2009-06"),
        ("August 5", None),
        ("Tue. Apr 16th, 2024", "2024-04-16"),
    ],
)
def test_date_entities_are_normalized(nlp, text, iso):
    ents = [e for e in entities_from_doc(run(nlp, f"Dated {text} here.")) if e.label == "DATE"]
    assert [(e.text, e.normalized) for e in ents] == [(text, iso)]


@pytest.mark.parametrize(
    "year, gss",
    [(2008, "E10000005"), (2010, "E06000052"), (None, "E06000052")],
)
def test_local_authority_kb_id_is_the_gss_code_for_the_year(nlp, year, gss):
    ents = [e for e in entities_from_doc(run(nlp, "Cornwall County Council and Cornwall", year))
            if e.label == "LOCAL_AUTHORITY"]
    assert [(e.text, e.kb_id) for e in ents] == [("Cornwall County Council", gss), ("Cornwall", gss)]


def test_offsets_are_character_offsets_into_the_text(nlp):
    text = ("Mrs Ann Baxter Corporate Director, Children, Education and Social Care Stockton-on-Tees "
            "Borough Council Municipal Buildings Church Road Stockton-on-Tees TS18 1LD\n\n1 November 2006")
    ents = entities_from_doc(run(nlp, text, 2006))
    assert ents, "expected entities"
    for e in ents:
        assert text[e.start:e.end] == e.text
    labels = {(e.label, e.text) for e in ents}
    assert ("PERSON", "Ann Baxter") in labels
    assert ("LOCAL_AUTHORITY", "Stockton-on-Tees Borough Council") in labels
    assert ("POSTCODE", "TS18 1LD") in labels


def test_lead_pipeline_shape_and_plain_call_agree():
    nlp = spacy.blank("en")
    add_entity_components(nlp, Register.default())
    assert nlp.pipe_names == ["ofsted_local_authorities", "ofsted_entity_rules", "ofsted_dates", "ofsted_people"]
    text = "Juliet Winstanley Divisional Manager, CAA\n\n9 December 2009"
    by_steps = entities_from_doc(run(nlp, text))
    by_call = entities_from_doc(nlp(text))
    assert by_steps == by_call
    assert "_ofsted_text" not in nlp(text).user_data  # shared text copy is released


def test_add_entity_components_uses_the_given_register():
    csv_text = (
        "name,official_name,gss_code,dfe_la_code,la_type,region,valid_from,valid_to,aliases,successor\n"
        "Testshire,Testshire County Council,E10999999,999,county,North East,1974,,,\n"
    )
    nlp = add_entity_components(spacy.blank("en"), Register.from_csv_text(csv_text))
    ents = [(e.text, e.kb_id) for e in entities_from_doc(nlp("Services in Testshire and in Leeds."))
            if e.label == "LOCAL_AUTHORITY"]
    assert ents == [("Testshire", "E10999999")]


# -- pattern files ---------------------------------------------------------------------------

def test_packaged_pattern_files_load():
    rules = load_entity_rules("entities_v1.jsonl")
    assert {r.label for r in rules} >= {"ORG", "LEGISLATION", "POSTCODE", "EMAIL", "PHONE", "URL", "DATE"}
    roles = load_role_rules("roles_v1.jsonl")
    assert {r.kind for r in roles} == {"office", "before_name", "after_name"}


BAD_ENTITY_LINES = [
    ('{"label": "ORG", "pattern": "Ofsted"', "not valid JSON"),
    ('["ORG", "Ofsted"]', "JSON object"),
    ('{"label": "ORGANISATION", "pattern": "Ofsted"}', "label 'ORGANISATION'"),
    ('{"label": "ORG"}', "exactly one of 'pattern' or 'regex'"),
    ('{"label": "ORG", "pattern": "x", "regex": "x"}', "exactly one of 'pattern' or 'regex'"),
    ('{"label": "ORG", "pattern": "  "}', "phrase pattern is empty"),
    ('{"label": "ORG", "pattern": [{"LOWR": "ofsted"}]}', "bad token pattern"),
    ('{"label": "ORG", "pattern": 5}', "'pattern' must be"),
    ('{"label": "ORG", "regex": "(unclosed"}', "bad regex"),
    ('{"label": "ORG", "regex": "[[a]"}', "bad regex"),  # Python warns: possible nested set
    ('{"label": "ORG", "regex": "a*"}', "matches the empty string"),
    ('{"label": "DATE", "regex": "\\\\d+ May"}', "named group 'month'"),
    ('{"label": "ORG", "pattern": "Ofsted", "patern": "x"}', "unknown key"),
]


@pytest.mark.parametrize("line, message", BAD_ENTITY_LINES)
def test_bad_entity_pattern_raises_naming_file_and_line(tmp_path, line, message):
    path = tmp_path / "entities_bad.jsonl"
    good = json.dumps({"label": "ORG", "pattern": "Ofsted"})
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(PatternFileError) as info:
        load_entity_rules(path)
    assert info.value.line == 3
    assert str(path) in str(info.value) and "line 3" in str(info.value)
    assert message in str(info.value)


BAD_ROLE_LINES = [
    ('{"kind": "sideways", "regex": "Director"}', "kind 'sideways'"),
    ('{"kind": "office", "regex": "Director("}', "bad regex"),
    ('{"kind": "office"}', "'regex' must be a non-empty string"),
    ('{"kind": "office", "regex": "Director", "role": ""}', "'role' must be"),
    ('{"kind": "office", "regex": "Director", "title": "x"}', "unknown key"),
]


@pytest.mark.parametrize("line, message", BAD_ROLE_LINES)
def test_bad_role_pattern_raises_naming_file_and_line(tmp_path, line, message):
    path = tmp_path / "roles_bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match=message) as info:
        load_role_rules(path)
    assert info.value.line == 1 and str(path) in str(info.value)


def test_bad_pattern_file_fails_when_the_pipeline_is_built(tmp_path):
    path = tmp_path / "entities_v9.jsonl"
    path.write_text('{"label": "ORG", "regex": "(bad"}\n', encoding="utf-8")
    nlp = spacy.blank("en")
    with pytest.raises(PatternFileError, match="entities_v9.jsonl, line 1"):
        nlp.add_pipe("ofsted_entity_rules", config={"patterns_file": str(path)})


def test_missing_pattern_file_is_a_clear_error(tmp_path):
    with pytest.raises(PatternFileError, match="cannot read pattern file"):
        load_entity_rules(tmp_path / "nope.jsonl")


def test_make_doc_shares_the_text_and_sets_the_year(nlp):
    from extractors.entities import make_doc

    text = "Cornwall County Council, 1 November 2006"
    doc = make_doc(nlp, text, 2008)
    assert doc.user_data["year"] == 2008
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    ents = [(e.label, e.text, e.kb_id) for e in entities_from_doc(doc)]
    assert ents == [("LOCAL_AUTHORITY", "Cornwall County Council", "E10000005"), ("DATE", "1 November 2006", None)]
