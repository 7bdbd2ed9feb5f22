"""PERSON entities, with each mention's title and role, from rules over the cleaned text.

Rules (each a family seen across letters, reports and minutes):
titled names ("Mrs Ann Baxter", "Dear Mrs Baxter", "Councillor Ann McCoy"); a name after a
role written before it ("Lead inspector: Jane Smith"); a name before an inspector suffix
("Jane Smith HMI", "Jane Smith, His Majesty’s Inspector"); signature lines (a line of 2-3
capitalised or ALL-CAPS words above a role line, or after "Yours sincerely", and an
"F.Surname" scribble above such a line); and a line starting with a name followed by a role
("Juliet Winstanley Divisional Manager, CAA"); and names in passing in stories and minutes
("X, director of children’s services, said", "appointed X as ...", "chaired by X", "Director of
Children’s Services, X"). Names may carry accents and apostrophes ("Máire", "O’Brien"). Roles
come from ``patterns/roles_v1.jsonl``.

Mentions are stored in ``doc.user_data["ofsted_people"]`` for ``extractors.people``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from .patterns import RoleRule, load_role_rules
from .spans import char_span, check_deadline, doc_text, release_text, starts_inside_word

LABEL = "PERSON"
USER_DATA_KEY = "ofsted_people"

TITLES = frozenset(
    {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Councillor", "Cllr", "Sir", "Dame", "Professor", "Prof",
     "Lord", "Lady", "Baroness", "Rev", "Revd", "Reverend"}
)
_TITLE_RX = r"(?P<title>Mrs|Mr|Ms|Miss|Mx|Dr|Councillor|Cllr|Sir|Dame|Professor|Prof|Lord|Lady|Baroness|Revd|Rev|Reverend)\.?"
# Letters of names beyond ASCII: "Máire", "Zoë", "Łukasz" (Latin-1 and Latin Extended-A).
_UP = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_LOW = "a-zß-öø-ÿ\u0100-\u017f"
_CAP = rf"(?:(?:Mc|Mac|O’|O'|D’|D')?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*)(?![{_UP}{_LOW}])"
_UPPER = rf"(?:[{_UP}][{_UP}’'-]*[{_UP}])(?![{_UP}{_LOW}])"
_INITIAL = r"(?:[A-Z]\.|[A-Z](?=[ \t]))"
_WORD_TITLED = rf"(?:{_CAP}|{_INITIAL})"
_WORD = rf"(?:{_CAP}|{_UPPER})"

# Scanning regexes start with a literal or a character class, never a look-behind or "^":
# re then jumps to candidate characters. Word and line starts are checked in code.
TITLED_RE = re.compile(rf"{_TITLE_RX}[ \t]+(?P<name>{_WORD_TITLED}(?:[ \t]*{_WORD_TITLED}){{0,3}})")
NAME_AFTER_ROLE_RE = re.compile(rf"[ \t]*[:–-]?[ \t]*(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,3}})")
NAME_BEFORE_ROLE_RE = re.compile(rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,3}})[ \t]*,?[ \t]*\(?$")
# Between a name and the office after it: a bracket or a comma (", the Chair of ...").
OFFICE_SEPARATOR_RE = re.compile(r"[ \t]*(?:\(|,[ \t]+(?:the[ \t]+|our[ \t]+)?)(?=[A-Z])")


class _LineRegex:
    """A regex applied at every line start: anchored on the newline for speed, plus the first line."""

    def __init__(self, body: str):
        self.first = re.compile(body)
        self.rest = re.compile("\n" + body)

    def finditer(self, text: str):
        """Matches starting at line starts, in order."""
        first = self.first.match(text)
        if first:
            yield first
        yield from self.rest.finditer(text)


_LINE_END = r"[ \t]*(?=\n|$)"
SIGNATURE_LINE_RE = _LineRegex(rf"[ \t]*(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,2}}){_LINE_END}")
INITIAL_LINE_RE = _LineRegex(rf"[ \t]*(?P<name>[A-Z]\.[ \t]?{_CAP}){_LINE_END}")
LINE_START_NAME_RE = _LineRegex(rf"[ \t]*(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,3}})(?=[ \t]*,?[ \t]+[A-Z(])")
YOURS_RE = re.compile(r"Yours (?:sincerely|faithfully|truly)", re.I)
# How stories and minutes name people in passing: "Steve Crocker, director of children’s services,
# said", "appointed Eleanor Brazil as the commissioner for ...", "chaired by Graham Bartlett",
# "Director of Children’s Services, Sharon Muldoon and ...".
# Found from the verb back: a scan for names everywhere costs a search at every capital letter.
SAID_RE = re.compile(r",[ \t]+(?:said|says|added|adds|commented|explained|told)\b")
NAME_SAID_RE = re.compile(rf"(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,2}}),[ \t]+(?P<role>[^,.;:\n“”\"]{{3,90}}?)$")
SAID_REACH = 140
NAME_AFTER_VERB_RE = re.compile(
    rf"\b(?:appointed|chaired[ \t]+by|led[ \t]+by|presented[ \t]+by|introduced[ \t]+by|signed[ \t]+by)[ \t]+"
    rf"(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,2}})(?:[ \t]+as[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+|its[ \t]+)?"
    r"(?P<role>[^,.;:\n]{3,80}))?(?=[ \t]*(?:[,.;:)\n]|$|and\b|who\b|to\b|for\b|at\b|in\b))")
NAME_AFTER_OFFICE_RE = re.compile(
    rf",[ \t]+(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,2}})(?=[ \t]*(?:[,.;)]|$|\n|and\b|who\b|has\b|had\b|is\b|was\b))")
# Names listed after one role: "Contact: Karen Mannering / Geoff Mills".
NAME_LIST_SEPARATOR_RE = re.compile(r"[ \t]*(?:/|&|,|and)[ \t]*")
WORD_RE = re.compile(r"\S+")
SEPARATOR_RE = re.compile(r"[ \t]*,?[ \t]*")
CONTINUATION_RE = re.compile(
    r"[ \t]*(?:(?:,|–|—|-|&|/)[ \t]*)?(?P<word>[A-Z][\w’'-]*|and|of|for|the|in|with|to|on)(?![\w])"
)
MAX_ROLE_WORDS = 12

# Capitalised words that are never part of a person's name in these documents (compared
# case-folded, so headings in capitals are caught too).
NON_NAME_WORDS = frozenset(w.casefold() for w in """
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Council Councils Borough County City Metropolitan District Authority Authorities Local
Children Children's Children’s Childrens Child People Family Families Parent Parents
Services Service Social Care Health Education Educational School Schools Learning Skills
Key Stage Sure Start Proper Officer Officers Inspection Inspections Inspector Inspectors Ofsted
Board Trust Partnership Cabinet Member Members Director Manager Report Reports Assessment
Annual Performance Rating Ratings Area Review Summary Contents Introduction Judgement Judgements
Grade Grades Overall Effectiveness Leadership Management Quality Safeguarding Plan Plans
Yours Sincerely Faithfully Dear The This That These Those And Of For With From To In On At By
Department Office Commission Government National Regional Adoption Fostering Help Protection
Leaving Leavers House Road Street Avenue Buildings Building Centre Centres Square
Central Greater United Kingdom England English
HMI SHMI AI OI SCRI RI Senior Lead Deputy Team Chief Executive Corporate Divisional Head Chair
Mayor Leader Page Section Part Appendix Table Figure Recommendations Recommendation Resolved
Decision Reasons Options Meeting Title Item Record Details Date Time Not Applicable None
Protect Making Better Achieving Being Healthy Staying Safe Enjoying Positive Contribution
Economic Wellbeing Well-being Contact Telephone Email Tel Fax Website Published Crown Copyright
Strengths Weaknesses Areas Improvement Next Steps Evidence Outcomes Outcome Progress Practice
Programme Project Policy Strategy Framework Group Groups Forum Panel Committee Unit Team Teams
Agency Agencies Provider Providers Support Early Years Special Needs Alternative Considered
Rejected Declared Conflicts Interest Dispensations Reasons Call Proforma Recommendations
Connected Hub Among Countries Across Hopping Admin Performs Good Outstanding Inadequate
Adequate Requires Improvement Excellent Poorly Adequately Excellently Is Are Was Were
Directorate Directorates Resources Division Commissioning Department Departments
""".split())


@dataclass(slots=True)
class Mention:
    """One written occurrence of a person."""

    start: int  # of the name (title excluded)
    end: int
    surface: str
    kind: str  # "full" | "surname" | "initial"
    rule: str
    title: str | None = None
    title_start: int | None = None
    role: str | None = None


class _Entities:
    """Existing entities indexed by character offset."""

    def __init__(self, doc: Doc):
        spans = sorted((e.start_char, e.end_char, e.label_, len(e)) for e in doc.ents)
        self.spans = spans
        self.starts = [s[0] for s in spans]
        self.by_start = {s[0]: s for s in spans}

    def at(self, pos: int) -> tuple[int, int, str, int] | None:
        """The entity starting exactly at ``pos``."""
        return self.by_start.get(pos)

    def blocks(self, start: int, end: int) -> bool:
        """True when an ORG, DATE or multi-word council overlaps [start, end)."""
        i = bisect.bisect_left(self.starts, end)
        for s, e, label, n_tokens in reversed(self.spans[max(0, i - 8):i]):
            if e <= start:
                continue
            if label in ("ORG", "DATE", "POSTCODE", "LEGISLATION", "EMAIL", "URL", "PHONE"):
                return True
            # A one-word council may be a surname ("Mary Sutton"); a longer one never is.
            if label == "LOCAL_AUTHORITY" and n_tokens > 1:
                return True
        return False


def _display(surface: str) -> str:
    """Name as shown: single spaces, ALL-CAPS title-cased ("FLO HADLEY" -> "Flo Hadley")."""
    name = " ".join(surface.split())
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 2:
        name = name.title()
    return name


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end offsets of the line containing ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end == -1 else end)


def _next_line_start(text: str, pos: int) -> int | None:
    """Start of the next non-blank line after the line containing ``pos``."""
    end = text.find("\n", pos)
    while end != -1:
        start = end + 1
        end = text.find("\n", start)
        line = text[start:(len(text) if end == -1 else end)]
        if line.strip():
            return start + (len(line) - len(line.lstrip()))
    return None


def _previous_lines(text: str, pos: int, count: int) -> list[str]:
    """Up to ``count`` non-blank lines before the line containing ``pos`` (nearest first)."""
    lines = []
    end = text.rfind("\n", 0, pos)
    while end > 0 and len(lines) < count:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            lines.append(line)
        end = start - 1
    return lines


class PeopleComponent:
    """Finds person mentions, joins titles and roles, and marks PERSON entities."""

    def __init__(self, roles: list[RoleRule]):
        self.roles = [(rule, re.compile(rf"(?:{rule.compiled.pattern})(?![A-Za-z])")) for rule in roles]
        before = [rule.compiled.pattern for rule in roles if rule.kind == "before_name"]
        after = [rule.compiled.pattern for rule in roles if rule.kind == "after_name"]
        office = [rule.compiled.pattern for rule in roles if rule.kind == "office"]
        self.before_re = self._alternation(before)
        self.after_re = self._alternation(after)
        self.office_re = self._alternation(office)

    @staticmethod
    def _alternation(patterns: list[str]) -> re.Pattern | None:
        """One scanning regex for a kind of role; matches are checked again with ``role_at``."""
        # Flat (no wrapping group): re can then skip ahead to the alternatives' first letters.
        if not patterns:
            return None
        return re.compile("|".join(patterns))

    # -- roles ------------------------------------------------------------------------------
    def role_at(self, text: str, pos: int, kinds: tuple[str, ...]) -> tuple[RoleRule, int] | None:
        """The longest role of the given kinds starting exactly at ``pos``."""
        if pos >= len(text) or not (text[pos].isalpha() or text[pos] == "("):
            return None
        best = None
        for rule, compiled in self.roles:
            if rule.kind not in kinds:
                continue
            m = compiled.match(text, pos)
            if m and (best is None or m.end() > best[1]):
                best = (rule, m.end())
        return best

    def role_text(self, text: str, pos: int, ents: _Entities, stops: set[int],
                  kinds: tuple[str, ...] = ("office", "after_name")) -> tuple[str, int] | None:
        """Role phrase starting at ``pos`` (extended for offices) and where its words end."""
        found = self.role_at(text, pos, kinds)
        if found is None:
            return None
        rule, head_end = found
        if rule.kind != "office":
            role = rule.role or text[pos:head_end].strip("() \t")
            return " ".join(role.split()), head_end
        return self._extend(text, pos, head_end, rule, ents, stops)

    def _extend(self, text: str, start: int, head_end: int, rule: RoleRule, ents: _Entities,
                stops: set[int]) -> tuple[str, int]:
        """Extend an office over the following words of its line; append a trailing ORG."""
        _, line_end = _line_bounds(text, start)
        pos = last = head_end
        for _ in range(MAX_ROLE_WORDS):
            m = CONTINUATION_RE.match(text, pos)
            if not m or m.end() > line_end:
                break
            word_start = m.start("word")
            # A role ends where an organisation, council, date or person begins.
            if word_start in stops or ents.at(word_start) or m.group("word") in TITLES:
                break
            pos = m.end()
            if m.group("word")[0].isupper():
                last = pos
        role = (rule.role + text[head_end:last]) if rule.role else text[start:last]
        after = SEPARATOR_RE.match(text, last).end()
        org = ents.at(after)
        if org and org[2] == "ORG" and org[1] <= line_end:
            role = f"{role.rstrip(' ,')}, {text[after:org[1]]}"
        return " ".join(role.split()), last

    # -- name helpers -----------------------------------------------------------------------
    def _name_words(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Word offsets within a name candidate."""
        return [m.span() for m in WORD_RE.finditer(text, start, end)]

    def _is_name_word(self, text: str, span: tuple[int, int], ents: _Entities) -> bool:
        """True for a word that may be part of a name at this position."""
        word = text[span[0]:span[1]].rstrip(".,")
        if word.casefold() in NON_NAME_WORDS or word in TITLES:
            return False
        if self.role_at(text, span[0], ("office", "after_name", "before_name")):
            return False
        return not ents.blocks(span[0], span[1])

    def _leading_name(self, text: str, start: int, end: int, ents: _Entities, min_words: int) -> tuple[int, int] | None:
        """The longest run of name words from ``start`` (stops at a role, council or org)."""
        words = []
        for span in self._name_words(text, start, end):
            if not self._is_name_word(text, span, ents):
                break
            words.append(span)
        while words and len(text[words[-1][0]:words[-1][1]].rstrip(".")) == 1:
            words.pop()  # a name does not end with an initial
        if len(words) < min_words:
            return None
        return words[0][0], words[-1][1]

    def _trailing_name(self, text: str, start: int, end: int, ents: _Entities) -> tuple[int, int] | None:
        """The last 2-3 name words before ``end``."""
        words = self._name_words(text, start, end)[-3:]
        while words and not self._is_name_word(text, words[0], ents):
            words.pop(0)
        if len(words) < 2 or not all(self._is_name_word(text, w, ents) for w in words):
            return None
        return words[0][0], words[-1][1]

    def _all_name_words(self, text: str, start: int, end: int, ents: _Entities) -> bool:
        """True when every word of the candidate may be part of a name."""
        return all(self._is_name_word(text, w, ents) for w in self._name_words(text, start, end))

    # -- rules ------------------------------------------------------------------------------
    def _titled(self, text: str, ents: _Entities) -> list[Mention]:
        """'Mrs Ann Baxter', 'Dear Mrs Baxter', 'Councillor Ann McCoy'."""
        found = []
        for m in TITLED_RE.finditer(text):
            if starts_inside_word(text, m.start()):
                continue
            name = self._leading_name(text, m.start("name"), m.end("name"), ents, 1)
            if name is None:
                continue
            surface = text[name[0]:name[1]]
            kind = "full" if len(surface.split()) > 1 else "surname"
            found.append(Mention(name[0], name[1], surface, kind, "titled", m.group("title"), m.start()))
        return found

    def _after_role_prefix(self, text: str, ents: _Entities) -> list[Mention]:
        """'Lead inspector: Jane Smith', 'Lead Inspector Tracey Metcalfe’s report'."""
        found = []
        if self.before_re is None:
            return found
        for m in self.before_re.finditer(text):
            if starts_inside_word(text, m.start()):
                continue
            rule = self.role_at(text, m.start(), ("before_name",))
            n = NAME_AFTER_ROLE_RE.match(text, m.end())
            if rule is None or n is None:
                continue
            name = self._leading_name(text, n.start("name"), n.end("name"), ents, 2)
            role = rule[0].role or " ".join(text[m.start():m.end()].split())
            while name:
                found.append(Mention(name[0], name[1], text[name[0]:name[1]], "full", "role_prefix", role=role))
                # more names under the same role: "Contact: Karen Mannering / Geoff Mills"
                separator = NAME_LIST_SEPARATOR_RE.match(text, name[1])
                n = NAME_AFTER_ROLE_RE.match(text, separator.end()) if separator and separator.end() > name[1] else None
                name = self._leading_name(text, n.start("name"), n.end("name"), ents, 2) if n else None
        return found

    def _before_role_suffix(self, text: str, ents: _Entities) -> list[Mention]:
        """'Jane Smith HMI', 'Jane Smith, His Majesty’s Inspector', 'Jane Smith (HMI)'."""
        found = []
        if self.after_re is None:
            return found
        for m in self.after_re.finditer(text):
            if starts_inside_word(text, m.start()) or not self.role_at(text, m.start(), ("after_name",)):
                continue
            line_start, _ = _line_bounds(text, m.start())
            n = NAME_BEFORE_ROLE_RE.search(text, line_start, m.start())
            if n is None:
                continue
            name = self._trailing_name(text, n.start("name"), n.end("name"), ents)
            if name:
                found.append(Mention(name[0], name[1], text[name[0]:name[1]], "full", "role_suffix"))
        return found

    def _before_office(self, text: str, ents: _Entities) -> list[Mention]:
        """A name, then a comma or a bracket, then an office: 'Carole Burgoyne (Strategic Director for
        People)', 'Mac Heath (Head of Children and Families Services)', 'Deb Austin (Corporate
        Director, ...)' (minutes name officers so)."""
        found = []
        # From each bracket or comma before a capital, not from every office in the text: scanning
        # for the offices themselves cost a tenth of the whole extraction.
        for separator in OFFICE_SEPARATOR_RE.finditer(text):
            office = self.role_at(text, separator.end(), ("office",))
            if office is None:
                continue
            line_start, _ = _line_bounds(text, separator.start())
            n = NAME_BEFORE_ROLE_RE.search(text, max(line_start, separator.start() - 80), separator.start())
            if n is None:
                continue
            name = self._trailing_name(text, n.start("name"), n.end("name"), ents)
            if name:
                role = self.role_text(text, separator.end(), ents, set(), ("office",))
                found.append(Mention(name[0], name[1], text[name[0]:name[1]], "full", "office_suffix",
                                     role=role[0] if role else None))
        return found

    def _in_passing(self, text: str, ents: _Entities) -> list[Mention]:
        """Names in a story's or a minute's sentences: 'Steve Crocker, director of children’s
        services, said', 'appointed Eleanor Brazil as the commissioner for children’s services',
        'chaired by Graham Bartlett', 'Director of Children’s Services, Sharon Muldoon and ...'."""
        found = []
        said = [NAME_SAID_RE.search(text, max(0, verb.start() - SAID_REACH), verb.start())
                for verb in SAID_RE.finditer(text)]
        for m in [*filter(None, said), *NAME_AFTER_VERB_RE.finditer(text)]:
            if starts_inside_word(text, m.start("name")):
                continue
            start, end = m.span("name")
            if not self._all_name_words(text, start, end, ents):
                continue
            role = m.group("role")
            found.append(Mention(start, end, text[start:end], "full", "in_passing",
                                 role=" ".join(role.split()) if role else None))
        if self.office_re is None:
            return found
        for m in NAME_AFTER_OFFICE_RE.finditer(text):
            start, end = m.span("name")
            if not self._all_name_words(text, start, end, ents):
                continue
            line_start, _ = _line_bounds(text, m.start())
            # the office ends at this comma: "Director of Children’s Services, Sharon Muldoon"
            heads = list(self.office_re.finditer(text, max(line_start, m.start() - 90), m.start()))
            for head in reversed(heads):  # the office nearest the name is its own
                rule = self.role_at(text, head.start(), ("office",))
                between = text[head.start():m.start()]
                if rule and re.fullmatch(r"(?:[\w’'&-]+,?[ \t]*)+", between):
                    found.append(Mention(start, end, text[start:end], "full", "after_office",
                                         role=" ".join(between.split())))
                    break
        return found

    def _signature_lines(self, text: str, ents: _Entities) -> list[Mention]:
        """A name line above a role line or after 'Yours sincerely'; 'F.Surname' above one."""
        found = []
        accepted_lines = set()
        for m in SIGNATURE_LINE_RE.finditer(text):
            start, end = m.span("name")
            if not self._all_name_words(text, start, end, ents):
                continue
            nxt = _next_line_start(text, end)
            follows_yours = any(YOURS_RE.match(line) for line in _previous_lines(text, start, 2))
            if follows_yours or (nxt is not None and self.role_at(text, nxt, ("office", "after_name"))):
                found.append(Mention(start, end, text[start:end], "full", "signature"))
                accepted_lines.add(_line_bounds(text, start)[0])
        for m in INITIAL_LINE_RE.finditer(text):
            start, end = m.span("name")
            nxt = _next_line_start(text, end)
            follows_yours = any(YOURS_RE.match(line) for line in _previous_lines(text, start, 2))
            above_signature = nxt is not None and _line_bounds(text, nxt)[0] in accepted_lines
            if (follows_yours or above_signature) and not ents.blocks(start, end):
                found.append(Mention(start, end, text[start:end], "initial", "signature_initial"))
        return found

    def _name_then_role_lines(self, text: str, ents: _Entities) -> list[Mention]:
        """A line starting with a name followed by a role: 'Juliet Winstanley Divisional Manager, CAA'."""
        found = []
        for m in LINE_START_NAME_RE.finditer(text):
            words = self._name_words(text, *m.span("name"))
            for k in (2, 3):
                if k > len(words):
                    break
                end = words[k - 1][1]
                after = SEPARATOR_RE.match(text, end).end()
                if after == end and text[end:end + 1] not in (" ", "\t"):
                    continue
                if not self.role_at(text, after, ("office", "after_name")):
                    continue
                if all(self._is_name_word(text, w, ents) for w in words[:k]):
                    start = words[0][0]
                    found.append(Mention(start, end, text[start:end], "full", "name_role_line"))
                break
        return found

    # -- joining ----------------------------------------------------------------------------
    @staticmethod
    def _dedupe(mentions: list[Mention]) -> list[Mention]:
        """One mention per name span: the longest span wins; titles and roles are pooled."""
        by_span: dict[tuple[int, int], Mention] = {}
        for m in mentions:
            kept = by_span.get((m.start, m.end))
            if kept is None:
                by_span[(m.start, m.end)] = m
                continue
            kept.title = kept.title or m.title
            kept.title_start = kept.title_start if kept.title_start is not None else m.title_start
            kept.role = kept.role or m.role
        result: list[Mention] = []
        for m in sorted(by_span.values(), key=lambda x: (x.start, -(x.end - x.start))):
            if result and m.start < result[-1].end:
                continue  # overlaps a longer mention that starts at or before it
            result.append(m)
        return result

    def _join_role(self, text: str, m: Mention, ents: _Entities, stops: set[int]) -> str | None:
        """Role written after the name, on the next line of a signature, or before it in apposition."""
        after = SEPARATOR_RE.match(text, m.end).end()
        found = self.role_text(text, after, ents, stops)
        if found:
            return found[0]
        line_start, line_end = _line_bounds(text, m.start)
        first = m.title_start if m.title_start is not None else m.start
        if not text[line_start:first].strip() or YOURS_RE.match(text[line_start:first].strip()):
            if not text[m.end:line_end].strip(" \t,"):
                nxt = _next_line_start(text, m.end)
                if nxt is not None:
                    found = self.role_text(text, nxt, ents, stops)
                    if found:
                        return found[0]
        return self._apposition_role(text, line_start, first, ents, stops)

    def _apposition_role(self, text: str, line_start: int, first: int, ents: _Entities, stops: set[int]) -> str | None:
        """'Cabinet Member for Children and Young People, Councillor Ann McCoy'."""
        before = text[line_start:first].rstrip(" \t")
        if not before.endswith(",") or self.office_re is None:
            return None
        comma = line_start + len(before) - 1
        for head in reversed(list(self.office_re.finditer(text, line_start, comma))):
            found = self.role_text(text, head.start(), ents, stops, ("office",))
            if found and SEPARATOR_RE.match(text, found[1]).end() >= first and text[found[1]:comma + 1].strip() == ",":
                return found[0]
        return None

    def __call__(self, doc: Doc) -> Doc:
        check_deadline(doc, "finding people")
        text = doc_text(doc)
        ents = _Entities(doc)
        mentions = self._dedupe(
            self._titled(text, ents) + self._after_role_prefix(text, ents) + self._before_role_suffix(text, ents)
            + self._signature_lines(text, ents) + self._name_then_role_lines(text, ents)
            + self._before_office(text, ents) + self._in_passing(text, ents)
        )
        stops = {m.title_start if m.title_start is not None else m.start for m in mentions}
        for m in mentions:
            m.role = m.role or self._join_role(text, m, ents, stops)
        spans = [char_span(doc, m.start, m.end, LABEL) for m in mentions]
        spans = [s for s in spans if s is not None]
        if spans:
            # People rules are specific: a person beats an equally long council ("Mr Kent").
            doc.ents = filter_spans(spans + list(doc.ents))
        doc.user_data[USER_DATA_KEY] = [
            {**asdict(m), "name": _display(m.surface)} for m in mentions
        ]
        release_text(doc)
        return doc


@Language.factory("ofsted_people", default_config={"roles_file": "roles_v1.jsonl"})
def make_people(nlp: Language, name: str, roles_file: str) -> PeopleComponent:
    """Factory: person rules with the role vocabulary of a versioned JSONL file."""
    return PeopleComponent(load_role_rules(roles_file))
