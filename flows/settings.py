"""Settings, read once from the environment (prefix ``OFSTED_``) or a ``.env`` file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where data lives and how ingestion runs; each field is ``OFSTED_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="OFSTED_", env_file=".env", extra="ignore")

    raw_dir: Path = Field(Path("data/raw"), description="folder of raw documents to ingest")
    db_path: Path = Field(Path("data/processed/ofsted.duckdb"), description="the DuckDB database file")
    export_dir: Path | None = Field(None, description="where each ingestion (and `ofsted export`) writes Parquet, "
                                                      "CSV and Excel of the views (default: <database name>-exports/ "
                                                      "beside the database)")
    batch_size: int = Field(20, ge=1, description="documents per extraction task")
    workers: int = Field(1, ge=1, description="worker processes (or Dask workers) for extraction")
    task_runner: Literal["local", "dask"] = Field(
        "local", description="local: batches on threads, documents in worker processes; dask: a Dask cluster")
    dask_address: str | None = Field(None, description="address of an existing Dask scheduler (tcp://host:8786)")
    lock_wait_seconds: float = Field(0, ge=0, description="how long an ingestion waits for another to finish")
    ocr: bool = Field(True, description="OCR pages that have no text layer")


def get_settings() -> Settings:
    return Settings()
