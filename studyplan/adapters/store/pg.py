"""PostgreSQL plumbing: URLs, connecting with psycopg 3, errors as one line, transactions.

``--db`` / ``$STUDYPLAN_DB`` may be a SQLAlchemy URL (``postgresql+psycopg://user@host/db``).
The everyday commands talk to the server through psycopg directly, with the same SQL as
the SQLite hot paths (``?`` placeholders are rewritten to psycopg's ``%s``): importing
SQLAlchemy and creating an engine costs ~0.4-0.7 s here, more than a whole ``done`` on
SQLite, so only the cold paths (backup, restore, the schema check) go through SQLAlchemy,
with the same URL. Passwords come from libpq's usual places (``~/.pgpass``,
``PGPASSWORD``, a service file); a password written in the URL is accepted from
``$STUDYPLAN_DB`` but never printed: every message shows the URL with ``***``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from studyplan.errors import ConflictError, InputError, StoreError, StudyplanError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")
#: Seconds to wait for the server to answer a connection attempt.
CONNECT_TIMEOUT_S = 10
#: Seconds a statement may wait for a lock (another writer) before failing.
LOCK_TIMEOUT_MS = 15_000
INSTALL_HINT = "install the PostgreSQL extra: pip install 'studyplan[postgres]'"
_CONVERTED: dict[str, str] = {}


def check_url(url: str, *, from_command_line: bool) -> str:
    """The URL if studyplan can use it; ``InputError`` (exit 2) otherwise. A password on
    the command line is refused: other users of the machine see it in ``ps``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise InputError(
            f"--db: '{mask(url)}' is not a PostgreSQL URL",
            "give a file path (SQLite) or postgresql+psycopg://USER@HOST:PORT/DATABASE",
        )
    if parts.password is not None and from_command_line:
        raise InputError(
            "--db: the URL has a password, and the command line is visible to other users",
            "put it in ~/.pgpass or PGPASSWORD (or a service file) and leave it out of the URL",
        )
    return url


def mask(url: str) -> str:
    """The URL with its password (if any) replaced by ``***``; safe to print."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        user = parts.netloc.rpartition("@")[0].partition(":")[0]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "<the database URL>"


def conninfo(url: str) -> str:
    """The libpq URI for a SQLAlchemy URL: the same text without the ``+driver``."""
    scheme, _, rest = url.partition("://")
    return "postgresql://" + rest if scheme.lower() in SCHEMES else url


def _password(url: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).password
    except ValueError:
        return None


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A psycopg connection; every failure is a one-line ``StoreError`` (exit 5)."""
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(f"{mask(url)} needs the psycopg driver", INSTALL_HINT) from exc
    try:
        conn = psycopg.connect(
            conninfo(url),
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="studyplan",
            options=f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        )
    except psycopg.Error as exc:
        raise store_error(url, exc) from None
    return conn


def _first_line(exc: BaseException, url: str) -> str:
    diag = getattr(exc, "diag", None)
    text = (getattr(diag, "message_primary", None) or str(exc) or type(exc).__name__).strip()
    if "FATAL:  " in text:  # libpq's "connection to server ... failed: FATAL:  <reason>"
        text = text.rsplit("FATAL:  ", 1)[1]
    line = text.splitlines()[0] if text else type(exc).__name__
    password = _password(url)
    if password:
        line = line.replace(password, "***")
    return line.removeprefix("FATAL:  ").strip()


def store_error(url: str, exc: BaseException) -> StudyplanError:
    """A psycopg error as one line naming the (masked) database."""
    where = mask(url)
    full = str(exc).lower()
    line = _first_line(exc, url)
    low = line.lower()
    code = getattr(getattr(exc, "diag", None), "sqlstate", None) or getattr(exc, "sqlstate", None)
    if "password authentication failed" in full or "no password supplied" in full:
        return StoreError(
            f"{where}: the server refused the login ({line})",
            "check the password in ~/.pgpass, PGPASSWORD or your service file",
        )
    if code == "3D000" or ("database" in low and "does not exist" in low):
        return StoreError(f"{where}: {line}", "check the database name in the URL")
    if code == "28000" or ("role" in low and "does not exist" in low):
        return StoreError(f"{where}: {line}", "ask the lab's admin to create your role")
    if "row-level security" in low:
        return StoreError(
            f"{where}: the server refused: {line}", "each learner writes only their own rows"
        )
    if code == "42501" or "permission denied" in low:
        from urllib.parse import urlsplit

        user = urlsplit(url).username or "ROLE"
        return StoreError(
            f"{where}: the server refused: {line}",
            f"the lab's admin lets a role in with 'studyplan cohort init --learner {user}'",
        )
    if code in ("42P01", "42703"):
        return StoreError(
            f"{where} does not have the expected tables ({line})",
            "ask the admin to run 'studyplan cohort init'",
        )
    if code == "23505":
        return ConflictError(f"{where}: {line}", "choose another name")
    if code == "55P03" or "lock timeout" in low:
        return StoreError(f"{where} is busy ({line})", "try again in a moment")
    closed = any(
        s in full
        for s in (
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "consuming input failed",
            "connection is lost",
            "the database system is",
            "connection refused",
            "no such file or directory",
            "could not connect",
            "connection failed",
            "timeout expired",
        )
    )
    if closed or type(exc).__name__ == "OperationalError":
        return StoreError(
            f"cannot reach the PostgreSQL server of {where} ({line})",
            "is it running? try again in a moment; 'studyplan log' shows what was recorded",
        )
    return StoreError(f"database error in {where}: {line}", "run 'studyplan doctor'")


def convert(sql: str) -> str:
    """SQLite-style ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled).
    studyplan's SQL never has ``?`` inside a literal."""
    done = _CONVERTED.get(sql)
    if done is None:
        done = _CONVERTED[sql] = sql.replace("%", "%%").replace("?", "%s")
    return done


class PgConnection:
    """The slice of ``sqlite3.Connection`` the store uses (``execute``, ``executemany``,
    ``close``), on a psycopg connection in autocommit mode (BEGIN is explicit)."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.raw.execute(convert(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(convert(sql), rows)

    def close(self) -> None:
        self.raw.close()


@contextmanager
def translate(url: str) -> Iterator[None]:
    """Turn psycopg errors into a one-line ``StoreError``."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise store_error(url, exc) from None
    except Exception as exc:  # SQLAlchemy wraps the driver's error (cold paths)
        orig = getattr(exc, "orig", None)
        if isinstance(orig, psycopg.Error):
            raise store_error(url, orig) from None
        raise


@contextmanager
def write_txn(conn: PgConnection, learner: str) -> Iterator[PgConnection]:
    """One write transaction. A learner's writes queue on a transaction-scoped advisory
    lock on their name, so that two commands of one learner are recorded one after the
    other (recording order is ``created`` order, as SQLite's BEGIN IMMEDIATE gives)."""
    with translate(conn.url):
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ("studyplan:" + learner,))
            yield conn
        except BaseException:
            if not conn.raw.closed:
                with suppress(Exception):  # a lost connection was rolled back already
                    conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
