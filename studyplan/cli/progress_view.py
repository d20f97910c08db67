"""``studyplan status``: progress per curriculum and per saved plan, as data and as text.

Plain text through ``output.echo`` (no rich): ``status`` is an everyday command and must
start fast. A topic counts as finished when it is done or known.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from studyplan.cli.output import echo
from studyplan.domain.status import SATISFIED, Status

if TYPE_CHECKING:
    from studyplan.adapters.store import ProgressStore
    from studyplan.domain.catalog import Catalog

FINISHED = SATISFIED
BAR = 24
RECENT = 5


def summarize(
    catalog: Catalog, store: ProgressStore, curriculum: str | None, today: date
) -> dict[str, Any]:
    """Everything ``status`` shows, as JSON-ready data."""
    statuses = store.statuses(catalog.aliases)
    by_parts = _finished_parts(catalog, statuses)
    rows: list[dict[str, Any]] = []
    for cur in catalog.curricula.values():
        if curriculum is not None and cur.id != curriculum:
            continue
        mine = [statuses[t] for t in cur.topic_ids if t in statuses]
        learnable = catalog.learnable_ids(cur.id)
        finished = [
            t
            for t in learnable
            if t in by_parts or (t in statuses and statuses[t].status in FINISHED)
        ]
        rows.append(
            {
                "id": cur.id,
                "title": cur.title,
                "done": len(finished),
                "total": len(learnable),
                "hours_done": float(sum(catalog.topics.hours(t) for t in finished)),
                "hours_total": float(catalog.curriculum_hours(cur.id)),
                "started": sum(1 for s in mine if s.status == Status.STARTED),
                "skipped": sum(1 for s in mine if s.status == Status.SKIPPED),
                "minutes": sum(s.minutes for s in mine),
            }
        )
    topics: list[dict[str, Any]] = []
    for s in sorted(statuses.values(), key=lambda s: (s.updated, s.topic_id), reverse=True):
        topic = catalog.topics.get(s.topic_id)
        if curriculum is not None and (topic is None or topic.curriculum != curriculum):
            continue
        topics.append(
            {
                "id": s.topic_id,
                "status": s.status,
                "updated": s.updated.isoformat(),
                "minutes": s.minutes,
                "title": topic.title if topic else None,
                "curriculum": topic.curriculum if topic else None,
                "orphaned": topic is None,
            }
        )
    return {
        "curricula": rows,
        "plans": _plans(catalog, store, statuses, today) if curriculum is None else [],
        "topics": topics,
        "in_progress": [t["id"] for t in topics if t["status"] == Status.STARTED],
        "recent": [t["id"] for t in topics if t["status"] in FINISHED][:RECENT],
        "orphans": [t["id"] for t in topics if t["orphaned"]],
    }


def _finished_parts(catalog: Catalog, statuses: Any) -> set[str]:
    """The parts of every done or known milestone (through milestones within it): a
    milestone counts by its parts, never as hours of its own."""
    table = catalog.topics
    milestones = table.milestones()
    ids = table.ids()
    position = table.positions()
    stack = [
        position[t]
        for t, s in statuses.items()
        if s.status in FINISHED and t in position and position[t] in milestones
    ]
    parts: set[int] = set()
    while stack:
        for part in milestones[stack.pop()]:
            if part not in parts:
                parts.add(part)
                if part in milestones:
                    stack.append(part)
    return {ids[p] for p in parts}


def _plans(
    catalog: Catalog, store: ProgressStore, statuses: Any, today: date
) -> list[dict[str, Any]]:
    names = store.plan_names()
    if not names:
        return []
    from studyplan.domain.plan_data import plan_progress
    from studyplan.errors import StoreError

    active = store.active_plan()
    simple = {tid: s.status for tid, s in statuses.items()}
    result = []
    for name in names:
        try:
            saved = store.get_plan(name)
            if saved is None:  # removed since the names were read
                continue
            data = plan_progress(catalog, name, saved, simple, today)
        except StoreError as exc:  # one unreadable plan does not hide the others
            data = {"name": name, "error": exc.message}
        data["active"] = name == active
        result.append(data)
    return result


def bar(part: float, whole: float) -> str:
    filled = 0 if whole <= 0 else round(BAR * min(1.0, part / whole))
    return "█" * filled + "░" * (BAR - filled)


def _pct(part: float, whole: float) -> str:
    return f"{(100 * part / whole) if whole else 0:3.0f}%"


def render(summary: dict[str, Any]) -> None:
    rows = summary["curricula"]
    width = max((len(r["id"]) for r in rows), default=0)
    echo("Curricula")
    for r in rows:
        echo(
            f"  {r['id']:<{width}}  {bar(r['hours_done'], r['hours_total'])} "
            f"{_pct(r['hours_done'], r['hours_total'])}  "
            f"{r['done']}/{r['total']} topics · {r['hours_done']:g}/{r['hours_total']:g} h"
            + (f" · {r['started']} in progress" if r["started"] else "")
        )
    if summary["plans"]:
        echo("\nPlans")
        pw = max(len(p["name"]) for p in summary["plans"])
        for p in summary["plans"]:
            mark = "*" if p["active"] else " "
            if "error" in p:
                echo(f" {mark}{p['name']:<{pw}}  {p['error']}")
                continue
            line = (
                f" {mark}{p['name']:<{pw}}  {bar(p['hours_done'], p['hours_total'])} "
                f"{_pct(p['hours_done'], p['hours_total'])}  "
                f"{p['steps_done']}/{p['steps_total']} steps · "
                f"{p['hours_done']:g}/{p['hours_total']:g} h"
            )
            ahead = p.get("ahead_hours")
            if ahead is not None:
                line += f" · {'ahead' if ahead >= 0 else 'behind'} {abs(ahead):.1f} h"
            if p.get("finish_date"):
                line += f" · finish {p['finish_date']}"
            echo(line)
        echo("  (* active plan)")
    by_id = {t["id"]: t for t in summary["topics"]}
    for title, ids in (
        ("In progress", summary["in_progress"]),
        ("Recently finished", summary["recent"]),
    ):
        if ids:
            echo(f"\n{title}")
            for tid in ids:
                t = by_id[tid]
                spent = f" · {t['minutes']} min" if t["minutes"] else ""
                echo(f"  {t['updated'][:10]}  {t['status']:<7} {tid} — {t['title'] or '?'}{spent}")
    if summary["orphans"]:
        echo("\nOrphaned (no longer in the curricula; see 'studyplan doctor')")
        for tid in summary["orphans"]:
            echo(f"  {tid} ({by_id[tid]['status']})")
    if not summary["topics"]:
        echo("\nnothing recorded yet: try 'studyplan done TOPIC' or 'studyplan know TOPIC'")
