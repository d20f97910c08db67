"""What every part of ``ProgressStore`` shares: the file, the connection, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studyplan.store.sqlite import translate, write_txn


class StoreBase:
    """A progress database at ``path``; ``conn`` is None when the file does not exist and
    the store was opened without ``create`` (it then reads as empty and never writes)."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None) -> None:
        self.path = path
        self._conn = conn

    @property
    def exists(self) -> bool:
        """True when backed by a database file (False: a read-only empty view)."""
        return self._conn is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._conn is None:
            return []
        with translate(self.path):
            return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self._conn is None:
            raise RuntimeError("this store was opened with create=False and has no file")
        with write_txn(self._conn, self.path) as conn:
            yield conn
