"""Helpers shared by the components: character spans to ``doc.ents``."""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def char_span(doc: Doc, start: int, end: int, label: str, kb_id: str = "") -> Span | None:
    """A token-aligned span for a character range (shrunk to whole tokens, else widened)."""
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="contract")
    if span is None or not len(span):
        span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    return span if span is not None and len(span) else None


def add_ents(doc: Doc, spans: Iterable[Span]) -> None:
    """Merge new spans into ``doc.ents``: the longest wins, an existing entity wins a tie."""
    new = list(spans)
    if new:
        doc.ents = filter_spans(list(doc.ents) + new)


def leading_stop_offset(surface: str, words: frozenset[str]) -> int:
    """Offset past leading stop words ("The Children Act 1989" -> 4)."""
    pos = 0
    while True:
        space = surface.find(" ", pos)
        if space == -1 or surface[pos:space] not in words:
            return pos
        pos = space + 1


TEXT_KEY = "_ofsted_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc and shared by the components (it rebuilds from tokens)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None or not len(doc) or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


DEADLINE_KEY = "_ofsted_deadline"


def check_deadline(doc: Doc, stage: str) -> None:
    """Stop if the document's time limit has passed (``Extractor`` puts its ``Deadline`` in
    ``doc.user_data``; a doc made by anyone else has none)."""
    deadline = doc.user_data.get(DEADLINE_KEY)
    if deadline is not None:
        deadline.check(stage)


def release_text(doc: Doc) -> None:
    """Drop the shared text copy (the last component calls this: user_data is serialised)."""
    doc.user_data.pop(TEXT_KEY, None)


def starts_inside_word(text: str, pos: int) -> bool:
    """True when a match at ``pos`` would begin in the middle of a word ("ay 2009" in "Bay 2009")."""
    return pos > 0 and text[pos].isalnum() and (text[pos - 1].isalnum() or text[pos - 1] == "_")
