"""Cleaning rules: each damage pattern, repaired or set aside, with content kept."""
import pytest

from extractors.cleaning import boilerplate_kind, clean_pages, normalise_line
from extractors.records import RawPage


@pytest.mark.parametrize("line, kind", [
    ("PROTECT: INSPECTION", "protective_marking"),
    ("OFFICIAL-SENSITIVE", "protective_marking"),
    ("Making Social Care Better for People", "slogan"),
    ("Better education and care", "slogan"),
    ("Alexandra House 33 Kingsway London WC2B 6SE", "letterhead"),
    ("T 08456 404045 enquiries@ofsted.gov.uk www.ofsted.gov.uk", "letterhead"),
    ("----------------------------\t---------------", "table_rule"),
    ("1", "footnote_marker"),
    ("• Tue. Apr 16th, 2024", "web_banner"),
])
def test_boilerplate_lines_are_recognised(line, kind):
    assert boilerplate_kind(line) == kind


@pytest.mark.parametrize("line", [
    "Protect children from harm.",
    "Being healthy",
    "The rating for children's services in Stockton-on-Tees Borough Council is that it performs well.",
    "2006 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES FOR CHILDREN",
    "1 November 2006",
    "Children's services rating\tPerforms well",
])
def test_content_lines_are_not_boilerplate(line):
    assert boilerplate_kind(line) is None


@pytest.mark.parametrize("raw, clean", [
    ("The contribution of <i>the local authority's</i> services", "The contribution of the local authority's services"),
    ("**Municipal Buildings** Church Road", "Municipal Buildings Church Road"),
    ("Areas for judgement\tGrade awarded ¹", "Areas for judgement\tGrade awarded"),
    ("  too   many    spaces  ", "too many spaces"),
    ("a\t  b  \t c\t", "a\tb\tc"),
])
def test_line_damage_is_repaired(raw, clean):
    assert normalise_line(raw) == clean


def clean(text: str, layout: bool = False) -> str:
    return clean_pages([RawPage(1, text)], layout=layout).text


@pytest.mark.parametrize("raw, expected", [
    # a paragraph broken by a page break mid-sentence is joined
    ("There is good partnership working\n\n\n\nand a commitment to sharing.", "There is good partnership working and a commitment to sharing."),
    # separate paragraphs stay separate
    ("First paragraph.\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
    # an address block keeps its lines
    ("Mr Mike Dillon\nDirector of Children's Services\nSeafield House", "Mr Mike Dillon\nDirector of Children's Services\nSeafield House"),
    # table rows stay rows
    ("Grade\tService descriptors\n4\tA service that delivers", "Grade\tService descriptors\n4\tA service that delivers"),
    # mojibake is repaired
    ("Borough\u00e2\u20ac\u2122s children", "Borough’s children"),
])
def test_paragraphs(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    # a hyphen at a line end is dropped where the joined word is a word...
    ("The service has improved its assess-\nment of risk for all children in the area today", "assessment"),
    # ...and kept where it is part of a compound
    ("Children get help from a well-\nestablished multi-agency team of social workers today", "well-established"),
])
def test_line_end_hyphens(raw, expected):
    assert expected in clean(raw, layout=True)


def test_pdf_lines_join_into_paragraphs_but_short_lines_stay():
    page = ("Services to safeguard and promote the welfare of children and young people in \n"
            "Stockton-on-Tees are good. Highly effective leadership from the director sets clear \n"
            "priorities and aspirations to improve outcomes for children.\n"
            "Executive summary\n")
    text = clean(page, layout=True)
    assert text.startswith("Services to safeguard and promote the welfare of children and young people in Stockton-on-Tees are good.")
    assert text.endswith("\n\nExecutive summary")


def test_pages_keep_spans_and_offsets_map_back():
    cleaned = clean_pages([RawPage(1, "First page ends here."), RawPage(2, "Second page.")], layout=True)
    assert cleaned.text == "First page ends here.\n\nSecond page."
    assert [(p.number, cleaned.text[p.start:p.end]) for p in cleaned.pages] == [(1, "First page ends here."), (2, "Second page.")]
    assert cleaned.page_at(cleaned.text.index("Second")) == 2
    assert cleaned.page_at(0) == 1


def test_removed_boilerplate_is_kept_with_its_page():
    cleaned = clean_pages([RawPage(3, "PROTECT: INSPECTION\nContent.")])
    assert cleaned.text == "Content."
    assert [(b.kind, b.text, b.page) for b in cleaned.boilerplate] == [("protective_marking", "PROTECT: INSPECTION", 3)]
