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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations
from studyplan.adapters.store.plans import ACTIVE_PLAN
from studyplan.adapters.store.sqlite import connect, now_utc, store_error
from studyplan.adapters.store.types import RestoreResult

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FORMAT = "studyplan-backup"
VERSION = 1


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


def dump(path: Path, snapshot: bool = False) -> dict[str, Any]:
    from sqlmodel import Session, col, select

    from studyplan.adapters.store import models as m

    data = empty()
    with Session(engine(path, snapshot)) as session:
        uids = {a.id: a.uid for a in session.exec(select(m.Action))}
        events: dict[int, list[dict[str, Any]]] = {}
        for e in session.exec(select(m.Event).order_by(col(m.Event.id))):
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
        for gone in session.exec(select(m.LibraryRemoval).order_by(col(m.LibraryRemoval.id))):
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
        for n in session.exec(select(m.Note).order_by(col(m.Note.id))):
            notes.setdefault(n.action_id, []).append({"topic_id": n.topic_id, "text": n.text})
        ticks: dict[int, list[dict[str, Any]]] = {}
        for tick in session.exec(select(m.ReadingTick).order_by(col(m.ReadingTick.id))):
            ticks.setdefault(tick.action_id, []).append(
                {"topic_id": tick.topic_id, "key": tick.key, "part": tick.part}
            )
        reviews: dict[int, list[dict[str, Any]]] = {}
        for r in session.exec(select(m.Review).order_by(col(m.Review.id))):
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
        for a in session.exec(select(m.Action).order_by(*order)):
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
        for p in session.exec(select(m.Plan).order_by(col(m.Plan.name))):
            data["plans"].append(
                {
                    "name": p.name,
                    "created": _iso(p.created),
                    "updated": _iso(p.updated),
                    "payload": json.loads(p.payload),
                }
            )
        active = session.get(m.Setting, ACTIVE_PLAN)
        data["active_plan"] = active.value if active else None
        for b in session.exec(select(m.LibraryEntry).order_by(col(m.LibraryEntry.position))):
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


def restore(path: Path, data: Any, source: str, *, skip_bad: bool = False) -> RestoreResult:
    """Merge a checked backup (``backup_format``); nothing is written when it has problems,
    unless ``skip_bad`` leaves the bad items out (they are named in the result)."""
    from sqlalchemy.exc import DBAPIError

    from studyplan.adapters import backup_format
    from studyplan.adapters.bibliography import block_problems

    checked = backup_format.check(data, block_problems)
    if checked.problems and (checked.fatal or not skip_bad):
        raise backup_format.BackupProblems(source, checked.problems)
    try:
        result = _merge(path, checked.data)
    except DBAPIError as exc:
        orig = exc.orig
        if isinstance(orig, sqlite3.Error):
            raise store_error(path, orig) from exc
        raise
    return replace(result, skipped=tuple(checked.skipped), problems=tuple(checked.problems))


def _merge(path: Path, data: dict[str, Any]) -> RestoreResult:
    from sqlalchemy import func, insert
    from sqlmodel import Session, select

    from studyplan.adapters.store import models as m

    result: dict[str, Any] = {}
    with Session(engine(path, write=True)) as session, session.begin():
        local = {a.uid: a for a in session.exec(select(m.Action))}
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
                    )
                )
            for n in item["notes"]:
                session.add(m.Note(action_id=action.id, topic_id=n["topic_id"], text=n["text"]))
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
                    )
                )
            for r in item.get("readings", []):  # absent in backups made before ticks
                session.add(
                    m.ReadingTick(
                        action_id=action.id,
                        topic_id=r["topic_id"],
                        key=r["key"],
                        part=r.get("part"),
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
                    )
                )
        result.update(actions_added=added, actions_present=present)

        plans_added = plans_present = 0
        plan_conflicts: list[str] = []
        mine_plans = {p.name: p for p in session.exec(select(m.Plan))}
        for p in data["plans"]:
            text = json.dumps(p["payload"], ensure_ascii=False)
            mine = mine_plans.get(p["name"])
            if mine is None:
                session.add(
                    m.Plan(
                        name=p["name"],
                        payload=text,
                        created=_time(p["created"]),
                        updated=_time(p["updated"]),
                    )
                )
                plans_added += 1
            elif json.loads(mine.payload) == p["payload"]:
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
        if wanted and session.get(m.Setting, ACTIVE_PLAN) is None and session.get(m.Plan, wanted):
            session.add(m.Setting(key=ACTIVE_PLAN, value=wanted))
            result["active_plan_set"] = wanted

        # The library in bulk: one read of what is there and one multi-row insert, not
        # an ORM object and a look-up per entry (benchmarks/bench_bib.py: restore vs import).
        lib_added = lib_present = 0
        lib_conflicts: list[str] = []
        table = m.LibraryEntry.__table__  # type: ignore[attr-defined]
        mine_lib = {
            key: (bibtex, kind)
            for key, bibtex, kind in session.execute(
                select(table.c.key, table.c.bibtex, table.c.kind)
            )
        }
        last = session.execute(select(func.max(table.c.position))).scalar() or 0
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
