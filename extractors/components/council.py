"""The council a document is about, ``doc._.council`` (a ``LocalAuthorityMatch`` or None),
chosen from the mentions ``ofsted_local_authorities`` found (``models.register.choose_council``):
the council named most in the title and address block, else the one named most anywhere.

Minutes and news pages often call their council only "the Council". Then the council is
inferred, and its ``match_score`` says so: from a web or email address the page prints
("executivecycle@westberks.gov.uk", "moderngov.halton.gov.uk"; ``ADDRESS_SCORE``), else from the
file's own path, when the pipeline gives it in ``doc.user_data["path"]`` (a folder or file named
for the council, "data/raw/telford-and-wrekin/..."; ``PATH_SCORE``).
"""
from __future__ import annotations

import re
from pathlib import PurePath

from spacy.language import Language
from spacy.tokens import Doc

from models.register import LocalAuthorityMatch, Register, choose_council

from .local_authorities import MENTIONS_KEY
from .spans import check_deadline, doc_text

if not Doc.has_extension("council"):
    Doc.set_extension("council", default=None)


PATH_KEY = "path"
# How sure an inferred council is: a council's own web address is nearly proof; a file name is
# what someone called the file.
ADDRESS_SCORE = 60.0
PATH_SCORE = 40.0
# A council's sites: "www.iow.gov.uk", "decisionmaking.westberks.gov.uk", "lincolnshire.moderngov.co.uk".
COUNCIL_ADDRESS_RE = re.compile(r"\b([a-z][a-z-]{2,})\.gov\.uk\b|\b([a-z][a-z-]{2,})\.moderngov\.co\.uk\b",
                                re.IGNORECASE)
# The parts of a path that may name a council: the file's name and the two folders above it.
PATH_PARTS = 3
PATH_WORD_RE = re.compile(r"[a-z]+", re.IGNORECASE)
MAX_PATH_WORDS = 4  # "kingston upon hull city council"'s first four words name it


def council_from_addresses(text: str, year: int | None, register: Register) -> LocalAuthorityMatch | None:
    """The one council the text's web and email addresses name (several different: none)."""
    found = {}
    for match in COUNCIL_ADDRESS_RE.finditer(text):
        council = register.match_identifier(match.group(1) or match.group(2), year, abbreviated=True,
                                            score=ADDRESS_SCORE)
        if council is not None:
            found[council.gss_code] = council
    return next(iter(found.values())) if len(found) == 1 else None


def council_from_path(path: str, year: int | None, register: Register) -> LocalAuthorityMatch | None:
    """The council a file's name or its folders name ("telfordwrekin_minutes.txt",
    "80418_norfolk/report.pdf", "north-yorkshire/..."): the longest run of words that names one,
    nearest the file first."""
    parts = PurePath(path).parts[-PATH_PARTS:]
    for part in reversed([PurePath(parts[-1]).stem, *parts[:-1]] if parts else []):
        words = PATH_WORD_RE.findall(part)
        runs = sorted(((i, j) for i in range(len(words)) for j in range(i + 1, min(len(words), i + MAX_PATH_WORDS) + 1)),
                      key=lambda run: run[0] - run[1])
        for i, j in runs:
            council = register.match_identifier("".join(words[i:j]), year, score=PATH_SCORE)
            if council is not None:
                return council
    return None


class CouncilComponent:
    """Links the document to one council of the register (needs ``ofsted_local_authorities`` before it)."""

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "linking the council")
        council = choose_council(doc.user_data.get(MENTIONS_KEY, []))
        if council is None:
            year, register = doc.user_data.get("year"), Register.default()
            council = council_from_addresses(doc_text(doc), year, register)
            if council is None and doc.user_data.get(PATH_KEY):
                council = council_from_path(str(doc.user_data[PATH_KEY]), year, register)
        doc._.council = council
        return doc


@Language.factory("ofsted_council", default_config={}, requires=["doc._.year"], assigns=["doc._.council"])
def make_council(nlp: Language, name: str) -> CouncilComponent:
    """Factory: the document's own council, from the council mentions."""
    return CouncilComponent()
