"""Planning commands: plan (and plan show/use/rm) and plans; why, next and unlocks are in
``explore.py``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from studyplan.cli.dates import parse_date
from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_lines, emit_table, emit_text, print_json, say
from studyplan.cli.state import State, state
from studyplan.errors import InputError

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan


def render_plan(catalog: Catalog, plan: Plan, show_covered: bool = False) -> None:
    """One block per step: number, weeks, topic, hours; what to read; why it is there.

    Written from the plan's and the catalog's columns as plain lines (styled only on a
    terminal), so that a plan of tens of thousands of steps prints in a moment; the lines
    are streamed out in chunks, never held all at once (a 100k-step plan's text is
    ~17 MB, and as one list of lines it was half the peak memory).
    """
    emit_text(_plan_lines(catalog, plan, show_covered))


def _plan_lines(catalog: Catalog, plan: Plan, show_covered: bool) -> Iterator[str]:

    from studyplan.domain.planner import hours_needed_for, iter_why_texts

    sched = plan.schedule
    table = catalog.topics
    milestones = table.milestones()
    checkpoints = sum(1 for i in plan.positions if i in milestones) if milestones else 0
    head = f"{len(plan.topic_ids) - checkpoints} steps · {plan.total_hours:g} h"
    if checkpoints:
        head += f" · {checkpoints} checkpoint{'s' if checkpoints != 1 else ''}"
    if sched and plan.topic_ids:
        head += (
            f" · {sched.weeks} weeks at {sched.hours_per_week:g} h/week · done by {sched.finish}"
        )
    yield head
    if sched and sched.deadline:
        if sched.fits:
            yield f"fits the deadline {sched.deadline}"
        else:
            need = hours_needed_for(plan, sched.start, sched.deadline)
            yield f"does not fit the deadline {sched.deadline}: it needs {need:g} h/week"
    titles, titles_zh = table.titles(), table.titles_zh()
    at, keys, wheres, accesses, *_ = table.core_columns()
    started = {t for t, s in plan.statuses.items() if s == "started"}
    count = len(plan.topic_ids)
    width = len(str(count))
    pad = " " * (width + 2)
    refs = _References(catalog)
    hours_text = {hours: f"{hours:g}" for hours in set(plan.hours)}
    # Plain lookups and one f-string per step, no format specs inside the loop: this loop
    # is most of printing a 100k-step plan (benchmarks/bench_planner.py).
    numbers = (f"{str(n).rjust(width)}. " for n in range(1, count + 1))
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
) -> tuple[Catalog, Plan]:
    from studyplan.domain.planner import build_plan, resolve_goals, schedule

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
    if hours_per_week is not None:
        schedule(plan, hours_per_week, start or date.today(), deadline)
    return catalog, plan


def cmd_plan(
    ctx: typer.Context,
    goals: Annotated[
        list[str],
        typer.Argument(
            metavar="GOAL...",
            help="Topic or curriculum ids.",
        ),
    ],
    hours_per_week: Annotated[
        float | None,
        typer.Option("--hours-per-week", "-H", help="Weekly study hours: schedules the plan."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default today).")
    ] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Finish by, YYYY-MM-DD: says whether it fits.")
    ] = None,
    save: Annotated[
        str | None, typer.Option("--save", help="Save as NAME and make it the active plan.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="With --save: overwrite a saved plan of that name.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the steps already covered, and by what.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Plan the path to one or more goals from what you already know.

    Saved plans: 'plan show NAME' re-evaluates one against your progress, 'plan use NAME'
    makes it the active plan, 'plan rm NAME' deletes it (each has --help).
    """
    st = state(ctx)
    from studyplan.domain.plan_data import plan_json, plan_payload

    catalog, plan = make_plan(
        st, goals, hours_per_week, parse_date(start, "--start"), parse_date(deadline, "--deadline")
    )
    if save:
        store = st.store(create=True)
        store.save_plan(save, plan_payload(plan, goals, date.today()), replace=replace)
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


PlanNameArg = Annotated[str, typer.Argument(metavar="NAME", help="A saved plan.")]


