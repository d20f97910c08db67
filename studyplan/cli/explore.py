"""Commands that look around a topic: next, unlocks, why (its reasoning is ``domain/why.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from studyplan.cli import everyday
from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_lines, print_json
from studyplan.cli.state import state

if TYPE_CHECKING:
    from studyplan.domain.why import Why


def cmd_next(
    ctx: typer.Context,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Use this saved plan instead of the active one.")
    ] = None,
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many topics.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """What you can start now: topics whose prerequisites are all done or known."""
    everyday.run_next(state(ctx), plan=plan, count=count, as_json=as_json)


UNLOCKS_SHOWN = 10


def cmd_unlocks(
    ctx: typer.Context,
    topic_id: Annotated[str, typer.Argument(metavar="TOPIC")],
    count: Annotated[
        int, typer.Option("-n", "--count", min=1, help="How many topics to list (default 10).")
    ] = UNLOCKS_SHOWN,
    show_all: Annotated[bool, typer.Option("--all", help="List every topic it enables.")] = False,
    as_json: JsonOption = False,
) -> None:
    """What finishing TOPIC enables: what becomes startable, what needs it directly, and
    how much lies further on."""
    from studyplan.domain.frontier import unlocks
    from studyplan.domain.planner import graph_of
    from studyplan.views.words import count as counted

    st = state(ctx)
    catalog = st.catalog()
    topic = catalog.topic(topic_id)
    result = unlocks(graph_of(catalog), topic.id, st.statuses(), catalog.topics.milestones())
    if as_json:
        print_json(
            {
                "topic": topic.id,
                "direct": result.direct,
                "transitive": result.transitive,
                "startable": result.startable,
            }
        )
        return
    startable = set(result.startable)
    direct = [t for t in result.direct if t not in startable]
    shown = set(result.startable) | set(direct)
    further = [t for t in result.transitive if t not in shown]
    room = len(result.transitive) if show_all else count
    head = (
        f"finishing {topic.id} ({topic.title}) enables {counted(len(result.transitive), 'topic')}"
    )
    if result.transitive:
        head += f", {len(result.direct)} directly"
    lines = [(head, "bold")]
    hidden = 0
    for title, ids in (
        ("startable once it is done", result.startable),
        ("also needing it directly", direct),
        ("further on", further),
    ):
        if not ids:
            continue
        listed = ids[: max(0, room)]
        room -= len(listed)
        hidden += len(ids) - len(listed)
        if not listed:
            continue
        lines += [("", ""), (f"{title} ({len(ids)}):", "bold")]
        lines += [(f"  {t}  {catalog.topics.title(t)}", "") for t in listed]
        if len(listed) < len(ids):
            lines.append((f"  … and {len(ids) - len(listed)} more", "dim"))
    if hidden:
        lines += [("", ""), (f"{hidden} not listed: -n {len(result.transitive)} or --all", "dim")]
    emit_lines(lines)


def cmd_why(
    ctx: typer.Context,
    topic_id: Annotated[str, typer.Argument(metavar="TOPIC")],
    goal: Annotated[
        list[str] | None,
        typer.Option("--goal", "-g", help="Explain with respect to this goal (repeatable)."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Every goal that needs it, not the active plan's or the nearest 3."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Why TOPIC is in your path: the shortest chain of prerequisites and reasons up to
    the active plan's goals (else the nearest goals that need it, or --goal GOAL)."""
    from studyplan.domain.planner import graph_of, resolve_goals
    from studyplan.domain.why import explain

    st = state(ctx)
    catalog = st.catalog()
    topic = catalog.topic(topic_id)
    graph = graph_of(catalog)
    given = resolve_goals(catalog, goal) if goal else None
    name, active = (None, None) if given or every else everyday.active_goals(st, None)
    plan = (name, active) if name is not None and active is not None else None
    why = explain(catalog, graph, topic, st.statuses(), given=given, plan=plan, every=every)
    if as_json:
        print_json(why.json())
        return
    emit_lines(_why_lines(why))


def _why_lines(why: Why) -> list[tuple[str, str]]:
    """``why``'s text: each chain up to a goal with its reasons, or why there is none."""
    topic = why.topic
    if not why.chains:
        missing = (
            f"{topic.id} is not needed by {why.source}: {', '.join(why.goals)}"
            if why.goals
            else f"{topic.id} is not a prerequisite of any goal"
        )
        if why.goals and why.source.startswith("plan "):
            missing += " (--all: every goal that needs it)"
        return [(missing, "")]
    lines = [(f"{topic.title} ({topic.id}) is needed by {why.source}:", "bold")]
    if why.standing not in ("todo", "started"):
        lines.append((f"  ({why.standing})", "dim"))
    for _, links in why.chains:
        path = [topic.id] + [ln.needed_by for ln in links]
        lines.append(("", ""))
        head = f"  {' → '.join(path)} (goal)" if links else f"  {topic.id} is itself a goal"
        lines.append((head, "bold"))
        lines += [(f"    {ln.needed_by} needs {ln.topic}: {ln.reason}", "dim") for ln in links]
    more = why.more
    if more:
        from studyplan.views.words import count

        lines += [
            ("", ""),
            (
                f"{count(len(more), 'more goal')} further away need it too "
                f"(--all explains every one, -g GOAL one of them): {', '.join(more[:8])}"
                + (", …" if len(more) > 8 else ""),
                "dim",
            ),
        ]
    return lines
