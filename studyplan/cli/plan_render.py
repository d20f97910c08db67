"""How a plan is printed: one block per step (number, weeks, topic, hours; what to read,
alternatives as ``or``; why it is there), as plain lines written from the plan's and the
catalog's columns, streamed (``plan_run`` and the fast dispatcher call it too)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from studyplan.cli.output import emit_lines, emit_text, plain
from studyplan.domain.status import Status
from studyplan.views.words import count

# Steps of a plain plan (no checkpoint, mark or citation) rendered into one string.
STEPS_PER_CHUNK = 2048

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan
    from studyplan.domain.ticks import TopicReading


def render_plan(
    catalog: Catalog,
    plan: Plan,
    show_covered: bool = False,
    reading: Mapping[str, TopicReading] | None = None,
    extra: Mapping[str, str] | None = None,
) -> None:
    """One block per step: number, weeks, topic, hours; what to read; why it is there.

    Written from the plan's and the catalog's columns as plain lines (styled only on a
    terminal), so that a plan of tens of thousands of steps prints in a moment; piped, the
    lines are streamed out in chunks, never held all at once (a 100k-step plan's text is
    ~17 MB, and as one list of lines it was half the peak memory).
    """
    pad = " " * (len(str(len(plan.topic_ids))) + 2)
    lines = _plan_lines(catalog, plan, show_covered, reading or {}, extra)
    if plain():
        emit_text(lines)
    else:
        emit_lines(_styled(list(lines), pad))


def _plan_lines(
    catalog: Catalog,
    plan: Plan,
    show_covered: bool,
    reading: Mapping[str, TopicReading],
    extra: Mapping[str, str] | None,
) -> Iterator[str]:
    """The plan's head, one block per step, and (with ``show_covered``) what is covered."""
    yield from _head_lines(catalog, plan, show_covered)
    yield from _step_lines(catalog, plan, reading, extra)
    if show_covered and plan.covered:
        yield ""
        yield "already covered:"
        for item in plan.covered:
            by = "" if item.by == item.topic.id else f" (by {item.by})"
            yield f"  ✔ {item.topic.id} {item.topic.title} — {item.status}{by}"


def _head_lines(catalog: Catalog, plan: Plan, show_covered: bool) -> Iterator[str]:
    """Steps, hours, checkpoints, what is covered, the schedule; the pace; the deadline."""
    from studyplan.domain.planner import hours_needed_for

    sched = plan.schedule
    milestones = catalog.topics.milestones()
    checkpoints = sum(1 for i in plan.positions if i in milestones) if milestones else 0
    head = f"{count(len(plan.topic_ids) - checkpoints, 'step')} · {plan.total_hours:g} h"
    if checkpoints:
        head += f" · {count(checkpoints, 'checkpoint')}"
    covered = plan.covered_count()
    if covered:
        head += f" · {count(covered, 'topic')} covered by what you know"
        head += "" if show_covered else " (--all lists them)"
    if sched and plan.topic_ids:
        head += (
            f" · {count(sched.weeks, 'week')} at {sched.hours_per_week:g} h/week"
            f" · done by {sched.finish}"
        )
    yield head
    if plan.pace:
        yield f"at your pace: {'; '.join(plan.pace)} (--pace 1: the estimates)"
    if sched and sched.deadline:
        if sched.fits:
            yield f"fits the deadline {sched.deadline}"
        else:
            need = hours_needed_for(plan, sched.start, sched.deadline)
            yield f"does not fit the deadline {sched.deadline}: it needs {need:g} h/week"


