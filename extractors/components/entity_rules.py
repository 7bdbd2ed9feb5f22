"""Rule entities from ``patterns/entities_v1.jsonl``: ORG, LEGISLATION, POSTCODE, EMAIL, PHONE, URL.

Phrases go to a PhraseMatcher, token patterns to a Matcher, regexes run over ``doc.text``.
DATE rules in the same file are left to the ``ofsted_dates`` component.
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .patterns import EntityRule, load_entity_rules
from .spans import add_ents, char_span, check_deadline, doc_text, leading_stop_offset, starts_inside_word

# Capitalised sentence words a family regex may sweep up before the name proper.
LEADING_STOP_WORDS = frozenset(
    {"The", "This", "These", "That", "Its", "Their", "Our", "Your", "In", "Under", "A", "An", "Each",
     "Every", "All", "Both", "By", "From", "With", "And", "Of", "For", "To", "At", "As", "Also", "New"}
)
_SKIP_LABELS = frozenset({"DATE"})


def _apostrophe_variants(phrase: str) -> set[str]:
    """A phrase as written plus its straight/curly apostrophe twin (cleaned text keeps both)."""
    return {phrase, phrase.replace("’", "'"), phrase.replace("'", "’")}


class EntityRulesComponent:
    """Applies phrase, token and regex rules, merging results into ``doc.ents`` (longest wins)."""

    def __init__(self, nlp: Language, rules: list[EntityRule]):
        self.rules = [rule for rule in rules if rule.label not in _SKIP_LABELS]
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.token_matcher = Matcher(nlp.vocab)
        phrases: dict[str, set[str]] = {}
        for rule in self.rules:
            if rule.kind == "phrase":
                phrases.setdefault(rule.label, set()).update(_apostrophe_variants(rule.pattern))
            elif rule.kind == "tokens":
                self.token_matcher.add(rule.label, [rule.pattern], greedy="LONGEST")
        for label, texts in phrases.items():
            self.phrase_matcher.add(label, [nlp.make_doc(text) for text in sorted(texts)])
        self.regex_rules = [rule for rule in self.rules if rule.kind == "regex"]

    def _regex_spans(self, doc: Doc, taken: list[tuple[int, int]]) -> list[Span]:
        """Spans of every regex rule over the document text, in rule order."""
        spans = []
        text = doc_text(doc)
        for rule in self.regex_rules:
            for m in rule.compiled.finditer(text):
                start, end = m.span()
                if starts_inside_word(text, start):
                    continue  # rules start with a literal, not a look-behind: the boundary is checked here
                if rule.label in ("ORG", "LEGISLATION"):
                    start, end = self._after_overlap(rule, text, start, end, taken)
                    if start < 0:
                        continue
                    start += leading_stop_offset(text[start:end], LEADING_STOP_WORDS)
                span = char_span(doc, start, end, rule.label)
                if span is not None:
                    spans.append(span)
                    bisect.insort(taken, (span.start_char, span.end_char))
        return spans

    @staticmethod
    def _after_overlap(rule: EntityRule, text: str, start: int, end: int,
                       taken: list[tuple[int, int]]) -> tuple[int, int]:
        """Retry a family match that starts inside an earlier entity from that entity's end."""
        # Family prefixes take up to three capitalised words, so "...NHS Foundation Trust and
        # Cleveland Police" would otherwise start inside the Trust. (-1, -1): nothing is left.
        for _ in range(4):
            i = bisect.bisect_left(taken, (end, end))
            overlap = next((e for s, e in reversed(taken[max(0, i - 4):i]) if s < start < e), None)
            if overlap is None:
                return start, end
            m = rule.compiled.search(text, overlap, end)
            if m is None:
                return -1, -1
            start, end = m.span()
        return -1, -1

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "finding entities")
        spans = [Span(doc, s, e, label=label) for label, s, e in self.phrase_matcher(doc)]
        if len(self.token_matcher):
            spans += [Span(doc, s, e, label=label) for label, s, e in self.token_matcher(doc)]
        taken = sorted((span.start_char, span.end_char) for span in spans)
        spans += self._regex_spans(doc, taken)
        add_ents(doc, spans)
        return doc


@Language.factory("ofsted_entity_rules", default_config={"patterns_file": "entities_v1.jsonl"})
def make_entity_rules(nlp: Language, name: str, patterns_file: str) -> EntityRulesComponent:
    """Factory: entity rules from a versioned JSONL file (bare name = packaged file)."""
    return EntityRulesComponent(nlp, load_entity_rules(patterns_file))
