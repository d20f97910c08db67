"""Stdlib ``sqlite3`` plumbing shared by every path: opening, pragmas, error messages,
timestamps.

The hot paths (``done``, ``status``, ``next``, ``show``) use stdlib ``sqlite3`` directly
because importing SQLModel/SQLAlchemy is slow (benchmarks/RESULTS.md); the schema
they read and write is the one the SQLModel tables in ``models.py`` define.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

from studyplan.errors import DiskFullError, StoreError

HEADER = b"SQLite format 3\x00"
#: How long a writer waits for another process's write transaction before giving up.
BUSY_TIMEOUT_S = 15.0
#: SQLAlchemy's text format for ``DATETIME`` on SQLite (naive UTC), used by both paths.
DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

RESTORE_HINT = "restore a backup into a new file: studyplan --db NEW.db restore BACKUP.json"


def to_db(moment: datetime) -> str:
    """An aware datetime as the database's naive-UTC text."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # Not strftime: glibc writes years below 1000 unpadded ('1-01-01'), which no reader
    # parses back; isoformat always writes four digits, in the same layout.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def from_db(value: str | datetime) -> datetime:
    """A stored timestamp (SQLite's text, or the naive UTC datetime psycopg returns)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def day_start(day: date) -> str:
    return to_db(datetime.combine(day, time(0), UTC))


def now_utc() -> datetime:
    return datetime.now(UTC)


def probe(path: Path) -> str:
    """``'missing'``, ``'empty'`` (a 0-byte file) or ``'sqlite'``; raises ``StoreError`` for
    anything else, without writing to the file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}", "check the path") from exc
    if stat.S_ISDIR(mode):
        raise StoreError(f"{path} is a directory, not a progress database", "give --db a file path")
    if not stat.S_ISREG(mode):
        # A FIFO would block forever and a device would be read or written without end.
        raise StoreError(
            f"{path} is not a regular file (a pipe, device or socket), not a progress database",
            "give --db the path of a file",
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise StoreError(
            f"cannot read {path}: {exc.strerror}", "check the file's permissions"
        ) from exc
    if not head:
        return "empty"
    if len(head) < 100 or not head.startswith(HEADER):
        raise StoreError(
            f"{path} is not a SQLite database (left untouched)",
            "point --db or STUDYPLAN_DB at your progress database, or move this file away",
        )
    return "sqlite"


def connect(path: Path, *, create: bool = False, snapshot: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN IMMEDIATE ourselves) with the
    durability pragmas: ``synchronous=FULL`` (a command that returned has committed to
    disk), foreign keys on, and a busy timeout so concurrent writers wait, not fail.

    ``snapshot`` opens the file read-only and immutable: for reading a database whose
    folder is read-only (WAL mode cannot create its ``-shm`` file there) and that was
    closed cleanly (no ``-wal`` file), so the main file holds every commit."""
    mode = "?mode=ro&immutable=1" if snapshot else "?mode=rwc" if create else "?mode=rw"
    uri = path.absolute().as_uri() + mode
    with translate(path):
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
    return conn


def use_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL, waiting out other processes doing the same.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is
    locked" at once instead of calling the busy handler when two processes create the
    same database together; so retry for as long as the busy timeout would have waited.
    """
    import random
    import time as clock

    deadline = clock.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or clock.monotonic() > deadline:
                raise
            clock.sleep(0.005 + random.random() * 0.02)


def sidecars(path: Path) -> tuple[Path, Path]:
    """The WAL-mode files beside a database: ``-wal`` and ``-shm``."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def wal_is_empty(path: Path) -> bool:
    """True when no ``-wal`` file holds frames: the main file then has every commit."""
    wal, _ = sidecars(path)
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def release_sidecars(path: Path) -> None:
    """Remove an empty ``-wal`` and its ``-shm`` that a failed open left behind (a full
    disk lets SQLite create them, then not grow the ``-shm``), once no connection uses
    them: SQLite's own last-connection cleanup, for the case where it never got that far.

    Every connection holds a shared lock on the ``-shm``'s "DMS" byte (offset 128 in
    SQLite's unix VFS) while it is open; if an exclusive lock on it is granted, nobody
    is. Call only after this process's own connection to ``path`` is closed."""
    import fcntl
    import os

    wal, shm = sidecars(path)
    if not wal_is_empty(path):
        return
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        fd = -1
    except OSError:
        return
    try:
        if fd >= 0:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128, os.SEEK_SET)
            shm.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
    except OSError:
        pass  # in use by another process, or not ours to remove: left as it is
    finally:
        if fd >= 0:
            os.close(fd)


def is_full(exc: BaseException | None) -> bool:
    """The error is (or was caused by) a full disk."""
    return isinstance(exc, DiskFullError) or isinstance(
        exc.__cause__ if exc else None, DiskFullError
    )


def _no_space(path: Path) -> bool:
    """Less than 64 KiB free where the database is (SQLite then says "disk I/O error",
    or "readonly database" when it cannot grow its ``-shm``)."""
    import os

    try:
        info = os.statvfs(path.absolute().parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


@contextmanager
def translate(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors about the file into a one-line ``StoreError``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc


def store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    msg = str(exc)
    low = msg.lower()
    if (
        "full" in low
        or "disk i/o" in low
        or (("readonly" in low or "unable to open" in low) and _no_space(path))
    ):
        return DiskFullError(
            f"cannot write {path}: the disk is full ({msg})",
            "free some space and run it again; reading commands still work",
        )
    if "readonly" in low or "read-only" in low or "attempt to write" in low:
        return StoreError(
            f"{path} is read-only: cannot write progress",
            "check the permissions of the file and its folder, or pass --db PATH",
        )
    if "unable to open" in low or "cannot open" in low:
        return StoreError(
            f"cannot open {path} (is its folder writable?)",
            "check the permissions of the folder, or pass --db PATH",
        )
    if "locked" in low or "busy" in low:
        return StoreError(
            f"{path} is busy: another process held it for over {BUSY_TIMEOUT_S:g} s",
            "try again in a moment",
        )
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return StoreError(f"{path} is corrupt ({msg}); left untouched", RESTORE_HINT)
    if "no such table" in low or "no such column" in low:
        return StoreError(
            f"{path} does not have the expected tables ({msg})", "run 'studyplan doctor'"
        )
    return StoreError(f"database error in {path}: {msg}", "run 'studyplan doctor'")


@contextmanager
def write_txn(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with BEGIN IMMEDIATE so that two writers queue on the
    busy timeout instead of failing when a read lock would have to be upgraded."""
    with translate(path):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
