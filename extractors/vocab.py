"""Versioned rule vocabularies (``extractors/patterns/*_v1.jsonl``), validated on load: how
sections are headed and how areas and grades are written, each checked against Ofsted's
vocabulary (``models.vocabulary``)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from models.vocabulary import AREAS, GRADE_FAMILIES

from .errors import PatternFileError
from .jsonlines import NotAnObjectLine, json_objects


# For each vocabulary: the keys every line must have and their types.
SCHEMAS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "sections": {"label": str, "headings": list},
    "areas": {"area": str, "phrases": list},
    "grades": {"phrase": str, "score": int, "family": str},
}


def parse_vocabulary(kind: str, lines: list[str], source: str) -> list[dict[str, Any]]:
    """Parse and validate the JSONL lines of one vocabulary."""
    schema = SCHEMAS[kind]
    rows = []
    try:
        numbered = list(json_objects(lines))
    except NotAnObjectLine as bad:
        raise PatternFileError(source, bad.number, bad.reason) from None
    for number, row in numbered:
        for key, expected in schema.items():
            if key not in row:
                raise PatternFileError(source, number, f"missing key {key!r}")
            if not isinstance(row[key], expected) or isinstance(row[key], bool):
                raise PatternFileError(source, number, f"{key!r} must be {expected.__name__}")
            if isinstance(row[key], list) and not all(isinstance(x, str) and x.strip() for x in row[key]):
                raise PatternFileError(source, number, f"{key!r} must be a list of non-empty strings")
        if kind == "grades" and not 1 <= row["score"] <= 4:
            raise PatternFileError(source, number, f"score must be 1-4, got {row['score']}")
        if kind == "grades" and row["family"] not in GRADE_FAMILIES:
            raise PatternFileError(source, number, f"family must be one of {', '.join(GRADE_FAMILIES)}, "
                                   f"got {row['family']!r}")
        if kind == "areas" and row["area"] not in AREAS:
            raise PatternFileError(source, number, f"area {row['area']!r} is not an area of models/vocabulary.py")
        rows.append(row)
    if not rows:
        raise PatternFileError(source, 0, "no patterns")
    return rows


@lru_cache(maxsize=None)
def load_vocabulary(kind: str, version: str = "v1") -> tuple[dict[str, Any], ...]:
    """Load ``patterns/{kind}_{version}.jsonl`` from the package."""
    name = f"{kind}_{version}.jsonl"
    text = resources.files("extractors").joinpath("patterns", name).read_text(encoding="utf-8")
    return tuple(parse_vocabulary(kind, text.splitlines(), name))
