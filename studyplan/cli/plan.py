"""Planning commands: plan (and plan show/diff/use/rm) and plans; why, next and unlocks are
in ``explore.py``; printing a plan is ``plan_render.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from studyplan.cli import plan_diff, plan_run
from studyplan.cli.groups import SUBCOMMAND_SETTINGS, DefaultGroup, group_with_default
from studyplan.cli.options import DeadlineOption, HoursOption, JsonOption, PaceOption, StartOption
from studyplan.cli.output import emit_lines, emit_table, print_json, say
from studyplan.cli.plan_render import render_plan
from studyplan.cli.plan_run import make_plan
from studyplan.cli.state import State, state
from studyplan.views.words import count

if TYPE_CHECKING:
    from studyplan.domain.saved_plan import SavedPlan

__all__ = ["make_plan", "plan_app", "render_plan"]


def cmd_plan(
    ctx: typer.Context,
    goals: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="GOAL...",
            help="Topic or curriculum ids (or none, with --for-bib).",
            show_default=False,
        ),
    ] = None,
    hours_per_week: HoursOption = None,
    start: StartOption = None,
    deadline: DeadlineOption = None,
    save: Annotated[
        str | None, typer.Option("--save", help="Save as NAME and make it the active plan.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="With --save: overwrite a saved plan of that name.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the steps already covered, and by what.")
    ] = False,
    books: Annotated[
        bool,
        typer.Option(
            "--books",
            help="Choose one reading per group of alternatives for the fewest works, and "
            "print the plan as a reading list by work.",
        ),
    ] = False,
    for_bib: Annotated[
        Path | None,
        typer.Option(
            "--for-bib",
            metavar="FILE.bib",
            help="Plan what a paper's reference list cites that the curricula teach.",
        ),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="ID",
            help="With --for-bib: the paper itself (key, DOI or arXiv id), if the curricula "
            "read it: its topics become goals too.",
        ),
    ] = None,
    pace: PaceOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan the path to one or more goals from what you already know.

    Saved plans: 'plan show NAME' re-evaluates one against your progress, 'plan diff NAME'
    says what changed since it was saved, 'plan use NAME' makes it the active plan,
    'plan rm NAME' deletes it (each has --help).
    """
    plan_run.run_plan(
        state(ctx),
        goals=list(goals or []),
        hours_per_week=hours_per_week,
        start=start,
        deadline=deadline,
        save=save,
        replace=replace,
        show_all=show_all,
        books=books,
        for_bib=for_bib,
        paper=paper,
        pace=pace,
        as_json=as_json,
    )


PlanNameArg = Annotated[str, typer.Argument(metavar="NAME", help="A saved plan.")]


def cmd_plan_show(
    ctx: typer.Context, name: PlanNameArg, pace: PaceOption = None, as_json: JsonOption = False
) -> None:
    """Re-evaluate a saved plan: steps done, hours left, ahead or behind its schedule."""
    st = state(ctx)
    from studyplan.cli.state import learner_paces
    from studyplan.domain.plan_data import pace_text, plan_json, review_json, review_saved_plan

    saved = st.saved_plan(name)
    catalog = st.catalog()
    progress = st.statuses()
    today = date.today()
    paces = learner_paces(st, pace)
    review = review_saved_plan(
        catalog, name, saved, progress, today, None, st.hours_left(), paces=paces
    )
    if as_json:
        print_json(
            {
                **review_json(review),
                "plan": plan_json(catalog, review.plan, lazy_steps=True),
            }
        )
        return
    lines = [
        (f"plan '{name}' for {', '.join(saved.goals)}", "bold"),
        *_diff_line(st, name, saved),
        (
            f"{len(review.done_ids)}/{count(review.steps_total, 'step')} done · "
            f"{review.hours_done:g}/{review.hours_total:g} h · {review.hours_left:g} h left",
            "",
        ),
    ]
    if review.ahead_hours is not None:
        standing = pace_text(review.ahead_hours)
        sched = review.plan.schedule
        new_finish = f"; finishes {sched.finish}" if sched and review.plan.steps else ""
        tone = "red" if standing.endswith("behind the saved schedule") else ""
        tone = "green" if standing.endswith("ahead of the saved schedule") else tone
        lines.append((f"{standing} (saved finish {saved.finish_date}{new_finish})", tone))
    if review.shrunk_ids:
        lines.append(
            (
                f"{count(len(review.shrunk_ids), 'step')} marked known or skipped since saving: "
                "the plan shrank (not counted as progress)",
                "",
            )
        )
    lines += [(f"  ✔ {tid} {catalog.topics.title(tid)}", "green") for tid in review.done_ids]
    if review.missing_ids:
        lines.append(
            (f"no longer in the curricula (orphaned): {', '.join(review.missing_ids)}", "yellow")
        )
    emit_lines(lines)
    if review.plan.steps:
        render_plan(catalog, review.plan, reading=st.reading())


def _diff_line(st: State, name: str, saved: SavedPlan) -> list[tuple[str, str]]:
    """The short form of ``plan diff`` (nothing when nothing changed)."""
    line = plan_diff.summary_line(plan_diff.plan_diff(st, name, saved))
    return [(line, "yellow")] if line else []


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
    st.require_plan(name)  # not read: a plan that cannot be read can still be removed
    store = st.store(create=True)
    was_active = store.active_plan() == name
    store.delete_plan(name)  # also un-sets it as the active plan
    if as_json:
        print_json({"removed": name, "was_active": was_active})
    elif was_active:
        say(f"removed plan '{name}', which was the active plan: there is no active plan now")
    else:
        say(f"removed plan '{name}'")


def cmd_plans(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List saved plans (the active one is marked)."""
    from studyplan.domain.saved_plan import iso

    store = state(ctx).store(create=False)
    active = store.active_plan()
    plans = store.list_plans()
    if as_json:
        print_json(
            [
                {
                    "name": name,
                    "active": name == active,
                    "goals": list(plan.goals),
                    "saved": saved.isoformat(),
                    "total_hours": plan.total_hours,
                    "finish_date": iso(plan.finish_date),
                }
                for name, saved, plan in plans
            ]
        )
        return
    if not plans:
        say("no saved plans: make one with 'studyplan plan GOAL --save NAME'")
        return
    emit_table(
        ("", "name", "goals", "h", "finish"),
        [
            (
                "*" if name == active else "",
                name,
                " ".join(plan.goals),
                f"{plan.total_hours:g}",
                iso(plan.finish_date) or "",
            )
            for name, _, plan in plans
        ],
    )


class PlanGroup(DefaultGroup):
    """``plan GOAL...`` plans; ``plan show|diff|use|rm NAME`` are subcommands."""

    DEFAULT = "goals"


plan_app = group_with_default("plan", PlanGroup, cmd_plan)
plan_app.command("show", context_settings=SUBCOMMAND_SETTINGS)(cmd_plan_show)
plan_app.command("diff", context_settings=SUBCOMMAND_SETTINGS)(plan_diff.cmd_plan_diff)
plan_app.command("use", context_settings=SUBCOMMAND_SETTINGS)(cmd_plan_use)
plan_app.command("rm", context_settings=SUBCOMMAND_SETTINGS)(cmd_plan_rm)
