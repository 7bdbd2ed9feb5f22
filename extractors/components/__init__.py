"""spaCy rule components of the extraction pipeline, one component per module.

Importing this package registers the factories: ``ofsted_document`` (type, framework, date,
year), ``ofsted_sections``, ``ofsted_local_authorities`` (council mentions), ``ofsted_council``
(the document's own council), ``ofsted_entity_rules``, ``ofsted_dates``, ``ofsted_judgements``
and ``ofsted_people``. ``extractors.load_pipeline()`` builds them into one pipeline.
"""
from . import (  # noqa: F401  (registers factories)
    council,
    dates,
    document,
    entity_rules,
    judgements,
    local_authorities,
    people,
    sections,
)
from .patterns import PatternFileError, load_entity_rules, load_role_rules

__all__ = ["PatternFileError", "load_entity_rules", "load_role_rules"]
