"""``studyplan status``: progress per curriculum and per saved plan, as data and as text.

Plain text (no rich; wrapped with a hanging indent on a terminal): ``status`` is an
everyday command and must start fast. On a terminal the bars are green for done and amber for in progress, "behind"
is red and "ahead" green (``studyplan.cli.term``); the bars' glyphs (█ done, ▒ in
progress, ░ to do) say the same without colour. A topic counts as finished when it is
done or known.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from studyplan.domain.status import SATISFIED, Status
from studyplan.views.words import count

if TYPE_CHECKING:
    from studyplan.adapters.store import ProgressStore
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.ticks import TopicReading

FINISHED = SATISFIED
BAR = 24
RECENT = 5


def summarize(
    catalog: Catalog,
    store: ProgressStore,
    curriculum: str | None,
    today: date,
    reading: Mapping[str, TopicReading] | None = None,
) -> dict[str, Any]:
    """Everything ``status`` shows, as JSON-ready data; ``reading``: the topics with
    ticked readings (``State.reading``)."""
    statuses = store.statuses(catalog.aliases)
    topics = _topic_rows(catalog, statuses, curriculum)
    return {
        "readings": _reading_rows(catalog, statuses, reading or {}, curriculum),
        "reviews": reviews_due(catalog, store, statuses),
        "curricula": _curriculum_rows(catalog, statuses, curriculum),
        "plans": _plans(catalog, store, statuses, today) if curriculum is None else [],
        "topics": topics,
        "in_progress": [t["id"] for t in topics if t["status"] == Status.STARTED],
        "recent": _recent(topics),
        "orphans": [t["id"] for t in topics if t["orphaned"]],
    }


def _curriculum_rows(
    catalog: Catalog, statuses: Mapping[str, Any], curriculum: str | None
) -> list[dict[str, Any]]:
    """Per curriculum: learnable topics finished (a milestone counts by its parts) and in
    progress, their hours, and the marks and minutes recorded."""
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
        started = [
            t
            for t in learnable
            if t not in by_parts and t in statuses and statuses[t].status == Status.STARTED
        ]
        rows.append(
            {
                "id": cur.id,
                "title": cur.title,
                "done": len(finished),
                "total": len(learnable),
                "hours_done": float(sum(catalog.topics.hours(t) for t in finished)),
                "hours_total": float(catalog.curriculum_hours(cur.id)),
                "hours_in_progress": float(sum(catalog.topics.hours(t) for t in started)),
                "started": sum(1 for s in mine if s.status == Status.STARTED),
                "skipped": sum(1 for s in mine if s.status == Status.SKIPPED),
                "minutes": sum(s.minutes for s in mine),
            }
        )
    return rows


def _topic_rows(
    catalog: Catalog, statuses: Mapping[str, Any], curriculum: str | None
) -> list[dict[str, Any]]:
    """Every marked topic, newest first; a row on an id no curriculum has is orphaned."""
    topics: list[dict[str, Any]] = []
    table = catalog.topics  # titles and curricula from its columns: no topic is built
    for s in sorted(statuses.values(), key=lambda s: (s.updated, s.topic_id), reverse=True):
        known = s.topic_id in table
        cur = table.curriculum_of(s.topic_id) if known else None
        if curriculum is not None and cur != curriculum:
            continue
        topics.append(
            {
                "id": s.topic_id,
                "status": s.status,
                "updated": s.updated.isoformat(),
                "minutes": s.minutes,
                "title": table.title(s.topic_id) if known else None,
                "curriculum": cur,
                "orphaned": not known,
            }
        )
    return topics


def _reading_rows(
    catalog: Catalog,
    statuses: Mapping[str, Any],
    reading: Mapping[str, TopicReading],
    curriculum: str | None,
) -> list[dict[str, Any]]:
    """The topics with ticked readings: how many read, and the hours left."""
    hours = catalog.topics.hours
    return [
        {
            "id": tid,
            "title": catalog.topics.title(tid),
            "readings_read": p.groups_read,
            "readings": p.groups,
            "hours_left": max(0.0, round(hours(tid) - p.hours_ticked, 6)),
            "all_core_read": p.all_read,
            "status": statuses[tid].status if tid in statuses else "todo",
        }
        for tid, p in reading.items()
        if curriculum is None or catalog.topics.curriculum_of(tid) == curriculum
    ]


def reviews_due(catalog: Catalog, store: ProgressStore, statuses: Any) -> dict[str, Any]:
    """How many review cards are due now, and when the next later one is (no scheduler:
    the store keeps each card's due date)."""
    from datetime import UTC, datetime

    from studyplan.domain.reviews import due_topics, upcoming

    table = catalog.topics
    done = {
        tid: s.updated
        for tid, s in statuses.items()
        if s.status == "done" and tid in table and not table.is_milestone(tid)
    }
    if not done:
        return {"due": 0, "next": None}
    now = datetime.now(UTC)
    states = store.review_states()
    due = due_topics(done, states, now)
    later = [d for _, d in upcoming(done, states) if d > now]
    return {"due": len(due), "next": later[0].isoformat() if later else None}


def review_line(reviews: dict[str, Any]) -> str | None:
    """``3 reviews due: 'studyplan review'`` (None when nothing is due)."""
    n = reviews["due"]
    if not n:
        return None
    return f"{count(n, 'review')} due: 'studyplan review'"


def _recent(topics: list[dict[str, Any]]) -> list[str]:
    """The latest finished topics, what you did before what you declared you knew: real
    completions are not crowded out by a batch of ``know`` marks."""
    done = [t["id"] for t in topics if t["status"] == Status.DONE]
    known = [t["id"] for t in topics if t["status"] == Status.KNOWN]
    return (done + known)[:RECENT]


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


def bar(part: float, whole: float, started: float = 0.0, allowed: str = "") -> str:
    """``████▒▒░░░░``: done, in progress, to do, out of ``BAR`` cells (green, amber and
    dim when ``allowed`` is "colour")."""
    from studyplan.cli.term import paint

    frac = 0.0 if whole <= 0 else min(1.0, part / whole)
    filled = round(BAR * frac)
    if part > 0 and filled == 0 and whole > 0:
        filled = 1  # something done is never invisible either
    upto = 0 if whole <= 0 else round(BAR * min(1.0, (part + started) / whole))
    busy = max(0, upto - filled)
    if started > 0 and busy == 0 and filled < BAR:
        busy = 1  # something in progress is never invisible
    rest = BAR - filled - busy
    return (
        paint("█" * filled, "green", allowed)
        + paint("▒" * busy, "amber", allowed)
        + paint("░" * rest, "dim", allowed)
    )


def _pct(part: float, whole: float) -> str:
    return f"{(100 * part / whole) if whole else 0:3.0f}%"


def pace(ahead: float, allowed: str = "") -> str:
    """``12.5 h ahead`` (green), ``3 h behind`` (red), or ``on schedule``."""
    from studyplan.cli.term import paint

    if abs(ahead) < 0.05:
        return "on schedule"
    hours = f"{round(abs(ahead), 1):g} h"
    return (
        paint(f"{hours} ahead", "green", allowed)
        if ahead > 0
        else paint(f"{hours} behind", "red", allowed)
    )


STATUS_STYLE: dict[str, str] = {
    Status.DONE: "green",
    Status.KNOWN: "cyan",
    Status.STARTED: "amber",
}


def render(summary: dict[str, Any]) -> None:
    """``status``'s text: reviews due, curricula, plans, recent topics, readings, orphans."""
    from studyplan.cli.term import echo, styles

    on = styles()
    due = review_line(summary["reviews"])
    if due:
        echo(due + "\n")
    _render_curricula(summary["curricula"], on)
    if summary["plans"]:
        _render_plans(summary["plans"], on)
    by_id = {t["id"]: t for t in summary["topics"]}
    _render_recent(summary, by_id, on)
    _render_reading(summary.get("readings", []))
    if summary["orphans"]:
        from studyplan.cli.term import paint

        echo(
            "\n"
            + paint("Orphaned", "bold", on)
            + " (no longer in the curricula; see 'studyplan doctor')"
        )
        for tid in summary["orphans"]:
            echo(f"  {tid} ({by_id[tid]['status']})")
    if not summary["topics"] and not summary.get("readings"):
        echo("\nnothing recorded yet: try 'studyplan done TOPIC' or 'studyplan know TOPIC'")


def _render_curricula(rows: list[dict[str, Any]], on: str) -> None:
    from studyplan.cli.term import echo, paint

    width = max((len(r["id"]) for r in rows), default=0)
    echo(paint("Curricula", "bold", on))
    for r in rows:
        echo(
            f"  {r['id']:<{width}}  "
            f"{bar(r['hours_done'], r['hours_total'], r.get('hours_in_progress', 0), on)} "
            f"{_pct(r['hours_done'], r['hours_total'])}  "
            f"{r['done']}/{count(r['total'], 'topic')} · {r['hours_done']:g}/{r['hours_total']:g} h"
            + (" · " + paint(f"{r['started']} in progress", "amber", on) if r["started"] else ""),
            indent=width + 35,  # a continuation starts under the counts
        )


def _render_plans(plans: list[dict[str, Any]], on: str) -> None:
    from studyplan.cli.term import echo, paint

    echo("\n" + paint("Plans", "bold", on))
    pw = max(len(p["name"]) for p in plans)
    for p in plans:
        mark = "*" if p["active"] else " "
        if "error" in p:
            echo(f" {mark}{p['name']:<{pw}}  {p['error']}")
            continue
        line = (
            f" {mark}{p['name']:<{pw}}  "
            f"{bar(p['hours_done'], p['hours_total'], p.get('hours_in_progress', 0), on)} "
            f"{_pct(p['hours_done'], p['hours_total'])}  "
            f"{p['steps_done']}/{count(p['steps_total'], 'step')} · "
            f"{p['hours_done']:g}/{p['hours_total']:g} h"
        )
        ahead = p.get("ahead_hours")
        if ahead is not None:
            line += f" · {pace(ahead, on)}"
        if p.get("finish_date"):
            line += f" · finish {p['finish_date']}"
        echo(line, indent=pw + 35)
    echo(paint("  (* active plan)", "dim", on))


def _render_recent(
    summary: dict[str, Any], by_id: Mapping[str, dict[str, Any]], on: str | None
) -> None:
    """The topics in progress and the recently finished ones."""
    from studyplan.cli.term import echo, paint

    for title, ids in (
        ("In progress", summary["in_progress"]),
        ("Recently finished", summary["recent"]),
    ):
        if ids:
            echo("\n" + paint(title, "bold", on))
            for tid in ids:
                t = by_id[tid]
                spent = f" · {t['minutes']} min" if t["minutes"] else ""
                status = paint(f"{t['status']:<7}", STATUS_STYLE.get(t["status"], ""), on)
                echo(
                    f"  {t['updated'][:10]}  {status} {tid} — {t['title'] or '?'}{spent}", indent=22
                )


def _render_reading(readings: list[dict[str, Any]]) -> None:
    """Unfinished topics with ticked readings: how far, how many hours are left."""
    from studyplan.cli.term import echo

    unfinished = [r for r in readings if r["status"] not in FINISHED]
    if unfinished:
        echo("\nReading")
        for r in unfinished:
            hint = (
                "  (all core readings ticked: 'studyplan done' when you can)"
                if r["all_core_read"]
                else ""
            )
            echo(
                f"  {r['id']} — {r['title']}: {r['readings_read']}/{r['readings']} readings · "
                f"{r['hours_left']:g} h left{hint}"
            )
