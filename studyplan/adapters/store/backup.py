"""Backup to JSON and idempotent restore, through the SQLModel tables.

A backup nests each action's events and notes under it and refers to actions by ``uid``
(stable across databases), so restoring merges: an action whose uid is already present
is skipped, plans and library entries are matched by name and key (identical: skipped;
different: kept as they are locally and reported). Restoring the same file twice
changes nothing. Everything is written in one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations
from studyplan.adapters.store.plans import ACTIVE_PLAN
from studyplan.adapters.store.sqlite import connect, now_utc, store_error
from studyplan.adapters.store.types import RestoreResult

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

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
    from sqlmodel import Session, col, select

    from studyplan.adapters.store import models as m

    data = empty()
    who = store.learner
    with Session(engine_for(store)) as session, session.begin():
        mine = col(m.Action.learner) == who
        uids = {a.id: a.uid for a in session.exec(select(m.Action).where(mine))}
        events: dict[int, list[dict[str, Any]]] = {}
        where_e = col(m.Event.learner) == who
        for e in session.exec(select(m.Event).where(where_e).order_by(col(m.Event.id))):
            events.setdefault(e.action_id, []).append(
                {
                    "topic_id": e.topic_id,
                    "status": e.status,
                    "at": _iso(e.at),
                    "minutes": e.minutes,
                    "note": e.note,
                }
            )
        removed: dict[int, list[dict[str, Any]]] = {}
        where_g = col(m.LibraryRemoval.learner) == who
        gone_q = select(m.LibraryRemoval).where(where_g).order_by(col(m.LibraryRemoval.id))
        for gone in session.exec(gone_q):
            removed.setdefault(gone.action_id, []).append(
                {
                    "key": gone.key,
                    "kind": gone.kind,
                    "bibtex": gone.bibtex,
                    "source": gone.source,
                    "added": _iso(gone.added),
                    "position": gone.position,
                }
            )
        notes: dict[int, list[dict[str, Any]]] = {}
        where_n = col(m.Note.learner) == who
        for n in session.exec(select(m.Note).where(where_n).order_by(col(m.Note.id))):
            notes.setdefault(n.action_id, []).append({"topic_id": n.topic_id, "text": n.text})
        ticks: dict[int, list[dict[str, Any]]] = {}
        where_t = col(m.ReadingTick.learner) == who
        for tick in session.exec(
            select(m.ReadingTick).where(where_t).order_by(col(m.ReadingTick.id))
        ):
            ticks.setdefault(tick.action_id, []).append(
                {"topic_id": tick.topic_id, "key": tick.key, "part": tick.part}
            )
        reviews: dict[int, list[dict[str, Any]]] = {}
        where_r = col(m.Review.learner) == who
        for r in session.exec(select(m.Review).where(where_r).order_by(col(m.Review.id))):
            reviews.setdefault(r.action_id, []).append(
                {
                    "topic_id": r.topic_id,
                    "rating": r.rating,
                    "credit": r.credit,
                    "banked": r.banked,
                    "at": _iso(r.at),
                    "due": _iso(r.due),
                    "card": r.card,
                    "seconds": r.seconds,
                }
            )
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
            if a.id in ticks:
                row["readings"] = ticks[a.id]
            if a.id in reviews:
                row["reviews"] = reviews[a.id]
            if a.id in removed:
                row["removed"] = removed[a.id]
            data["actions"].append(row)
        where_p = col(m.Plan.learner) == who
        for p in session.exec(select(m.Plan).where(where_p).order_by(col(m.Plan.name))):
            data["plans"].append(
                {
                    "name": p.name,
                    "created": _iso(p.created),
                    "updated": _iso(p.updated),
                    "payload": json.loads(p.payload),
                }
            )
        active = session.get(m.Setting, (ACTIVE_PLAN, who))
        data["active_plan"] = active.value if active else None
        where_b = col(m.LibraryEntry.learner) == who
        by_position = col(m.LibraryEntry.position)
        for b in session.exec(select(m.LibraryEntry).where(where_b).order_by(by_position)):
            data["library"].append(
                {
                    "key": b.key,
                    "kind": b.kind,
                    "bibtex": b.bibtex,
                    "source": b.source,
                    "added": _iso(b.added),
                    "position": b.position,
                }
            )
    return data


def restore(store: StoreBase, data: Any, source: str, *, skip_bad: bool = False) -> RestoreResult:
    """Merge a checked backup (``backup_format``); nothing is written when it has problems,
    unless ``skip_bad`` leaves the bad items out (they are named in the result). The
    rows become this learner's (a backup made elsewhere, or by another user name)."""
    from sqlalchemy.exc import DBAPIError

    from studyplan.adapters import backup_format
    from studyplan.adapters.bibliography import block_problems

    checked = backup_format.check(data, block_problems)
    if checked.problems and (checked.fatal or not skip_bad):
        raise backup_format.BackupProblems(source, checked.problems)
    try:
        result = _merge(store, checked.data)
    except DBAPIError as exc:
        orig = exc.orig
        if isinstance(orig, sqlite3.Error) and store.path is not None:
            raise store_error(store.path, orig) from exc
        raise
    return result._replace(skipped=tuple(checked.skipped), problems=tuple(checked.problems))


