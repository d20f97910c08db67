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
    from collections.abc import Mapping

    from studyplan.adapters.store import ProgressStore
    from studyplan.cli.state import State
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.saved_plan import SavedPlan

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
    """``studyplan`` alone: the active plan's standing, this week's hours, reviews due
    and what to study next."""
    today = today or date.today()
    store = st.store(create=False)
    catalog = st.catalog()
    statuses = st.statuses()
    name = store.active_plan()
    saved = st.saved_plan(name) if name is not None else None
    lines = _plan_lines(catalog, name, saved, statuses, today)
    budget = saved.hours_per_week if saved is not None else None
    lines += [("", ""), (_week_line(store, today, budget), "")]
    from studyplan.cli.progress_view import review_line, reviews_due

    due = review_line(reviews_due(catalog, store, store.statuses(catalog.aliases)))
    if due:
        lines.append((due, "yellow"))
    lines += _next_lines(catalog, statuses, name, saved)
    lines += [("", ""), (HELP_LINE, "dim")]
    emit_lines(lines)


def _plan_lines(
    catalog: Catalog,
    name: str | None,
    saved: SavedPlan | None,
    statuses: Mapping[str, str],
    today: date,
) -> list[tuple[str, str]]:
    """The active plan's goals, steps and hours done, pace and finish; or how to make one."""
    if name is None or saved is None:
        return [
            ("no active plan", "bold"),
            (
                "  make one: studyplan plan GOAL -H 6 --save NAME "
                "(find a goal: studyplan topics --search TEXT)",
                "",
            ),
        ]
    from studyplan.cli.progress_view import bar, pace
    from studyplan.cli.term import styles
    from studyplan.domain.plan_data import plan_progress
    from studyplan.views.words import count

    on = styles()
    data = plan_progress(catalog, name, saved, statuses, today)
    head = (
        f"plan '{name}' · {' '.join(data['goals'])} · "
        f"{data['steps_done']}/{count(data['steps_total'], 'step')} done · "
        f"{data['hours_left']:g} h left"
    )
    meter = bar(data["hours_done"], data["hours_total"], data["hours_in_progress"], on)
    pace_line = f"  {meter} {data['hours_done']:g}/{data['hours_total']:g} h"
    if data.get("ahead_hours") is not None:
        pace_line += f" · {pace(data['ahead_hours'], on)}"
    if data.get("finish_date"):
        pace_line += f" · finish {data['finish_date']}"
    return [(head, "bold"), (pace_line, "")]


def _week_line(store: ProgressStore, today: date, budget: float | None) -> str:
    """This week's logged hours, against the plan's weekly hours when it has them."""
    monday, sunday = week_of(today)
    logged = week_minutes(store.log(since=monday), monday, sunday) / 60
    span = (
        f"this week ({monday:%a} {monday.day} {monday:%b} – {sunday:%a} {sunday.day} {sunday:%b})"
    )
    planned = f" of {budget:g} h planned" if budget else ""
    if logged:
        return f"{span}: {logged:.1f} h logged{planned}"
    return f"{span}: nothing logged{planned} (log time: studyplan done TOPIC --minutes M)"


def _next_lines(
    catalog: Catalog, statuses: Mapping[str, str], name: str | None, saved: SavedPlan | None
) -> list[tuple[str, str]]:
    """What to start next: in the active plan's goals, else across all curricula."""
    from studyplan.domain.frontier import next_topics
    from studyplan.domain.planner import graph_of
    from studyplan.views.render import reading_line

    goals = None
    if saved is not None:
        from studyplan.domain.plan_data import saved_goals

        goals = saved_goals(catalog, saved)
    found = next_topics(catalog, graph_of(catalog), statuses, goals, NEXT_SHOWN)
    lines = [("", ""), ("next in your plan:" if name else "next, across all curricula:", "bold")]
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
    return lines
