"""``ProgressStore``: the progress log, undo, notes, saved plans and the personal library.

Progress is an append-only event log: each command that changes progress is one
``action`` row (its events or note attached), written in one BEGIN IMMEDIATE transaction;
``undo`` appends an ``undo`` action instead of deleting. A topic's status is its newest
live event, newest by recording order (``action.created``, then id), so a backdated
``done --on`` recorded today still wins over an older ``start``.

Everything here is stdlib ``sqlite3`` (fast to import); backup, restore and doctor go
through the SQLModel tables and import SQLAlchemy when called.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations
from studyplan.adapters.store.base import local_learner
from studyplan.adapters.store.cohorts import CohortMixin
from studyplan.adapters.store.library import LibraryMixin
from studyplan.adapters.store.plans import PlansMixin
from studyplan.adapters.store.reviews import ReviewsMixin
from studyplan.adapters.store.rows import MARKS, TopicStatus
from studyplan.adapters.store.sqlite import (
    connect,
    day_start,
    from_db,
    is_full,
    now_utc,
    probe,
    release_sidecars,
    to_db,
    translate,
    use_wal,
    wal_is_empty,
)
from studyplan.adapters.store.ticks import TicksMixin
from studyplan.domain.limits import check_minutes
from studyplan.errors import InputError, Problem, ProblemCode, StoreError

if TYPE_CHECKING:
    from studyplan.adapters.store.types import Event, Note, RestoreResult, UndoResult

_UNDONE = "a.id IN (SELECT undoes FROM action WHERE undoes IS NOT NULL)"
_LIVE = f"NOT {_UNDONE}"

# The newest live event per topic. SQLite takes bare columns (status, at) from the row
# that holds the MAX(); ``created`` is unique per action (``_new_action``), so that is the
# newest recorded mark. One pass over the event index; see the README for the figures.
_STATUS_SQL = f"""
SELECT topic_id, status, at, total, newest FROM (
    SELECT e.topic_id, e.status, e.at, MAX(a.created) AS newest,
           SUM(COALESCE(e.minutes, 0)) AS total
    FROM event e JOIN action a ON a.id = e.action_id
    WHERE {_LIVE} AND e.learner = ? {{where}}
    GROUP BY e.topic_id
) WHERE status != 'reset'
ORDER BY topic_id
"""
# PostgreSQL has no bare columns: the newest row per topic is DISTINCT ON, the minutes a
# window sum over the same partition. Same rows, same order.
_STATUS_SQL_PG = f"""
SELECT topic_id, status, at, total, newest FROM (
    SELECT DISTINCT ON (e.topic_id) e.topic_id, e.status, e.at, a.created AS newest,
           SUM(COALESCE(e.minutes, 0)) OVER (PARTITION BY e.topic_id) AS total
    FROM event e JOIN action a ON a.id = e.action_id
    WHERE {_LIVE} AND e.learner = ? {{where}}
    ORDER BY e.topic_id, a.created DESC, e.id DESC
) s WHERE status != 'reset'
ORDER BY topic_id
"""


class ProgressStore(PlansMixin, LibraryMixin, ReviewsMixin, TicksMixin, CohortMixin):
    """The learner's progress database (see the module docstring)."""

    def _status_sql(self, where: str = "") -> str:
        sql = _STATUS_SQL if self.url is None else _STATUS_SQL_PG
        return sql.format(where=where)

    # -- progress ---------------------------------------------------------------------

    def statuses(self, aliases: Mapping[str, str] | None = None) -> dict[str, TopicStatus]:
        """Every topic with a status (a ``reset`` topic is absent).

        With ``aliases`` (retired id -> survivor), rows on a retired id count as the
        survivor's: its status is the newest recorded mark on either id, its minutes the
        sum of both."""
        if not aliases:
            return {
                tid: TopicStatus(tid, status, from_db(at), int(total))
                for tid, status, at, total, _ in self._rows(self._status_sql(), (self.learner,))
            }
        sql = self._status_sql().replace("WHERE status != 'reset'", "")
        merged: dict[str, list[Any]] = {}
        for tid, status, at, total, newest in self._rows(sql, (self.learner,)):
            key = aliases.get(tid, tid)
            row = merged.get(key)
            if row is None:
                merged[key] = [status, at, int(total), newest]
                continue
            row[2] += int(total)
            if newest > row[3]:
                row[0], row[1], row[3] = status, at, newest
        return {
            tid: TopicStatus(tid, status, from_db(at), total)
            for tid, (status, at, total, _) in sorted(merged.items())
            if status != "reset"
        }

    def record(
        self,
        topic_ids: Sequence[str],
        status: str,
        *,
        minutes: int | None = None,
        note: str | None = None,
        on: date | None = None,
        command: str = "",
    ) -> int:
        """Mark topics ``status`` in one transaction (all or nothing); return the action id.

        ``on`` dates the events (noon UTC of that day; today means now); ``minutes`` and
        ``note`` are recorded on each topic's event. Topic ids are not checked here: the
        CLI checks them against the catalog first.
        """
        if status not in MARKS:
            raise InputError(f"unknown status '{status}'", f"use one of {', '.join(MARKS)}")
        ids = list(dict.fromkeys(topic_ids))
        if not ids:
            raise InputError("no topic given", "name at least one topic id")
        if minutes is not None:
            check_minutes(minutes, "minutes")
        if note is not None:
            _check_note(note)
        now = now_utc()
        at = now if on is None or on == date.today() else datetime.combine(on, time(12), UTC)
        with self._write() as conn:
            action = self._new_action(conn, "mark", now, command)
            conn.executemany(
                "INSERT INTO event (action_id, topic_id, status, at, minutes, note, learner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(action, tid, status, to_db(at), minutes, note, self.learner) for tid in ids],
            )
        return action

    def record_marks(self, marks: Sequence[tuple[str, str]], *, command: str = "") -> int:
        """Several topics, each with its own status, as ONE action (one ``undo`` takes
        them all back): what ``placement`` decided. Returns the action id."""
        bad = sorted({s for _, s in marks if s not in MARKS})
        if bad:
            raise InputError(f"unknown status '{bad[0]}'", f"use one of {', '.join(MARKS)}")
        if not marks:
            raise InputError("no topic given", "name at least one topic id")
        now = now_utc()
        with self._write() as conn:
            action = self._new_action(conn, "mark", now, command)
            conn.executemany(
                "INSERT INTO event (action_id, topic_id, status, at, learner) "
                "VALUES (?, ?, ?, ?, ?)",
                [(action, tid, status, to_db(now), self.learner) for tid, status in marks],
            )
        return action

    def add_note(self, topic_id: str, text: str, *, command: str = "") -> int:
        """Attach a note to a topic; undoable like a mark. Returns the action id."""
        if not text.strip():
            raise InputError("the note is empty", "give the note's text")
        _check_note(text)
        with self._write() as conn:
            action = self._new_action(conn, "note", now_utc(), command)
            conn.execute(
                "INSERT INTO note (action_id, topic_id, text, learner) VALUES (?, ?, ?, ?)",
                (action, topic_id, text, self.learner),
            )
        return action

    def undo(self) -> UndoResult | None:
        """Undo the newest action not yet undone (repeatable); None if nothing is left."""
        from studyplan.adapters.store.types import UndoResult

        with self._write() as conn:
            row = conn.execute(
                "SELECT id, kind, created, command FROM action a WHERE kind != 'undo' "
                f"AND learner = ? AND {_LIVE} ORDER BY created DESC, id DESC LIMIT 1",
                (self.learner,),
            ).fetchone()
            if row is None:
                return None
            action_id, kind, created, command = row
            marks = conn.execute(
                "SELECT topic_id, status FROM event WHERE action_id = ? ORDER BY id",
                (action_id,),
            ).fetchall()
            noted = conn.execute(
                "SELECT topic_id FROM note WHERE action_id = ? ORDER BY id", (action_id,)
            ).fetchall()
            noted += conn.execute(
                "SELECT topic_id FROM reading_tick WHERE action_id = ? ORDER BY id", (action_id,)
            ).fetchall()
            topics = tuple(dict.fromkeys([r[0] for r in marks] + [r[0] for r in noted]))
            self._new_action(conn, "undo", now_utc(), f"undo {action_id}", undoes=action_id)
            library = self._put_back(conn, action_id) if kind == "unlibrary" else ()
            now: dict[str, str | None] = {}
            if marks:
                marks_q = ",".join("?" * len(topics))
                after = conn.execute(
                    self._status_sql(f"AND e.topic_id IN ({marks_q})"), (self.learner, *topics)
                ).fetchall()
                current = {r[0]: r[1] for r in after}  # (id, status, at, total, newest)
                now = {t: current.get(t) for t in topics}
        return UndoResult(
            action_id=int(action_id),
            kind=str(kind),
            command=str(command),
            created=from_db(created),
            status=str(marks[0][1]) if marks else None,
            topics=topics,
            now=now,
            library=library,
        )

    def log(
        self,
        topic: str | Sequence[str] | None = None,
        since: date | None = None,
        *,
        include_undone: bool = False,
    ) -> list[Event]:
        """Recorded events in date order (then recording order), optionally filtered (by
        one topic id, or any of several: a topic and its retired ids)."""
        from studyplan.adapters.store.types import Event

        where = ["e.learner = ?"] + ([] if include_undone else [_LIVE])
        params: list[Any] = [self.learner]
        if topic is not None:
            ids = [topic] if isinstance(topic, str) else list(topic)
            where.append(f"e.topic_id IN ({','.join('?' * len(ids))})")
            params += ids
        if since is not None:
            where.append("e.at >= ?")
            params.append(day_start(since))
        rows = self._rows(
            "SELECT a.id, e.topic_id, e.status, e.at, a.created, e.minutes, e.note, a.command, "
            f"{_UNDONE} "
            "FROM event e JOIN action a ON a.id = e.action_id "
            + "WHERE "
            + " AND ".join(where)
            + " ORDER BY e.at, a.created, a.id, e.id",
            params,
        )
        return [
            Event(
                action_id=aid,
                topic_id=tid,
                status=status,
                at=from_db(at),
                recorded=from_db(created),
                minutes=minutes,
                note=note,
                command=command,
                undone=bool(undone),
            )
            for aid, tid, status, at, created, minutes, note, command, undone in rows
        ]

    def notes(self, topic_id: str | Sequence[str] | None = None) -> list[Note]:
        """Live notes (``note`` and marks' ``--note``), oldest first; of one topic id or
        of any of several (a topic and its retired ids)."""
        from studyplan.adapters.store.types import Note

        ids = [] if topic_id is None else [topic_id] if isinstance(topic_id, str) else topic_id
        cond = "" if topic_id is None else f"AND x.topic_id IN ({','.join('?' * len(ids))})"
        params = [self.learner, *ids, self.learner, *ids]
        rows = self._rows(
            "SELECT x.topic_id, x.text, a.created, a.id, 'note' FROM note x "
            f"JOIN action a ON a.id = x.action_id WHERE x.learner = ? AND {_LIVE} {cond} "
            "UNION ALL "
            "SELECT x.topic_id, x.note, a.created, a.id, x.status FROM event x "
            "JOIN action a ON a.id = x.action_id WHERE x.learner = ? AND x.note IS NOT NULL "
            f"AND {_LIVE} {cond} ORDER BY 3, 4",
            params,
        )
        return [Note(t, text, from_db(c), aid, src) for t, text, c, aid, src in rows]

    def orphans(self, known_topic_ids: set[str]) -> dict[str, int]:
        """Topic ids with rows (events or notes) that the curricula no longer have."""
        rows = self._rows(
            "SELECT topic_id, COUNT(*) FROM (SELECT topic_id FROM event WHERE learner = ? "
            "UNION ALL SELECT topic_id FROM note WHERE learner = ?) x "
            "GROUP BY topic_id ORDER BY topic_id",
            (self.learner, self.learner),
        )
        return {tid: int(n) for tid, n in rows if tid not in known_topic_ids}

    # -- cold paths (SQLModel) ----------------------------------------------------------

    def backup(self) -> dict[str, Any]:
        """All progress, notes, plans and the library as JSON-ready data."""
        from studyplan.adapters.store import backup

        if self._conn is None:
            return backup.empty()
        with self._translate():
            return backup.dump(self)

    def restore(
        self, data: Any, *, source: str = "backup", skip_bad: bool = False
    ) -> RestoreResult:
        """Merge a backup idempotently (restoring it twice changes nothing)."""
        from studyplan.adapters.store.restore import restore as restore_backup

        if self._conn is None:
            raise RuntimeError("restore needs a store opened with create=True")
        with self._translate():
            self._check_pages(self._conn)
        try:
            if self.url is not None:
                from studyplan.adapters.store import pg

                with pg.translate(self.url):
                    return restore_backup(self, data, source, skip_bad=skip_bad)
            return restore_backup(self, data, source, skip_bad=skip_bad)
        except StoreError as exc:
            self.failed_on_full_disk = self.url is None and is_full(exc)
            raise

    def doctor(self, known_topic_ids: set[str]) -> list[Problem]:
        """Every problem found: integrity, schema drift, migrations, orphaned topic ids
        (each with its ``ProblemCode``)."""
        from studyplan.adapters.store import doctor

        if self._conn is None:
            return []
        if self.url is not None:
            from studyplan.adapters.store.pg_schema import doctor as pg_doctor

            problems = pg_doctor(self.url)
        else:
            assert self.path is not None
            problems = doctor.check(self._conn, self.path)
        if any(p.code == ProblemCode.INTEGRITY for p in problems):
            return problems  # the rows cannot be trusted enough to look for orphans
        return problems + [
            Problem(
                self.label,
                f"orphaned topic '{tid}': {n} row{'s refer' if n != 1 else ' refers'} to a "
                "topic the curricula no longer have (renamed or removed?)",
                topic=tid,
                code=ProblemCode.ORPHANED_TOPIC,
            )
            for tid, n in self.orphans(known_topic_ids).items()
        ]


