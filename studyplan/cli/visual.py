"""Pictures: graph (DOT, Mermaid, SVG), report (one HTML page), calendar (ICS)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli.options import (
    DeadlineOption,
    ForceOption,
    HoursOption,
    JsonOption,
    PaceOption,
    PageOption,
    PlanOption,
    StartOption,
)
from studyplan.cli.output import console, print_json
from studyplan.cli.state import State, state
from studyplan.errors import InputError

if TYPE_CHECKING:
    from studyplan.domain.books import Choice
    from studyplan.domain.catalog import Catalog
    from studyplan.views.content import Report
    from studyplan.views.model import GraphView

GoalsArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="GOAL", help="Topic or curriculum ids (default: the active plan)."),
]


class GraphFormat(StrEnum):
    dot = "dot"
    mermaid = "mermaid"
    svg = "svg"


def _say(output: str, text: str) -> None:
    """A confirmation line, kept off stdout when the file itself went there."""
    if output == "-":
        typer.echo(text, err=True)
    else:
        console().print(text, markup=False, highlight=False)


def graph_view(
    st: State, goals: list[str] | None, curriculum: str | None, plan: str | None
) -> GraphView:
    from studyplan.domain.planner import graph_of, resolve_goals
    from studyplan.views.content import goals_title
    from studyplan.views.model import curriculum_view, goals_view

    if sum(bool(x) for x in (goals, curriculum, plan)) > 1:
        raise InputError(
            "give either GOALs, --curriculum or --plan, not several",
            "e.g. 'studyplan graph infotheory.entropy' or 'studyplan graph --curriculum mini'",
        )
    catalog = st.catalog()
    graph = graph_of(catalog)
    progress = st.statuses()
    if curriculum:
        return curriculum_view(catalog, graph, curriculum, progress)
    if not goals:
        name = st.plan_name(plan, "draw")
        saved = st.saved_plan(name)
        from studyplan.domain.plan_data import saved_goals

        resolved = saved_goals(catalog, saved)
        title = f"{goals_title(catalog, list(saved.goals))} (plan '{name}')"
        return goals_view(catalog, graph, resolved, progress, title)
    resolved = resolve_goals(catalog, goals)
    return goals_view(catalog, graph, resolved, progress, goals_title(catalog, goals))


def cmd_graph(
    ctx: typer.Context,
    goals: GoalsArgument = None,
    curriculum: Annotated[
        str | None,
        typer.Option("--curriculum", "-c", help="Draw a whole curriculum."),
    ] = None,
    plan: PlanOption = None,
    fmt: Annotated[
        GraphFormat,
        typer.Option("--format", "-f", help="dot and mermaid need nothing; svg runs Graphviz."),
    ] = GraphFormat.dot,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="Write here ('-': stdout).")
    ] = "-",
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """The prerequisite graph of goals, a curriculum or a saved plan, coloured by progress.

    Nodes are filled by status (done, in progress, known, covered, skipped, to do), goals
    have a double border, each curriculum is a cluster, and each arrow's tooltip is the
    reason the prerequisite is needed.
    """
    from studyplan.adapters.files import write_atomic

    view = graph_view(state(ctx), goals, curriculum, plan)
    if as_json and output == "-":
        print_json(view.json())
        return
    if fmt is GraphFormat.mermaid:
        from studyplan.views.mermaid import to_mermaid

        text = to_mermaid(view)
    else:
        from studyplan.views.dot import svg_from_dot, to_dot

        text = to_dot(view)
        if fmt is GraphFormat.svg:
            text = svg_from_dot(text)
    write_atomic(output, text, overwrite=force)
    if as_json:
        print_json({**view.json(), "output": output, "format": fmt.value})
    elif output != "-":
        from studyplan.views.words import count

        drawn = f"{count(len(view.nodes), 'topic')}, {count(len(view.edges), 'prerequisite')}"
        _say(output, f"wrote {output}: {drawn}")


def cmd_report(
    ctx: typer.Context,
    output: PageOption,
    goals: GoalsArgument = None,
    plan: PlanOption = None,
    hours_per_week: HoursOption = None,
    start: StartOption = None,
    deadline: DeadlineOption = None,
    force: ForceOption = False,
    books: Annotated[
        bool,
        typer.Option(
            "--books", help="Show only the readings chosen for the fewest works (as plan --books)."
        ),
    ] = False,
    pace: PaceOption = None,
    as_json: JsonOption = False,
) -> None:
    """One self-contained HTML page: schedule, readings, why-chains, progress and graph.

    With GOALs, the plan is made on the fly (-H/--start/--deadline schedule it); a saved
    plan (--plan, default the active one) keeps its own schedule."""
    from studyplan import __version__
    from studyplan.adapters.files import write_atomic
    from studyplan.views.report import attach_graph, render_report

    st = state(ctx)
    if goals and plan:
        raise InputError(
            "give either GOALs or --plan, not both", "e.g. 'studyplan report --plan ib -o ib.html'"
        )
    if goals:
        catalog, report = _report_of_goals(st, goals, hours_per_week, start, deadline, pace, books)
    else:
        if hours_per_week is not None or start or deadline:
            raise InputError(
                "--hours-per-week, --start and --deadline go with GOALs; a saved plan keeps its own",
                "re-save the plan with new ones: 'studyplan plan GOAL -H 6 --save NAME --replace'",
            )
        catalog, report = _report_of_plan(st, plan, pace, books)
    report.reading = {t: p.text() for t, p in st.reading().items()}
    attach_graph(report)
    write_atomic(output, render_report(catalog, report, __version__), overwrite=force)
    _print_report(report, output, as_json)


def _report_of_goals(
    st: State,
    goals: list[str],
    hours_per_week: float | None,
    start: str | None,
    deadline: str | None,
    pace: float | None,
    books: bool,
) -> tuple[Catalog, Report]:
    """The report on a plan made now for GOALs (with ``books``, its chosen readings)."""
    from studyplan.cli.plan_run import make_plan
    from studyplan.domain.planner import graph_of
    from studyplan.views.content import report_for_goals

    catalog, fresh = make_plan(st, goals, hours_per_week, start, deadline, pace, books=books)
    report = report_for_goals(catalog, graph_of(catalog), goals, fresh, st.statuses(), date.today())
    _choose_books(report, st.books)
    return catalog, report


def _report_of_plan(
    st: State, plan: str | None, pace: float | None, books: bool
) -> tuple[Catalog, Report]:
    """The report on a saved plan (--plan, else the active one) as it stands today."""
    from studyplan.cli.state import learner_paces
    from studyplan.domain.planner import graph_of
    from studyplan.views.content import report_for_saved

    name = st.plan_name(plan, "report on")
    saved = st.saved_plan(name)
    catalog = st.catalog()
    paces = learner_paces(st, pace)
    report = report_for_saved(
        catalog, graph_of(catalog), name, saved, st.statuses(), date.today(), paces, st.hours_left()
    )
    if books:
        from studyplan.domain.books import apply

        _choose_books(report, apply(catalog, report.plan))
    return catalog, report


def _choose_books(report: Report, choice: Choice | None) -> None:
    """Mark the readings chosen for the fewest works (``--books``) in the report."""
    if choice is None:
        return
    from studyplan.domain.books import chosen_by_topic

    report.chosen = chosen_by_topic(choice, report.plan.topic_ids)
    if choice.note:
        typer.echo(f"note: {choice.note}", err=True)


def _print_report(report: Report, output: str, as_json: bool) -> None:
    summary: dict[str, Any] = {
        "output": output,
        "title": report.title,
        "steps": len(report.plan.steps),
        "total_hours": report.plan.total_hours,
        "graph": report.svg is not None,
        "graph_note": report.graph_note,
    }
    if as_json:
        print_json(summary)
        return
    from studyplan.views.words import count

    graph = "with the graph" if report.svg else "without the graph"
    steps = count(summary["steps"], "step")
    _say(output, f"wrote {output}: {steps}, {summary['total_hours']:g} h, {graph}")
    if report.graph_note:
        typer.echo(f"note: {report.graph_note}", err=True)


def cmd_calendar(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE.ics", help="Where to write ('-': stdout)."),
    ],
    plan: PlanOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """A saved plan's schedule (default: the active plan) as calendar events (.ics)."""
    from studyplan import __version__
    from studyplan.adapters.files import write_atomic
    from studyplan.domain.saved_plan import iso
    from studyplan.views.calendar import plan_calendar

    st = state(ctx)
    name = st.plan_name(plan, "export")
    saved = st.saved_plan(name)
    data = plan_calendar(st.catalog(), name, saved, st.statuses(), __version__)
    write_atomic(output, data, overwrite=force)
    steps = saved.steps
    first_day, last_day = (iso(steps[0].start), iso(steps[-1].end)) if steps else (None, None)
    if as_json:
        print_json(
            {
                "output": output,
                "plan": name,
                "events": len(steps),
                "first_day": first_day,
                "last_day": last_day,
            }
        )
        return
    from studyplan.views.words import count

    span = f", {first_day} to {last_day}" if steps else ""
    _say(output, f"wrote {output}: {count(len(steps), 'event')} for plan '{name}'{span}")


def register(app: typer.Typer) -> None:
    app.command("graph")(cmd_graph)
    app.command("report")(cmd_report)
    app.command("calendar")(cmd_calendar)
