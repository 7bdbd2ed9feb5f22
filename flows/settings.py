"""Settings, read once from the environment (prefix ``OFSTED_``) or a ``.env`` file.

``Settings`` holds every default of a run; ``Settings.run_parameters`` turns them, with what a
command or a flow run was told, into the run's ``RunParameters``: the command line's ``ingest``
and both flows go through it, so a deployed run honours the settings of the machine running it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.limits import Limits
from extractors.machine import usable_cores
from models.paths import default_export_dir

_LIMITS = Limits()  # the defaults


@dataclass(frozen=True, slots=True)
class RunParameters:
    """What one ingestion run does, every value decided. Paths are as the run was told them
    (runs.raw_dir records the folder so, and messages name it so)."""

    raw_dir: str
    db_path: str
    export_dir: str  # written after every run
    batch_size: int
    ocr: bool
    workers: int
    lock_wait_seconds: float
    limits: Limits
    force: bool = False
    pattern: str | None = None  # only the documents matching this glob (their key or name)


class Settings(BaseSettings):
    """Where data lives and how ingestion runs; each field is ``OFSTED_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="OFSTED_", env_file=".env", extra="ignore")

    raw_dir: Path = Field(Path("data/raw"), description="folder of raw documents to ingest")
    db_path: Path = Field(Path("data/processed/ofsted.duckdb"), description="the DuckDB database file")
    export_dir: Path | None = Field(None, description="where each ingestion (and `ofsted export`) writes Parquet, "
                                                      "CSV and Excel of the views (default: <database name>-exports/ "
                                                      "beside the database)")
    batch_size: int = Field(20, ge=1, description="documents per extraction task")
    workers: int = Field(default_factory=usable_cores, ge=1,
                         description="worker processes (or Dask workers) for extraction (default: the cores this "
                                     "process may use, its CPU affinity and container quota)")
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

    def run_parameters(self, *, raw_dir: str | Path | None = None, db_path: str | Path | None = None,
                       export_dir: str | Path | None = None, batch_size: int | None = None,
                       ocr: bool | None = None, workers: int | None = None,
                       lock_wait_seconds: float | None = None, force: bool = False,
                       pattern: str | None = None) -> RunParameters:
        """A run's parameters: each one given (not None) as it is, the others from these settings.

        The exports go to ``export_dir``, else the setting, else ``<database name>-exports/``
        beside the database.
        """
        db_path = self.db_path if db_path is None else db_path
        export_dir = export_dir or self.export_dir or default_export_dir(db_path)
        return RunParameters(
            raw_dir=str(self.raw_dir if raw_dir is None else raw_dir), db_path=str(db_path),
            export_dir=str(export_dir), batch_size=self.batch_size if batch_size is None else batch_size,
            ocr=self.ocr if ocr is None else ocr, workers=self.workers if workers is None else workers,
            lock_wait_seconds=self.lock_wait_seconds if lock_wait_seconds is None else lock_wait_seconds,
            limits=self.limits(), force=force, pattern=pattern)


def get_settings() -> Settings:
    return Settings()
