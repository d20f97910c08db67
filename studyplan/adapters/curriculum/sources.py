"""The curriculum files as sources: found, stat'ed and hashed, their bytes read on first
use. All a warm start needs of the curricula (the catalog is then read from the cache);
parsing and validation are in ``loader``, which re-exports these names."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from stat import S_ISREG

from studyplan.domain.digest import blake2b
from studyplan.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")

# (path, its stat) -> the hash of its bytes, when known for a file that looked like that.
KnownDigest = Callable[[Path, os.stat_result], str | None]


class Source:
    """One source file: its path, how to name it in messages, a hash of its bytes, and
    the bytes, read on first use (a warm start that already knows the hash needs only it).
    ``stat`` is what the file looked like when it was hashed. A plain class, not a
    dataclass: a warm start builds no dataclass (docs/architecture.md)."""

    __slots__ = ("_data", "digest", "label", "path", "stat")

    def __init__(
        self,
        path: Path,
        label: str,
        digest: str,
        stat: os.stat_result | None = None,
        _data: bytes | None = None,
    ) -> None:
        self.path = path
        self.label = label
        self.digest = digest
        self.stat = stat
        self._data = _data

    def relabelled(self, label: str) -> Source:
        return Source(self.path, label, self.digest, self.stat, self._data)

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.path.read_bytes()
        return self._data

    @property
    def was_read(self) -> bool:
        return self._data is not None


def content_digest(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


def read_source(path: Path, label: str, known: KnownDigest | None = None) -> Source:
    """Stat ``path`` and hash its bytes, unless ``known`` already has the hash for a file
    that looks like that. Raises ``OSError``."""
    stat = path.stat()
    if not S_ISREG(stat.st_mode):
        # A FIFO would block forever and a device never ends: only files are read.
        raise OSError(errno.EINVAL, "not a regular file (a pipe or device)", str(path))
    digest = known(path, stat) if known is not None else None
    if digest is not None:
        return Source(path, label, digest, stat)
    data = path.read_bytes()
    return Source(path, label, content_digest(data), stat, data)


def discover(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly or found (sorted, non-recursive) in directories, each
    file once (named twice, or also through a symlink: the first one is kept).

    A path that does not exist is kept: reading it reports the problem.
    """
    return [path for path, _ in discover_real(paths)]


def discover_real(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``discover``'s files, each with its real path (symlinks resolved), which is how a
    file named twice is told and what ``read_sources`` labels it by. A directory is
    resolved once and its files' real paths joined to it: a directory entry that is not
    a symlink is itself, so only a symlinked one is resolved (a hundred files, a hundred
    ``realpath`` walks fewer)."""
    found: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for path in paths:
        candidates = _yaml_files(path) if path.is_dir() else [(path, os.path.realpath(path))]
        for candidate, real in candidates:
            if real not in seen:
                seen.add(real)
                found.append((candidate, real))
    return found


def _yaml_files(folder: Path) -> list[tuple[Path, str]]:
    """The YAML files in ``folder`` (a file or a symlink to one), by name, with their real
    paths. ``os.scandir`` tells a file from its directory entry's type where the file
    system gives it (no ``stat`` per file)."""
    base = os.path.realpath(folder)
    with os.scandir(folder) as entries:
        named = sorted(
            (entry.name, entry.is_symlink())
            for entry in entries
            if _is_yaml_name(entry.name) and _is_file(entry)
        )
    return [
        (
            folder / name,
            os.path.realpath(os.path.join(folder, name)) if link else os.path.join(base, name),
        )
        for name, link in named
    ]


def _is_yaml_name(name: str) -> bool:
    # ``Path(name).suffix`` in YAML_SUFFIXES: a name that is only the suffix (".yaml")
    # has no suffix.
    return name.endswith(YAML_SUFFIXES) and name.rfind(".") > 0


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``Path.is_file`` of the entry: a dangling link or a link loop is no file."""
    try:
        return entry.is_file()
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return False
        raise


# What ``Path.is_file`` takes for "not a file" rather than an error.
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def read_sources(
    paths: Sequence[Path],
    known: KnownDigest | None = None,
    real_paths: Sequence[str] | None = None,
) -> tuple[list[Source], list[Problem]]:
    """Each path as a ``Source`` (``read_source``), or a problem naming it. ``real_paths``
    are the paths' real paths when known (``discover_real``), for their labels."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path, label in zip(paths, labels(paths, real_paths), strict=True):
        try:
            sources.append(read_source(path, label, known))
        except OSError as exc:
            problems.append(read_problem(label, exc))
    return sources, problems


def read_problem(label: str, exc: OSError) -> Problem:
    if isinstance(exc, FileNotFoundError):
        return Problem(label, "no such file or directory", "check the path")
    if exc.errno == errno.EINVAL:
        return Problem(label, f"cannot read: {exc.strerror}", "give a YAML file")
    return Problem(label, f"cannot read: {exc.strerror}", "check permissions")


def labels(paths: Sequence[Path], real_paths: Sequence[str] | None = None) -> list[str]:
    """Short names for messages: each path's real path relative to the working directory
    when inside it, else the path as given. ``real_paths``: the paths' real paths, when
    known (otherwise each is resolved)."""
    if not paths:
        return []
    reals = real_paths if real_paths is not None else [os.path.realpath(p) for p in paths]
    cwd = os.getcwd()
    inside = cwd if cwd.endswith(os.sep) else cwd + os.sep
    return [
        real[len(inside) :] if real.startswith(inside) else str(path)
        for path, real in zip(paths, reals, strict=True)
    ]
