"""Graded judgements as spans: ``doc.spans["judgements"]``, one span per judgement the document
states, labelled with its area, over the evidence the rule read ("Overall effectiveness Good",
"Children's services in X are good").

Each span carries the judgement on its extensions: ``area``, ``grade_label`` (as written),
``scale``, ``grade`` (on that scale; None for Ofsted's words-only scale), ``score`` (4 = best),
``year``, ``council`` and ``council_gss``, ``framework``, ``evidence`` (table or prose) and
``judgement`` (the ``Judgement`` record, whose offsets are exact where the span rounds them to
tokens). ``doc._.judgements`` lists the records in text order. The rules are the table of
``extractors.judgements.rules``, run on the document's type, framework, year, sections and
council as the components before this one set them. displaCy draws the evidence:
``displacy.render(doc, style="span", options={"spans_key": "judgements"})``.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..judgements import find_judgements
from ..judgements.restatements import RestatementMatcher, load_restatement_rules
from ..judgements.rules import RESTATEMENT_DOC_TYPES
from .local_authorities import MENTIONS_KEY
from .spans import char_span, check_deadline, doc_text

SPANS_KEY = "judgements"
SPAN_EXTENSIONS = ("area", "grade_label", "scale", "grade", "score", "year", "council", "council_gss",
                   "framework", "evidence", "judgement")
for _name in SPAN_EXTENSIONS:
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
if not Doc.has_extension("judgements"):
    Doc.set_extension("judgements", default=None)


class JudgementsComponent:
    """Finds every judgement the document states, each once."""

    def __init__(self, nlp: Language, restatements_file: str):
        self.vocab = nlp.vocab
        self.restatements_file = restatements_file
        self.restatements: RestatementMatcher | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   restatements_file: str | None = None) -> None:
        """Load and validate the token patterns (``patterns/restatements_v1.jsonl`` by default);
        a malformed file raises ``PatternFileError`` naming its line."""
        self.restatements_file = restatements_file or self.restatements_file
        self.restatements = RestatementMatcher(self.vocab, load_restatement_rules(self.restatements_file))

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "finding judgements")
        if self.restatements is None:
            self.initialize()
        council, doc_type, text = doc._.council, doc._.doc_type or "other", doc_text(doc)
        year = doc._.assessed_year if doc._.doc_type is not None else doc._.year
        more = (self.restatements.candidates(doc, text, framework=doc._.framework, year=year)
                if doc_type in RESTATEMENT_DOC_TYPES else ())
        records = find_judgements(text, doc._.sections or [], doc_type=doc_type,
                                  framework=doc._.framework, year=year, council=council, more=more,
                                  mentions=doc.user_data.get(MENTIONS_KEY, ()))
        doc._.judgements = records
        spans = []
        for record in records:
            span = char_span(doc, record.start, record.end, record.area)
            if span is None:
                continue
            for name, value in (("area", record.area), ("grade_label", record.label), ("scale", record.scale),
                                ("grade", record.grade), ("score", record.score), ("year", record.year),
                                ("council", record.local_authority), ("council_gss", record.la_gss_code),
                                ("framework", record.framework), ("evidence", record.evidence),
                                ("judgement", record)):
                span._.set(name, value)
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


@Language.factory("ofsted_judgements", default_config={"restatements_file": "restatements_v1.jsonl"},
                  requires=["doc._.doc_type", "doc._.sections", "doc._.council"],
                  assigns=["doc._.judgements"])
def make_judgements(nlp: Language, name: str, restatements_file: str) -> JudgementsComponent:
    """Factory: the judgement rules over the document as the components before it read it."""
    return JudgementsComponent(nlp, restatements_file)
