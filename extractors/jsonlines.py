"""JSON Lines read one object a line, with the line number of the first that is not one."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


class NotAnObjectLine(ValueError):
    """A line that is not a JSON object; ``reason`` says what it is instead."""

    def __init__(self, number: int, reason: str):
        self.number = number
        self.reason = reason
        super().__init__(f"line {number}: {reason}")


def json_objects(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-blank line; raises NotAnObjectLine at the first bad one."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NotAnObjectLine(number, f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise NotAnObjectLine(number, f"expected an object, got {type(row).__name__}")
        yield number, row