def cmd_plan_show(ctx: typer.Context, name: PlanNameArg, as_json: JsonOption = False) -> None:
    """Re-evaluate a saved plan: steps done, hours left, ahead or behind its schedule."""
    st = state(ctx)
    from studyplan.domain.plan_data import pace_text, plan_json, review_json, review_saved_plan

    payload = st.saved_plan(name)
    catalog = st.catalog()
    progress = st.statuses()
    today = date.today()
    review = review_saved_plan(catalog, name, payload, progress, today)
    if as_json:
        print_json(
            {
                **review_json(review),
                "plan": plan_json(catalog, review.plan, lazy_steps=True),
            }
        )
        return
    lines = [
        (f"plan '{name}' for {', '.join(payload.get('goals', []))}", "bold"),
        (
            f"{len(review.done_ids)}/{review.steps_total} steps done · "
            f"{review.hours_done:g}/{review.hours_total:g} h · {review.hours_left:g} h left",
            "",
        ),
    ]
    if review.ahead_hours is not None:
        pace = pace_text(review.ahead_hours)
        sched = review.plan.schedule
        new_finish = f"; finishes {sched.finish}" if sched and review.plan.steps else ""
        lines.append((f"{pace} (saved finish {payload.get('finish_date')}{new_finish})", ""))
    lines += [(f"  ✔ {tid} {catalog.topics.title(tid)}", "green") for tid in review.done_ids]
    if review.missing_ids:
        lines.append(
            (f"no longer in the curricula (orphaned): {', '.join(review.missing_ids)}", "yellow")
        )
    emit_lines(lines)
    if review.plan.steps:
        render_plan(catalog, review.plan)


def cmd_plan_use(ctx: typer.Context, name: PlanNameArg, as_json: JsonOption = False) -> None:
    """Make a saved plan the active one (what next, status, graph and report use)."""
    st = state(ctx)
    st.saved_plan(name)
    st.store(create=True).set_active_plan(name)
    if as_json:
        print_json({"active": name})
    else:
        say(f"'{name}' is now the active plan")


def cmd_plan_rm(ctx: typer.Context, name: PlanNameArg, as_json: JsonOption = False) -> None:
    """Delete a saved plan (your progress is kept)."""
    st = state(ctx)
    st.saved_plan(name)
    store = st.store(create=True)
    was_active = store.active_plan() == name
    store.delete_plan(name)
    if was_active:
        store.set_active_plan(None)
    if as_json:
        print_json({"removed": name, "was_active": was_active})
    elif was_active:
        say(f"removed plan '{name}', which was the active plan: there is no active plan now")
    else:
        say(f"removed plan '{name}'")


def cmd_plans(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List saved plans (the active one is marked)."""
    store = state(ctx).store(create=False)
    active = store.active_plan()
    rows = [
        {
            "name": name,
            "active": name == active,
            "goals": payload.get("goals", []),
            "saved": saved.isoformat(),
            "total_hours": payload.get("total_hours"),
            "finish_date": payload.get("finish_date"),
        }
        for name, saved, payload in store.list_plans()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        say("no saved plans: make one with 'studyplan plan GOAL --save NAME'")
        return
    emit_table(
        ("", "name", "goals", "h", "finish"),
        [
            (
                "*" if row["active"] else "",
                row["name"],
                " ".join(row["goals"]),
                f"{row['total_hours']:g}",
                str(row["finish_date"] or ""),
            )
            for row in rows
        ],
    )


class PlanGroup(TyperGroup):
    """``plan GOAL...`` plans; ``plan show|use|rm NAME`` are subcommands.

    Anything that is not a subcommand's name goes to the hidden default command, so
    ``plan frontiers.bitdelta -H 6`` and ``plan -H 6 frontiers.bitdelta`` both plan, while
    ``plan show p1 --save x`` is refused by the parser instead of being half-run."""

    DEFAULT = "goals"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands or args[0] == self.DEFAULT:
            args = [self.DEFAULT, *args]
        result: list[str] = super().parse_args(ctx, args)
        return result

    def list_commands(self, ctx: Any) -> list[str]:
        return [name for name in self.commands if name != self.DEFAULT]


class _DefaultContext(typer.Context):
    @property
    def command_path(self) -> str:
        # Usage reads "studyplan plan GOAL...", not "studyplan plan goals GOAL...".
        return self.parent.command_path if self.parent is not None else ""


class _DefaultCommand(TyperCommand):
    context_class = _DefaultContext


_HELP = {"help_option_names": ["--help", "-h"]}
plan_app = typer.Typer(
    cls=PlanGroup,
    name="plan",
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": []},
)
plan_app.command(PlanGroup.DEFAULT, cls=_DefaultCommand, hidden=True, context_settings=_HELP)(
    cmd_plan
)
plan_app.command("show", context_settings=_HELP)(cmd_plan_show)
plan_app.command("use", context_settings=_HELP)(cmd_plan_use)
plan_app.command("rm", context_settings=_HELP)(cmd_plan_rm)
