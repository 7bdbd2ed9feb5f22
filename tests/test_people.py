"""People: names joined to titles and roles, merged across mentions, and no false people."""
from __future__ import annotations

import pytest

from extractors.entities import entities_from_doc, make_nlp, people_from_doc
from extractors.records import Person


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def people(nlp, text: str, year: int | None = None) -> list[Person]:
    doc = nlp.make_doc(text)
    if year is not None:
        doc.user_data["year"] = year
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return people_from_doc(doc)


def summary(persons: list[Person]) -> list[tuple]:
    return [(p.name, p.title, p.role, p.variants) for p in persons]


# -- the five seed documents (cleaned snippets) -----------------------------------------------

SEED_000 = (
    "The children's services rating is provided for the purpose of section 138 of the Education "
    "and Inspections Act 2006. The rating of local authority children's services will contribute "
    "significantly to the managing performance theme of each local authority's Comprehensive Area "
    "Assessment (CAA) organisational assessment and therefore to the score for each local authority "
    "overall.\n\nJuliet Winstanley Divisional Manager, CAA"
)
SEED_001 = (
    "Alexandra House 33 Kingsway London WC2B 6SE\n\nT 08456 404045 enquiries@ofsted.gov.uk "
    "www.ofsted.gov.uk\n\nMrs Ann Baxter Corporate Director, Children, Education and Social Care "
    "Stockton-on-Tees Borough Council Municipal Buildings Church Road Stockton-on-Tees TS18 1LD\n\n"
    "1 November 2006\n\nDear Mrs Baxter\n\n2006 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES FOR CHILDREN "
    "AND YOUNG PEOPLE IN STOCKTON-ON-TEES BOROUGH COUNCIL\n\nThis letter summarises the findings of the "
    "2006 annual performance assessment (APA) process for your local authority.\n\n"
    "There is considerable focus on health inequalities, especially via Sure Start and the established "
    "Children's Centres. The Youth Service is well funded.\n\n"
    "We confirm that the children's services grade will be published to the Audit Commission. The social "
    "care judgement is for CSCI information only.\n\nYours sincerely\n\nF.Hadney\n\nFLO HADLEY\n\n"
    "Divisional Manager Office for Standards in Education\n\nJONATHAN PHILLIPS\n\n"
    "Director – Quality, Performance and Methods Commission for Social Care Inspection"
)
SEED_002 = (
    "9 December 2009\n\nMr Mike Dillon\nDirector of Children's Services\nRedcar and Cleveland Borough "
    "Council\nSeafield House\nKirkleatham Street\nRedcar\nCleveland\nTS10 1SP\n\nDear Mr Dillon\n\n"
    "Children's services annual rating\n\nOfsted guidance published in May 2009 explained that the annual "
    "rating would derive from a new performance profile.\n\n4\tPerforms excellently\tAn organisation that "
    "significantly exceeds minimum requirements\n\nChildren's services rating\tPerforms well (3)\n\n"
    "Juliet Winstanley\nDivisional Manager, CAA"
)
SEED_003 = (
    "North East Connected\n\nHopping Across The North East From Hub To Hub\n\nBorough’s Children’s "
    "Services Among Countries Best\n\nStockton-on-Tees Borough Council\nStockton-on-Tees Borough Council\n\n"
    "“Services to safeguard and promote the welfare of children and young people in Stockton-on-Tees are "
    "good,” says Lead Inspector Tracey Metcalfe’s report.\n\nThe Council’s Cabinet Member for Children and "
    "Young People, Councillor Ann McCoy, said: “We’re hugely encouraged by the findings of this report.”\n\n"
    "The four week inspection of the Council’s children’s services was conducted between May 23 and "
    "June 16 under Ofsted’s single inspection framework.\n\nBy admin"
)
SEED_004 = (
    "STOCKTON-ON-TEES BOROUGH COUNCIL\n\nCABINET RECOMMENDATIONS\n\nPROFORMA\n\nCabinet Meeting .....17th "
    "December 2009\n\n1. Title of Item/Report\n\n2009 Annual Performance Rating of Children's Services\n\n"
    "2. Record of the Decision\n\nConsideration was given to a report on the 2009 Annual Performance Rating "
    "of Children's Services. Attached to the report was the letter from Ofsted that provided the 2009 "
    "rating for Children's Services in Stockton-on-Tees. The Council was rated as performing well.\n\n"
    "Performs excellently: an organisation that significantly exceeds minimum requirements\n\n"
    "RESOLVED that the report be received and the good outcome of the 2009 annual performance rating be "
    "noted.\n\n3. Reasons for the Decision\n\nThe Children's Services rating is reported to Cabinet as part "
    "of the arrangements for informing members of the outcomes of Comprehensive Area Assessment\n\n"
    "4. Alternative Options Considered and Rejected\n\nNone\n\n5. Declared (Cabinet Member) Conflicts of "
    "Interest\n\nNone\n\n6. Details of any Dispensations\n\nNot applicable\n\n7. Date and Time by which Call "
    "In must be executed\n\nNot later than Midnight on Tuesday, 29th December 2009\n\nProper Officer  \n"
    "21 December 2009"
)

