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
    """YAML files named directly or found (sorted, non-recursive) in directories.

    A path that does not exist is kept: reading it reports the problem.
    """
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


def read_sources(
    paths: Sequence[Path], known: KnownDigest | None = None
) -> tuple[list[Source], list[Problem]]:
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in paths:
        label = _label(path)
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


def _label(path: Path) -> str:
    """A short name for messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
