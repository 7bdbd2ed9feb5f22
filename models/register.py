"""The register of English councils with children's services since 2005, and council names
matched against it: the one place that reads the register and finds councils.

The packaged ``models/data/local_authorities.csv`` has one row per council per GSS code period
(a council recoded or reorganised has a row for each), with its DfE code, type, region, the
years it was valid, its aliases and the councils that succeeded it. ``load_register_rows`` reads
and checks it; the store loads those rows into ``local_authorities``.

``Register`` matches names on the same rows: ``match`` resolves one name (exact, then
council-type words stripped, then a children's-trust rule, then fuzzy), ``find_in_text`` finds
every council mention in a text and ``choose_council`` the council a document is about. The
spaCy component ``ofsted_local_authorities`` marks the mentions in a document, the report and
search resolve ``--council`` and the evaluation compares councils, all through it.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from models.errors import OfstedError

REGISTER_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"
REGISTER_COLUMNS = ("name", "official_name", "gss_code", "dfe_la_code", "la_type", "region",
                    "valid_from", "valid_to", "aliases", "successor")


class RegisterError(OfstedError, ValueError):
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


@dataclass(slots=True)
class LocalAuthorityMatch:
    """A council a name or a mention resolved to: its register row of the year, and how sure (100 = exact)."""

    name: str
    gss_code: str
    dfe_la_code: str
    match_score: float
    official_name: str | None = None
    region: str | None = None


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


# -- matching names --------------------------------------------------------------------------

DEFAULT_THRESHOLD = 88.0

# Council-type words stripped before comparing ("Leeds City Council" and "Leeds" are one council).
_PREFIXES = (
    "the ", "royal borough of ", "london borough of ", "metropolitan borough of ", "borough of ",
    "city and county of ", "city of ", "county of ", "council of the ", "council of ",
)
_SUFFIXES = (
    " metropolitan district council", " metropolitan borough council", " london borough council",
    " borough council", " city council", " county council", " district council", " unitary council",
    " unitary authority", " local authority", " council", " metropolitan district",
    " metropolitan borough", " mbc", " bc", " cc", " lbc", " city", " county",
)
# Cores too generic to identify a council on their own.
_GENERIC_CORES = {"", "london", "city", "county", "borough", "council"}

# Children's trusts and companies are named "<Council> Children..." or "Children First <Council>".
_TRUST_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?P<la>.+?)\s+children(?:'s)?\b.*\b(?:trust|first|company|partnership|services)\b",
    re.IGNORECASE,
)
_TRUST_SUFFIX_RE = re.compile(r"^(?:the\s+)?children\s+first\s+(?P<la>.+)$", re.IGNORECASE)

# Single-word names that are also ordinary capitalised English words at a sentence start.
_SENTENCE_START_AMBIGUOUS = {"Reading", "Bury"}
# Upper-case variants are not added for these (headings like "READING AND WRITING").
_NO_UPPER_VARIANT = {"Reading", "Bury", "Kingston", "Richmond", "Stoke", "Poole"}


def normalise(text: str) -> str:
    """Case-fold and unify punctuation so written variants compare equal."""
    text = text.replace("’", "'").replace("&", " and ").casefold()
    text = re.sub(r"[‐‑–—-]", " ", text)
    text = re.sub(r"[.,()*\"]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


MIN_SQUASHED = 4  # shorter words ("iow", "lb") name nothing for certain


def squash(text: str) -> str:
    """A name as letters only, without "and": how a web address or a file name writes it."""
    return re.sub(r"[^a-z]", "", re.sub(r"\band\b", "", normalise(text)))


def core(text: str) -> str:
    """Normalised name with council-type words ("Borough Council", "City of"...) stripped."""
    key = " " + normalise(text) + " "
    changed = True
    while changed:
        changed = False
        stripped = key.strip()
        for prefix in _PREFIXES:
            if stripped.startswith(prefix) and len(stripped) > len(prefix):
                stripped, changed = stripped[len(prefix):], True
        for suffix in _SUFFIXES:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                stripped, changed = stripped[: -len(suffix)], True
        key = stripped
    return key.strip()


def _variants(form: str) -> list[str]:
    """Written variants searched for: as written, in capitals (headings, address blocks), and
    with every word capitalised as titles print it ("Kingston Upon Hull", "Stockton-On-Tees",
    "Redcar And Cleveland": Ofsted's own table and report titles write them so; without it,
    "Kingston Upon Hull" was read as "Kingston", which is Kingston upon Thames)."""
    variants = [form]
    if form not in _NO_UPPER_VARIANT and len(form) >= 4 and form.upper() != form:
        variants.append(form.upper())
    titled = _TITLE_WORD_RE.sub(lambda m: m.group(0).upper(), form)
    if titled != form:
        variants.append(titled)
    return variants


# The first letter of a lower-case word (after a space or a hyphen).
_TITLE_WORD_RE = re.compile(r"(?<=[\s-])[a-z]")


def _token(char: str) -> str:
    """Regex for one character of a form (any run of spaces matches a space)."""
    return r"\s+" if char == " " else re.escape(char)


def _trie_regex(forms: Iterable[str]) -> str:
    """Compile literal forms into one prefix-trie regex."""
    # Every branch starts with a literal character, so re skips ahead to possible first
    # letters instead of trying a 1,000-way alternation at every position.
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(_token(char), {})
        node[""] = True

    def depth(node: dict) -> int:
        """Longest path below a node."""
        return max((1 + depth(child) for key, child in node.items() if key), default=0)

    def build(node: dict) -> str:
        """Regex for the forms below a node."""
        children = [(key, child) for key, child in node.items() if key]
        # Deeper branches first so that, where two branches both match, the longer one is tried first.
        children.sort(key=lambda kc: -depth(kc[1]))
        alts = [key + build(child) for key, child in children]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return "(?:" + body + ")?" if len(alts) > 1 or len(alts[0]) > 1 else body + "?"
        return body

    return build(trie)


class Register:
    """The council register: lookup by GSS code, name matching and mention finding."""

    def __init__(self, rows: list[LARow], threshold: float = DEFAULT_THRESHOLD):
        self.rows = rows
        self.threshold = threshold
        self._by_gss = {row.gss_code: row for row in rows}
        self._by_name: dict[str, list[LARow]] = {}
        for row in rows:
            self._by_name.setdefault(row.name, []).append(row)
        self._exact: dict[str, str] = {}
        self._core: dict[str, str] = {}
        ambiguous_cores: set[str] = set()
        for row in rows:
            for form in row.forms():
                self._exact.setdefault(normalise(form), row.name)
                key = core(form)
                if key in _GENERIC_CORES:
                    continue
                if self._core.setdefault(key, row.name) != row.name:
                    ambiguous_cores.add(key)
        for key in ambiguous_cores:
            del self._core[key]
        self._core_keys = list(self._core)
        self._form_to_name, self._mention_re = self._compile_mentions()
        # Names as web addresses and file names write them: letters only, no "and" ("brightonhove",
        # "telfordwrekin", "westberkshire"); a squashed form two councils share is nobody's.
        self._squashed: dict[str, str] = {}
        ambiguous_squashed: set[str] = set()
        for row in rows:
            for form in {*row.forms(), core(row.name)}:
                key = squash(form)
                if len(key) >= MIN_SQUASHED and self._squashed.setdefault(key, row.name) != row.name:
                    ambiguous_squashed.add(key)
        for key in ambiguous_squashed:
            del self._squashed[key]

    @classmethod
    def from_csv_text(cls, text: str, threshold: float = DEFAULT_THRESHOLD) -> "Register":
        """Build a register from CSV text in the packaged file's format."""
        return cls(parse_register(text), threshold)

    @classmethod
    def from_csv(cls, path: str | Path, threshold: float = DEFAULT_THRESHOLD) -> "Register":
        """Build a register from a CSV file in the packaged file's format."""
        return cls(load_register_rows(path), threshold)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Register":
        """The packaged register, loaded once per process."""
        return cls.from_csv(REGISTER_CSV)

    # -- rows -------------------------------------------------------------------------------
    def row(self, gss_code: str) -> LARow | None:
        """The row with this GSS code."""
        return self._by_gss.get(gss_code)

    def rows_named(self, name: str) -> list[LARow]:
        """All rows (periods) of the council with this short name."""
        return list(self._by_name.get(name, ()))

    def row_for_year(self, name: str, year: int | None = None, month: int | None = None) -> LARow | None:
        """The row of ``name`` in force in ``year`` (Jan-Mar of a changeover year: the old row)."""
        rows = self._by_name.get(name)
        if not rows:
            return None
        if year is None:
            current = [r for r in rows if r.valid_to is None]
            return current[0] if current else max(rows, key=lambda r: r.valid_to or 0)
        if month is not None and month <= 3:
            # Reorganisations took effect on 1 April: early-year documents predate them.
            ending = [r for r in rows if r.valid_to == year]
            if ending:
                return ending[0]
        for r in rows:
            if (r.valid_from is None or r.valid_from <= year) and (r.valid_to is None or r.valid_to > year):
                return r
        # Named outside its lifetime: the nearest period in time.
        return min(rows, key=lambda r: min(abs((r.valid_from or year) - year), abs((r.valid_to or year) - year)))

    def successors(self, gss_code: str) -> list[LARow]:
        """Rows that took over from this row when it ended."""
        row = self._by_gss.get(gss_code)
        if row is None or row.valid_to is None:
            return []
        return [r for name in row.successor for r in self._by_name.get(name, ()) if r.valid_from == row.valid_to]

    def predecessors(self, gss_code: str) -> list[LARow]:
        """Rows that this row took over from."""
        row = self._by_gss.get(gss_code)
        if row is None:
            return []
        return [r for r in self.rows if row.name in r.successor and r.valid_to == row.valid_from and r.valid_to]

    # -- matching ---------------------------------------------------------------------------
    def _to_match(self, name: str, score: float, year: int | None, month: int | None) -> LocalAuthorityMatch | None:
        """Build the match record for the row of ``name`` valid at the date."""
        row = self.row_for_year(name, year, month)
        if row is None:
            return None
        return LocalAuthorityMatch(
            name=row.name, gss_code=row.gss_code, dfe_la_code=row.dfe_la_code,
            match_score=float(round(score, 1)), official_name=row.official_name, region=row.region,
        )

    def _resolve_name(self, text: str) -> tuple[str, float] | None:
        """Name of the council ``text`` denotes, and the score (100 = exact)."""
        key = normalise(text)
        if not key:
            return None
        if key in self._exact:
            return self._exact[key], 100.0
        key_core = core(text)
        if key_core in self._core:
            return self._core[key_core], 100.0
        for trust_re in (_TRUST_PREFIX_RE, _TRUST_SUFFIX_RE):
            trust = trust_re.match(text.strip())
            if trust and normalise(trust.group("la")) != key:
                found = self._resolve_name(trust.group("la"))
                if found:
                    return found
        if len(key_core) < 4 or not self._core_keys:
            return None  # fuzzy matching on very short strings only finds noise
        best = process.extractOne(key_core, self._core_keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best is None:
            return None
        return self._core[best[0]], float(best[1])

    def match(self, text: str, year: int | None = None, month: int | None = None) -> LocalAuthorityMatch | None:
        """Match one council name (any written form) to the register row valid in ``year``."""
        found = self._resolve_name(text)
        if found is None:
            return None
        name, score = found
        if score < self.threshold:
            return None
        return self._to_match(name, score, year, month)

    def match_identifier(self, word: str, year: int | None = None, *, abbreviated: bool = False,
                         score: float = 100.0) -> LocalAuthorityMatch | None:
        """The council a web address's or a file name's word names ("westberks" with ``abbreviated``,
        "telfordwrekin", "brighton-hove"), or None when it names none or several."""
        key = squash(word)
        if len(key) < MIN_SQUASHED:
            return None
        name = self._squashed.get(key)
        if name is None and abbreviated:
            names = {found for squashed, found in self._squashed.items() if squashed.startswith(key)}
            name = names.pop() if len(names) == 1 else None
        return self._to_match(name, score, year, None) if name else None

    # -- mentions in text -------------------------------------------------------------------
    def _compile_mentions(self) -> tuple[dict[str, str], re.Pattern]:
        """One trie regex over every form, case-sensitive for short forms."""
        form_to_name: dict[str, str] = {}
        forms: set[str] = set()
        for row in self.rows:
            for form in row.forms():
                if "," in form and form.endswith(" of"):
                    continue  # ONS inverted forms ("Bristol, City of") are not written in prose
                for variant in _variants(form):
                    form_to_name.setdefault(normalise(variant), row.name)
                    forms.add(variant)
        # Case-sensitive on purpose: "Hull", "Stockton", "Reading" are names only when capitalised.
        # The left word boundary is checked in code: a leading look-behind would make re try
        # the pattern at every position.
        pattern = re.compile(_trie_regex(sorted(forms)) + r"(?![\w&]|-\w)")
        return form_to_name, pattern

    def find_in_text(self, text: str, year: int | None = None) -> list[tuple[int, int, LocalAuthorityMatch]]:
        """Every council mention in ``text`` as (start, end, match); the longest form wins."""
        found = []
        cache: dict[str, LocalAuthorityMatch | None] = {}
        for m in self._mention_re.finditer(text):
            if _inside_word(text, m.start()):
                continue
            surface = m.group(0)
            if surface in _SENTENCE_START_AMBIGUOUS and _at_sentence_start(text, m.start()):
                continue
            name = self._form_to_name.get(normalise(surface))
            if name is None:
                continue
            if name not in cache:
                cache[name] = self._to_match(name, 100.0, year, None)
            if cache[name] is not None:
                found.append((m.start(), m.end(), cache[name]))
        return found


# Councils named in the title and address block decide which council a document is about.
COUNCIL_HEAD_CHARS = 3000


# A council found only in the body, none in the title and address block, is inferred: trusted less.
BODY_ONLY_FACTOR = 0.75


def choose_council(mentions: Sequence[tuple[int, int, LocalAuthorityMatch]],
                   head_chars: int = COUNCIL_HEAD_CHARS) -> LocalAuthorityMatch | None:
    """The council a document is about, from its mentions (``Register.find_in_text``): the one
    named most in its head (ties: the first named), else the one named most anywhere.

    Its ``match_score`` says how sure that is: the share of the council mentions (in the head, or
    else in the whole text) that name it, times the name's own match score, and three quarters
    of that when no council is named in the head at all. A report naming only its own council
    scores 100; minutes comparing three councils, or a story naming its council once in passing
    among others, score less.
    """
    head = [m for m in mentions if m[1] <= head_chars]
    for scope, factor in ((head, 1.0), (mentions, BODY_ONLY_FACTOR)):
        if scope:
            counts = Counter(match.gss_code for _, _, match in scope)
            first: dict[str, tuple[int, LocalAuthorityMatch]] = {}
            for start, _, match in scope:
                first.setdefault(match.gss_code, (start, match))
            best = max(counts, key=lambda gss: (counts[gss], -first[gss][0]))
            chosen = first[best][1]
            share = counts[best] / len(scope)
            return replace(chosen, match_score=round(chosen.match_score * share * factor, 1))
    return None


def _inside_word(text: str, pos: int) -> bool:
    """True when ``pos`` continues a word ("Bury" in "Canterbury", "Tees" in "Stockton-on-Tees")."""
    if pos == 0:
        return False
    before = text[pos - 1]
    return before.isalnum() or before in "_&" or (before == "-" and pos > 1 and text[pos - 2].isalnum())


def _at_sentence_start(text: str, pos: int) -> bool:
    """True when ``pos`` starts a sentence or a line (so its capital letter proves nothing)."""
    before = text[max(0, pos - 3):pos].rstrip(" \t")
    return not before or before[-1] in ".!?\n:;“\"'‘"