def _merge(store: StoreBase, data: dict[str, Any]) -> RestoreResult:
    from sqlalchemy import func, insert
    from sqlmodel import Session, col, select

    from studyplan.adapters.store import models as m

    result: dict[str, Any] = {}
    who = store.learner
    with Session(engine_for(store, write=True)) as session, session.begin():
        if store.url is not None:  # queue with this learner's other writes (pg.write_txn)
            from sqlalchemy import text as sql_text

            lock = sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))")
            session.execute(lock, {"k": "studyplan:" + who})
        mine = col(m.Action.learner) == who
        local = {a.uid: a for a in session.exec(select(m.Action).where(mine))}
        undone = {a.undoes for a in local.values() if a.undoes is not None}
        added = present = 0
        for item in sorted(data["actions"], key=lambda a: _time(a["created"])):
            if item["uid"] in local:
                present += 1
                continue
            target = local.get(item["undoes"]) if item["undoes"] else None
            if item["kind"] == "undo" and (target is None or target.id in undone):
                present += 1  # its target is missing, or already undone here
                continue
            action = m.Action(
                uid=item["uid"],
                kind=item["kind"],
                created=_time(item["created"]),
                command=item["command"],
                undoes=target.id if target else None,
                learner=who,
            )
            session.add(action)
            session.flush()
            assert action.id is not None
            if target is not None and target.id is not None:
                undone.add(target.id)
            local[action.uid] = action
            added += 1
            for e in item["events"]:
                session.add(
                    m.Event(
                        action_id=action.id,
                        topic_id=e["topic_id"],
                        status=e["status"],
                        at=_time(e["at"]),
                        minutes=e.get("minutes"),
                        note=e.get("note"),
                        learner=who,
                    )
                )
            for n in item["notes"]:
                session.add(
                    m.Note(action_id=action.id, topic_id=n["topic_id"], text=n["text"], learner=who)
                )
            for gone in item.get("removed", []):
                session.add(
                    m.LibraryRemoval(
                        action_id=action.id,
                        key=gone["key"],
                        kind=gone["kind"],
                        bibtex=gone["bibtex"],
                        source=gone["source"],
                        added=_time(gone["added"]),
                        position=gone["position"],
                        learner=who,
                    )
                )
            for r in item.get("readings", []):  # absent in backups made before ticks
                session.add(
                    m.ReadingTick(
                        action_id=action.id,
                        topic_id=r["topic_id"],
                        key=r["key"],
                        part=r.get("part"),
                        learner=who,
                    )
                )
            for r in item.get("reviews", []):
                session.add(
                    m.Review(
                        action_id=action.id,
                        topic_id=r["topic_id"],
                        rating=r["rating"],
                        credit=float(r["credit"]),
                        banked=float(r["banked"]),
                        at=_time(r["at"]),
                        due=_time(r["due"]),
                        card=r["card"],
                        seconds=r.get("seconds"),
                        learner=who,
                    )
                )
        result.update(actions_added=added, actions_present=present)

        plans_added = plans_present = 0
        plan_conflicts: list[str] = []
        mine_plans = {
            p.name: p for p in session.exec(select(m.Plan).where(col(m.Plan.learner) == who))
        }
        for p in data["plans"]:
            text = json.dumps(p["payload"], ensure_ascii=False)
            my_plan = mine_plans.get(p["name"])
            if my_plan is None:
                session.add(
                    m.Plan(
                        name=p["name"],
                        payload=text,
                        created=_time(p["created"]),
                        updated=_time(p["updated"]),
                        learner=who,
                    )
                )
                plans_added += 1
            elif json.loads(my_plan.payload) == p["payload"]:
                plans_present += 1
            else:
                plan_conflicts.append(p["name"])
        session.flush()
        result.update(
            plans_added=plans_added,
            plans_present=plans_present,
            plans_conflicting=tuple(plan_conflicts),
        )
        wanted = data.get("active_plan")
        if (
            wanted
            and session.get(m.Setting, (ACTIVE_PLAN, who)) is None
            and session.get(m.Plan, (wanted, who))
        ):
            session.add(m.Setting(key=ACTIVE_PLAN, value=wanted, learner=who))
            result["active_plan_set"] = wanted

        # The library in bulk: one read of what is there and one multi-row insert, not
        # an ORM object and a look-up per entry (benchmarks/bench_bib.py: restore vs import).
        lib_added = lib_present = 0
        lib_conflicts: list[str] = []
        table = m.LibraryEntry.__table__  # type: ignore[attr-defined]
        mine_lib = {
            key: (bibtex, kind)
            for key, bibtex, kind in session.execute(
                select(table.c.key, table.c.bibtex, table.c.kind).where(table.c.learner == who)
            )
        }
        last = (
            session.execute(
                select(func.max(table.c.position)).where(table.c.learner == who)
            ).scalar()
            or 0
        )
        rows: list[dict[str, Any]] = []
        for b in sorted(data["library"], key=lambda b: b["position"]):
            mine_b = mine_lib.get(b["key"])
            if mine_b is None:
                last += 1
                mine_lib[b["key"]] = (b["bibtex"], b["kind"])
                rows.append(
                    {
                        "key": b["key"],
                        "kind": b["kind"],
                        "bibtex": b["bibtex"],
                        "source": b["source"],
                        "added": _time(b["added"]),
                        "position": last,
                        "learner": who,
                    }
                )
                mine_lib[b["key"]] = (b["bibtex"], b["kind"])
                lib_added += 1
            elif mine_b == (b["bibtex"], b["kind"]):
                lib_present += 1
            else:
                lib_conflicts.append(b["key"])
        if rows:
            session.execute(insert(table), rows)
        result.update(
            library_added=lib_added,
            library_present=lib_present,
            library_conflicting=tuple(lib_conflicts),
        )
    return RestoreResult(**result)


def _time(text: str) -> datetime:
    """An ISO timestamp from a backup, aware and in UTC (naive ones are taken as UTC)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
