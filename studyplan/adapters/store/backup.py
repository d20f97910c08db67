"""Backup to JSON through the SQLModel tables (restoring one is ``restore.py``), and
the SQLAlchemy engine both use.

A backup nests each action's events, notes, reading ticks, reviews and library removals
under it and refers to actions by ``uid`` (stable across databases), so that a restore
can merge it into another database; it holds only the learner's own rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations
from studyplan.adapters.store.plans import ACTIVE_PLAN
from studyplan.adapters.store.sqlite import connect, now_utc

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from studyplan.adapters.store.base import StoreBase

FORMAT = "studyplan-backup"
VERSION = 1


def engine_for(store: StoreBase, write: bool = False) -> Engine:
    """The store's SQLAlchemy engine: the SQLite file, or the PostgreSQL server."""
    if store.url is not None:
        from studyplan.adapters.store.pg_schema import engine as pg_engine

        return pg_engine(store.url)  # type: ignore[no-any-return]
    assert store.path is not None
    return engine(store.path, store.snapshot, write)


def engine(path: Path, snapshot: bool = False, write: bool = False) -> Engine:
    """A SQLAlchemy engine on the file with the same pragmas as the hot paths. Every
    session is one transaction: BEGIN IMMEDIATE to write (writers queue on the busy
    timeout), plain BEGIN to read one consistent state (pysqlite's own BEGIN is off)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    eng = create_engine(
        "sqlite://", creator=lambda: connect(path, snapshot=snapshot), poolclass=NullPool
    )

    @event.listens_for(eng, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return eng


def _iso(moment: datetime) -> str:
    # SQLModel >= 0.0.50 returns aware UTC datetimes, older versions naive UTC ones.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def empty() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": now_utc().isoformat(),
        "schema": list(migrations.NAMES),
        "actions": [],
        "plans": [],
        "active_plan": None,
        "library": [],
    }


def dump(store: StoreBase) -> dict[str, Any]:
    """The learner's rows (on a shared database, only theirs)."""
    from sqlmodel import Session

    from studyplan.adapters.store import models as m

    data = empty()
    who = store.learner
    with Session(engine_for(store)) as session, session.begin():
        data["actions"] = _dump_actions(session, who)
        data["plans"] = _dump_plans(session, who)
        active = session.get(m.Setting, (ACTIVE_PLAN, who))
        data["active_plan"] = active.value if active else None
        data["library"] = _dump_library(session, who)
    return data


def _dump_actions(session: Session, who: str) -> list[dict[str, Any]]:
    """The learner's actions, oldest first, each with the rows it recorded nested under
    it; the optional lists (``readings``, ``reviews``, ``removed``) only where there are
    some, as older backups lack them."""
    from sqlmodel import col, select

    from studyplan.adapters.store import models as m

    mine = col(m.Action.learner) == who
    uids = {a.id: a.uid for a in session.exec(select(m.Action).where(mine))}
    events = _by_action(session, m.Event, who, _event_row)
    notes = _by_action(session, m.Note, who, lambda n: {"topic_id": n.topic_id, "text": n.text})
    ticks = _by_action(
        session,
        m.ReadingTick,
        who,
        lambda t: {"topic_id": t.topic_id, "key": t.key, "part": t.part},
    )
    reviews = _by_action(session, m.Review, who, _review_row)
    removed = _by_action(session, m.LibraryRemoval, who, _library_row)
    rows: list[dict[str, Any]] = []
    order = (col(m.Action.created), col(m.Action.id))
    for a in session.exec(select(m.Action).where(mine).order_by(*order)):
        assert a.id is not None
        row = {
            "uid": a.uid,
            "kind": a.kind,
            "created": _iso(a.created),
            "command": a.command,
            "undoes": uids.get(a.undoes) if a.undoes is not None else None,
            "events": events.get(a.id, []),
            "notes": notes.get(a.id, []),
        }
        for name, nested in (("readings", ticks), ("reviews", reviews), ("removed", removed)):
            if a.id in nested:
                row[name] = nested[a.id]
        rows.append(row)
    return rows


def _by_action(
    session: Session, model: Any, who: str, row: Callable[[Any], dict[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """The learner's rows of a table nested under actions, as backup rows, grouped by
    their action in the order they were written."""
    from sqlmodel import col, select

    grouped: dict[int, list[dict[str, Any]]] = {}
    query = select(model).where(col(model.learner) == who).order_by(col(model.id))
    for record in session.exec(query):
        grouped.setdefault(record.action_id, []).append(row(record))
    return grouped


def _event_row(e: Any) -> dict[str, Any]:
    return {
        "topic_id": e.topic_id,
        "status": e.status,
        "at": _iso(e.at),
        "minutes": e.minutes,
        "note": e.note,
    }


def _review_row(r: Any) -> dict[str, Any]:
    return {
        "topic_id": r.topic_id,
        "rating": r.rating,
        "credit": r.credit,
        "banked": r.banked,
        "at": _iso(r.at),
        "due": _iso(r.due),
        "card": r.card,
        "seconds": r.seconds,
    }


def _library_row(b: Any) -> dict[str, Any]:
    """A library block, as kept in the library and in a ``bib rm``'s removals."""
    return {
        "key": b.key,
        "kind": b.kind,
        "bibtex": b.bibtex,
        "source": b.source,
        "added": _iso(b.added),
        "position": b.position,
    }


def _dump_plans(session: Session, who: str) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from studyplan.adapters.store import models as m

    query = select(m.Plan).where(col(m.Plan.learner) == who).order_by(col(m.Plan.name))
    return [
        {
            "name": p.name,
            "created": _iso(p.created),
            "updated": _iso(p.updated),
            "payload": json.loads(p.payload),
        }
        for p in session.exec(query)
    ]


def _dump_library(session: Session, who: str) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from studyplan.adapters.store import models as m

    where = col(m.LibraryEntry.learner) == who
    query = select(m.LibraryEntry).where(where).order_by(col(m.LibraryEntry.position))
    return [_library_row(b) for b in session.exec(query)]
