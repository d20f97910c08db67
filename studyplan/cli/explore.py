"""Commands that look around a topic: next, unlocks, why."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from studyplan.cli import everyday
from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_lines, emit_table, print_json
from studyplan.cli.state import state


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


def cmd_unlocks(
    ctx: typer.Context,
    topic_id: Annotated[str, typer.Argument(metavar="TOPIC")],
    as_json: JsonOption = False,
) -> None:
    """What finishing TOPIC enables, directly and transitively, and what becomes startable."""
    from studyplan.domain.frontier import unlocks
    from studyplan.domain.planner import graph_of

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
    emit_lines(
        [
            (
                f"finishing {topic.id} ({topic.title}) enables {len(result.transitive)} topics, "
                f"{len(result.direct)} directly",
                "bold",
            )
        ]
    )
    if result.transitive:
        emit_table(
            ("topic", "title", "direct", "startable then"),
            [
                (
                    tid,
                    catalog.topics.title(tid),
                    "yes" if tid in result.direct else "",
                    "yes" if tid in result.startable else "",
                )
                for tid in result.transitive
            ],
        )


def cmd_why(
    ctx: typer.Context,
    topic_id: Annotated[str, typer.Argument(metavar="TOPIC")],
    goal: Annotated[
        list[str] | None,
        typer.Option("--goal", "-g", help="Explain with respect to this goal (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Why TOPIC is in your path: the chain of prerequisites and reasons up to each goal."""
    from studyplan.domain.frontier import chain_to, goals_needing
    from studyplan.domain.planner import graph_of, resolve_goals

    st = state(ctx)
    catalog = st.catalog()
    topic = catalog.topic(topic_id)
    graph = graph_of(catalog)
    if goal:
        goals = resolve_goals(catalog, goal)
        source = "the goals given"
    else:
        name, active = everyday.active_goals(st, None)
        goals = active or goals_needing(graph, catalog, topic.id)
        source = f"plan '{name}'" if active else "the goal topics that need it"
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
    if as_json:
        print_json(
            {
                "topic": topic.id,
                "chains": chains,
                "prerequisites": [{"id": p.id, "reason": p.reason} for p in topic.prerequisites],
            }
        )
        return
    if not chains:
        missing = f"{topic.id} is not needed by {source}" + (
            f": {', '.join(goals)}" if goals else ""
        )
        emit_lines([(missing, "")])
        return
    lines = [(f"{topic.title} ({topic.id}) is needed by {source}:", "bold")]
    for chain in chains:
        path = [topic.id] + [ln["needed_by"] for ln in chain["links"]]
        lines.append(("", ""))
        head = (
            f"  {' → '.join(path)} (goal)" if chain["links"] else f"  {topic.id} is itself a goal"
        )
        lines.append((head, "bold"))
        lines += [
            (f"    {ln['needed_by']} needs {ln['topic']}: {ln['reason']}", "")
            for ln in chain["links"]
        ]
    emit_lines(lines)
