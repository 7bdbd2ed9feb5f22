"""spaCy rule components of the entity pipeline, one component per module.

Importing this package registers the factories: ``ofsted_local_authorities``,
``ofsted_entity_rules``, ``ofsted_dates`` and ``ofsted_people``.
"""
from . import dates, entity_rules, local_authorities, people  # noqa: F401  (registers factories)
from .patterns import PatternFileError, load_entity_rules, load_role_rules

__all__ = ["PatternFileError", "load_entity_rules", "load_role_rules"]
