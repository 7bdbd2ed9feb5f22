"""The document's own facts, from its clean text: type, framework, date and year, and for
Ofsted's reports and visits the inspection dates, publication date and lead inspector.

Set on ``doc._.doc_type``, ``doc._.framework``, ``doc._.document_date`` (a ``date``),
``doc._.year``, ``doc._.assessed_year`` (the year of the inspection a second-hand text restates,
where it says; a report's or letter's own year) and ``doc._.report_metadata`` (a dict of ISO dates and the lead inspector's
name); the year also goes to ``doc.user_data["year"]``, which the council component reads to
pick the register row of that year. The rules are ``extractors.classify``'s decision lists.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from models.vocabulary import OFSTED_REPORT_DOC_TYPES, RESTATING_DOC_TYPES, framework_for_year

from ..classify import classify, find_assessed_year, find_report_metadata
from .spans import check_deadline, doc_text

EXTENSIONS = ("doc_type", "framework", "document_date", "year", "assessed_year", "report_metadata")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class DocumentComponent:
    """Classifies the document and reads its report metadata."""

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "classifying")
        text = doc_text(doc)
        kind = classify(text)
        metadata = find_report_metadata(text) if kind.doc_type in OFSTED_REPORT_DOC_TYPES else {}
        # A report's year is its inspection's, the year fieldwork began (an inspection in November
        # 2022 published in January 2023 is 2022): the year its publication date gives is not it,
        # and a report dated by nothing else would take the year of whatever date it cites first.
        fieldwork = metadata.get("inspection_start") or metadata.get("inspection_end")
        year = int(fieldwork[:4]) if fieldwork else kind.year
        doc._.doc_type = kind.doc_type
        doc._.document_date = kind.document_date
        doc._.year = year
        # A text that restates an inspection is dated by its meeting or its page; its judgements
        # are of the year the inspection was, where it says.
        restating = kind.doc_type in RESTATING_DOC_TYPES
        doc._.assessed_year = find_assessed_year(text, kind.document_date) if restating else year
        # A text that names no framework restates one of its inspection's year's.
        if restating and kind.framework is None:
            kind.framework = framework_for_year(doc._.assessed_year or year)
        doc._.framework = kind.framework
        doc._.report_metadata = metadata
        doc.user_data["year"] = year
        return doc


@Language.factory("ofsted_document", default_config={})
def make_document(nlp: Language, name: str) -> DocumentComponent:
    """Factory: the document's type, framework, date, year and report metadata."""
    return DocumentComponent()
