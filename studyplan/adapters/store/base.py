"""What every part of ``ProgressStore`` shares: the file, the connection, transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from studyplan.adapters.store.sqlite import (
    RESTORE_HINT,
    from_db,
    is_full,
    release_sidecars,
    to_db,
    translate,
    write_txn,
)
from studyplan.errors import StoreError


class StoreBase:
    """A progress database at ``path``; ``conn`` is None when the file does not exist and
    the store was opened without ``create`` (it then reads as empty and never writes)."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection | None, *, snapshot: bool = False
    ) -> None:
        self.path = path
        self._conn = conn
        #: True when reading an immutable snapshot of a file in a read-only folder.
        self.snapshot = snapshot
        #: A write failed because the disk is full: ``close`` removes what it left.
        self.failed_on_full_disk = False

    @property
    def exists(self) -> bool:
        """True when backed by a database file (False: a read-only empty view)."""
        return self._conn is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            if self.failed_on_full_disk:
                release_sidecars(self.path)

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
        try:
            with write_txn(self._conn, self.path) as conn:
                self._check_pages(conn)
                yield conn
        except StoreError as exc:
            if is_full(exc):
                self.failed_on_full_disk = True
            raise

    def _check_pages(self, conn: sqlite3.Connection) -> None:
        """Refuse to write into a damaged file: SQLite only notices damage in the pages
        it touches, so a write could otherwise succeed next to a broken page. O(size)
        (figures: benchmarks/RESULTS.md)."""
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
        if row is None or row[0] != "ok":
            lines = str(row[0]).splitlines() if row else ["no answer"]
            detail = "; ".join(x for x in lines if not x.startswith("***")) or "damaged"
            raise StoreError(f"{self.path} is corrupt ({detail}); left untouched", RESTORE_HINT)

    @staticmethod
    def _new_action(
        conn: Any, kind: str, created: datetime, command: str, undoes: int | None = None
    ) -> int:
        # Recording order is ``created`` order even if the clock steps back: never stamp
        # an action earlier than the newest one (one index lookup, inside the txn).
        stamp = to_db(created)
        (newest,) = conn.execute("SELECT MAX(created) FROM action").fetchone()
        if newest is not None and newest >= stamp:
            stamp = to_db(from_db(newest) + timedelta(microseconds=1))
        cur = conn.execute(
            "INSERT INTO action (uid, kind, created, command, undoes) VALUES (?, ?, ?, ?, ?)",
            (os.urandom(16).hex(), kind, stamp, command, undoes),
        )
        return int(cur.lastrowid)
