"""The council a document is about, ``doc._.council`` (a ``LocalAuthorityMatch`` or None),
chosen from the mentions ``ofsted_local_authorities`` found (``models.register.choose_council``):
the council named most in the title and address block, else the one named most anywhere."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from models.register import choose_council

from .local_authorities import MENTIONS_KEY
from .spans import check_deadline

if not Doc.has_extension("council"):
    Doc.set_extension("council", default=None)


class CouncilComponent:
    """Links the document to one council of the register (needs ``ofsted_local_authorities`` before it)."""

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "linking the council")
        doc._.council = choose_council(doc.user_data.get(MENTIONS_KEY, []))
        return doc


@Language.factory("ofsted_council", default_config={}, requires=["doc._.year"], assigns=["doc._.council"])
def make_council(nlp: Language, name: str) -> CouncilComponent:
    """Factory: the document's own council, from the council mentions."""
    return CouncilComponent()
