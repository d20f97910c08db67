"""Backup to JSON and idempotent restore, through the SQLModel tables.

A backup nests each action's events and notes under it and refers to actions by ``uid``
(stable across databases), so restoring merges: an action whose uid is already present
is skipped, plans and library entries are matched by name and key (identical: skipped;
different: kept as they are locally and reported). Restoring the same file twice
changes nothing. Everything is written in one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations
from studyplan.adapters.store.plans import ACTIVE_PLAN
from studyplan.adapters.store.sqlite import connect, now_utc
from studyplan.adapters.store.types import MARKS, RestoreResult
from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError
from studyplan.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FORMAT = "studyplan-backup"
VERSION = 1
KINDS = ("mark", "note", "undo", "review")


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
        notes: dict[int, list[dict[str, Any]]] = {}
        for n in session.exec(select(m.Note).order_by(col(m.Note.id))):
            notes.setdefault(n.action_id, []).append({"topic_id": n.topic_id, "text": n.text})
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
            data["actions"].append(
                {
                    "uid": a.uid,
                    "kind": a.kind,
                    "created": _iso(a.created),
                    "command": a.command,
                    "undoes": uids.get(a.undoes) if a.undoes is not None else None,
                    "events": events.get(a.id, []),
                    "notes": notes.get(a.id, []),
                    **({"reviews": reviews[a.id]} if a.id in reviews else {}),
                }
            )
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


def restore(path: Path, data: Any, source: str) -> RestoreResult:
    from sqlalchemy import func, insert
    from sqlmodel import Session, select

    from studyplan.adapters.store import models as m

    _validate(data, source)
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
        for p in data["plans"]:
            text = json.dumps(p["payload"], ensure_ascii=False)
            mine = session.get(m.Plan, p["name"])
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


def _validate(data: Any, source: str) -> None:
    """Check the whole document before writing anything; one clear line per problem."""

    def bad(where: str, what: str) -> InputError:
        return InputError(
            f"{source}: {where}: {what}", "is this a file written by 'studyplan backup'?"
        )

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad("top level", f'not a studyplan backup (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise bad("version", f"backup version {data.get('version')!r} is not {VERSION}")
    for part in ("actions", "plans", "library"):
        if not isinstance(data.get(part), list):
            raise bad(part, "must be a list")

    def need(obj: Any, where: str, fields: dict[str, Any]) -> None:
        if not isinstance(obj, dict):
            raise bad(where, "must be an object")
        for name, kind in fields.items():
            value = obj.get(name)
            optional = isinstance(kind, tuple) and type(None) in kind
            if name not in obj and not optional:
                raise bad(where, f"'{name}' is missing")
            if not isinstance(value, kind):
                raise bad(where, f"'{name}' has the wrong type")
        for name in ("created", "at", "updated", "added"):
            if name in fields and isinstance(obj.get(name), str):
                try:
                    datetime.fromisoformat(obj[name])
                except ValueError:
                    raise bad(where, f"'{name}' is not an ISO timestamp") from None

    uids: set[str] = set()
    for i, a in enumerate(data["actions"]):
        where = f"actions[{i}]"
        need(
            a,
            where,
            {
                "uid": str,
                "kind": str,
                "created": str,
                "command": str,
                "undoes": (str, type(None)),
                "events": list,
                "notes": list,
            },
        )
        if a["kind"] not in KINDS:
            raise bad(where, f"kind '{a['kind']}' is not one of {', '.join(KINDS)}")
        if a["uid"] in uids:
            raise bad(where, f"uid '{a['uid']}' appears twice")
        uids.add(a["uid"])
        for j, e in enumerate(a["events"]):
            need(
                e,
                f"{where}.events[{j}]",
                {
                    "topic_id": str,
                    "status": str,
                    "at": str,
                    "minutes": (int, type(None)),
                    "note": (str, type(None)),
                },
            )
            if e["status"] not in MARKS:
                raise bad(f"{where}.events[{j}]", f"status '{e['status']}' is not known")
        for j, n in enumerate(a["notes"]):
            need(n, f"{where}.notes[{j}]", {"topic_id": str, "text": str})
        if not isinstance(a.get("reviews", []), list):
            raise bad(f"{where}.reviews", "must be a list")
        for j, r in enumerate(a.get("reviews", [])):
            need(
                r,
                f"{where}.reviews[{j}]",
                {
                    "topic_id": str,
                    "rating": int,
                    "credit": (int, float),
                    "banked": (int, float),
                    "at": str,
                    "due": str,
                    "card": str,
                    "seconds": (int, type(None)),
                },
            )
    for i, p in enumerate(data["plans"]):
        need(p, f"plans[{i}]", {"name": str, "created": str, "updated": str, "payload": dict})
        try:
            SavedPlan.from_json(p["payload"])
        except SavedPlanFormatError as exc:
            raise bad(f"plans[{i}].payload", str(exc)) from None
    for i, b in enumerate(data["library"]):
        need(
            b,
            f"library[{i}]",
            {"key": str, "kind": str, "bibtex": str, "source": str, "added": str, "position": int},
        )
    if not isinstance(data.get("active_plan"), (str, type(None))):
        raise bad("active_plan", "must be a plan name or null")
