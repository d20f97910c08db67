"""A full disk for the atomic writers: every file opened with ``os.fdopen`` takes no byte.

The files are real (created, closed and, by the writer under test, removed); only their
writes fail with ENOSPC, as on a full file system."""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest

_REAL_FDOPEN = os.fdopen


class FullFile:
    """An ``os.fdopen`` handle whose writes fail with ENOSPC."""

    def __init__(self, fd: int) -> None:
        self.handle = _REAL_FDOPEN(fd, "wb")

    def __enter__(self) -> FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on (until ``monkeypatch`` undoes it), ``os.fdopen`` gives a full file."""

    def full(fd: int, *args: Any, **kwargs: Any) -> FullFile:
        return FullFile(fd)

    monkeypatch.setattr(os, "fdopen", full)
