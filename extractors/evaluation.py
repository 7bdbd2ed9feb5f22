"""Evaluation: extraction output scored against gold annotations (precision, recall and F1 per field).

Gold is either a folder of ``*.json`` files, one document each (keyed by ``file``), or a
``*.jsonl`` file, one document a line (keyed by ``path``). Predictions are ``extract --jsonl``
objects, matched to gold by the last two path components, then file name, then stem.
A judgement is right when area, score (4 = best) and, where gold gives one, year agree.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import OfstedError
from models.register import Register, core
from models.vocabulary import NUMBERED_SCALES

from .jsonlines import NotAnObjectLine, json_objects
from .judgements.grades import lookup_grade


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    fields: dict[str, FieldScore] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    documents: int = 0
    missing: int = 0

    def score(self, name: str) -> FieldScore:
        return self.fields.setdefault(name, FieldScore())


def _keys(path: str) -> list[str]:
    p = Path(path)
    return [str(Path(*p.parts[-2:])), p.name, p.stem]


def _gold_score(item: Any) -> int | None:
    if isinstance(item, dict):
        if item.get("score") is not None:
            return item["score"]
        if item.get("grade") is not None and item.get("scale") in NUMBERED_SCALES:
            return item["grade"]
        item = item.get("label")
    found = lookup_grade(str(item)) if item is not None else None
    return found[0] if found else None


def _normalise_gold(data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("judgements") or []
    if isinstance(raw, dict):
        raw = [{"area": area, "label": label} for area, label in raw.items() if str(label).lower() != "not judged"]
    judgements = [(j["area"], _gold_score(j), j.get("year")) for j in raw if _gold_score(j) is not None]
    la = data.get("local_authority")
    dates = data.get("document_date", data.get("published"))
    return {
        "doc_type": data.get("doc_type") or ("inspection_report" if "framework" in data else None),
        "readable": data.get("readable", True),
        "la": la if isinstance(la, str) or la is None else la.get("name"),
        "dates": dates if isinstance(dates, list) else ([dates] if dates else []),
        "judgements": judgements,
        "people": [p["name"] for p in data.get("people") or [] if p.get("name")],
        "sections": [s["label"] for s in data.get("sections") or [] if isinstance(s, dict) and s.get("label")],
    }


class EvaluationInputError(OfstedError, ValueError):
    """A predictions or gold file that cannot be scored; the message names the file and line."""


def _json_lines(path: Path, what: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-empty line of a JSON Lines file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: does not exist") from None
    except IsADirectoryError:
        raise EvaluationInputError(f"{path}: is a folder, expected a .jsonl file") from None
    except UnicodeDecodeError:
        raise EvaluationInputError(f"{path}: is not UTF-8 text; {what}") from None
    except OSError as exc:
        raise EvaluationInputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return list(json_objects(text.splitlines()))
    except NotAnObjectLine as bad:
        raise EvaluationInputError(f"{path} line {bad.number}: {bad.reason}; {what}") from None


def load_predictions(path: Path) -> list[dict[str, Any]]:
    """The objects of an ``extract --jsonl`` output file, checked for the fields scoring reads."""
    what = "expected the output of `ofsted extract --jsonl`"
    rows = []
    for number, data in _json_lines(path, what):
        if not isinstance(data.get("path"), str):
            raise EvaluationInputError(f"{path} line {number}: no \"path\"; {what}")
        rows.append(data)
    return rows


def load_gold(spec: Path) -> dict[str, dict[str, Any]]:
    """Gold documents keyed as predictions are matched."""
    what = "expected gold: a folder of *.json files or a .jsonl file, one document each"
    gold = {}
    if spec.is_dir():
        files = sorted(spec.glob("*.json"))
        if not files:
            raise EvaluationInputError(f"{spec}: holds no *.json files; {what}")
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise EvaluationInputError(f"{file}: not JSON ({getattr(exc, 'msg', exc)}); {what}") from None
            gold[Path(data.get("file", file.stem)).stem] = _gold_entry(data, str(file), what)
    else:
        for number, data in _json_lines(spec, what):
            if not isinstance(data.get("path"), str):
                raise EvaluationInputError(f"{spec} line {number}: no \"path\"; {what}")
            gold[str(Path(*Path(data["path"]).parts[-2:]))] = _gold_entry(data, f"{spec} line {number}", what)
    return gold


def _gold_entry(data: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise EvaluationInputError(f"{where}: not a JSON object; {what}")
    try:
        return _normalise_gold(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise EvaluationInputError(f"{where}: a judgement, person or section lacks a field ({exc}); {what}") from None


def _council_ok(gold_name: str, predicted: dict[str, Any] | None) -> bool:
    """Whether the predicted council is the gold one: both names resolved through the register
    (any written form of a council is that council), else compared without council-type words."""
    name = (predicted or {}).get("name") or ""
    if not name:
        return False
    register = Register.default()
    gold, said = register.match(gold_name), register.match(name)
    if gold is not None and said is not None:
        return gold.name == said.name
    return core(gold_name) == core(name)


def evaluate(predictions: list[dict[str, Any]], gold: dict[str, dict[str, Any]]) -> Evaluation:
    """Per-field precision/recall/F1 and a list of every error."""
    index: dict[str, dict[str, Any]] = {}
    for prediction in predictions:
        for key in _keys(prediction.get("path", "")):
            index.setdefault(key, prediction)
    result = Evaluation()
    for key, expected in sorted(gold.items()):
        result.documents += 1
        predicted = index.get(key) or index.get(Path(key).name) or index.get(Path(key).stem)
        if predicted is None:
            result.missing += 1
            result.score("judgements").fn += len(expected["judgements"])
            result.errors.append(f"{key}: no prediction")
            continue
        _score_document(key, expected, predicted, result)
    return result


def _count(result: Evaluation, name: str, ok: bool, key: str, message: str) -> None:
    score = result.score(name)
    if ok:
        score.tp += 1
    else:
        score.fn += 1
        result.errors.append(f"{key}: {message}")


def _score_document(key: str, expected: dict[str, Any], predicted: dict[str, Any], result: Evaluation) -> None:
    if not expected["readable"]:
        _count(result, "unreadable_flagged", bool(predicted.get("error")), key, "unreadable file not flagged")
    elif expected["doc_type"]:
        _count(result, "doc_type", predicted.get("doc_type") == expected["doc_type"], key,
               f"doc_type {predicted.get('doc_type')} != {expected['doc_type']}")
    if expected["la"]:
        _count(result, "local_authority", _council_ok(expected["la"], predicted.get("local_authority")), key,
               f"local_authority {(predicted.get('local_authority') or {}).get('name')} != {expected['la']}")
    if expected["dates"]:
        _count(result, "document_date", predicted.get("document_date") in expected["dates"], key,
               f"document_date {predicted.get('document_date')} not in {expected['dates']}")
    found = {(j.get("area"), j.get("score"), j.get("year")) for j in predicted.get("judgements") or []}
    used = set()
    judgements = result.score("judgements")
    for area, score, year in expected["judgements"]:
        hit = next((x for x in found if x not in used and x[0] == area and x[1] == score
                    and (year is None or x[2] == year)), None)
        if hit:
            used.add(hit)
            judgements.tp += 1
        else:
            judgements.fn += 1
            result.errors.append(f"{key}: missed judgement {area}={score} year={year}")
    for area, score, year in sorted(found - used, key=str):
        judgements.fp += 1
        result.errors.append(f"{key}: extra judgement {area}={score} year={year}")
    names = {" ".join(str(p.get("name")).lower().split()) for p in predicted.get("people") or []}
    for person in expected["people"]:
        _count(result, "people", " ".join(person.lower().split()) in names, key, f"missed person {person}")
    labels = {s.get("label") for s in predicted.get("sections") or []}
    for label in expected["sections"]:
        _count(result, "sections", label in labels, key, f"missed section {label}")


def format_evaluation(result: Evaluation, *, show_errors: bool = True) -> str:
    """The evaluation as a fixed-width table, then the errors."""
    lines = [f"documents: {result.documents}  no prediction: {result.missing}",
             f"{'field':<20}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'f1':>7}"]
    for name, score in result.fields.items():
        lines.append(f"{name:<20}{score.tp:>5}{score.fp:>5}{score.fn:>5}"
                     f"{score.precision:>11.3f}{score.recall:>8.3f}{score.f1:>7.3f}")
    if show_errors and result.errors:
        lines.append("")
        lines.extend(result.errors)
    return "\n".join(lines)
