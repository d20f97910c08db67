"""Commands that look around a topic: next, unlocks, why."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from studyplan.cli import everyday
from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_lines, print_json
from studyplan.cli.state import state
from studyplan.domain.status import Status


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
NEAREST_GOALS = 3


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
    from studyplan.domain.frontier import chain_to, nearest_goals
    from studyplan.domain.planner import graph_of, resolve_goals

    st = state(ctx)
    catalog = st.catalog()
    topic = catalog.topic(topic_id)
    graph = graph_of(catalog)
    more: list[str] = []
    if goal:
        goals = resolve_goals(catalog, goal)
        source = "the goals given"
    else:
        name, active = (None, None) if every else everyday.active_goals(st, None)
        if active:
            goals, source = active, f"plan '{name}'"
        else:
            goals = nearest_goals(graph, catalog, topic.id)
            if not every:
                goals, more = goals[:NEAREST_GOALS], goals[NEAREST_GOALS:]
            source = "every goal that needs it" if every else "its nearest goals"
    chains: list[dict[str, Any]] = []
    for g in goals:
        links = chain_to(graph, catalog, topic.id, g)
        if links is not None:
            chains.append(
                {
                    "goal": g,
                    "links": [
                        {"topic": ln.topic, "needed_by": ln.needed_by, "reason": ln.reason}
                        for ln in links
                    ],
                }
            )
    from studyplan.domain.planner import satisfied_closure

    statuses = st.statuses()
    by = satisfied_closure(graph, statuses).get(topic.id)
    mark = statuses.get(topic.id)
    if mark == Status.NOT_KNOWN:
        standing = "you marked it not known: it stays in every plan that needs it"
    elif by is not None and by != topic.id:
        standing = f"covered: {by} ({statuses.get(by)}) requires it; 'dontknow' marks a gap"
    else:
        standing = mark or "todo"
    if as_json:
        print_json(
            {
                "topic": topic.id,
                "status": mark or ("covered" if by else "todo"),
                "covered_by": by if by != topic.id else None,
                "standing": standing,
                "chains": chains,
                "more_goals": more,
                "prerequisites": [{"id": p.id, "reason": p.reason} for p in topic.prerequisites],
            }
        )
        return
    if not chains:
        missing = (
            f"{topic.id} is not needed by {source}: {', '.join(goals)}"
            if goals
            else f"{topic.id} is not a prerequisite of any goal"
        )
        if goals and source.startswith("plan "):
            missing += " (--all: every goal that needs it)"
        emit_lines([(missing, "")])
        return
    lines = [(f"{topic.title} ({topic.id}) is needed by {source}:", "bold")]
    if standing not in ("todo", "started"):
        lines.append((f"  ({standing})", "dim"))
    for chain in chains:
        path = [topic.id] + [ln["needed_by"] for ln in chain["links"]]
        lines.append(("", ""))
        head = (
            f"  {' → '.join(path)} (goal)" if chain["links"] else f"  {topic.id} is itself a goal"
        )
        lines.append((head, "bold"))
        lines += [
            (f"    {ln['needed_by']} needs {ln['topic']}: {ln['reason']}", "dim")
            for ln in chain["links"]
        ]
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
    emit_lines(lines)
