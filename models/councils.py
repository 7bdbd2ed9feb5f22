"""Councils named by a user (``--council``), resolved against the database's register.

``ofsted report`` wants exactly one council; ``ofsted search`` also takes the start of a name
("stock", "north") and then means every council it starts. Both read the ``local_authorities``
table, so the names are those of the register the database was loaded with, compared as the
register compares them (``models.register.normalise``).
"""
from __future__ import annotations

from typing import Sequence

import duckdb
from rapidfuzz import fuzz, process

from models.register import normalise

from models.errors import OfstedError


class UnknownCouncil(OfstedError, LookupError):
    """The council name matches no council of the register; ``suggestions`` are close names."""

    def __init__(self, name: str, suggestions: Sequence[str]):
        self.name = name
        self.suggestions = list(suggestions)
        hint = (f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions
                else " No council name is close.")
        super().__init__(
            f"No council called {name!r} in the register of local authorities.{hint} "
            "Pass --council with a council's name as the register spells it (or one of its "
            "aliases, e.g. 'Stockton-on-Tees' or 'Stockton-on-Tees Borough Council'), or omit "
            "--council for every council."
        )


def _written(name: str) -> str:
    """A name as written, for suggesting close names: spaces collapsed, lower case."""
    return " ".join(name.split()).lower()


def council_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every name and alias of the register, as the register compares names ("Telford & Wrekin"
    is "telford and wrekin") -> the council's register name."""
    return {normalise(alias): name for alias, name in _written_names(con).items()}


def _written_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every name and alias of the register (lower case, as written) -> the council's register name."""
    names: dict[str, str] = {}
    rows = con.execute("""SELECT name, official_name, aliases FROM local_authorities
                          ORDER BY valid_to IS NULL, valid_to""").fetchall()  # current councils win ties
    for name, official_name, aliases in rows:
        for alias in [name, official_name, *(aliases or [])]:
            if alias:
                names[_written(alias)] = name
    return names


def _unknown(name: str, con: duckdb.DuckDBPyConnection) -> UnknownCouncil:
    """The error for a name that matches nothing, with up to five close councils."""
    names = _written_names(con)
    matches = process.extract(_written(name), list(names), scorer=fuzz.WRatio, limit=12, score_cutoff=60)
    suggestions: list[str] = []
    for alias, _score, _ in matches:
        if names[alias] not in suggestions:
            suggestions.append(names[alias])
    return UnknownCouncil(name, suggestions[:5])


def resolve_council(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The register name of a council given by name or alias; raises UnknownCouncil."""
    names = council_names(con)
    key = normalise(name)
    if key in names:
        return names[key]
    raise _unknown(name, con)


def resolve_councils(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The councils a name, an alias or the start of either means; raises UnknownCouncil.

    An exact name or alias means that council alone ("Cheshire" is not also "Cheshire East");
    otherwise every council with a name or alias starting with the text, in alphabetical order.
    """
    names = council_names(con)
    key = normalise(name)
    if not key:
        raise UnknownCouncil(name, [])
    if key in names:
        return [names[key]]
    starting = sorted({council for alias, council in names.items() if alias.startswith(key)})
    if starting:
        return starting
    raise _unknown(name, con)


def council_gss_codes(con: duckdb.DuckDBPyConnection, councils: Sequence[str]) -> list[str]:
    """GSS codes of these councils in every period, and of the councils they took over from.

    A document carries the code of the council it was about at the time, so the codes of
    predecessors (old Cheshire for Cheshire East, Northumberland before its recodes) find the
    documents written about them too.
    """
    rows = con.execute("""
        WITH named AS (SELECT gss_code FROM local_authorities WHERE list_contains(?, name))
        SELECT gss_code FROM named
        UNION
        SELECT gss_code FROM council_lineage WHERE current_gss_code IN (SELECT gss_code FROM named)
        ORDER BY gss_code""", [list(councils)]).fetchall()
    return [code for (code,) in rows]
