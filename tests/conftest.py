"""Shared fixtures: one Prefect test harness per session, started only by flow tests."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from flows.prefect_env import apply_prefect_defaults

# Prefect writes under PREFECT_HOME on import: keep it out of the user's home; quiet and offline.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="ofsted-prefect-"))
apply_prefect_defaults(logging_level="WARNING")

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
SEED_GOLD = Path(__file__).resolve().parent / "fixtures" / "gold_seeds"


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API for the whole session (about 15 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def extractor():
    from extractors.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(RAW_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def sample_db(extractor, tmp_path_factory):
    """A database of the sample documents in data/raw, with its search index."""
    from models.search import refresh_search_index
    from models.store import Store

    path = tmp_path_factory.mktemp("samples") / "ofsted.duckdb"
    with Store(path) as store:
        store.load_register()
        store.write_documents([extractor.extract(p) for p in sorted(RAW_DIR.iterdir())])
        refresh_search_index(store.con)
    return path
