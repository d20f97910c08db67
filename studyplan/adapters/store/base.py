"""What every part of ``ProgressStore`` shares: the backend, the connection, transactions.

A store is either a SQLite file (``path``; stdlib ``sqlite3``) or a PostgreSQL database
(``url``; psycopg, see ``pg.py``). Both take the same SQL with ``?`` placeholders; the few
statements that differ ask ``dialect``. Every row belongs to ``learner``: on SQLite the
local user (``$STUDYPLAN_LEARNER`` overrides it), on PostgreSQL the role connected.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
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


def local_learner() -> str:
    """The learner on SQLite: ``$STUDYPLAN_LEARNER``, else the local user name, found as
    ``getpass.getuser()`` finds it (its environment variables, then the password
    database) without importing getpass and termios on every start."""
    name = os.environ.get("STUDYPLAN_LEARNER", "").strip()
    if name:
        return name
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(variable)
        if user:
            return user
    try:
        import pwd

        return pwd.getpwuid(os.getuid())[0]
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "me"


class StoreBase:
    """A progress database; ``conn`` is None when it does not exist and the store was
    opened without ``create`` (it then reads as empty and never writes)."""

    def __init__(
        self,
        path: Path | None,
        conn: Any,
        *,
        snapshot: bool = False,
        learner: str | None = None,
        url: str | None = None,
    ) -> None:
        #: The SQLite file (None on PostgreSQL).
        self.path = path
        #: The PostgreSQL URL as given (None on SQLite); print ``label``, never this.
        self.url = url
        self._conn = conn
        #: True when reading an immutable snapshot of a file in a read-only folder.
        self.snapshot = snapshot
        self.learner = learner or local_learner()
        #: A write failed because the disk is full: ``close`` removes what it left.
        self.failed_on_full_disk = False

    @property
    def dialect(self) -> str:
        return "sqlite" if self.url is None else "postgresql"

    @property
    def label(self) -> str:
        """Where the database is, safe to print (a URL's password is masked)."""
        if self.url is not None:
            from studyplan.adapters.store.pg import mask

            return mask(self.url)
        return str(self.path)

    @property
    def exists(self) -> bool:
        """True when backed by a database (False: a read-only empty view)."""
        return self._conn is not None

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.close()
            except Exception:  # a PostgreSQL connection the server already dropped
                if self.url is None:
                    raise
            if self.failed_on_full_disk and self.path is not None:
                release_sidecars(self.path)

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self) -> AbstractContextManager[None]:
        if self.url is not None:
            from studyplan.adapters.store import pg

            return pg.translate(self.url)
        assert self.path is not None
        return translate(self.path)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._conn is None:
            return []
        with self._translate():
            return list(self._conn.execute(sql, params).fetchall())

    @contextmanager
    def _write(self) -> Iterator[Any]:
        if self._conn is None:
            raise RuntimeError("this store was opened with create=False and has no file")
        if self.url is not None:
            from studyplan.adapters.store import pg

            with pg.write_txn(self._conn, self.learner) as pconn:
                yield pconn
            return
        assert self.path is not None
        try:
            with write_txn(self._conn, self.path) as conn:
                self._check_pages(conn)
                yield conn
        except StoreError as exc:
            if is_full(exc):
                self.failed_on_full_disk = True
            raise

    def _check_pages(self, conn: Any) -> None:
        """Refuse to write into a damaged file: SQLite only notices damage in the pages
        it touches, so a write could otherwise succeed next to a broken page. O(size)
        (figures: benchmarks/RESULTS.md). PostgreSQL checks its own pages."""
        if self.url is not None:
            return
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
        if row is None or row[0] != "ok":
            lines = str(row[0]).splitlines() if row else ["no answer"]
            detail = "; ".join(x for x in lines if not x.startswith("***")) or "damaged"
            raise StoreError(f"{self.path} is corrupt ({detail}); left untouched", RESTORE_HINT)

    def _new_action(
        self, conn: Any, kind: str, created: datetime, command: str, undoes: int | None = None
    ) -> int:
        # Recording order is ``created`` order even if the clock steps back: never stamp
        # an action earlier than the learner's newest one (one index lookup, in the txn).
        stamp = to_db(created)
        (newest,) = conn.execute(
            "SELECT MAX(created) FROM action WHERE learner = ?", (self.learner,)
        ).fetchone()
        if newest is not None and to_db(from_db(newest)) >= stamp:
            stamp = to_db(from_db(newest) + timedelta(microseconds=1))
        (action_id,) = conn.execute(
            "INSERT INTO action (uid, kind, created, command, undoes, learner) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (os.urandom(16).hex(), kind, stamp, command, undoes, self.learner),
        ).fetchone()
        return int(action_id)
