"""The cached catalog's topic details in a file of their own, beside the catalog.

On 100k topics the details (summaries, every reading, reasons, ...) are 8 MB of the
catalog's pickle that a warm ``plan`` never opens, but paid to read and copy on every
start (~15 ms, benchmarks/bench_planner.py). So the cache keeps them in
``catalog-<key>.details``: a random token, then the pickled chunks one after another
(``PickledChunks.apart``); the catalog's pickle keeps the token and where each chunk
starts. The file is opened and checked when the catalog is loaded (a missing file, one
of another write or cut short is a cache miss), and kept open: a chunk is read from the
file that was checked, even if a rebuild replaces it meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from studyplan.adapters.files import write_cache
from studyplan.domain.catalog import TopicTable
from studyplan.errors import StudyplanError

TOKEN_BYTES = 16


def write_details(path: Path, table: TopicTable) -> TopicTable | None:
    """Write the table's details to ``path`` under a new token; the twin of the table to
    pickle instead of it, or None when the file cannot be written."""
    token = os.urandom(TOKEN_BYTES)
    twin, blob = table.stored_apart(token)
    return twin if write_cache(path, token + blob) else None


def attach_details(path: Path, table: TopicTable) -> bool:
    """Give a table unpickled from the cache its details kept in ``path``; False (a cache
    miss) when that file is missing, unreadable, of another write or of another size."""
    chunks = table.pickled_details()
    apart = chunks.unattached()
    if apart is None:  # the table holds its details itself
        return True
    token, size = apart
    try:  # (not blocking on a FIFO put in its place: it is no regular file)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    details = DetailsFile(fd, path, len(token))
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(token) + size:
            return False
        if os.read(fd, len(token)) != token:
            return False
    except OSError:
        return False
    chunks.attach(details.read)
    return True


class DetailsFile:
    """An open details file: ``read(offset, size)`` past the token. Closed when no
    catalog refers to it any more (a raw descriptor: no file object to warn about)."""

    __slots__ = ("_fd", "_head", "_path")

    def __init__(self, fd: int, path: Path, head: int) -> None:
        self._fd = fd
        self._path = path
        self._head = head

    def read(self, offset: int, size: int) -> bytes:
        parts: list[bytes] = []
        got = 0
        try:
            os.lseek(self._fd, self._head + offset, os.SEEK_SET)
            while got < size:
                part = os.read(self._fd, size - got)
                if not part:
                    raise OSError("the file is shorter than when it was opened")
                parts.append(part)
                got += len(part)
        except OSError as exc:
            raise StudyplanError(
                f"cannot read the cached catalog's details {self._path}: {exc}",
                f"delete {self._path.parent} (the cache) and run the command again",
            ) from None
        return b"".join(parts)

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
