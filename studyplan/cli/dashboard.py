"""Bare ``studyplan``: the screen you open every day, as ``task`` shows your next tasks.

The active plan's pace, this week's logged hours against the plan's weekly budget, what
to study next (with what to read) and one line on how to get help. Exit 0. It reads the
cached catalog and the store only, without rich, so it is as fast as ``next``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from studyplan.cli.output import emit_lines
from studyplan.domain.status import Status

if TYPE_CHECKING:
    from studyplan.cli.state import State

NEXT_SHOWN = 3
HELP_LINE = "studyplan --help lists every command; studyplan COMMAND --help its options"


def week_of(today: date) -> tuple[date, date]:
    """The Monday and Sunday of ``today``'s week."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def week_minutes(events: Any, monday: date, sunday: date) -> int:
    """Minutes logged on marks dated within the week (``done --minutes``)."""
    return sum(e.minutes or 0 for e in events if monday <= e.at.astimezone().date() <= sunday)


def show(st: State, today: date | None = None) -> None:
    from studyplan.cli.progress_view import bar, pace
    from studyplan.cli.term import styles
    from studyplan.domain.frontier import next_topics
    from studyplan.domain.planner import graph_of
    from studyplan.views.render import reading_line
    from studyplan.views.words import count

    today = today or date.today()
    store = st.store(create=False)
    catalog = st.catalog()
    statuses = st.statuses()
    name = store.active_plan()
    on = styles()
    lines: list[tuple[str, str]] = []
    goals: list[str] | None = None
    budget: float | None = None
    if name is not None:
        from studyplan.domain.plan_data import plan_progress, saved_goals

        saved = st.saved_plan(name)
        goals = saved_goals(catalog, saved)
        budget = saved.hours_per_week
        data = plan_progress(catalog, name, saved, statuses, today)
        head = (
            f"plan '{name}' · {' '.join(data['goals'])} · "
            f"{data['steps_done']}/{count(data['steps_total'], 'step')} done · "
            f"{data['hours_left']:g} h left"
        )
        lines.append((head, "bold"))
        meter = bar(data["hours_done"], data["hours_total"], data["hours_in_progress"], on)
        pace_line = f"  {meter} {data['hours_done']:g}/{data['hours_total']:g} h"
        if data.get("ahead_hours") is not None:
            pace_line += f" · {pace(data['ahead_hours'], on)}"
        if data.get("finish_date"):
            pace_line += f" · finish {data['finish_date']}"
        lines.append((pace_line, ""))
    else:
        lines.append(("no active plan", "bold"))
        lines.append(
            (
                "  make one: studyplan plan GOAL -H 6 --save NAME "
                "(find a goal: studyplan topics --search TEXT)",
                "",
            )
        )
    monday, sunday = week_of(today)
    logged = week_minutes(store.log(since=monday), monday, sunday) / 60
    span = (
        f"this week ({monday:%a} {monday.day} {monday:%b} – {sunday:%a} {sunday.day} {sunday:%b})"
    )
    if logged:
        week = f"{span}: {logged:.1f} h logged" + (f" of {budget:g} h planned" if budget else "")
    else:
        week = f"{span}: nothing logged" + (f" of {budget:g} h planned" if budget else "")
        week += " (log time: studyplan done TOPIC --minutes M)"
    lines += [("", ""), (week, "")]
    from studyplan.cli.progress_view import review_line, reviews_due

    due = review_line(reviews_due(catalog, store, store.statuses(catalog.aliases)))
    if due:
        lines.append((due, "yellow"))

    found = next_topics(catalog, graph_of(catalog), statuses, goals, NEXT_SHOWN)
    lines += [("", ""), ("next in your plan:" if name else "next, across all curricula:", "bold")]
    if not found:
        lines.append(("  nothing to start: every topic in reach is done", ""))
    for item in found:
        topic = catalog.topics[item.topic_id]
        mark = "▶" if item.status == Status.STARTED else "·"
        busy = "  (in progress)" if item.status == Status.STARTED else ""
        lines.append((f"  {mark} {topic.title}  [{topic.id}]  {topic.hours:g} h{busy}", "bold"))
        core = topic.core_readings
        if core:
            lines.append((f"    read  {reading_line(catalog, core[0])}", "dim"))
    lines += [("", ""), (HELP_LINE, "dim")]
    emit_lines(lines)
