"""``studyplan placement GOAL...``: find what you already know of a goal's closure by
answering a few questions, recorded as one action (see ``domain/placement.py``)."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli.answers import Quit, ask_word, read_word, send
from studyplan.cli.options import JsonOption
from studyplan.cli.state import State, state
from studyplan.domain.status import Status

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.placement import Placement

WORDS = ("yes", "no", "skip", "quit")
TERMINAL_WORDS = ("yes", "no", "answer", "skip", "quit")


def _plan_size(catalog: Catalog, goals: list[str], statuses: dict[str, str]) -> dict[str, Any]:
    from studyplan.domain.planner import build_plan

    plan = build_plan(catalog, goals, statuses)
    milestones = catalog.topics.milestones()
    steps = sum(1 for i in plan.positions if i not in milestones)
    return {"steps": steps, "hours": plan.total_hours}


def _check(catalog: Catalog, topic_id: str, asked: int) -> dict[str, str] | None:
    """One of the topic's self-checks, a different one on each question."""
    checks = catalog.topics[topic_id].checks
    if not checks:
        return None
    check = checks[asked % len(checks)]
    return {"q": check.q, "answer": check.answer}


def _ask_terminal(catalog: Catalog, placement: Placement, topic_id: str) -> str:
    from studyplan.cli.output import emit_lines

    topic = catalog.topics[topic_id]
    check = _check(catalog, topic_id, placement.asked)
    lines = [
        ("", ""),
        (f"{topic.title} · {topic.title_zh}  [{topic_id}]", "bold"),
        (f"  {topic.summary}", ""),
        (f"  ({placement.undecided()} topics still undecided)", "dim"),
    ]
    if check:
        lines.append((f"  self-check: {check['q']}", ""))
    emit_lines(lines)
    while True:
        word = ask_word(
            "Do you know it? yes / no / answer / skip / quit", TERMINAL_WORDS, "placement"
        )
        if word != "answer":
            return word
        emit_lines([(f"  answer: {check['answer']}" if check else "  (no self-check)", "cyan")])


def cmd_placement(
    ctx: typer.Context,
    goals: Annotated[list[str], typer.Argument(metavar="GOAL...", help="Topic or curriculum ids.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Ask, show the result, record nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Find what you already know of GOALs' prerequisites with a few questions.

    Each question is the undecided topic that best halves what is still undecided: yes
    makes it and what it requires known, no makes it and what requires it not known.
    Everything is recorded as one action at the end (one 'undo' takes it back); q or
    Ctrl-C leaves without recording. With --json: a line protocol (docs/commands.md).
    """
    from studyplan.domain.placement import Placement
    from studyplan.domain.planner import graph_of, resolve_goals

    st = state(ctx)
    catalog = st.catalog()
    resolved = resolve_goals(catalog, goals)
    statuses = st.statuses()
    graph = graph_of(catalog)
    placement = Placement.start(graph, resolved, statuses, catalog.topics.milestones())
    before = _plan_size(catalog, resolved, statuses)
    if placement.undecided() == 0:
        if as_json:
            send({"done": True, "known": [], "not_known": [], "asked": 0, "plan": before})
        else:
            typer.echo(f"nothing to place for {' '.join(goals)}: every topic it needs is decided")
        return
    try:
        _session(catalog, placement, statuses, as_json)
    except Quit:
        if as_json:
            send({"done": False, "asked": placement.asked, "recorded": False})
        else:
            typer.echo("left placement: nothing recorded")
        return
    _finish(st, catalog, placement, goals, resolved, statuses, before, dry_run, as_json)


def _session(
    catalog: Catalog, placement: Placement, statuses: dict[str, str], as_json: bool
) -> None:
    while (topic_id := placement.question()) is not None:
        if as_json:
            topic = catalog.topics[topic_id]
            send(
                {
                    "ask": topic_id,
                    "title": topic.title,
                    "summary": topic.summary,
                    "check": _check(catalog, topic_id, placement.asked),
                    "undecided": placement.undecided(),
                }
            )
            word = read_word(WORDS, "placement")
        else:
            try:
                word = _ask_terminal(catalog, placement, topic_id)
            except KeyboardInterrupt as exc:
                raise Quit from exc
        if word == "quit":
            raise Quit
        if word == "skip":
            placement.skip(topic_id)
            continue
        notes = placement.answer(topic_id, word == "yes")
        if word == "yes":
            gaps = placement.gaps_below(topic_id, statuses)
            if gaps:
                notes.append(
                    f"{topic_id} requires {', '.join(gaps[:3])}, which you marked not known: "
                    "it stays not known (a mark is kept; 'studyplan know' it if you do)"
                )
        for note in notes:
            if as_json:
                send({"note": note})
            else:
                typer.echo(f"  note: {note}")


def _finish(
    st: State,
    catalog: Catalog,
    placement: Placement,
    raw_goals: list[str],
    goals: list[str],
    statuses: dict[str, str],
    before: dict[str, Any],
    dry_run: bool,
    as_json: bool,
) -> None:
    known, not_known = placement.known, placement.not_known
    after_statuses: dict[str, str] = {**statuses, **dict.fromkeys(known, Status.KNOWN)}
    after_statuses.update(dict.fromkeys(not_known, Status.NOT_KNOWN))
    after = _plan_size(catalog, goals, after_statuses)
    marks = [(t, Status.KNOWN) for t in known] + [(t, Status.NOT_KNOWN) for t in not_known]
    action = None
    if marks and not dry_run:
        command = shlex.join(["placement", *raw_goals])
        action = st.store(create=True).record_marks(marks, command=command)
    if as_json:
        send(
            {
                "done": True,
                "known": known,
                "not_known": not_known,
                "asked": placement.asked,
                "recorded": action is not None,
                "action": action,
                "plan_before": before,
                "plan_after": after,
            }
        )
        return
    typer.echo(
        f"\nplaced after {placement.asked} question{'s' if placement.asked != 1 else ''}: "
        f"{len(known)} known, {len(not_known)} not known"
    )
    typer.echo(
        f"plan: {before['steps']} steps · {before['hours']:g} h before → "
        f"{after['steps']} steps · {after['hours']:g} h after"
    )
    if dry_run:
        typer.echo("dry run: nothing recorded")
    elif action is not None:
        typer.echo("recorded as one action ('studyplan undo' takes it all back)")
