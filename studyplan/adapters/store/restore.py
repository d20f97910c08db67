"""Idempotent restore of a backup (``backup.py`` writes them), through the SQLModel tables.

Restoring merges: an action whose uid is already present is skipped, plans and library
entries are matched by name and key (identical: skipped; different: kept as they are
locally and reported). Restoring the same file twice changes nothing. Everything is
written in one transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL queued behind the
learner's other writes). The rows become this learner's.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from studyplan.adapters.store.backup import engine_for
from studyplan.adapters.store.plans import ACTIVE_PLAN
from studyplan.adapters.store.sqlite import store_error
from studyplan.adapters.store.types import RestoreResult

if TYPE_CHECKING:
    from sqlmodel import Session

    from studyplan.adapters.store.base import StoreBase


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
    """Merge a checked backup in one transaction: actions, plans, the active plan, the
    library, in that order (an undo needs its target; the active plan needs its plan)."""
    from sqlmodel import Session

    who = store.learner
    with Session(engine_for(store, write=True)) as session, session.begin():
        if store.url is not None:
            _queue_with_learner(session, who)
        added, present = _merge_actions(session, who, data["actions"])
        plans = _merge_plans(session, who, data["plans"])
        active = _merge_active_plan(session, who, data.get("active_plan"))
        library = _merge_library(session, who, data["library"])
    return RestoreResult(
        actions_added=added,
        actions_present=present,
        plans_added=plans.added,
        plans_present=plans.present,
        plans_conflicting=plans.conflicting,
        active_plan_set=active,
        library_added=library.added,
        library_present=library.present,
        library_conflicting=library.conflicting,
    )


class _Matched(NamedTuple):
    """Items matched by name or key: new ones added, identical ones present, the
    different ones kept as they are locally and named."""

    added: int
    present: int
    conflicting: tuple[str, ...]


def _queue_with_learner(session: Session, who: str) -> None:
    """On PostgreSQL: queue with this learner's other writes (``pg.write_txn``)."""
    from sqlalchemy import text as sql_text

    lock = sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))")
    session.execute(lock, {"k": "studyplan:" + who})


def _merge_actions(session: Session, who: str, actions: list[dict[str, Any]]) -> tuple[int, int]:
    """Add the actions whose uid is not here yet, oldest first, with their nested rows;
    an undo whose target is missing or already undone here is skipped. Returns (added,
    present)."""
    from sqlmodel import col, select

    from studyplan.adapters.store import models as m

    local = {a.uid: a for a in session.exec(select(m.Action).where(col(m.Action.learner) == who))}
    undone = {a.undoes for a in local.values() if a.undoes is not None}
    added = present = 0
    for item in sorted(actions, key=lambda a: _time(a["created"])):
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
        _add_nested(session, who, action.id, item)
    return added, present


def _add_nested(session: Session, who: str, action_id: int, item: dict[str, Any]) -> None:
    """The rows a restored action recorded: events, notes, library removals, reading
    ticks and reviews (the last three are absent in backups made before they existed)."""
    from studyplan.adapters.store import models as m

    for e in item["events"]:
        session.add(
            m.Event(
                action_id=action_id,
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
            m.Note(action_id=action_id, topic_id=n["topic_id"], text=n["text"], learner=who)
        )
    for gone in item.get("removed", []):
        session.add(
            m.LibraryRemoval(
                action_id=action_id,
                key=gone["key"],
                kind=gone["kind"],
                bibtex=gone["bibtex"],
                source=gone["source"],
                added=_time(gone["added"]),
                position=gone["position"],
                learner=who,
            )
        )
    for r in item.get("readings", []):
        session.add(
            m.ReadingTick(
                action_id=action_id,
                topic_id=r["topic_id"],
                key=r["key"],
                part=r.get("part"),
                learner=who,
            )
        )
    for r in item.get("reviews", []):
        session.add(
            m.Review(
                action_id=action_id,
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


def _merge_plans(session: Session, who: str, plans: list[dict[str, Any]]) -> _Matched:
    """Saved plans matched by name: a plan with the same payload is present, one with
    another payload is a conflict and the local one is kept."""
    from sqlmodel import col, select

    from studyplan.adapters.store import models as m

    added = present = 0
    conflicts: list[str] = []
    mine = {p.name: p for p in session.exec(select(m.Plan).where(col(m.Plan.learner) == who))}
    for p in plans:
        my_plan = mine.get(p["name"])
        if my_plan is None:
            session.add(
                m.Plan(
                    name=p["name"],
                    payload=json.dumps(p["payload"], ensure_ascii=False),
                    created=_time(p["created"]),
                    updated=_time(p["updated"]),
                    learner=who,
                )
            )
            added += 1
        elif json.loads(my_plan.payload) == p["payload"]:
            present += 1
        else:
            conflicts.append(p["name"])
    session.flush()
    return _Matched(added, present, tuple(conflicts))


def _merge_active_plan(session: Session, who: str, wanted: str | None) -> str | None:
    """The backup's active plan becomes this learner's only when none is set here and
    the plan exists (restored or already here); returns it when it was set."""
    from studyplan.adapters.store import models as m

    if (
        wanted
        and session.get(m.Setting, (ACTIVE_PLAN, who)) is None
        and session.get(m.Plan, (wanted, who))
    ):
        session.add(m.Setting(key=ACTIVE_PLAN, value=wanted, learner=who))
        return wanted
    return None


def _merge_library(session: Session, who: str, library: list[dict[str, Any]]) -> _Matched:
    """Library blocks matched by key (same BibTeX and kind: present), the new ones
    appended after this learner's last position in their backup order.

    In bulk: one read of what is there and one multi-row insert, not an ORM object and
    a look-up per entry (benchmarks/bench_bib.py: restore vs import)."""
    from sqlalchemy import func, insert
    from sqlmodel import select

    from studyplan.adapters.store import models as m

    added = present = 0
    conflicts: list[str] = []
    table = m.LibraryEntry.__table__  # type: ignore[attr-defined]
    mine = {
        key: (bibtex, kind)
        for key, bibtex, kind in session.execute(
            select(table.c.key, table.c.bibtex, table.c.kind).where(table.c.learner == who)
        )
    }
    last = (
        session.execute(select(func.max(table.c.position)).where(table.c.learner == who)).scalar()
        or 0
    )
    rows: list[dict[str, Any]] = []
    for b in sorted(library, key=lambda b: b["position"]):
        here = mine.get(b["key"])
        if here is None:
            last += 1
            mine[b["key"]] = (b["bibtex"], b["kind"])
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
            added += 1
        elif here == (b["bibtex"], b["kind"]):
            present += 1
        else:
            conflicts.append(b["key"])
    if rows:
        session.execute(insert(table), rows)
    return _Matched(added, present, tuple(conflicts))


def _time(text: str) -> datetime:
    """An ISO timestamp from a backup, aware and in UTC (naive ones are taken as UTC)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
