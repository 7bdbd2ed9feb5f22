"""Loading and validating the versioned JSONL rule files under ``extractors/patterns/``.

Every line is one JSON object. A bad line raises ``PatternFileError`` naming the file and line,
so a broken rule fails loudly when the pipeline is built, not silently at extraction time.
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.schemas import validate_token_pattern

from ..errors import PatternFileError

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "LOCAL_AUTHORITY", "DATE", "LEGISLATION", "POSTCODE", "EMAIL", "PHONE", "URL"}
)
ROLE_KINDS = frozenset({"office", "before_name", "after_name"})
_ENTITY_KEYS = {"label", "pattern", "regex", "id", "ignore_case", "comment"}
_ROLE_KEYS = {"role", "regex", "kind", "comment"}


@dataclass(frozen=True, slots=True)
class EntityRule:
    """One entity rule: a phrase, a spaCy token pattern or a regular expression."""

    label: str
    kind: str  # "phrase" | "tokens" | "regex"
    pattern: Any
    id: str | None
    line: int
    compiled: re.Pattern | None = None


@dataclass(frozen=True, slots=True)
class RoleRule:
    """One role phrase: where it stands relative to a name, and its canonical spelling."""

    kind: str
    role: str | None
    compiled: re.Pattern
    line: int


def resolve_path(name: str | Path) -> Path:
    """A pattern file by bare name (packaged ``extractors/patterns/``) or by path."""
    path = Path(name)
    if path.is_absolute() or len(path.parts) > 1:
        return path
    return Path(str(resources.files("extractors").joinpath("patterns", str(name))))


def read_jsonl(path: str | Path) -> list[tuple[int, dict]]:
    """Parse a JSONL file into (line number, object) pairs; blank lines are skipped."""
    path = resolve_path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise PatternFileError(path, 0, f"cannot read pattern file ({exc.strerror or exc})") from exc
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternFileError(path, number, f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise PatternFileError(path, number, "each line must be a JSON object")
        records.append((number, obj))
    return records


def _compile(path: Path, number: int, regex: Any, flags: int = 0) -> re.Pattern:
    """Compile a rule's regex, rejecting ones that can match the empty string."""
    if not isinstance(regex, str) or not regex:
        raise PatternFileError(path, number, "'regex' must be a non-empty string")
    try:
        with warnings.catch_warnings():
            # Python warns about likely mistakes ("possible nested set"): treat them as errors.
            warnings.simplefilter("error")
            compiled = re.compile(regex, flags)
    except (re.error, Warning) as exc:
        raise PatternFileError(path, number, f"bad regex ({exc})") from exc
    if compiled.fullmatch(""):
        raise PatternFileError(path, number, "regex matches the empty string")
    return compiled


def _entity_rule(path: Path, number: int, obj: dict) -> EntityRule:
    """Validate one entity-rule object."""
    unknown = set(obj) - _ENTITY_KEYS
    if unknown:
        raise PatternFileError(path, number, f"unknown key(s) {sorted(unknown)}")
    label = obj.get("label")
    if label not in ENTITY_LABELS:
        raise PatternFileError(path, number, f"label {label!r} is not one of {sorted(ENTITY_LABELS)}")
    if ("pattern" in obj) == ("regex" in obj):
        raise PatternFileError(path, number, "give exactly one of 'pattern' or 'regex'")
    rule_id = obj.get("id")
    if "regex" in obj:
        flags = re.IGNORECASE if obj.get("ignore_case") else 0
        compiled = _compile(path, number, obj["regex"], flags)
        if label == "DATE" and "month" not in compiled.groupindex:
            raise PatternFileError(path, number, "a DATE regex needs a named group 'month'")
        return EntityRule(label, "regex", obj["regex"], rule_id, number, compiled)
    pattern = obj["pattern"]
    if isinstance(pattern, str):
        if not pattern.strip():
            raise PatternFileError(path, number, "phrase pattern is empty")
        return EntityRule(label, "phrase", pattern, rule_id, number)
    if isinstance(pattern, list) and pattern:
        errors = validate_token_pattern(pattern)
        if errors:
            raise PatternFileError(path, number, "bad token pattern: " + "; ".join(errors))
        return EntityRule(label, "tokens", pattern, rule_id, number)
    raise PatternFileError(path, number, "'pattern' must be a phrase string or a non-empty list of token dicts")


def load_entity_rules(name: str | Path) -> list[EntityRule]:
    """Load and validate an entity rule file (e.g. ``entities_v1.jsonl``)."""
    path = resolve_path(name)
    return [_entity_rule(path, number, obj) for number, obj in read_jsonl(path)]


def _role_rule(path: Path, number: int, obj: dict) -> RoleRule:
    """Validate one role object."""
    unknown = set(obj) - _ROLE_KEYS
    if unknown:
        raise PatternFileError(path, number, f"unknown key(s) {sorted(unknown)}")
    kind = obj.get("kind", "office")
    if kind not in ROLE_KINDS:
        raise PatternFileError(path, number, f"kind {kind!r} is not one of {sorted(ROLE_KINDS)}")
    role = obj.get("role")
    if role is not None and (not isinstance(role, str) or not role.strip()):
        raise PatternFileError(path, number, "'role' must be a non-empty string or null")
    return RoleRule(kind, role, _compile(path, number, obj.get("regex")), number)


def load_role_rules(name: str | Path) -> list[RoleRule]:
    """Load and validate a role vocabulary file (e.g. ``roles_v1.jsonl``)."""
    path = resolve_path(name)
    return [_role_rule(path, number, obj) for number, obj in read_jsonl(path)]
