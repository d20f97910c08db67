"""The bodies of the everyday commands (``next``, ``status``, ``show`` and the marks
``start``/``done``/``skip``/``know``/``reset``), free of the CLI framework.

The Typer commands in ``explore``, ``progress`` and ``curricula`` stay the one definition
of every command and option; each just calls its body here with its parsed values. The
fast dispatcher (``studyplan.cli.fast``) calls the same bodies for plain invocations
without importing Typer (and the pydantic that Typer's coercion imports), using a spec
generated from the Typer app and checked against it by a test. Nothing here may import
Typer, click or a heavy library at module level (``tests/test_layers.py``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from studyplan.cli.output import echo, emit_lines, print_json
from studyplan.domain.status import RESET, Status
from studyplan.errors import InputError

if TYPE_CHECKING:
    from studyplan.cli.state import State
    from studyplan.domain.catalog import Catalog, Topic
    from studyplan.domain.frontier import NextTopic

VERB: dict[str, str] = {
    Status.STARTED: "start",
    Status.DONE: "done",
    Status.SKIPPED: "skip",
    Status.KNOWN: "know",
    Status.NOT_KNOWN: "dontknow",
    RESET: "reset",
}
#: How many covered topics ``know`` names before "…".
COVERS_SHOWN = 5


def active_goals(st: State, plan: str | None) -> tuple[str | None, list[str] | None]:
    """The saved plan a command looks through (``plan`` or the active one) and its goals."""
    name = plan or st.store(create=False).active_plan()
    if name is None:
        return None, None
    saved = st.saved_plan(name)
    catalog = st.catalog()
    from studyplan.domain.plan_data import saved_goals

    return name, saved_goals(catalog, saved)


def run_next(st: State, *, plan: str | None, count: int, as_json: bool) -> None:
    """``next``: what you can start now."""
    from studyplan.domain.closure import graph_of
    from studyplan.domain.frontier import next_topics

    catalog = st.catalog()
    name, goals = active_goals(st, plan)
    store = st.store(create=False)
    marked = store.statuses(catalog.aliases)  # read once: the marks and the reviews due
    marks = {tid: row.status for tid, row in marked.items()}  # what ``st.statuses()`` gives
    found = next_topics(catalog, graph_of(catalog), marks, goals, count)
    rows = _next_rows(st, catalog, found)
    from studyplan.cli.progress_view import reviews_due

    reviews = reviews_due(catalog, store, marked)
    if as_json:
        print_json({"plan": name, "topics": rows, "reviews": reviews})
        return
    emit_lines(_next_lines(name, rows, reviews))


def _next_rows(st: State, catalog: Catalog, found: list[NextTopic]) -> list[dict[str, Any]]:
    """``next``'s topics as its JSON rows: the topic, its first core reading and how much of
    it is read (``readings_read``/``readings``/``hours_left``, from the reading log)."""
    from studyplan.views.render import reading_line

    reading = st.reading()
    left = st.hours_left()
    rows: list[dict[str, Any]] = []
    for item in found:
        topic = catalog.topics[item.topic_id]
        core = topic.core_readings
        progress = reading.get(topic.id)
        rows.append(
            {
                "id": topic.id,
                "title": topic.title,
                "title_zh": topic.title_zh,
                "curriculum": topic.curriculum,
                "hours": topic.hours,
                "status": item.status,
                "reading": reading_line(catalog, core[0]) if core else None,
                "url": core[0].url if core else None,
                "readings_read": progress.groups_read if progress else None,
                "readings": progress.groups if progress else None,
                "hours_left": left.get(topic.id, topic.hours),
            }
        )
    return rows


def _next_lines(
    name: str | None, rows: list[dict[str, Any]], reviews: dict[str, Any]
) -> list[tuple[str, str]]:
    """``next``'s text: the reviews due, a heading, then each topic (its hours or hours
    left, whether it is in progress, its reading and link), as (text, style) lines."""
    from studyplan.cli.progress_view import review_line

    lines = [(f"next in plan '{name}':" if name else "next, across all curricula:", "bold")]
    due = review_line(reviews)
    if due:
        lines.insert(0, (due, "yellow"))
    if not rows:
        lines.append(
            ("nothing to start: every topic in reach is done" if name else "nothing to start", "")
        )
    for row in rows:
        mark = "  (in progress)" if row["status"] == Status.STARTED else ""
        hours = f"{row['hours']:g} h"
        if row["readings"] is not None:
            text = f"{row['readings_read']}/{row['readings']} readings"
            mark = f"  (in progress · {text})" if mark else f"  ({text})"
            hours = f"{row['hours_left']:g} of {row['hours']:g} h left"
        lines.append(("", ""))
        lines.append(
            (
                f"  {row['title']} · {row['title_zh']}  [{row['id']}]  {hours}{mark}",
                "bold",
            )
        )
        if row["reading"]:
            lines.append((f"    read  {row['reading']}", ""))
        if row["url"]:
            lines.append((f"          {row['url']}", "dim"))
    return lines


def run_status(st: State, *, curriculum: str | None, as_json: bool) -> None:
    """``status``: progress per curriculum and per saved plan."""
    from studyplan.cli import progress_view

    catalog = st.catalog()
    if curriculum is not None:
        catalog.curriculum(curriculum)
    summary = progress_view.summarize(
        catalog, st.store(create=False), curriculum, date.today(), st.reading()
    )
    if as_json:
        print_json(summary)
        return
    progress_view.render(summary)


def check_topics(catalog: Catalog, ids: list[str], recorded: set[str] | None = None) -> list[str]:
    """The ids, de-duplicated, after checking every one (did-you-mean on the first unknown);
    a retired id (an alias) is recorded as its survivor's.

    ``recorded`` ids are accepted too (``reset`` can clear an orphaned topic)."""
    unique = list(dict.fromkeys(catalog.resolve(t) for t in ids))
    for tid in unique:
        if tid not in catalog.topics and not (recorded and tid in recorded):
            catalog.topic(tid)  # raises NotFoundError with a did-you-mean
    return unique


def _no_checkpoint(catalog: Catalog, ids: list[str]) -> None:
    """A milestone is reached through its parts: it cannot be started itself."""
    for tid in ids:
        if tid in catalog.topics and catalog.topics.is_milestone(tid):
            parts = ", ".join(catalog.topics.prerequisite_ids(tid))
            raise InputError(
                f"{tid} is a checkpoint (a milestone): it is reached through its parts",
                f"start one of them: {parts}",
            )


def run_mark(
    st: State,
    *,
    status: str,
    topics: list[str],
    minutes: int | None,
    note: str | None,
    on: str | None,
    as_json: bool,
) -> None:
    """``start``/``done``/``skip``/``know``/``reset``: record one action for the topics."""
    catalog = st.catalog()
    day, ids = _checked_mark(st, catalog, status, topics, minutes, note, on)
    command = _mark_command(status, ids, minutes, note, day)
    action = st.store(create=True).record(
        ids, status, minutes=minutes, note=note, on=day, command=command
    )
    covers = _covers(st, ids) if status == "known" else None
    if as_json:
        data: dict[str, Any] = {"action": action, "status": status, "topics": ids}
        if covers is not None:
            data["covers"] = covers
        print_json(data)
        return
    _echo_mark(catalog, status, ids, minutes, day, covers)


def _checked_mark(
    st: State,
    catalog: Catalog,
    status: str,
    topics: list[str],
    minutes: int | None,
    note: str | None,
    on: str | None,
) -> tuple[date | None, list[str]]:
    """A mark's options and topics checked, before anything is recorded: its day (``--on``)
    and its topic ids (de-duplicated, aliases resolved). Raises ``InputError`` for options
    the mark does not take and for a checkpoint to start."""
    if minutes is not None:
        from studyplan.domain.limits import check_minutes

        check_minutes(minutes)
    if status == RESET and (minutes is not None or note or on):
        raise InputError("reset takes no --minutes, --note or --on")
    from studyplan.cli.dates import parse_date  # the marks only: not on next/status/show

    day = parse_date(on, "--on", past_only=True)
    recorded = set(st.store(create=False).statuses()) if status == RESET else None
    ids = check_topics(catalog, topics, recorded)
    if status == Status.STARTED:
        _no_checkpoint(catalog, ids)
    if minutes is not None and len(ids) > 1:
        raise InputError("--minutes is for one topic", "mark topics one at a time to record time")
    return day, ids


def _mark_command(
    status: str, ids: list[str], minutes: int | None, note: str | None, day: date | None
) -> str:
    """The command line the action is recorded with (its verb, ids and options, quoted)."""
    import shlex

    words = [VERB[status], *ids]
    words += ["--minutes", str(minutes)] if minutes is not None else []
    words += ["--note", note] if note else []
    words += ["--on", day.isoformat()] if day else []
    return shlex.join(words)


def _echo_mark(
    catalog: Catalog,
    status: str,
    ids: list[str],
    minutes: int | None,
    day: date | None,
    covers: list[str] | None,
) -> None:
    """A mark's text: one line per topic, then what a ``know`` covers or what a
    ``dontknow`` keeps."""
    from studyplan.cli.progress_view import STATUS_STYLE
    from studyplan.cli.term import paint, styles
    from studyplan.views.words import count

    painted = styles()
    shown = {RESET: "cleared", Status.NOT_KNOWN: "not known"}.get(status, status)
    word = paint(shown, STATUS_STYLE.get(status, ""), painted)
    for tid in ids:
        title = catalog.topics.title(tid) if tid in catalog.topics else "(orphaned)"
        extra = f" · {minutes} min" if minutes else ""
        extra += f" · {day}" if day else ""
        echo(f"{word}: {tid} — {title}{extra}")
    if covers and status == Status.KNOWN:
        names = ", ".join(covers[:COVERS_SHOWN]) + (", …" if len(covers) > COVERS_SHOWN else "")
        echo(
            f"  covers {count(len(covers), 'topic')} "
            f"{'it requires' if len(ids) == 1 else 'they require'}: "
            f"{names}\n  a gap among them? 'studyplan dontknow TOPIC' keeps it in your plans"
        )
    elif status == Status.NOT_KNOWN:
        echo("  it stays in every plan that needs it, whatever you know above it")


def _covers(st: State, ids: list[str]) -> list[str]:
    """The prerequisites the marked topics now cover that nothing else marked already
    did (by the planner's rule), nearest first."""
    from studyplan.domain.closure import graph_of, satisfied_closure

    catalog = st.catalog()
    graph = graph_of(catalog)
    statuses = st.statuses()
    before = set(satisfied_closure(graph, {t: s for t, s in statuses.items() if t not in ids}))
    after = satisfied_closure(graph, statuses)
    marked = set(ids)
    found = [t for t in after if t not in marked and t not in before]
    tree = graph.why_tree(ids, set())
    return sorted(found, key=lambda t: (tree.links(t), graph.index[t]))


def run_show(
    st: State, *, topic_id: str, tree: bool, depth: int, answers: bool, as_json: bool
) -> None:
    """``show``: everything about one topic."""
    from studyplan.views import render

    catalog = st.catalog()
    topic = catalog.topic(topic_id)
    marks = st.statuses()
    if as_json:
        data = topic_json(catalog, topic)
        if topic.id != topic_id:
            data["resolved_from"] = topic_id
        if tree:
            data["tree"] = render.prerequisite_tree_data(catalog, topic.id, marks, depth)
        print_json(data)
        return
    if topic.id != topic_id:
        emit_lines([(f"{topic_id} is a retired id: it now means {topic.id}", "dim"), ("", "")])
    emit_lines(render.topic_lines(catalog, topic, marks.get(topic.id), answers=answers))
    if tree:
        tree_data = render.prerequisite_tree_data(catalog, topic.id, marks, depth)
        emit_lines([("", ""), *render.tree_lines(tree_data)])


def topic_json(catalog: Catalog, topic: Topic) -> dict[str, Any]:
    """One topic as ``show --json`` and ``topics --json`` print it."""

    def reading(r: Any) -> dict[str, Any]:
        ref = catalog.references.get(r.key)
        data: dict[str, Any] = {
            "key": r.key,
            "where": r.where,
            "core": r.core,
            "access": r.access,
            "url": r.url,
            "hours": r.hours,
            "pages": r.pages,
        }
        if ref is not None:
            data.update(title=ref.title, authors=ref.authors, year=ref.year, venue=ref.venue)
        return data

    def pointer(p: Any) -> dict[str, Any] | None:
        return None if p is None else {"key": p.key, "where": p.where}

    project = topic.project
    return {
        "id": topic.id,
        "kind": topic.kind,
        "title": topic.title,
        "title_zh": topic.title_zh,
        "curriculum": topic.curriculum,
        "summary": topic.summary,
        "hours": topic.hours,
        "level": topic.level,
        "goal": topic.goal,
        "tags": list(topic.tags),
        "aliases": list(topic.aliases),
        "prerequisites": [{"id": p.id, "reason": p.reason} for p in topic.prerequisites],
        "readings": [reading(r) for r in topic.readings],
        "checks": [
            {"q": c.q, "q_zh": c.q_zh, "answer": c.answer, "source": pointer(c.source)}
            for c in topic.checks
        ],
        "exercises": [pointer(e) for e in topic.exercises],
        "project": None if project is None else project._asdict(),
    }
