"""The Jinja2 environment the report is rendered with, built once: templates from
``outputs/templates``, the CSS and the script from ``outputs/static``.

Every value a template prints is escaped: autoescape is on, and ``_escaped`` escapes it first with
``html.escape``, quotes included (``&quot;``, ``&#x27;``, the entities the page has always had), so
text from the database can open no element or attribute. Only markup made by the templates
themselves, the CSS and the script are printed as they are.
"""
from __future__ import annotations

import html
import re
from functools import cache
from importlib.resources import files
from pathlib import PurePath

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from models.vocabulary import OUTCOME_COLUMNS, SCORE_NAMES, area_name, score_of_words
from outputs.report.queries import framework_name, inspection_type_name

_LINE_BREAK = re.compile(r"\s*\n\s*")


def join_lines(text: str) -> str:
    """Template text with its line breaks taken out: a line break and the spaces around it vanish
    next to a tag (after ``>``, before ``<``, or beside a template tag) and are one space elsewhere
    (between the attributes of a tag written over several lines)."""
    def joined(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ">"
        after = text[match.end()] if match.end() < len(text) else "<"
        return "" if before == ">" or after == "<" else " "
    return _LINE_BREAK.sub(joined, text)


class JoinLines(Extension):
    """Templates are written an element a line, for reading; the page is one line of HTML (a line
    break it needs is written ``{{ "\\n" }}``)."""

    def filter_stream(self, stream: TokenStream):
        for token in stream:
            yield Token(token.lineno, token.type, join_lines(token.value)) if token.type == "data" else token


def _escaped(value: object) -> Markup:
    """What ``{{ value }}`` prints: markup as it is, anything else as escaped text ('' for None)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value), quote=True))


def anchor(council: str) -> str:
    """The id of a council's section ("Stockton-on-Tees" -> "council-stockton-on-tees")."""
    return "council-" + "".join(ch if ch.isalnum() else "-" for ch in council.lower()).strip("-")


def filename(path: str | None) -> str:
    """The last part of a path ("raw/stockton_2023_ilacs.pdf" -> "stockton_2023_ilacs.pdf")."""
    return PurePath(path).name if path else ""


@cache
def css() -> Markup:
    """The report's stylesheet, to be inlined in its ``<style>`` element."""
    return Markup(files("outputs").joinpath("static/report.css").read_text(encoding="utf-8"))


@cache
def js() -> Markup:
    """The report's script, to be inlined in its ``<script>`` element (which the text "</script"
    would close early, so it may not hold it)."""
    text = files("outputs").joinpath("static/report.js").read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError("outputs/static/report.js holds '</script', which would end its element in the page")
    return Markup(text)


ENV = Environment(loader=PackageLoader("outputs", "templates"), autoescape=True, finalize=_escaped,
                  extensions=[JoinLines], undefined=StrictUndefined)
ENV.filters.update(framework_name=framework_name, area_name=area_name, anchor=anchor, filename=filename,
                   inspection_type_name=inspection_type_name)
ENV.globals.update(score_of_words=score_of_words, OUTCOME_COLUMNS=OUTCOME_COLUMNS, SCORE_NAMES=SCORE_NAMES,
                   css=css, js=js)
