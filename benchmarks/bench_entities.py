"""Words per second of the entity components on the seed texts repeated (no asserts).

    .venv/bin/python benchmarks/bench_entities.py [SEED_DIR] [--repeat N]

Prints the tokenizer rate, the rate of the four components plus ``entities_from_doc`` and
``people_from_doc`` on already tokenised docs, and both together; best of three runs.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy  # noqa: E402

from extractors.entities import add_entity_components, entities_from_doc, people_from_doc  # noqa: E402
from models.register import Register  # noqa: E402

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def load_texts(folder: Path, repeat: int) -> list[str]:
    """The seed texts, each repeated ``repeat`` times into one document."""
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {folder}")
    return ["\n\n".join([t] * repeat) for t in texts]


def best_of(runs: int, fn) -> float:
    """Shortest wall time of ``runs`` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Run the benchmark and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    texts = load_texts(args.seeds, args.repeat)
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.blank("en")
    add_entity_components(nlp, Register.default())
    nlp(texts[0])  # warm-up: lazy loading and tokenizer cache

    def tokenize():
        return [nlp.make_doc(t) for t in texts]

    def run_components(docs):
        for doc in docs:
            doc.user_data["year"] = 2009
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            entities_from_doc(doc)
            people_from_doc(doc)

    t_tok = best_of(3, tokenize)
    t_comp = float("inf")
    for _ in range(3):
        docs = tokenize()  # fresh docs, not timed
        start = time.perf_counter()
        run_components(docs)
        t_comp = min(t_comp, time.perf_counter() - start)
    print(f"{words} words in {len(texts)} docs (best of 3)")
    print(f"tokenizer (nlp.make_doc)        {words / t_tok:>10,.0f} words/s")
    print(f"entity components + extraction  {words / t_comp:>10,.0f} words/s")
    print(f"both                            {words / (t_tok + t_comp):>10,.0f} words/s")


if __name__ == "__main__":
    main()
