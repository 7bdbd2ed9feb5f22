"""The council register: loading, name matching, year selection and mentions in text."""
from __future__ import annotations

import pytest

from models.register import Register, core, normalise


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.default()


def test_default_is_loaded_once_from_the_packaged_csv(register):
    assert Register.default() is register
    assert len(register.rows) == 172
    assert sum(1 for r in register.rows if r.valid_to is None) == 153


@pytest.mark.parametrize(
    "text, name, gss",
    [
        ("Stockton-on-Tees Borough Council", "Stockton-on-Tees", "E06000004"),
        ("Redcar and Cleveland Borough Council", "Redcar and Cleveland", "E06000003"),
        ("Borough of Redcar and Cleveland", "Redcar and Cleveland", "E06000003"),
        ("City of Bradford Metropolitan District Council", "Bradford", "E08000032"),
        ("City of Bradford Metropolitan Borough Council", "Bradford", "E08000032"),
        ("Bradford Children and Families Trust", "Bradford", "E08000032"),
        ("Birmingham Children's Trust", "Birmingham", "E08000025"),
        ("Doncaster Children’s Services Trust", "Doncaster", "E08000017"),
        ("Slough Children First", "Slough", "E06000039"),
        ("Leeds City", "Leeds", "E08000035"),
        ("Leeds City Council", "Leeds", "E08000035"),
        ("Norfolk County Council", "Norfolk", "E10000020"),
        ("Stockton", "Stockton-on-Tees", "E06000004"),
        ("STOCKTON-ON-TEES BOROUGH COUNCIL", "Stockton-on-Tees", "E06000004"),
        ("the London Borough of Barnet", "Barnet", "E09000003"),
        ("County Durham", "Durham", "E06000047"),
    ],
)
def test_match_good(register, text, name, gss):
    match = register.match(text, year=2015)
    assert match is not None, text
    assert (match.name, match.gss_code) == (name, gss)
    assert match.match_score == 100.0


@pytest.mark.parametrize(
    "text, name, max_score",
    [
        ("Middlesborough", "Middlesbrough", 99.0),  # common misspelling
        ("Stockton-on-Tess", "Stockton-on-Tees", 99.0),  # OCR slip
    ],
)
def test_match_fuzzy_keeps_a_lower_score(register, text, name, max_score):
    match = register.match(text, year=2015)
    assert match is not None and match.name == name
    assert register.threshold <= match.match_score < max_score


@pytest.mark.parametrize(
    "text",
    ["London", "Kent Police", "Leeds Beckett University", "Stock", "", "Council", "Cleveland Police",
     "Ofsted", "North East"],
)
def test_match_bad(register, text):
    assert register.match(text, year=2015) is None


@pytest.mark.parametrize(
    "name, year, month, gss",
    [
        ("Cornwall", 2008, None, "E10000005"),  # county council before the 2009 unitary
        ("Cornwall", 2009, 6, "E06000052"),
        ("Cornwall", 2009, 2, "E10000005"),  # Jan-Mar of a changeover year: the row ending then
        ("Dorset", 2019, 3, "E10000009"),
        ("Dorset", 2019, 5, "E06000059"),
        ("Northumberland", 2012, None, "E06000048"),  # ONS recode in 2013
        ("Northumberland", 2014, None, "E06000057"),
        ("Gateshead", None, None, "E08000037"),  # no year: the current row
        ("Bedfordshire", 2015, None, "E10000001"),  # abolished: nearest period
    ],
)
def test_row_valid_for_the_year(register, name, year, month, gss):
    match = register.match(name, year=year, month=month)
    assert match is not None and match.gss_code == gss


def test_successors_and_predecessors(register):
    assert {r.name for r in register.successors("E10000001")} == {"Bedford", "Central Bedfordshire"}
    assert {r.gss_code for r in register.predecessors("E06000058")} == {"E06000028", "E06000029", "E10000009"}
    assert [r.gss_code for r in register.successors("E06000048")] == ["E06000057"]
    assert register.successors("E06000004") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in Stockton-on-Tees Borough Council are excellent", ["Stockton-on-Tees Borough Council"]),
        ("Stockton is a 'high focus area'", ["Stockton"]),
        ("**STOCKTON-ON-TEES BOROUGH COUNCIL**", ["STOCKTON-ON-TEES BOROUGH COUNCIL"]),
        ("Children’s services in Redcar and Cleveland Borough Council perform well.",
         ["Redcar and Cleveland Borough Council"]),
        ("Leeds and Bradford; LEEDS", ["Leeds", "Bradford", "LEEDS"]),
        ("Richmond-upon-Thames and the City of London", ["Richmond-upon-Thames", "City of London"]),
        ("children in Reading and Bury", ["Reading", "Bury"]),
        # titles capitalise every word: the whole name, not the "Kingston" of Kingston upon Thames
        ("Inspection of Kingston Upon Hull local authority children’s services", ["Kingston Upon Hull"]),
        ("Stockton-On-Tees and Redcar And Cleveland", ["Stockton-On-Tees", "Redcar And Cleveland"]),
    ],
)
def test_find_in_text_good(register, text, expected):
    found = [text[start:end] for start, end, _ in register.find_in_text(text, year=2009)]
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "the hull of a ship",  # short aliases are case-sensitive
        "stockton",
        "Canterbury Cathedral",  # "Bury" inside a word
        "Reading standards rose.",  # a sentence-start capital proves nothing for "Reading"
        "Tees Valley",
        "London",
        "North East",
    ],
)
def test_find_in_text_bad(register, text):
    assert register.find_in_text(text) == []


