"""LOCAL_AUTHORITY entities: council mentions found with the register, kb_id = GSS code.

Every mention is also kept, as the register found it, in ``doc.user_data[MENTIONS_KEY]``
(entities may lose a mention to a longer overlapping one): the document's own council is chosen
from them (``models.register.choose_council``), so a text is searched for councils once.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from models.register import Register
from .spans import add_ents, char_span, check_deadline, doc_text

LABEL = "LOCAL_AUTHORITY"
MENTIONS_KEY = "local_authority_mentions"  # [(start, end, LocalAuthorityMatch)]


class LocalAuthorityComponent:
    """Marks every council mention; the GSS code is the row valid in ``doc.user_data['year']``."""

    def __init__(self, register: Register | None = None):
        self._register = register

    @property
    def register(self) -> Register:
        """The register in use (the packaged one unless another was set)."""
        if self._register is None:
            self._register = Register.default()
        return self._register

    @register.setter
    def register(self, value: Register) -> None:
        self._register = value

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "finding councils")
        year = doc.user_data.get("year")
        found = self.register.find_in_text(doc_text(doc), year=year if isinstance(year, int) else None)
        doc.user_data[MENTIONS_KEY] = found
        spans = (char_span(doc, start, end, LABEL, kb_id=match.gss_code) for start, end, match in found)
        add_ents(doc, (span for span in spans if span is not None))
        return doc


@Language.factory("ofsted_local_authorities", default_config={})
def make_local_authorities(nlp: Language, name: str) -> LocalAuthorityComponent:
    """Factory: a council-mention component on the packaged register (replace via ``.register``)."""
    return LocalAuthorityComponent()
