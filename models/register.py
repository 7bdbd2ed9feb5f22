"""The register of English councils with children's services since 2005: one loader and validator.

The packaged ``models/data/local_authorities.csv`` has one row per council per GSS code period
(a council recoded or reorganised has a row for each), with its DfE code, type, region, the
years it was valid, its aliases and the councils that succeeded it. ``load_register_rows`` reads
and checks it once; the store loads the rows into ``local_authorities``, and name matching
(``extractors.register.Register``) is built on the same rows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

REGISTER_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"
REGISTER_COLUMNS = ("name", "official_name", "gss_code", "dfe_la_code", "la_type", "region",
                    "valid_from", "valid_to", "aliases", "successor")


class RegisterError(ValueError):
    """The register CSV is malformed: the message names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class LARow:
    """One register row: a council during one GSS code period ("" where the CSV cell is empty)."""

    name: str
    official_name: str
    gss_code: str
    dfe_la_code: str
    la_type: str
    region: str
    valid_from: int | None
    valid_to: int | None
    aliases: tuple[str, ...]
    successor: tuple[str, ...]

    def forms(self) -> tuple[str, ...]:
        """Every written form of this council: name, official name and aliases."""
        return (self.name, self.official_name, *self.aliases)


def load_register_rows(path: str | Path = REGISTER_CSV) -> list[LARow]:
    """Read and validate a register CSV (the packaged one by default)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RegisterError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise RegisterError(f"{path}: is not UTF-8 text") from None
    return parse_register(text, str(path))


def parse_register(text: str, source: str = "register") -> list[LARow]:
    """Register rows from CSV text; raises RegisterError naming the line of a bad row."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = set(REGISTER_COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise RegisterError(f"{source}: missing columns {sorted(missing)}")
    rows = [_row(raw, source, line) for line, raw in enumerate(reader, start=2)]
    codes = [row.gss_code for row in rows]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise RegisterError(f"{source}: gss_code must be unique per row, repeated: {duplicates}")
    return rows


def _row(raw: dict[str, str | None], source: str, line: int) -> LARow:
    """One CSV record as a register row."""
    def text(key: str) -> str:
        return (raw.get(key) or "").strip()

    def year(key: str) -> int | None:
        value = text(key)
        try:
            return int(value) if value else None
        except ValueError:
            raise RegisterError(f"{source}:{line}: {key} {value!r} is not a year") from None

    def names(key: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text(key).split(";") if part.strip())

    if not text("gss_code"):
        raise RegisterError(f"{source}:{line}: gss_code is empty")
    return LARow(name=text("name"), official_name=text("official_name"), gss_code=text("gss_code"),
                 dfe_la_code=text("dfe_la_code"), la_type=text("la_type"), region=text("region"),
                 valid_from=year("valid_from"), valid_to=year("valid_to"),
                 aliases=names("aliases"), successor=names("successor"))
