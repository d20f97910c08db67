"""The body of ``plan GOAL...`` and the plan text, free of the CLI framework: the Typer
command in ``plan.py`` and the fast dispatcher (``fast.py``) both call ``run_plan``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from studyplan.cli.dates import parse_date
from studyplan.cli.output import emit_lines, emit_text, plain, print_json, say
from studyplan.domain.status import Status
from studyplan.errors import InputError
from studyplan.views.words import count

if TYPE_CHECKING:
    from studyplan.cli.state import State
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan


def run_plan(
    st: State,
    *,
    goals: list[str],
    hours_per_week: float | None,
    start: str | None,
    deadline: str | None,
    save: str | None,
    replace: bool,
    show_all: bool,
    pace: float | None,
    as_json: bool,
) -> None:
    """``plan GOAL...``: the path to the goals, printed, as JSON, or saved."""
    from studyplan.domain.plan_data import plan_json, saved_plan_of

    catalog, plan = make_plan(
        st,
        goals,
        hours_per_week,
        parse_date(start, "--start"),
        parse_date(deadline, "--deadline"),
        pace,
    )
    if save:
        store = st.store(create=True)
        store.save_plan(save, saved_plan_of(plan, goals, date.today()), replace=replace)
        store.set_active_plan(save)
    if as_json:
        data = plan_json(catalog, plan, include_covered=show_all, lazy_steps=True)
        if save:
            data["saved_as"] = save
        print_json(data)
        return
    if not plan.steps:
        say(f"nothing left to learn for {', '.join(goals)}: you have every topic it needs")
        if show_all:
            render_plan(catalog, plan, show_covered=True)
        return
    render_plan(catalog, plan, show_covered=show_all)
    if save:
        say(f"saved as '{save}' (now the active plan)")


def render_plan(catalog: Catalog, plan: Plan, show_covered: bool = False) -> None:
    """One block per step: number, weeks, topic, hours; what to read; why it is there.

    Written from the plan's and the catalog's columns as plain lines (styled only on a
    terminal), so that a plan of tens of thousands of steps prints in a moment; piped, the
    lines are streamed out in chunks, never held all at once (a 100k-step plan's text is
    ~17 MB, and as one list of lines it was half the peak memory).
    """
    pad = " " * (len(str(len(plan.topic_ids))) + 2)
    lines = _plan_lines(catalog, plan, show_covered)
    if plain():
        emit_text(lines)
    else:
        emit_lines(_styled(list(lines), pad))


def _plan_lines(catalog: Catalog, plan: Plan, show_covered: bool) -> Iterator[str]:

    from studyplan.domain.planner import hours_needed_for, iter_why_texts

    sched = plan.schedule
    table = catalog.topics
    milestones = table.milestones()
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
        yield (f"at your pace: {'; '.join(plan.pace)} (--pace 1: the estimates)")
    if sched and sched.deadline:
        if sched.fits:
            yield f"fits the deadline {sched.deadline}"
        else:
            need = hours_needed_for(plan, sched.start, sched.deadline)
            yield f"does not fit the deadline {sched.deadline}: it needs {need:g} h/week"
    titles, titles_zh = table.titles(), table.titles_zh()
    at, keys, wheres, accesses, *_ = table.core_columns()
    started = {t for t, s in plan.statuses.items() if s == Status.STARTED}
    n_steps = len(plan.topic_ids)
    width = len(str(n_steps))
    pad = " " * (width + 2)
    refs = _References(catalog)
    hours_text = {hours: f"{hours:g}" for hours in set(plan.hours)}
    # Plain lookups and one f-string per step, no format specs inside the loop: this loop
    # is most of printing a 100k-step plan (benchmarks/bench_planner.py).
    numbers = (f"{str(n).rjust(width)}. " for n in range(1, n_steps + 1))
    whys = iter_why_texts(catalog, plan, 5)
    columns = (plan.positions, plan.topic_ids, plan.hours, whys)
    steps = zip(numbers, _week_spans(plan), *columns, strict=True)
    for number, when, i, tid, hours, why in steps:
        first, end = at[i], at[i + 1]
        if end == first + 1:
            reads = f"\n{pad}read  {refs[keys[first]]} — {wheres[first]} [{accesses[first]}]"
        else:
            reads = "".join(
                [
                    f"\n{pad}read  {refs[keys[k]]} — {wheres[k]} [{accesses[k]}]"
                    for k in range(first, end)
                ]
            )
        if i in milestones:
            yield (
                f"\n{number}{when}◆ checkpoint: {titles[i]} · {titles_zh[i]}  [{tid}]"
                f"\n{pad}why   {why}"
            )
            continue
        mark = "  (in progress)" if tid in started else ""
        yield (
            f"\n{number}{when}{titles[i]} · {titles_zh[i]}  [{tid}]  {hours_text[hours]} h{mark}"
            f"{reads}\n{pad}why   {why}"
        )
    if show_covered and plan.covered:
        yield ""
        yield "already covered:"
        for item in plan.covered:
            by = "" if item.by == item.topic.id else f" (by {item.by})"
            yield f"  ✔ {item.topic.id} {item.topic.title} — {item.status}{by}"


def _styled(lines: list[str], pad: str) -> list[tuple[str, str]]:
    """A rendered plan's lines with their terminal styles: the header and each step's
    title bold, the why-lines dim, a deadline that does not fit red."""
    why, read = pad + "why ", pad + "read "
    out: list[tuple[str, str]] = []
    for n, chunk in enumerate(lines):
        for line in chunk.split("\n"):
            if n == 0:
                style = "bold"
            elif line.startswith(why):
                style = "dim"
            elif line.startswith(read) or not line.strip():
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


def make_plan(
    st: State,
    goals: list[str],
    hours_per_week: float | None,
    start: date | None,
    deadline: date | None,
    pace: float | None = None,
) -> tuple[Catalog, Plan]:
    from studyplan.cli.state import learner_paces
    from studyplan.domain.planner import apply_pace, build_plan, resolve_goals, schedule

    if hours_per_week is not None and not hours_per_week > 0:
        raise InputError(
            f"--hours-per-week must be a positive number (got {hours_per_week:g})",
            "e.g. --hours-per-week 6",
        )
    if deadline is not None and hours_per_week is None:
        raise InputError(
            "--deadline needs --hours-per-week", "give your weekly hours, e.g. --hours-per-week 6"
        )
    catalog = st.catalog()
    resolved = resolve_goals(catalog, goals)
    plan = build_plan(catalog, resolved, st.statuses())
    apply_pace(plan, catalog, learner_paces(st, pace))
    if hours_per_week is not None:
        schedule(plan, hours_per_week, start or date.today(), deadline)
    return catalog, plan