def test_find_in_text_longest_wins_and_resolves_the_year(register):
    text = "Cornwall County Council and Cornwall"
    found = register.find_in_text(text, year=2008)
    assert [(text[s:e], m.gss_code) for s, e, m in found] == [
        ("Cornwall County Council", "E10000005"), ("Cornwall", "E10000005")]
    assert register.find_in_text("Cornwall", year=2010)[0][2].gss_code == "E06000052"


def test_normalize_and_core():
    assert normalise("Bath & North East Somerset") == "bath and north east somerset"
    assert core("City of Bradford Metropolitan District Council") == "bradford"
    assert core("London Borough of Barnet") == "barnet"
    assert core("Leeds City") == "leeds"


def test_register_from_csv_text():
    csv_text = (
        "name,official_name,gss_code,dfe_la_code,la_type,region,valid_from,valid_to,aliases,successor\n"
        "Testshire,Testshire County Council,E10999999,999,county,North East,1974,,Tests; TCC,\n"
    )
    reg = Register.from_csv_text(csv_text)
    assert reg.match("Testshire County Council").gss_code == "E10999999"
    assert [m.name for _, _, m in reg.find_in_text("We visited Tests today")] == ["Testshire"]


@pytest.mark.parametrize("written, council", [
    ("Telford & Wrekin", "Telford and Wrekin"),
    ("stockton on tees", "Stockton-on-Tees"),
    ("  Stockton-on-Tees   Borough Council ", "Stockton-on-Tees"),
])
def test_a_council_named_on_the_command_line_is_compared_as_the_register_compares_names(written, council):
    from models.councils import resolve_council, resolve_councils
    from models.store import Store

    with Store(":memory:") as store:
        store.load_register()
        assert resolve_council(store.con, written) == council
        assert resolve_councils(store.con, written) == [council]


@pytest.mark.parametrize("text, council, score", [
    # named alone in the title block: sure
    ("Stockton-on-Tees Borough Council\n\nInspection of children's services", "Stockton-on-Tees", 100.0),
    # named beside others in the head: the share of the mentions that name it
    ("Halton Borough Council compared with Warrington and Halton, and Knowsley", "Halton", 50.0),
    # named only in the body, far below the head: inferred, trusted less
    ("Minutes of the meeting\n" + "x " * 2000 + "\nThe inspection of Leeds children's services.", "Leeds", 75.0),
])
def test_the_documents_council_and_how_sure_that_is(text, council, score):
    from models.register import choose_council

    register = Register.default()
    chosen = choose_council(register.find_in_text(text, 2020))
    assert (chosen.name, chosen.match_score) == (council, score)


def test_no_council_named_is_none():
    from models.register import choose_council

    assert choose_council(Register.default().find_in_text("Nothing about councils here.", 2020)) is None


@pytest.mark.parametrize("word, abbreviated, council", [
    # how web addresses and file names write a council's name
    ("telfordwrekin", False, "Telford and Wrekin"),
    ("brighton-hove", False, "Brighton and Hove"),
    ("northnorthamptonshire", False, "North Northamptonshire"),
    ("kingstonuponhull", False, "Kingston upon Hull"),
    ("westberks", True, "West Berkshire"),
    # must not: an abbreviation outside addresses, a word two councils begin with, words that are no council
    ("westberks", False, None),
    ("north", True, None),
    ("iow", True, None),
    ("minutes", False, None),
    ("cabinet", True, None),
])
def test_a_council_written_as_one_word(register, word, abbreviated, council):
    found = register.match_identifier(word, 2020, abbreviated=abbreviated)
    assert (found.name if found else None) == council


@pytest.mark.parametrize("text, path, council, score", [
    # a council named in its text: the text decides, whatever the file is called
    ("The Leeds City Council executive board met.", "data/raw/halton/minutes.txt", "Leeds", 100.0),
    # named only as "the Council": its web address, else its file's name or folder
    ("Please email executivecycle@westberks.gov.uk.\n\nThe Council was judged inadequate.", "x.txt",
     "West Berkshire", 60.0),
    ("The Council was judged outstanding.", "data/raw/ilacs2024_telfordwrekin_scrutiny_minutes.txt",
     "Telford and Wrekin", 40.0),
    ("The Council was judged outstanding.", "data/raw/80418_north-yorkshire/report 2019.pdf", "North Yorkshire", 40.0),
    # must not: addresses of two councils, a path that names none
    ("See www.leeds.gov.uk and www.kent.gov.uk.", "notes.txt", None, None),
    ("The Council was judged good.", "data/raw/cabinet_minutes_2019.txt", None, None),
])
def test_a_council_never_named_is_inferred_and_trusted_less(text, path, council, score):
    from extractors import load_pipeline
    from extractors.components.council import PATH_KEY

    nlp = load_pipeline()
    doc = nlp.make_doc(text)
    doc.user_data[PATH_KEY] = path
    doc = nlp(doc)
    found = doc._.council
    assert ((found.name, found.match_score) if found else (None, None)) == (council, score)