def _step_lines(
    catalog: Catalog,
    plan: Plan,
    reading: Mapping[str, TopicReading],
    extra: Mapping[str, str] | None,
) -> Iterator[str]:
    """One block per step: number, weeks, title, hours, progress; its readings; why."""
    from studyplan.domain.planner import iter_why_texts

    table = catalog.topics
    milestones = table.milestones()
    titles, titles_zh = table.titles(), table.titles_zh()
    at, keys, wheres, accesses, _, _, one_of = table.core_columns()
    started = {t for t, s in plan.statuses.items() if s == Status.STARTED}
    n_steps = len(plan.topic_ids)
    width = len(str(n_steps))
    pad = " " * (width + 2)
    refs = _References(catalog)
    hours_text = {hours: f"{hours:g}" for hours in set(plan.hours)}
    # Plain lookups and one f-string per step, no format specs inside the loop: this loop
    # is most of printing a 100k-step plan (benchmarks/bench_planner.py). Steps go out
    # in chunks, each one string of many steps (joined as the lines would be).
    whys = iter_why_texts(catalog, plan, 5)
    columns = (plan.positions, plan.topic_ids, plan.hours, whys)
    steps = zip(_week_spans(plan), *columns, strict=True)
    done = 0  # steps written so far
    plain_steps = not (milestones or started or reading or extra)

    def reads(i: int) -> str:
        first, end = at[i], at[i + 1]
        if end == first + 1:
            return f"\n{pad}read  {refs[keys[first]]} — {wheres[first]} [{accesses[first]}]"
        verbs = _verbs(one_of, first, end)
        return "".join(
            [
                f"\n{pad}{verb}{refs[keys[k]]} — {wheres[k]} [{accesses[k]}]"
                for verb, k in zip(verbs, range(first, end), strict=True)
            ]
        )

    while plain_steps:
        chunk = list(islice(steps, STEPS_PER_CHUNK))
        if not chunk:
            break
        numbers = [f"{str(n).rjust(width)}. " for n in range(done + 1, done + len(chunk) + 1)]
        done += len(chunk)
        yield "\n".join(
            [
                f"\n{number}{when}{titles[i]} · {titles_zh[i]}  [{tid}]  {hours_text[hours]} h"
                f"\n{pad}read  {refs[keys[k]]} — {wheres[k]} [{accesses[k]}]\n{pad}why   {why}"
                if at[i + 1] == (k := at[i]) + 1
                else f"\n{number}{when}{titles[i]} · {titles_zh[i]}  [{tid}]  {hours_text[hours]} h"
                f"{reads(i)}\n{pad}why   {why}"
                for number, (when, i, tid, hours, why) in zip(numbers, chunk, strict=True)
            ]
        )
    for n, (when, i, tid, hours, why) in enumerate(steps, done + 1):
        number = f"{str(n).rjust(width)}. "
        if i in milestones:
            yield (
                f"\n{number}{when}◆ checkpoint: {titles[i]} · {titles_zh[i]}  [{tid}]"
                f"\n{pad}why   {why}"
            )
            continue
        mark = "  (in progress)" if tid in started else ""
        if tid in reading:
            text = reading[tid].text()
            mark = f"  (in progress · {text})" if mark else f"  ({text})"
        yield (
            f"\n{number}{when}{titles[i]} · {titles_zh[i]}  [{tid}]  {hours_text[hours]} h{mark}"
            f"{reads(i)}\n{pad}why   {why}"
        )
        if extra and tid in extra:
            yield f"{pad}cited {extra[tid]}"


def _styled(lines: list[str], pad: str) -> list[tuple[str, str]]:
    """A rendered plan's lines with their terminal styles: the header and each step's
    title bold, the why-lines dim, a deadline that does not fit red."""
    why, read, alternative = pad + "why ", pad + "read ", pad + "or "
    out: list[tuple[str, str]] = []
    for n, chunk in enumerate(lines):
        for line in chunk.split("\n"):
            if n == 0:
                style = "bold"
            elif line.startswith(why):
                style = "dim"
            elif line.startswith((read, alternative)) or not line.strip():
                style = ""
            elif line.startswith("does not fit"):
                style = "red"
            elif line.startswith("fits the deadline"):
                style = "green"
            elif line.startswith("  ✔ "):
                style = "cyan"
            elif line.lstrip()[:1].isdigit():  # " 3. wk 2  Title · 标题  [id]  5 h"
                style = "bold"
            else:
                style = ""
            out.append((line, style))
    return out


def _verbs(one_of: Sequence[str | None], first: int, end: int) -> list[str]:
    """``read  `` per core reading, and ``or    `` for a later alternative of the same
    ``one_of`` group (alternatives are listed together)."""
    seen: set[str] = set()
    verbs: list[str] = []
    for k in range(first, end):
        label = one_of[k]
        verbs.append("or    " if label is not None and label in seen else "read  ")
        if label is not None:
            seen.add(label)
    return verbs


class _References(dict[str, str]):
    """Reference key -> ``Cover & Thomas (2006), Elements of …``, formatted on first use."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def __missing__(self, key: str) -> str:
        from studyplan.views.render import reference_head

        head = self[key] = reference_head(self.catalog, key)
        return head


def _week_spans(plan: Plan) -> Iterator[str]:
    """``wk 3  `` or ``wk 3–4  `` per step; blanks when the plan is not scheduled."""
    sched = plan.schedule
    if sched is None:
        return iter([""] * len(plan.topic_ids))
    return (
        f"wk {first + 1}  " if first == last else f"wk {first + 1}–{last + 1}  "
        for first, last in zip(sched.first_weeks, sched.last_weeks, strict=True)
    )
