"""Finding the curriculum files: ``discover`` (by ``os.scandir``, a directory resolved
once) and the labels that name them give exactly what the ``pathlib`` walk they replaced
gave (kept here as the record), on random folders of files, links, FIFOs and folders
named in random ways, from random working directories."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from studyplan.adapters.curriculum.sources import (
    YAML_SUFFIXES,
    discover,
    discover_real,
    labels,
    read_sources,
)


def record_discover(paths: list[Path]) -> list[Path]:
    """``discover`` as it was: ``iterdir``, ``is_file`` and ``resolve`` per file."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        candidates = (
            sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
            if path.is_dir()
            else [path]
        )
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def record_label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


NAMES = ("a.yaml", "b.yml", "c.yaml", "notes.txt", ".yaml", "x.YAML", "d..yml", "e.yaml.bak")
# What a name in the folder is: a file, a link to one (beside it, outside the folder, or
# to the folder's own file through the folder's link), a dangling link, a link loop, a
# FIFO, a folder.
KINDS = ("file", "link", "outside", "via-link", "dangling", "loop", "fifo", "folder")
# What is named: the folder, its link, the folder again, files in it, a file outside,
# a missing file; by absolute or relative path.
NAMED = ("dir", "dir-link", "dir", "a.yaml", "b.yml", "outside", "missing", "a.yaml")
CWDS = ("root", "dir", "elsewhere", "/")


def _make(root: Path, layout: dict[str, str]) -> None:
    folder, outside = root / "dir", root / "out"
    folder.mkdir()
    outside.mkdir()
    (outside / "far.yaml").write_text("far")
    (root / "dir-link").symlink_to(folder)
    (root / "elsewhere").mkdir()
    for name, kind in layout.items():
        path = folder / name
        if kind == "file":
            path.write_text(name)
        elif kind == "link":
            (folder / f"{name}.target").write_text(name)
            path.symlink_to(f"{name}.target")
        elif kind == "outside":
            path.symlink_to(outside / "far.yaml")
        elif kind == "via-link":
            (folder / f"{name}.t").write_text(name)
            path.symlink_to(root / "dir-link" / f"{name}.t")
        elif kind == "dangling":
            path.symlink_to(folder / "nothing-here")
        elif kind == "loop":
            path.symlink_to(path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()


def _named(root: Path, named: list[tuple[str, bool]], cwd: Path) -> list[Path]:
    where = {
        "dir": root / "dir",
        "dir-link": root / "dir-link",
        "a.yaml": root / "dir" / "a.yaml",
        "b.yml": root / "dir-link" / "b.yml",
        "outside": root / "out" / "far.yaml",
        "missing": root / "dir" / "missing.yaml",
    }
    return [
        Path(os.path.relpath(where[name], cwd)) if relative else where[name]
        for name, relative in named
    ]


@given(
    layout=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(KINDS), max_size=len(NAMES)),
    named=st.lists(st.tuples(st.sampled_from(NAMED), st.booleans()), max_size=6),
    cwd=st.sampled_from(CWDS),
)
def test_discover_and_labels_give_what_the_pathlib_walk_gave(
    layout: dict[str, str], named: list[tuple[str, bool]], cwd: str
) -> None:
    # A link loop named directly made ``Path.resolve`` raise: the record has no answer.
    assume(not any(layout.get(name) == "loop" for name, _ in named))
    before = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        _make(root, layout)
        here = {"root": root, "/": Path("/")}.get(cwd, root / cwd)
        os.chdir(here)
        try:
            paths = _named(root, named, here)
            expected = record_discover(paths)
            found = discover_real(paths)
            assert [p for p, _ in found] == expected == discover(paths)
            assert [real for _, real in found] == [str(p.resolve()) for p in expected]
            want = [record_label(p) for p in expected]
            assert labels(expected) == want
            assert labels([p for p, _ in found], [r for _, r in found]) == want
        finally:
            os.chdir(before)


def test_each_file_is_read_once_and_what_cannot_be_read_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "a.yaml").write_text("a")
    (folder / "same.yaml").symlink_to("a.yaml")  # the same file through a link: once
    os.mkfifo(folder / "pipe.yaml")  # in a folder: not a file, not found
    os.mkfifo(tmp_path / "named.yaml")  # named: refused, never opened
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    named = [
        folder,
        folder / "a.yaml",
        tmp_path / "named.yaml",
        tmp_path / "missing.yaml",
        tmp_path / "loop.yaml",
    ]
    found = discover_real(named)
    assert [p for p, _ in found] == [
        folder / "a.yaml",
        tmp_path / "named.yaml",
        tmp_path / "missing.yaml",
        tmp_path / "loop.yaml",
    ]
    sources, problems = read_sources([p for p, _ in found], None, [r for _, r in found])
    assert [s.data for s in sources] == [b"a"]
    assert [(p.source, p.message) for p in problems] == [
        (str(tmp_path / "named.yaml"), "cannot read: not a regular file (a pipe or device)"),
        (str(tmp_path / "missing.yaml"), "no such file or directory"),
        (str(tmp_path / "loop.yaml"), "cannot read: Too many levels of symbolic links"),
    ]
