"""Headings from a PDF's typography: styles read from the text layer, headings told from body text,
wrapped headings joined, and sections nested by level with the grade their heading states."""
from __future__ import annotations

import pytest

from extractors.cleaning import clean_pages
from extractors.pdf_reader import read_pdf
from extractors.records import LineStyle
from extractors.sections import label_heading, split_sections
from tests.test_pdf_reader import _assemble

BODY = "Children are seen regularly and their plans are reviewed by managers who know them well."


def styled_pdf(pages: list[list[tuple[str, float, bool]]]) -> bytes:
    """A PDF whose lines are (text, size, bold), in Helvetica and Helvetica-Bold."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    for index, lines in enumerate(pages):
        operators, y = ["BT"], 760
        for text, size, bold in lines:
            y -= size * 1.6 if text else 14
            if not text:
                continue
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operators.append(f"/F{2 if bold else 1} {size} Tf 1 0 0 1 72 {y:.0f} Tm ({escaped}) Tj")
        operators.append("ET")
        stream = "\n".join(operators).encode("latin-1")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % (6 + 2 * index))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    return _assemble(objects)


def body(lines: int = 6) -> list[tuple[str, float, bool]]:
    return [(BODY, 11, False)] * lines


REPORT = [
    [("Inspection of Anytown local authority childrens services", 24, False),
     ("Inspection dates: 6 to 17 March 2023", 11, True),
     ("Judgement Grade", 11, True),
     *body(3)],
    [("Contents", 24, False),
     ("Executive summary 3", 14, False), ("Recommendations 4", 14, False), ("The experiences and progress 5", 14, False),
     *body(2)],
    [("The experiences and progress of children who need help and", 14, True),
     ("protection: requires improvement to be good", 14, True),
     *body(4),
     ("Inspection findings", 11, True),
     *body(4),
     ("This is a sentence printed in bold.", 11, True),
     *body(2)],
    [("The experiences and progress of care leavers", 14, True),
     ("", 0, False),
     ("Good", 14, False),
     *body(5),
     ("What needs to improve?", 14, True),
     *body(3)],
]


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory):
    path = tmp_path_factory.mktemp("typography") / "report.pdf"
    path.write_bytes(styled_pdf(REPORT))
    return read_pdf(path)


def test_each_line_keeps_the_style_of_its_first_letter(report_pages):
    styles = report_pages[0].styles
    assert styles["Inspection of Anytown local authority childrens services"] == LineStyle(24.0, False)
    assert styles["Judgement Grade"] == LineStyle(11.0, True)
    assert styles[BODY] == LineStyle(11.0, False)


def test_headings_are_told_from_body_text_and_joined_where_they_wrap(report_pages):
    cleaned = clean_pages(report_pages, layout=True)
    headings = [(cleaned.text[h.start:h.end], h.level, h.page) for h in cleaned.headings]
    assert headings == [
        ("Inspection of Anytown local authority childrens services", 1, 1),
        ("Judgement Grade", 4, 1),
        ("The experiences and progress of children who need help and protection: requires improvement to be good", 2, 3),
        ("Inspection findings", 4, 3),
        ("The experiences and progress of care leavers Good", 2, 4),
        ("What needs to improve?", 2, 4),
    ]
    # must not: a labelled field, a contents page (its entries are printed like headings), a sentence in bold
    assert "Inspection dates: 6 to 17 March 2023" not in [h for h, _, _ in headings]
    assert not any(h in ("Contents", "Executive summary") or "printed in bold" in h for h, _, _ in headings)


def test_sections_nest_by_level_and_keep_their_headings_grade(report_pages):
    cleaned = clean_pages(report_pages, layout=True)
    sections = split_sections(cleaned.text, "inspection_report", cleaned.headings)
    cleaned.assign_pages(sections)
    rows = [(s.number, s.label, s.level, s.parent, s.grade, s.page, s.page_end) for s in sections]
    assert rows == [
        (1, "title", 1, None, None, 1, 4),
        (2, "judgements", 4, 0, None, 1, 2),
        (3, "help_and_protection", 2, 0, "requires improvement to be good", 3, 3),
        (4, "findings", 4, 2, None, 3, 3),
        (5, "care_leavers", 2, 0, "Good", 4, 4),
        (6, "recommendations", 2, 0, None, 4, 4),
    ]
    # a parent runs over its nested sections; a line is in the innermost section holding it
    assert sections[2].start < sections[3].start < sections[3].end <= sections[2].end
    from extractors.sections import SectionIndex

    index = SectionIndex(sections)
    assert index.at(sections[3].start + 5).label == "findings"
    assert index.at(sections[2].start + 5).label == "help_and_protection"
    assert index.at(sections[0].start).label == "title"


@pytest.mark.parametrize("heading, label, grade", [
    ("The experiences and progress of children who need help and protection: good", "help_and_protection", "good"),
    ("The experiences and progress of children looked after and achieving permanence Requires improvement",
     "children_in_care", "Requires improvement"),
    ("Leadership, management and governance are inadequate", "leadership", "inadequate"),
    ("The graded judgement for adoption performance is that it is good.", "adoption", "good"),
    ("The graded judgment about the experience and progress of care leavers is that it requires improvement",
     "care_leavers", "requires improvement"),
    ("The effectiveness of the LSCB is inadequate", "lscb", "inadequate"),
    ("Overall effectiveness Grade 4 (inadequate)", "summary", "inadequate"),
    ("Children’s services in Anytown Borough Council are inadequate", "overall", "inadequate"),
    ("Re-inspection of services for children in need of help and protection", "title", None),
    ("Inspection findings", "findings", None),
    ("What needs to improve in this local authority?", "recommendations", None),
    # focused and monitoring visits
    ("Focused visit to Anytown local authority children’s services", "title", None),
    ("Monitoring visit to Anytown children’s services", "title", None),
    ("Areas for priority action", "recommendations", None),
    ("What needs to improve in this area of social work practice", "recommendations", None),
    ("Findings and evaluation of progress", "findings", None),
    # 2013 inspections of looked after children
    ("Outcomes for looked after children and young people Grade 3 (Adequate)", "outcomes", "Adequate"),
    # must not: a heading the vocabulary does not know keeps its text, labelled other
    ("The practice framework used in this area", "other", None),
    ("Good", "other", None),
])
def test_a_heading_is_labelled_and_its_grade_read(heading, label, grade):
    assert label_heading(heading) == (label, grade)


def test_text_files_keep_the_line_route():
    text = "Being healthy\n\nChildren are healthy.\n\nStaying safe\n\nChildren are safe."
    sections = split_sections(text, "apa_letter")
    assert [(s.label, s.level, s.parent) for s in sections] == [("being_healthy", None, None),
                                                                 ("staying_safe", None, None)]


@pytest.mark.parametrize("table, expected", [
    # no table: the heading's grade is the area's judgement, read as heading evidence
    ("", [("care_leavers", 3, "heading")]),
    # the table says otherwise: the table stays the judgement
    ("Judgement Grade\nThe experiences and progress of care leavers\tRequires improvement to be good\n\n",
     [("care_leavers", 2, "table")]),
])
def test_a_headings_grade_is_second_evidence(table, expected):
    from extractors.judgements import find_judgements
    from extractors.records import Section

    heading = "The experiences and progress of care leavers: good"
    text = table + heading + "\n\nCare leavers are supported well."
    sections = [Section("care_leavers", heading, text.index(heading), len(text), level=2, grade="good")]
    found = find_judgements(text, sections, doc_type="inspection_report", framework="ilacs", year=2023, council=None)
    assert [(j.area, j.score, j.evidence) for j in found] == expected
