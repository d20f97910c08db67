"""A saved plan's schedule as an iCalendar file (RFC 5545), written by ``icalendar``.

One all-day event per step, spanning the weeks the step was scheduled in when the plan
was saved; its summary names the topic and its hours, its description the core readings
with their locations, the why-chain and the step's place in the plan. UIDs are stable
(plan name + topic id), so importing a newer export updates the events instead of
duplicating them. icalendar is imported here only, inside the function.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from studyplan.domain.catalog import Catalog
from studyplan.domain.saved_plan import SavedPlan, SavedStep
from studyplan.domain.status import SATISFIED_SHOWN, Status
from studyplan.errors import InputError, clip, command

DONE = SATISFIED_SHOWN


def _require_schedule(name: str, saved: SavedPlan) -> list[tuple[SavedStep, date, date]]:
    """Each step with its first and last day; InputError when the plan has no dates."""
    dated = [(s, s.start, s.end) for s in saved.steps if s.start is not None and s.end is not None]
    if not saved.scheduled or len(dated) != len(saved.steps):
        goals = list(saved.goals) or ["GOAL"]
        again = command("plan", *goals, "-H", "6", "--save", name, "--replace")
        raise InputError(
            f"plan '{clip(name)}' was saved without --hours-per-week, so it has no dates to export",
            f"save it again with a weekly budget: {again}",
        )
    return [(s, start, end) for s, start, end in dated if start is not None and end is not None]


def _description(
    catalog: Catalog, step: SavedStep, number: int, total: int, name: str, why: str
) -> str:
    from studyplan.views.render import reading_line

    tid = catalog.resolve(step.topic_id)
    topic = catalog.topics.get(tid)
    lines = []
    if topic is None:
        lines.append(f"{tid}: no longer in the curricula.")
    elif topic.is_milestone:
        lines.append(
            f"◆ checkpoint: {topic.title} · {topic.title_zh} ({tid}), reached when its parts are done."
        )
    else:
        lines.append(f"{topic.title} · {topic.title_zh} ({tid}), {topic.hours:g} h.")
        core = topic.core_readings
        for reading in core:
            lines.append(f"Read: {reading_line(catalog, reading)}")
            if reading.url:
                lines.append(f"      {reading.url}")
        if not core:
            lines.append("Read: no core reading listed.")
        if why:
            lines.append(f"Why: {why}")
    lines.append(f"Step {number} of {total} of the plan '{name}' (studyplan).")
    return "\n".join(lines)


def _text_type() -> Any:
    """icalendar's TEXT value, escaped exactly as RFC 5545 says.

    icalendar 6–7 turn a literal backslash-N in a value into a line break before
    escaping (its ``escape_char`` maps ``\\N`` to a newline), so a title holding ``\\N``
    would not come back as written; this subclass escapes backslash, ``;``, ``,`` and
    line breaks, and nothing else. icalendar's parser reads it back exactly.
    """
    from icalendar.prop import vText

    class Text(vText):
        def to_ical(self) -> bytes:
            text = (
                str(self)
                .replace("\\", "\\\\")
                .replace(";", "\\;")
                .replace(",", "\\,")
                .replace("\r\n", "\n")
                .replace("\r", "\n")
                .replace("\n", "\\n")
            )
            return text.encode("utf-8")

    return Text


def plan_calendar(
    catalog: Catalog,
    name: str,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    version: str,
) -> bytes:
    """The saved plan ``name`` as ICS bytes. InputError when it was saved unscheduled."""
    from icalendar import Calendar, Event

    from studyplan.domain.plan_data import saved_goals
    from studyplan.domain.planner import WHY_LINKS_IN_FULL, build_plan, graph_of, why_text
    from studyplan.views.model import display_statuses

    steps = _require_schedule(name, saved)
    graph = graph_of(catalog)
    goals = saved_goals(catalog, saved)
    fresh = {s.topic.id: s for s in build_plan(catalog, goals, {}, graph).steps}
    resolve = catalog.resolve
    ids = [resolve(s.topic_id) for s, _, _ in steps]
    shown = display_statuses(graph, statuses, ids, catalog.topics.milestones())
    created = saved.created
    stamp = datetime(created.year, created.month, created.day, tzinfo=UTC)
    plan_hash = hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]

    cal = Calendar()
    cal.add("prodid", f"-//studyplan//studyplan {version}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    text = _text_type()
    cal.add("x-wr-calname", text(f"studyplan: {name}"))
    if saved.pace:
        cal.add("x-wr-caldesc", text("hours at your pace: " + "; ".join(saved.pace)))
    for number, (step, first_day, last_day) in enumerate(steps, 1):
        tid = resolve(step.topic_id)
        topic = catalog.topics.get(tid)
        title = f"{topic.title} · {topic.title_zh}" if topic else tid
        done = shown.get(tid, (Status.TODO, None))[0] in DONE
        event = Event()
        event.add("uid", f"{tid}.{plan_hash}@studyplan")
        event.add("dtstamp", stamp)
        event.add("dtstart", first_day)
        event.add("dtend", last_day + timedelta(days=1))
        size = "◆ checkpoint" if topic and topic.is_milestone else f"{step.hours:g} h"
        event.add("summary", text(f"{'✔ ' if done else ''}{title} ({size})"))
        why = why_text(catalog, fresh[tid], WHY_LINKS_IN_FULL + 1) if tid in fresh else ""
        event.add("description", text(_description(catalog, step, number, len(steps), name, why)))
        event.add("categories", ["studyplan", topic.curriculum if topic else "orphaned"])
        event.add("transp", "TRANSPARENT")
        url = next((r.url for r in topic.core_readings if r.url), None) if topic else None
        if url:
            event.add("url", url)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
