"""The whole extraction as one spaCy pipeline: ``load_pipeline()``, then ``nlp(text)``.

    from extractors import load_pipeline
    nlp = load_pipeline()
    doc = nlp(clean_text)
    doc._.doc_type, doc._.year, doc._.council
    [(span._.area, span._.score, span.text) for span in doc.spans["judgements"]]

A blank English tokenizer and rule components only (no statistical model). The text is the
document's clean text (``extractors.cleaning``); ``Extractor`` reads and cleans files and then
runs this same pipeline.
"""
from __future__ import annotations

import spacy
from spacy.language import Language

from models.register import Register

from . import components  # noqa: F401  (registers the component factories)

# Order matters: the document's year picks each council's register row; councils before the other
# entities (an existing entity wins a tie); judgements need the sections and the council; people
# last, as they need to know where organisations and councils are to end names and roles.
PIPELINE = ("ofsted_document", "ofsted_sections", "ofsted_local_authorities", "ofsted_council",
            "ofsted_entity_rules", "ofsted_dates", "ofsted_judgements", "ofsted_people")


def load_pipeline(register: Register | None = None, *, max_length: int | None = None) -> Language:
    """The extraction pipeline on a blank English tokenizer; ``register`` for councils (the
    packaged register by default), ``max_length`` the longest text in characters it takes."""
    nlp = spacy.blank("en")
    if max_length is not None:
        nlp.max_length = max_length
    for name in PIPELINE:
        nlp.add_pipe(name)
    if register is not None:
        nlp.get_pipe("ofsted_local_authorities").register = register
    nlp.initialize()  # loads and validates the components' pattern files
    return nlp
