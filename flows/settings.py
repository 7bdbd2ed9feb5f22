"""Settings, read once from the environment (prefix ``OFSTED_``) or a ``.env`` file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.limits import Limits

_LIMITS = Limits()  # the defaults


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
    # Per-document limits: a document over one fails alone, with an error naming the setting.
    # Defaults are the library's (extractors/limits.py says why each).
    max_file_mb: float = Field(_LIMITS.max_file_bytes / 1_000_000, gt=0,
                               description="largest file read, in megabytes of 1,000,000 bytes")
    max_pages: int = Field(_LIMITS.max_pages, gt=0, description="most pages a PDF may have")
    max_text_chars: int = Field(_LIMITS.max_text_chars, gt=0, description="most characters of text a document may have")
    max_seconds_per_document: float = Field(_LIMITS.max_seconds, gt=0,
                                            description="longest one document's extraction may take, in seconds")

    def limits(self) -> Limits:
        """The per-document limits these settings set, for ``Extractor(limits=...)``."""
        return Limits(max_file_bytes=round(self.max_file_mb * 1_000_000), max_pages=self.max_pages,
                      max_text_chars=self.max_text_chars, max_seconds=self.max_seconds_per_document)


def get_settings() -> Settings:
    return Settings()
