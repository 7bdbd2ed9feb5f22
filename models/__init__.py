"""The DuckDB data model: Ofsted's vocabulary, the council register, the schema, the store that
writes and plans ingestion runs, the analyst views, search and the data-quality checks.

Nothing here imports Prefect or spaCy: analysts and flows import it alike. Names are imported
on first use, so ``models.vocabulary`` and ``models.register`` cost no DuckDB import to a
process that only extracts.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DatabaseLocked": "models.errors",
    "DatabaseNotFound": "models.errors",
    "SchemaVersionError": "models.errors",
    "StoreError": "models.errors",
    "SCHEMA_VERSION": "models.schema",
    "TABLES": "models.schema",
    "ddl": "models.schema",
    "Plan": "models.store",
    "PlanItem": "models.store",
    "Store": "models.store",
    "WriteSummary": "models.store",
    "REGISTER_CSV": "models.register",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
