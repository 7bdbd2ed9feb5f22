"""Which files a run reads: the documents under the folders and files it is given.

Nothing is passed over in silence. A file of another type, a hidden file, a symbolic link to a
folder (not followed, so a link cannot loop or bring a file in twice), a folder that cannot be
listed and anything that is not a regular file is *skipped*, with its reason; a file whose name
is not valid UTF-8 is *unusable* (a named failure: its name cannot be stored or printed as
text). A document's ``key`` is its path relative to the folder it was found under, so the same
folder typed another way (absolute, relative, from another directory) gives the same keys.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import OfstedError

from .reading import SUPPORTED_SUFFIXES


class InputNotFound(OfstedError):
    """A path given to a run does not exist or cannot be opened at all."""

    def __init__(self, path: str | Path, reason: str):
        self.path = printable(path)
        super().__init__(f"{self.path}: {reason}")


def printable(path: str | Path) -> str:
    """A path as text: bytes of a name that are not UTF-8 are shown as escapes (``\\xe9``)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def is_printable_name(path: str | Path) -> bool:
    """Whether a path's bytes are valid UTF-8 (Python holds undecodable bytes as surrogates)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # where to read it
    key: str  # its identity: the path relative to the folder it was found under, or as given


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str  # printable
    reason: str


@dataclass(slots=True)
class Inputs:
    """The documents to read, what was skipped and why, and files that can only fail."""

    files: list[InputFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unusable: list[tuple[InputFile, str]] = field(default_factory=list)  # (file, error)

    @property
    def n_documents(self) -> int:
        return len(self.files) + len(self.unusable)


def find_inputs(paths: Sequence[str | Path]) -> Inputs:
    """The documents named, and those under the folders named (recursively), each once, sorted.

    A file named on its own is always read (its bytes decide what it is); under a folder only
    ``.txt`` and ``.pdf`` files are. Raises InputNotFound for a path that does not exist.
    """
    inputs = Inputs()
    seen: set[str] = set()
    for given in paths:
        given = Path(given)
        kind = _kind(given)
        if kind == "folder":
            _walk(given, inputs, seen)
        elif kind == "file":
            _add(inputs, seen, InputFile(given, printable(given)))
        else:
            inputs.skipped.append(Skipped(printable(given), kind))
    inputs.files.sort(key=lambda f: str(f.path))
    inputs.skipped.sort(key=lambda s: s.path)
    inputs.unusable.sort(key=lambda u: str(u[0].path))
    return inputs


def _kind(path: Path) -> str:
    """'file', 'folder', or why a path given on the command line cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputNotFound(path, "is a symbolic link that loops back on itself") from None
        if os.path.islink(path):
            raise InputNotFound(path, f"is a broken symbolic link (to {printable(os.readlink(path))})") from None
        if exc.errno == errno.ENOENT:
            raise InputNotFound(path, "does not exist") from None
        raise InputNotFound(path, f"cannot be opened ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not a regular file (a device, pipe or socket)"


def _walk(root: Path, inputs: Inputs, seen: set[str]) -> None:
    def unreadable(exc: OSError) -> None:
        inputs.skipped.append(Skipped(printable(exc.filename or root), f"folder cannot be read ({exc.strerror})"))

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        for name in sorted(dirs):
            child = here / name
            if name.startswith("."):
                inputs.skipped.append(Skipped(printable(child), "hidden folder"))
                dirs.remove(name)
            elif os.path.islink(child):
                inputs.skipped.append(Skipped(printable(child), "symbolic link to a folder, not followed: "
                                                                "copy the files in or give the folder itself"))
                dirs.remove(name)
        for name in names:
            child = here / name
            reason = _skip_reason(child, name)
            if reason:
                inputs.skipped.append(Skipped(printable(child), reason))
            else:
                _add(inputs, seen, InputFile(child, printable(child.relative_to(root).as_posix())))


def _skip_reason(path: Path, name: str) -> str | None:
    """Why a file found under a folder is not a document to read, or None."""
    if name.startswith("."):
        return "hidden file"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {suffix or '(no suffix)'}: only .txt and .pdf are read"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return "broken symbolic link" if os.path.islink(path) else f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, pipe or socket)"
    return None


def _add(inputs: Inputs, seen: set[str], file: InputFile) -> None:
    identity = os.path.realpath(file.path)
    if identity in seen:  # the same file named twice, or reached through two links
        return
    seen.add(identity)
    if is_printable_name(file.path):
        inputs.files.append(file)
    else:
        inputs.unusable.append((file, f"{printable(file.path)}: file name is not valid UTF-8, so it cannot be "
                                      "stored or printed as text: rename the file (e.g. with convmv)"))
