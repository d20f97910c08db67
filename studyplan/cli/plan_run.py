"""The body of ``plan GOAL...``, free of the CLI framework: the Typer command in
``plan.py`` and the fast dispatcher (``fast.py``) both call ``run_plan``; the plan text is
``plan_render``'s."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from studyplan.cli.dates import parse_date
from studyplan.cli.output import print_json, say
from studyplan.cli.plan_render import render_plan
from studyplan.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from studyplan.cli.state import State
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan

__all__ = ["make_plan", "render_plan", "run_plan"]


def run_plan(
    st: State,
    *,
    goals: list[str] | None,
    hours_per_week: float | None,
    start: str | None,
    deadline: str | None,
    save: str | None,
    replace: bool,
    show_all: bool,
    books: bool,
    for_bib: Path | None,
    paper: str | None,
    pace: float | None,
    as_json: bool,
) -> None:
    """``plan GOAL...``: the path to the goals, printed, as JSON, or saved."""
    from studyplan.domain.limits import check_plan_name

    if save is not None:
        check_plan_name(save)

    goals = list(goals or [])
    citing = None
    resolved = None
    if for_bib is not None:
        from studyplan.cli.plan_extra import citing_goals

        if goals:
            raise InputError(
                "give either GOALs or --for-bib, not both",
                "e.g. 'studyplan plan --for-bib paper.bib'",
            )
        citing = citing_goals(st, for_bib, paper)
        if not citing.goals:
            from studyplan.cli.plan_extra import render_nothing_cited

            render_nothing_cited(citing, for_bib, as_json)
            return
        resolved = citing.goals
        goals = citing.goals
    elif paper is not None:
        raise InputError("--paper needs --for-bib", "e.g. --for-bib refs.bib --paper 2402.10193")
    catalog, plan = make_plan(
        st,
        goals,
        hours_per_week,
        parse_date(start, "--start"),
        parse_date(deadline, "--deadline"),
        pace,
        books=books,
        resolved=resolved,
    )
    if save is not None:
        from studyplan.domain.plan_data import saved_plan_of

        store = st.store(create=True)
        kept = saved_plan_of(plan, goals, date.today(), catalog, books=st.books is not None)
        store.save_plan(save, kept, replace=replace)
        store.set_active_plan(save)
    if as_json:
        from studyplan.domain.plan_data import plan_json

        data = plan_json(catalog, plan, include_covered=show_all, lazy_steps=not citing)
        if st.books is not None:
            from studyplan.domain.books import books_json

            data["books"] = books_json(catalog, st.books, plan.topic_ids)
        if citing is not None:
            from studyplan.cli.plan_extra import citing_json

            data["for_bib"] = citing_json(citing, plan, str(for_bib))
        if save:
            data["saved_as"] = save
        print_json(data)
        return
    if citing is not None and for_bib is not None:
        from studyplan.cli.plan_extra import render_citing_head

        render_citing_head(citing, for_bib)
    if not plan.steps:
        say(f"nothing left to learn for {', '.join(goals)}: you have every topic it needs")
        if show_all:
            render_plan(catalog, plan, show_covered=True)
        return
    if st.books is not None:
        from studyplan.cli.plan_extra import render_books

        render_books(catalog, plan, st.books)
    else:
        cited = None
        if citing is not None:
            from studyplan.cli.plan_extra import cited_lines

            cited = cited_lines(citing, plan)
        render_plan(catalog, plan, show_covered=show_all, reading=st.reading(), extra=cited)
    if citing is not None and citing.unmatched:
        from studyplan.cli.plan_extra import render_unmatched

        render_unmatched(citing)
    if save:
        say(f"saved as '{save}' (now the active plan)")


def make_plan(
    st: State,
    goals: list[str],
    hours_per_week: float | None,
    start: date | None,
    deadline: date | None,
    pace: float | None = None,
    books: bool = False,
    resolved: list[str] | None = None,
) -> tuple[Catalog, Plan]:
    """The plan for ``goals`` (or the already ``resolved`` topic ids); with ``books``,
    one reading per group of alternatives is chosen (``st.books``) before the pace is
    applied and the plan scheduled."""
    from studyplan.cli.state import learner_paces
    from studyplan.domain.limits import check_hours_per_week
    from studyplan.domain.planner import apply_pace, build_plan, resolve_goals, schedule

    if hours_per_week is not None:
        check_hours_per_week(hours_per_week)
    if deadline is not None and hours_per_week is None:
        raise InputError(
            "--deadline needs --hours-per-week", "give your weekly hours, e.g. --hours-per-week 6"
        )
    catalog = st.catalog()
    if resolved is None:
        resolved = resolve_goals(catalog, goals)
    plan = build_plan(catalog, resolved, st.statuses(), hours_left=st.hours_left())
    if books:
        from studyplan.domain.books import apply

        st.books = apply(catalog, plan)
    apply_pace(plan, catalog, learner_paces(st, pace))
    if hours_per_week is not None:
        schedule(plan, hours_per_week, start or date.today(), deadline)
    return catalog, plan
