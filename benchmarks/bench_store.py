"""Print write throughput of the DuckDB store for N synthetic documents of M rows each.

    .venv/bin/python benchmarks/bench_store.py --docs 2000 --entities 200 --judgements 20

Figures only, nothing asserted: first write (insert), identical rewrite (delete + insert of the
same rows), and planning over all files.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from extractors.records import (  # noqa: E402
    DocumentResult,
    Entity,
    Judgement,
    LocalAuthorityMatch,
    PageSpan,
    Person,
    Section,
)
from models.store import Store  # noqa: E402


def synthetic(i: int, n_entities: int, n_judgements: int, text_chars: int) -> DocumentResult:
    """One document with the given numbers of entities and judgements."""
    sentence = "Children's services in Stockton-on-Tees are good. "
    text = (sentence * (text_chars // len(sentence) + 1))[:text_chars]
    return DocumentResult(
        path=f"data/raw/doc_{i:06d}.pdf",
        doc_id=f"{i:064x}",
        doc_type="inspection_report",
        framework="ilacs",
        local_authority=LocalAuthorityMatch("Stockton-on-Tees", "E06000004", "808", 100.0),
        document_date="2019-03-01",
        year=2019,
        judgements=[
            Judgement("overall", "good", "ofsted_4point", None, 3, 2019, "Stockton-on-Tees",
                      "table", "Good", j, j + 4, page=1)
            for j in range(n_judgements)
        ],
        sections=[Section("overall", "Overall effectiveness", 0, 100, 1)],
        entities=[Entity("PERSON", f"Person {e}", e, e + 8, page=1 + e // 50)
                  for e in range(n_entities)],
        people=[Person("Ann Baxter", "Mrs", "Director", ["Ann Baxter"], 0, 10, 1)],
        clean_text=text,
        pages=[PageSpan(p, p * 100, p * 100 + 100) for p in range(1, 21)],
        pipeline_version="bench",
        file_size=text_chars,
    )


def timed_write(store: Store, docs: list[DocumentResult], batch: int) -> tuple[float, int]:
    """Write docs in batches (one transaction each); return seconds and rows inserted."""
    rows = 0
    start = time.perf_counter()
    for k in range(0, len(docs), batch):
        summary = store.write_documents(docs[k : k + batch])
        rows += sum(summary.rows.values())
    return time.perf_counter() - start, rows


def main() -> None:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--entities", type=int, default=200)
    parser.add_argument("--judgements", type=int, default=20)
    parser.add_argument("--text-chars", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500, help="documents per transaction")
    args = parser.parse_args()

    start = time.perf_counter()
    docs = [synthetic(i, args.entities, args.judgements, args.text_chars) for i in range(args.docs)]
    print(f"built {len(docs):,} DocumentResults in {time.perf_counter() - start:.2f} s")

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        for label in ("first write", "identical rewrite"):
            seconds, rows = timed_write(store, docs, args.batch)
            print(f"{label:18s}: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
                  f"({len(docs) / seconds:,.0f} docs/s, batches of {args.batch})")
        files = [(d.path, d.doc_id) for d in docs]
        start = time.perf_counter()
        plan = store.plan(files, "bench")
        print(f"plan              : {len(files):,} files in {time.perf_counter() - start:.3f} s "
              f"({len(plan.unchanged):,} unchanged)")
        print(f"tables            : {store.table_counts()}")
        size = (Path(tmp) / "bench.duckdb").stat().st_size
        print(f"database file     : {size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
