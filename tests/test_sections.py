"""Heading vocabulary matching: robust to case, punctuation, numbering and OCR damage."""
import pytest

from extractors.sections import classify_heading, split_sections
from extractors.vocab import PatternFileError, parse_vocabulary


@pytest.mark.parametrize("line, label", [
    ("Being healthy", "being_healthy"),
    ("BEING HEALTHY", "being_healthy"),
    ("Being heallhy", "being_healthy"),  # OCR damage
    ("Achieving economic well-being", "economic_wellbeing"),
    ("Achieving economic wellbeing", "economic_wellbeing"),
    ("The council’s management of its services for children and young people, including its capacity to improve them further", "service_management"),
    ("Key strengths and areas for improvement", "strengths_and_improvements"),
    ("Aspects for focus in a future joint area review or the next APA", "future_focus"),
    ("2. Record of the Decision", "decision_record"),
    ("What needs to improve?", "recommendations"),
    ("The experiences and progress of children who need help and protection: good", "help_and_protection"),
    ("Executive summary", "summary"),
])
def test_headings(line, label):
    assert classify_heading(line)[0] == label


@pytest.mark.parametrize("line", [
    "Being healthy: the health of looked after children\tBeing healthy: teenage conception rate",  # a table row
    "The contribution of the council's children's services towards improving the health of children is good.",
    "Staying safe is a priority for the council and its partners in every school.",
    "being healthy",  # a heading starts with a capital
    "Summary of the weather in Teesside during the inspection weeks of May and June",
    "Summary of findings 3",  # a contents-page entry
    "",
])
def test_not_headings(line):
    assert classify_heading(line) is None


def test_sections_span_to_the_next_heading():
    text = "Dear Mrs Baxter\n\nSummary\n\nAll good.\n\nBeing healthy\n\nThe contribution is good."
    sections = split_sections(text)
    assert [(s.label, s.heading, text[s.start:s.end]) for s in sections] == [
        ("preamble", None, "Dear Mrs Baxter"),
        ("summary", "Summary", "Summary\n\nAll good."),
        ("being_healthy", "Being healthy", "Being healthy\n\nThe contribution is good."),
    ]


def test_a_letter_without_headings_gets_its_body_classified():
    text = "The rating for children's services in Stockton-on-Tees is that it performs well."
    assert [(s.label, s.start, s.end) for s in split_sections(text, "annual_rating_letter")] == [("rating", 0, len(text))]


@pytest.mark.parametrize("lines, message", [
    (['{"label": "x"}'], "missing key 'headings'"),
    (['{"label": "x", "headings": "Summary"}'], "'headings' must be list"),
    (['{"label": "x", "headings": [""]}'], "list of non-empty strings"),
    (["not json"], "not valid JSON"),
    (["[1, 2]"], "expected an object"),
    ([], "no patterns"),
])
def test_bad_section_patterns_are_rejected_with_file_and_line(lines, message):
    with pytest.raises(PatternFileError, match=message) as error:
        parse_vocabulary("sections", lines, "sections_v9.jsonl")
    assert "sections_v9.jsonl" in str(error.value)
