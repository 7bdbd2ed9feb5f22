"""Entity extraction: the public entry point used by the pipeline.

    nlp = spacy.blank("en"); add_entity_components(nlp, Register.default())
    doc = nlp.make_doc(text); doc.user_data["year"] = year
    for _, proc in nlp.pipeline: doc = proc(doc)
    entities_from_doc(doc); people_from_doc(doc)
"""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from models.register import Register

from . import components  # noqa: F401  (registers the component factories)
from .components.dates import EXTENSION as DATE_EXTENSION
from .components.spans import TEXT_KEY
from .people import people_from_doc
from .records import Entity

__all__ = ["COMPONENTS", "add_entity_components", "entities_from_doc", "make_doc", "make_nlp", "people_from_doc"]

# Order matters: councils first (an existing entity wins a tie), people last (they need to
# know where organisations and councils are to end names and roles).
COMPONENTS = ("ofsted_local_authorities", "ofsted_entity_rules", "ofsted_dates", "ofsted_people")


def add_entity_components(nlp: Language, register: Register | None = None) -> Language:
    """Add the entity components to a (blank English) pipeline, using ``register`` for councils."""
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    if register is not None:
        nlp.get_pipe("ofsted_local_authorities").register = register
    return nlp


def make_nlp(register: Register | None = None) -> Language:
    """A blank English pipeline with the entity components."""
    return add_entity_components(spacy.blank("en"), register or Register.default())


def make_doc(nlp: Language, text: str, year: int | None = None) -> Doc:
    """A doc ready for the components: year set, and the text shared so no component rebuilds it."""
    doc = nlp.make_doc(text)
    doc.user_data["year"] = year
    doc.user_data[TEXT_KEY] = text
    return doc


def entities_from_doc(doc: Doc) -> list[Entity]:
    """Entities of a processed doc, with character offsets into ``doc.text``."""
    entities = []
    for span in doc.ents:
        normalized = span._.get(DATE_EXTENSION) if span.label_ == "DATE" else None
        entities.append(Entity(
            label=span.label_, text=span.text, start=span.start_char, end=span.end_char,
            kb_id=span.kb_id_ or None, normalized=normalized,
        ))
    return entities
