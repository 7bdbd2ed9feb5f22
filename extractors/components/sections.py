"""The document's sections (``extractors.sections``): ``doc._.sections``, a list of ``Section``
records whose character offsets are exact (a span would round them to tokens), in order. For a
PDF the pipeline puts the headings its typography shows in ``doc.user_data["headings"]``; a text
without them is split at the heading lines the vocabulary knows."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..sections import split_sections
from .spans import check_deadline, doc_text

# The headings a PDF's typography shows (``CleanText.headings``), when the pipeline has them.
HEADINGS_KEY = "headings"

if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


class SectionsComponent:
    """Splits the text at its headings and labels each section (after ``doc._.doc_type``, if set)."""

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "splitting sections")
        doc._.sections = split_sections(doc_text(doc), doc._.doc_type, doc.user_data.get(HEADINGS_KEY))
        return doc


@Language.factory("ofsted_sections", default_config={})
def make_sections(nlp: Language, name: str) -> SectionsComponent:
    """Factory: sections with canonical labels from ``patterns/sections_v1.jsonl``."""
    return SectionsComponent()
