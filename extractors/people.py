"""People of a document: mentions from the ``ofsted_people`` component merged into persons.

The same name repeated is one person; "Dear Mrs Baxter" joins Ann Baxter; OCR'd or ALL-CAPS
signature forms ("F.Hadney", "FLO HADLEY") join the person whose initial matches and whose
surname is close (rapidfuzz ratio), and are listed in ``variants``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.tokens import Doc

from .components.people import USER_DATA_KEY
from .records import Person

SURNAME_MIN_RATIO = 80.0  # "Hadney" ~ "Hadley": one OCR slip in a short surname
FULLNAME_MIN_RATIO = 88.0


@dataclass(slots=True)
class _Group:
    """A person being assembled from mentions."""

    name: str
    first: str
    last: str
    title: str | None
    role: str | None
    start: int
    end: int
    surfaces: list[tuple[int, str]] = field(default_factory=list)


def _split_name(name: str) -> tuple[str, str]:
    """First and last word of a name ("F.Hadney" -> ("F", "Hadney"))."""
    parts = name.replace(".", ". ").split()
    return (parts[0].rstrip("."), parts[-1]) if parts else ("", "")


def _same_person(group: _Group, first: str, last: str) -> bool:
    """True when a full name is the group's name, allowing an OCR slip."""
    if group.first.casefold() == first.casefold() and group.last.casefold() == last.casefold():
        return True
    return (group.first[:1].casefold() == first[:1].casefold()
            and fuzz.ratio(group.last.casefold(), last.casefold()) >= FULLNAME_MIN_RATIO
            and fuzz.ratio(group.first.casefold(), first.casefold()) >= FULLNAME_MIN_RATIO)


def _find_group(groups: list[_Group], first: str, last: str, kind: str) -> _Group | None:
    """The existing person a mention refers to, if any."""
    for group in groups:
        if kind == "full" and _same_person(group, first, last):
            return group
        if kind == "initial" and group.first[:1].casefold() == first[:1].casefold() and \
                fuzz.ratio(group.last.casefold(), last.casefold()) >= SURNAME_MIN_RATIO:
            return group
        if kind == "surname" and fuzz.ratio(group.last.casefold(), last.casefold()) >= 90:
            return group
    return None


def _mentions(doc: Doc) -> list[dict]:
    """Mentions stored by the component, or bare PERSON entities if it did not run."""
    if USER_DATA_KEY in doc.user_data:
        return list(doc.user_data[USER_DATA_KEY])
    return [
        {"start": e.start_char, "end": e.end_char, "surface": e.text, "name": e.text,
         "kind": "full" if len(e) > 1 else "surname", "title": None, "role": None}
        for e in doc.ents if e.label_ == "PERSON"
    ]


def people_from_doc(doc: Doc) -> list[Person]:
    """The distinct people of a processed doc, with title, role and written variants."""
    mentions = sorted(_mentions(doc), key=lambda m: m["start"])
    # Full names first, so that initials and bare surnames can join them wherever they are.
    order = {"full": 0, "initial": 1, "surname": 2}
    groups: list[_Group] = []
    for m in sorted(mentions, key=lambda m: (order.get(m["kind"], 3), m["start"])):
        first, last = _split_name(m["name"])
        group = _find_group(groups, first, last, m["kind"])
        if group is None:
            group = _Group(m["name"], first, last, m["title"], m["role"], m["start"], m["end"])
            groups.append(group)
        else:
            group.title = group.title or m["title"]
            group.role = group.role or m["role"]
        if m["kind"] != "surname":
            group.surfaces.append((m["start"], m["surface"]))
    groups.sort(key=lambda g: g.start)
    people = []
    for group in groups:
        variants = []
        for _, surface in sorted(group.surfaces):
            surface = " ".join(surface.split())
            if surface != group.name and surface not in variants:
                variants.append(surface)
        people.append(Person(name=group.name, title=group.title, role=group.role, variants=variants,
                             start=group.start, end=group.end))
    return people