SEED_CASES = [
    ("000", SEED_000, 2009, [("Juliet Winstanley", None, "Divisional Manager, CAA", [])]),
    ("001", SEED_001, 2006, [
        ("Ann Baxter", "Mrs", "Corporate Director, Children, Education and Social Care", []),
        ("Flo Hadley", None, "Divisional Manager, Office for Standards in Education", ["F.Hadney", "FLO HADLEY"]),
        ("Jonathan Phillips", None,
         "Director – Quality, Performance and Methods, Commission for Social Care Inspection", ["JONATHAN PHILLIPS"]),
    ]),
    ("002", SEED_002, 2009, [
        ("Mike Dillon", "Mr", "Director of Children's Services", []),
        ("Juliet Winstanley", None, "Divisional Manager, CAA", []),
    ]),
    ("003", SEED_003, None, [
        ("Tracey Metcalfe", None, "Lead Inspector", []),
        ("Ann McCoy", "Councillor", "Cabinet Member for Children and Young People", []),
    ]),
    ("004", SEED_004, 2009, []),
]


@pytest.mark.parametrize("seed, text, year, expected", SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_seed_people_exactly(nlp, seed, text, year, expected):
    assert summary(people(nlp, text, year)) == expected


@pytest.mark.parametrize("seed, text, year, expected", SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_every_person_has_a_person_entity(nlp, seed, text, year, expected):
    doc = nlp(text)
    spans = {(e.start, e.end) for e in entities_from_doc(doc) if e.label == "PERSON"}
    for person in people_from_doc(doc):
        assert (person.start, person.end) in spans
        assert " ".join(text[person.start:person.end].split()).title() == person.name.title()


# -- one family at a time: must find ----------------------------------------------------------

GOOD = [
    # titled names
    ("Mrs Ann Baxter Corporate Director, Children, Education and Social Care Stockton-on-Tees Borough Council",
     [("Ann Baxter", "Mrs", "Corporate Director, Children, Education and Social Care")]),
    ("Dr J. Smith, Chief Executive, said", [("J. Smith", "Dr", "Chief Executive")]),
    ("Cllr Mary O’Brien visited", [("Mary O’Brien", "Cllr", None)]),
    ("Councillor Ann McCoy, said:", [("Ann McCoy", "Councillor", None)]),
    ("Dear Ms Jones\n\nThank you.", [("Jones", "Ms", None)]),
    ("Professor Julian Le Grand chaired the review.", [("Julian Le Grand", "Professor", None)]),
    # role written before the name
    ("Lead inspector: Rachel Fairhurst, His Majesty’s Inspector", [("Rachel Fairhurst", None, "Lead Inspector")]),
    ("Lead inspector: Marie McGuinness Senior HMI", [("Marie McGuinness", None, "Lead Inspector")]),
    ("Deputy lead inspector: Dick O’Brien", [("Dick O’Brien", None, "Deputy Lead Inspector")]),
    ("says Lead Inspector Tracey Metcalfe’s report", [("Tracey Metcalfe", None, "Lead Inspector")]),
    ("the report by lead inspector Gary Lamb was", [("Gary Lamb", None, "Lead Inspector")]),
    ("Lead inspector: Pauline Higham\nHer Majesty's Inspector", [("Pauline Higham", None, "Lead Inspector")]),
    # inspector suffix
    ("Team inspectors: Caroline Walsh HMI, Tara Geere HMI, Cathy Blair AI",
     [("Caroline Walsh", None, "Team Inspector"), ("Tara Geere", None, "HMI"), ("Cathy Blair", None, "AI")]),
    ("Fiona Insley (OI) Claire Brown (HMI)", [("Fiona Insley", None, "OI"), ("Claire Brown", None, "HMI")]),
    ("Quality assurance manager: Jenny Turnross, Senior Her Majesty’s Inspector",
     [("Jenny Turnross", None, "Quality Assurance Manager")]),
    ("Ian Young, HMI", [("Ian Young", None, "HMI")]),
    # signature blocks
    ("Yours sincerely\n\nJuliet Winstanley\nDivisional Manager, CAA",
     [("Juliet Winstanley", None, "Divisional Manager, CAA")]),
    ("Yours faithfully\n\nPeter Green", [("Peter Green", None, None)]),
    ("JANE SMITH\nChief Executive", [("Jane Smith", None, "Chief Executive")]),
    ("Juliet Winstanley Divisional Manager, CAA", [("Juliet Winstanley", None, "Divisional Manager, CAA")]),
    ("Mr Mike Dillon\nDirector of Children's Services\nRedcar and Cleveland Borough Council",
     [("Mike Dillon", "Mr", "Director of Children's Services")]),
    # apposition
    ("The Council’s Cabinet Member for Children and Young People, Councillor Ann McCoy, said:",
     [("Ann McCoy", "Councillor", "Cabinet Member for Children and Young People")]),
    ("The Council has a new Director of Children’s Services, Sharon Muldoon and a new Service Director for "
     "Children, Young People and Families, Jane Anstis, who are leading the changes.",
     [("Sharon Muldoon", None, "Director of Children’s Services"),
      ("Jane Anstis", None, "Service Director for Children, Young People and Families")]),
    # names in passing in stories and minutes
    ("Steve Crocker, director of children’s services, said: “We are delighted.”",
     [("Steve Crocker", None, "director of children’s services")]),
    ("The department had appointed Eleanor Brazil as the commissioner for children’s services.",
     [("Eleanor Brazil", None, "commissioner for children’s services")]),
    ("Ofsted rated the board, chaired by Graham Bartlett, as good.", [("Graham Bartlett", None, None)]),
    ("Contact: Karen Mannering / Geoff Mills  (01622) 694367", [("Karen Mannering", None, "Contact"),
                                                                 ("Geoff Mills", None, "Contact")]),
    ("Team inspectors: Carolyn Spray, Jenny Turnross, Ali Mekki", [
        ("Carolyn Spray", None, "Team Inspector"), ("Jenny Turnross", None, "Team Inspector"),
        ("Ali Mekki", None, "Team Inspector")]),
    # accents and apostrophes
    ("Lead inspector: Máire Atherton", [("Máire Atherton", None, "Lead Inspector")]),
    ("Zoë O’Connor, chair of the board, said it was good.", [("Zoë O’Connor", None, "chair of the board")]),
]


@pytest.mark.parametrize("text, expected", GOOD)
def test_people_good(nlp, text, expected):
    assert [(p.name, p.title, p.role) for p in people(nlp, text)] == expected


# -- must not find ----------------------------------------------------------------------------

BAD = [
    "Proper Officer  \n21 December 2009",
    "Children's Services\nSure Start\nKey Stage 4",
    "Stockton-on-Tees Borough Council\nStockton-on-Tees Borough Council",
    "CABINET RECOMMENDATIONS\n\nPROFORMA",
    "North East Connected\n\nHopping Across The North East From Hub To Hub",
    "Being Healthy\n\nStaying Safe",
    "December 2009\nDirector of Children's Services",
    "The inspection team consisted of nine of Her Majesty’s Inspectors (HMI) from Ofsted.",
    "Leeds City Council Chief Executive",
    "Comprehensive Area Assessment Divisional Manager",
    "the lead inspector found that practice was good",
    "Redcar and Cleveland Borough Council\nSeafield House\nKirkleatham Street\nRedcar",
    "Key strengths\tKey areas for improvement",
    "Miss out on education",
    "Performance and Quality Manager, Resources Directorate",
    "The plan was chaired by the Leader of the Council.",
    "Children and Young People, Education and Skills, said the report.",
]


@pytest.mark.parametrize("text", BAD)
def test_people_bad(nlp, text):
    assert people(nlp, text) == []


# -- merging ----------------------------------------------------------------------------------

def test_same_name_repeated_is_one_person(nlp):
    text = "Lead inspector: Matt Reed\n\nMatt Reed HMI visited.\n\nLead inspector: Matt Reed"
    assert summary(people(nlp, text)) == [("Matt Reed", None, "Lead Inspector", [])]


def test_dear_surname_joins_the_full_name_even_when_written_first(nlp):
    text = "Dear Mrs Baxter\n\nThanks.\n\nMrs Ann Baxter Corporate Director"
    assert summary(people(nlp, text)) == [("Ann Baxter", "Mrs", "Corporate Director", [])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Yours sincerely\n\nF.Hadney\n\nFLO HADLEY\n\nDivisional Manager",
         [("Flo Hadley", None, "Divisional Manager", ["F.Hadney", "FLO HADLEY"])]),
        ("Yours sincerely\n\nJONATHAN PHILLIPS\n\nDirector\n\nJonathan Phillips",
         [("Jonathan Phillips", None, "Director", ["JONATHAN PHILLIPS"])]),
        # an initial that does not fit stays a person of its own
        ("Yours sincerely\n\nK.Hadney\n\nFLO HADLEY\n\nDivisional Manager",
         [("K.Hadney", None, None, []), ("Flo Hadley", None, "Divisional Manager", ["FLO HADLEY"])]),
    ],
)
def test_signature_variants_merge_by_initial_and_fuzzy_surname(nlp, text, expected):
    assert summary(people(nlp, text)) == expected


