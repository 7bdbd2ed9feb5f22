"""Tests for extractors.furniture.strip_page_furniture, modelled on the three report families."""
from __future__ import annotations

import random

import pytest

from extractors.furniture import strip_page_furniture
from extractors.records import Boilerplate

VOCABULARY = (
    "children families social workers managers leaders plans visits care leavers partners "
    "assessments risks help protection reviews schools health police court placements "
    "support oversight quality timely effective consistent improving strong weak"
).split()


def body(page: int) -> list[str]:
    """Five content lines for a page, different on every page (as report prose is)."""
    rng = random.Random(page)
    return [
        f"{page * 10 + i}. " + " ".join(rng.choice(VOCABULARY) for _ in range(9)) + "."
        for i in range(5)
    ]


def removed(boilerplate: list[Boilerplate]) -> list[tuple[str, str, int | None]]:
    return [(item.kind, item.text, item.page) for item in boilerplate]


def test_sif_page_number_on_first_line_of_every_page():
    # SIF 2014-18 and ILACS 2018-20: the first line of every page is the page number.
    pages = [[str(n), *body(n)] for n in range(1, 11)]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [body(n) for n in range(1, 11)]
    assert removed(boilerplate) == [("page_number", str(n), n) for n in range(1, 11)]


def test_ilacs_two_line_header_with_page_number_appended():
    # ILACS 2022-26: pages 2+ start with the title and "<dates> <page number>".
    title = "Inspection of Kent local authority children’s services"
    cover = ["Inspection of Kent local authority", "children’s services", *body(1)]
    pages = [cover] + [[title, f"3 to 7 November 2025 {n}", *body(n)] for n in range(2, 13)]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [cover] + [body(n) for n in range(2, 13)]
    assert len(boilerplate) == 22
    assert {item.kind for item in boilerplate} == {"running_header"}
    assert removed(boilerplate)[:2] == [
        ("running_header", title, 2),
        ("running_header", "3 to 7 November 2025 2", 2),
    ]


def test_2013_title_with_page_number_counted_after_two_cover_pages():
    cover = ["Inspection of looked after children", "services", "Norfolk County Council"]
    rights = ["© Crown copyright 2013", "Website: www.ofsted.gov.uk"]
    header = "Norfolk County Council Inspection of looked after children services {}"
    pages = [cover, rights] + [[header.format(n - 2), *body(n)] for n in range(3, 24)]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [cover, rights] + [body(n) for n in range(3, 24)]
    assert removed(boilerplate)[0] == ("running_header", header.format(1), 3)
    assert len(boilerplate) == 21


def test_running_footer_and_page_of_total():
    footer = "Ofsted report: Kent children’s services"
    pages = [[*body(n), footer, f"Page {n} of 6"] for n in range(1, 7)]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [body(n) for n in range(1, 7)]
    assert removed(boilerplate)[:2] == [
        ("running_footer", "Ofsted report: Kent children’s services", 1),
        ("page_number", "Page 1 of 6", 1),
    ]


def test_alternating_headers_on_odd_and_even_pages():
    pages = [
        [("Kent County Council" if n % 2 else "Children’s services inspection"), *body(n)]
        for n in range(1, 21)
    ]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [body(n) for n in range(1, 21)]
    assert {item.kind for item in boilerplate} == {"running_header"}


def test_page_numbers_with_offset_from_unnumbered_cover():
    pages = [["Cover title", "Published 2015"]] + [[*body(n), f"- {n - 1} -"] for n in range(2, 12)]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [["Cover title", "Published 2015"]] + [body(n) for n in range(2, 12)]
    assert all(item.kind == "page_number" for item in boilerplate)


@pytest.mark.parametrize(
    "pages",
    [
        # A heading at the top of two of ten pages is content.
        [(["Inspection findings"] if n in (3, 7) else []) + body(n) for n in range(1, 11)],
        # "(Recommendation)" ends a paragraph at the bottom of three of twenty pages.
        [body(n) + (["(Recommendation)"] if n in (4, 9, 15) else []) for n in range(1, 21)],
        # Footnotes at page bottoms, with their marker on its own line.
        [
            body(n) + ([str(n - 1), "These are special schools."] if n in (3, 4) else [])
            for n in range(1, 11)
        ],
        [
            body(1)
            + ["1 Ofsted produces this report under its power to combine reports in accordance"]
        ]
        + [body(n) for n in range(2, 11)],
        # A numbered list item at the top of pages is not a page number.
        [["1. Strengthen management oversight", *body(n)] for n in (1, 2)],
    ],
    ids=["heading-twice", "recommendation-thrice", "footnote-markers", "footnote", "list-item"],
)
def test_genuine_content_is_kept(pages):
    kept, boilerplate = strip_page_furniture(pages)

    assert kept == pages
    assert boilerplate == []


@pytest.mark.parametrize(
    ("pages", "expected_kept", "expected_removed"),
    [
        ([["1", "Only page"]], [["Only page"]], [("page_number", "1", 1)]),
        ([["Only page", "Page 1"]], [["Only page"]], [("page_number", "Page 1", 1)]),
        # A number that is not this page's number stays.
        ([["5", "Only page"]], [["5", "Only page"]], []),
        # Two pages: the title on both is not enough to call it furniture.
        (
            [["Kent report", "first", "1"], ["Kent report", "second", "2"]],
            [["Kent report", "first"], ["Kent report", "second"]],
            [("page_number", "1", 1), ("page_number", "2", 2)],
        ),
        # A lone number deeper in a short page is content (a table cell, a footnote marker).
        ([["Heading", "2", "text", "more"], ["b"]], [["Heading", "2", "text", "more"], ["b"]], []),
    ],
    ids=["top-number", "page-label", "other-number", "two-pages", "inner-number"],
)
def test_short_documents(pages, expected_kept, expected_removed):
    kept, boilerplate = strip_page_furniture(pages)

    assert kept == expected_kept
    assert removed(boilerplate) == expected_removed


def test_three_pages_numbered_title_on_two_pages():
    title = "Inspection of Kent local authority children’s services"
    pages = [["Cover", *body(1)], [f"{title} 2", *body(2)], [f"{title} 3", *body(3)]]

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [["Cover", *body(1)], body(2), body(3)]
    assert [item.kind for item in boilerplate] == ["running_header", "running_header"]


def test_blank_lines_and_empty_pages_survive():
    pages = [["3", "", *body(n), ""] for n in range(1, 6)]
    pages[2] = []
    for n, page in enumerate(pages, start=1):
        if page:
            page[0] = str(n)

    kept, boilerplate = strip_page_furniture(pages)

    assert kept[2] == []
    assert kept[0] == ["", *body(1), ""]
    assert [item.page for item in boilerplate] == [1, 2, 4, 5]


def test_headers_match_despite_spacing_and_digits():
    pages = [[f"Inspection of  Leeds   services {n}", *body(n)] for n in range(1, 8)]
    pages[3][0] = "Inspection of Leeds services 4 "

    kept, boilerplate = strip_page_furniture(pages)

    assert kept == [body(n) for n in range(1, 8)]
    assert len(boilerplate) == 7


def test_empty_document():
    assert strip_page_furniture([]) == ([], [])
