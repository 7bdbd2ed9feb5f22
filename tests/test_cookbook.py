"""Every query of docs/cookbook.md runs against a database of the sample documents."""
import re

import duckdb
import pytest

from .conftest import ROOT

COOKBOOK = ROOT / "docs" / "cookbook.md"
QUERIES = re.findall(r"^## (.+?)\n.*?```sql\n(.*?)```", COOKBOOK.read_text(encoding="utf-8"), re.S | re.M)


@pytest.fixture(scope="module")
def sample_con(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        yield con


def test_the_cookbook_has_twelve_questions():
    assert len(QUERIES) == 12


# Questions whose answer on the samples is known not to be empty.
ANSWERED_ON_SAMPLES = {1, 2, 3, 4, 5, 6, 9, 10}  # 11, 12: the samples agree, no table loaded


@pytest.mark.parametrize("number, title, sql", [(i, t, q) for i, (t, q) in enumerate(QUERIES, start=1)],
                         ids=[t[:40] for t, _ in QUERIES])
def test_cookbook_query_runs(sample_con, number, title, sql):
    rows = sample_con.execute(sql).fetchall()
    if number in ANSWERED_ON_SAMPLES:
        assert rows, f"{title}: no rows on the sample documents"