def test_different_people_with_one_surname_stay_apart(nlp):
    text = "Lead inspector: Anne Smith\n\nDeputy lead inspector: John Smith"
    assert [p.name for p in people(nlp, text)] == ["Anne Smith", "John Smith"]


def test_a_one_word_council_inside_a_name_gives_way_to_the_person(nlp):
    doc = nlp("Team inspectors: Mary Sutton HMI, Rob Kent HMI")
    assert [p.name for p in people_from_doc(doc)] == ["Mary Sutton", "Rob Kent"]
    assert [e.label for e in entities_from_doc(doc) if e.text in ("Mary Sutton", "Rob Kent")] == ["PERSON", "PERSON"]


@pytest.mark.parametrize("text, expected", [
    # minutes and news name officers with their office after a bracket or a comma
    ("Carole Burgoyne (Strategic Director for People) submitted a written report.",
     [("Carole Burgoyne", "Strategic Director for People")]),
    ("Mac Heath (Head of Children and Families Services) introduced himself to the Commission.",
     [("Mac Heath", "Head of Children and Families Services")]),
    ("a message from one of our Lead Partners, Deb Austin (Corporate Director, Families, Children & Learning "
     "Services at the council) regarding the inspection.",
     [("Deb Austin", "Corporate Director, Families, Children & Learning Services")]),
    # not a person: a body or a place before an office
    ("The Children and Young People Scrutiny Panel (Chair of the Panel) met.", []),
    ("Brighton and Hove, Head of Service for Schools, reported.", []),
])
def test_a_name_then_its_office(nlp, text, expected):
    assert [(p.name, p.role) for p in people(nlp, text)] == expected
