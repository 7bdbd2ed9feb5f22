"""The DuckDB data model: schema, and the Store that writes and plans ingestion runs.

Nothing here imports Prefect or spaCy: analysts and flows import it alike.
"""
from models.errors import DatabaseLocked, DatabaseNotFound, SchemaVersionError, StoreError
from models.schema import SCHEMA_VERSION, TABLES, ddl
from models.store import DEFAULT_DB_PATH, REGISTER_CSV, Plan, PlanItem, Store, WriteSummary

__all__ = [
    "DEFAULT_DB_PATH",
    "REGISTER_CSV",
    "SCHEMA_VERSION",
    "TABLES",
    "DatabaseLocked",
    "DatabaseNotFound",
    "Plan",
    "PlanItem",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "WriteSummary",
    "ddl",
]