def open_store(path: Path | str, *, create: bool) -> ProgressStore:
    """Open the progress database at ``path`` (a file), or at a PostgreSQL URL.

    ``create=False`` never creates anything: a missing (or empty) file gives a store that
    reads as empty. ``create=True`` creates the folders and the database. An existing
    database of an older schema is upgraded; a file that is not a database, a corrupt
    one or one from a newer studyplan raises ``StoreError`` and is left untouched.
    """
    if isinstance(path, str):
        from studyplan.adapters.paths import is_url

        if is_url(path):
            from studyplan.adapters.store.pg_schema import open_pg

            return open_pg(path, create=create)
    path = Path(path)
    kind = probe(path)
    if kind != "sqlite" and not create:
        return ProgressStore(path, None)
    if kind == "missing":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder {path.parent}: {exc.strerror}",
                "pass --db PATH in a writable place",
            ) from exc
    if create:
        try:
            conn, snapshot = connect(path, create=kind != "sqlite"), False
        except StoreError as exc:
            if is_full(exc):
                _undo_creation(path, kind)
            raise
    else:
        conn, snapshot = _open_to_read(path)
    try:
        with translate(path):
            version = migrations.check_version(conn, path)
            if version < migrations.CURRENT_VERSION:
                use_wal(conn)
                migrations.migrate(conn, path, learner=local_learner())
    except BaseException as exc:
        conn.close()
        if isinstance(exc, StoreError) and is_full(exc):
            _undo_creation(path, kind)
        raise
    return ProgressStore(path, conn, snapshot=snapshot)


