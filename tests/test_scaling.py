"""Extraction's cost grows with the document, not with its square: counted, never timed.

Work is counted as Python lines executed in ``extractors/`` (deterministic), sections read, or
characters copied, for a real report's text repeated; doubling the text must about double it.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from extractors import judgements
from extractors.judgements import document_rules, find_judgements, iter_lines
from extractors.records import Section
from extractors.sections import SectionIndex, section_at, split_sections

from .conftest import RAW_DIR

EXTRACTORS = str(Path(judgements.__file__).resolve().parents[1])


def lines_executed(function) -> int:
    """Python lines run in extractors/ while ``function`` runs."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(EXTRACTORS) else None

    sys.settrace(calls)
    try:
        function()
    finally:
        sys.settrace(None)
    return count


@pytest.fixture(scope="module")
def report_text(extractor):
    result = extractor.extract(RAW_DIR / "stockton_2016_sif_inspection_report.pdf")
    assert result.error is None and len(result.sections) > 10
    return result.clean_text


def judgement_work(text: str, copies: int) -> int:
    document = "\n\n".join([text] * copies)
    sections = split_sections(document, "inspection_report")
    return lines_executed(lambda: find_judgements(document, sections, doc_type="inspection_report",
                                                  framework="sif", year=2016, council=None))


def test_judgement_rules_do_twice_the_work_for_twice_the_text(report_text):
    judgement_work(report_text, 1)  # patterns compiled once, outside the counts
    once, twice = judgement_work(report_text, 2), judgement_work(report_text, 4)
    # Looking up each line's section by scanning every section made this 2.5 (and growing).
    assert twice / once < 2.2


class CountingSection:
    """A section that counts reads of its fields."""

    reads = 0

    def __init__(self, section: Section):
        self._section = section

    def __getattr__(self, name):
        CountingSection.reads += 1
        return getattr(self._section, name)


def test_each_line_reads_a_bounded_number_of_sections():
    text = "\n".join(f"Line {n} of the text" for n in range(2000))
    starts = [m for m in range(0, len(text), len(text) // 500)][:500]
    sections = [CountingSection(Section("body", None, start, end - 1))
                for start, end in zip(starts, starts[1:] + [len(text) + 1])]
    CountingSection.reads = 0
    segments = list(iter_lines(text, sections))
    assert len(segments) == 2000
    assert CountingSection.reads < 6 * (len(segments) + len(sections))  # scanning them all: 1,500,000


def test_the_index_finds_the_section_a_scan_finds():
    rng = random.Random(8)
    ordered, position = [], 0
    for _ in range(60):
        start = position + rng.randrange(0, 5)
        end = start + rng.randrange(0, 30)  # some empty: a zero-length section still holds its start
        ordered.append(Section("s", None, start, end))
        position = max(end, start + 1)
    shuffled = ordered[:]
    rng.shuffle(shuffled)
    overlapping = ordered + [Section("wide", None, 10, 400)]
    for sections in (ordered, shuffled, overlapping, []):
        index = SectionIndex(sections)
        for offset in range(-2, position + 3):
            assert index.at(offset) is section_at(sections, offset)


class CountingText(str):
    """A text that counts the characters copied out of it by slicing."""

    copied = 0

    def __getitem__(self, key):
        part = str.__getitem__(self, key)
        CountingText.copied += len(part)
        return part


def test_splitting_sections_copies_the_text_about_once(report_text):
    text = CountingText("\n\n".join([report_text] * 4))
    CountingText.copied = 0
    sections = split_sections(text, "inspection_report")
    assert len(sections) > 40
    # Each section's end was found by stripping a copy of everything before it: 22 copies here.
    assert CountingText.copied < 2 * len(text)
    assert sections == split_sections(str(text), "inspection_report")


def test_a_line_just_after_an_earlier_inspections_list_is_not_the_reports_own():
    cue_ends = [100, 2000, 2100]
    reach = document_rules.EARLIER_JUDGEMENTS_REACH
    for offset in range(0, 4000, 7):
        expected = any(0 <= offset - cue < reach for cue in cue_ends)
        assert document_rules._follows_cue(cue_ends, offset) is expected
