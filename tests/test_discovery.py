"""Which files a run reads, and that every file it does not read is listed with its reason."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from extractors.discovery import InputNotFound, find_inputs, printable

BAD_NAME = os.fsdecode(b"caf\xe9_report.txt")  # Latin-1 bytes: not valid UTF-8


def make_tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    for name in ("b.txt", "sub/a.pdf", "sub/c.TXT", "notes.docx", "page.html", ".hidden.txt", "README"):
        (root / name).write_bytes(b"x")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_bytes(b"x")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "o.txt").write_bytes(b"x")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "link.txt").symlink_to(root / "b.txt")  # the same file again, through a link
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    os.mkfifo(root / "pipe.txt")


@pytest.mark.parametrize(("path", "reason"), [
    ("notes.docx", "unsupported file type .docx: only .txt and .pdf are read"),
    ("page.html", "unsupported file type .html: only .txt and .pdf are read"),
    ("README", "unsupported file type (no suffix): only .txt and .pdf are read"),
    (".hidden.txt", "hidden file"),
    (".git", "hidden folder"),
    ("linked", "symbolic link to a folder, not followed: copy the files in or give the folder itself"),
    ("dangling.txt", "broken symbolic link"),
    ("pipe.txt", "not a regular file (a device, pipe or socket)"),
])
def test_every_file_not_read_is_listed_with_its_reason(tmp_path, path, reason):
    root = tmp_path / "raw"
    make_tree(root)
    skipped = {Path(s.path).relative_to(root).as_posix(): s.reason for s in find_inputs([root]).skipped}
    assert skipped[path] == reason


def test_documents_are_found_once_each_and_keyed_by_their_path_under_the_folder(tmp_path):
    root = tmp_path / "raw"
    make_tree(root)
    inputs = find_inputs([root])
    assert [f.key for f in inputs.files] == ["b.txt", "sub/a.pdf", "sub/c.TXT"]
    assert len(inputs.skipped) == 8 and inputs.unusable == []


def test_the_same_folder_typed_another_way_gives_the_same_keys(tmp_path, monkeypatch):
    root = tmp_path / "raw"
    make_tree(root)
    absolute = [f.key for f in find_inputs([root]).files]
    monkeypatch.chdir(tmp_path)
    relative = [f.key for f in find_inputs([Path("raw")]).files]
    monkeypatch.chdir(root / "sub")
    dotted = [f.key for f in find_inputs([Path("../../raw/sub/..")]).files]
    assert absolute == relative == dotted == ["b.txt", "sub/a.pdf", "sub/c.TXT"]


def test_a_file_name_that_is_not_utf8_is_a_named_failure(tmp_path):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "good.txt").write_bytes(b"x")
    (root / BAD_NAME).write_bytes(b"x")
    inputs = find_inputs([root])
    assert [f.key for f in inputs.files] == ["good.txt"]
    [(file, error)] = inputs.unusable
    assert file.key == "caf\\xe9_report.txt"
    assert error == (f"{tmp_path}/raw/caf\\xe9_report.txt: file name is not valid UTF-8, so it cannot be stored "
                     "or printed as text: rename the file (e.g. with convmv)")
    error.encode("utf-8")  # printable: no surrogate escapes left in it
    assert printable(root / BAD_NAME).endswith("caf\\xe9_report.txt")


def test_a_folder_that_cannot_be_listed_is_skipped_and_named(tmp_path, monkeypatch):
    root = tmp_path / "raw"
    (root / "locked").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"x")
    real_scandir = os.scandir

    def scandir(path="."):  # root may read any folder: refuse this one as a user would be refused
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inputs = find_inputs([root])
    assert [f.key for f in inputs.files] == ["a.txt"]
    assert [(s.path, s.reason) for s in inputs.skipped] == [
        (str(root / "locked"), "folder cannot be read (Permission denied)")]


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "does not exist"),
    (lambda p: p.symlink_to(p), "is a symbolic link that loops back on itself"),
    (lambda p: p.symlink_to(p.parent / "nowhere"), "is a broken symbolic link (to {parent}/nowhere)"),
])
def test_a_path_given_that_cannot_be_read_is_one_clear_error(tmp_path, make, message):
    path = tmp_path / "given"
    make(path)
    with pytest.raises(InputNotFound) as caught:
        find_inputs([path])
    assert str(caught.value) == f"{path}: " + message.format(parent=tmp_path)


def test_a_file_named_on_its_own_is_read_whatever_its_suffix(tmp_path):
    (tmp_path / "report.docx").write_bytes(b"x")
    inputs = find_inputs([tmp_path / "report.docx"])
    assert [f.path.name for f in inputs.files] == ["report.docx"] and inputs.skipped == []