def _undo_creation(path: Path, kind: str) -> None:
    """After a full disk stopped us: remove the empty sidecars, and the database file
    too if this run created it (a half-made file would read as "not a database")."""
    release_sidecars(path)
    if kind != "missing":
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
        # Not yet fully migrated (user_version, bytes 60-63): nobody can have recorded
        # anything in it, not even a concurrent run.
        if len(head) < 100 or int.from_bytes(head[60:64], "big") < migrations.CURRENT_VERSION:
            path.unlink()
    except OSError:
        pass


def _open_to_read(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open an existing database for reading. Two cases read an immutable snapshot
    instead of failing, both only when the database was closed cleanly (no frames in a
    ``-wal`` file: the main file holds every commit): its folder is read-only (WAL mode
    cannot create ``-shm`` there), or the disk is full (the ``-shm`` cannot grow)."""
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path)
        with translate(path):
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn, False
    except StoreError as exc:
        if conn is not None:
            conn.close()
        cause = str(exc.__cause__ or "").lower()
        full = is_full(exc)
        stuck = "readonly" in cause or "unable to open" in cause
        if not (stuck or full) or not wal_is_empty(path):
            raise
        if full:
            release_sidecars(path)
    return connect(path, snapshot=True), True


def _check_note(text: str) -> None:
    """A note is stored as UTF-8 text: no NUL byte, no lone surrogate (which a terminal
    can hand over as an undecodable byte, and SQLite cannot store)."""
    if "\0" in text:
        raise InputError("a note cannot hold a NUL byte")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("a note must be valid text (it holds an undecodable byte)") from None
