"""Progress commands: start/done/skip/know/reset, undo, log, note(s), status (backup,
restore and doctor are in ``progress_admin``).

``done`` and ``status`` are everyday commands, so this module stays light: no rich, no
SQLModel, no graph library on their paths (the store uses stdlib sqlite3; see the
docs/architecture.md). Output is plain lines through ``typer.echo``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli.dates import parse_date
from studyplan.cli.options import JsonOption
from studyplan.cli.state import State, state
from studyplan.domain.status import MARKS, RESET, Status
from studyplan.errors import InputError, NotFoundError, clip, did_you_mean
from studyplan.views.words import count

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog

TopicsArg = Annotated[list[str], typer.Argument(metavar="TOPIC...", help="Topic ids.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="A note to keep with it.")]
OnOption = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help="When (YYYY-MM-DD, today, yesterday)."),
]
MinutesOption = Annotated[
    int | None, typer.Option("--minutes", metavar="M", help="Minutes spent on it.")
]

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


def _json(data: Any) -> None:
    from studyplan.cli.output import print_json

    print_json(data)


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


def _mark(status: str) -> Callable[..., None]:
    verb = VERB[status]

    def command(
        ctx: typer.Context,
        topics: TopicsArg,
        minutes: MinutesOption = None,
        note: NoteOption = None,
        on: OnOption = None,
        as_json: JsonOption = False,
    ) -> None:
        st = state(ctx)
        catalog = st.catalog()
        if minutes is not None:
            from studyplan.domain.limits import check_minutes

            check_minutes(minutes)
        if status == RESET and (minutes is not None or note or on):
            raise InputError("reset takes no --minutes, --note or --on")
        day = parse_date(on, "--on", past_only=True)
        recorded = set(st.store(create=False).statuses()) if status == RESET else None
        ids = check_topics(catalog, topics, recorded)
        if status == Status.STARTED:
            _no_checkpoint(catalog, ids)
        if minutes is not None and len(ids) > 1:
            raise InputError(
                "--minutes is for one topic", "mark topics one at a time to record time"
            )
        import shlex

        words = [verb, *ids]
        words += ["--minutes", str(minutes)] if minutes is not None else []
        words += ["--note", note] if note else []
        words += ["--on", day.isoformat()] if day else []
        action = st.store(create=True).record(
            ids, status, minutes=minutes, note=note, on=day, command=shlex.join(words)
        )
        covers = _covers(st, ids) if status == "known" else None
        if as_json:
            data: dict[str, Any] = {"action": action, "status": status, "topics": ids}
            if covers is not None:
                data["covers"] = covers
            _json(data)
            return
        from studyplan.cli.progress_view import STATUS_STYLE
        from studyplan.cli.term import paint, styles

        on = styles()
        shown = {RESET: "cleared", Status.NOT_KNOWN: "not known"}.get(status, status)
        word = paint(shown, STATUS_STYLE.get(status, ""), on)
        for tid in ids:
            title = catalog.topics[tid].title if tid in catalog.topics else "(orphaned)"
            extra = f" · {minutes} min" if minutes else ""
            extra += f" · {day}" if day else ""
            typer.echo(f"{word}: {tid} — {title}{extra}")
        if covers and status == Status.KNOWN:
            names = ", ".join(covers[:COVERS_SHOWN]) + (", …" if len(covers) > COVERS_SHOWN else "")
            typer.echo(
                f"  covers {count(len(covers), 'topic')} "
                f"{'it requires' if len(ids) == 1 else 'they require'}: "
                f"{names}\n  a gap among them? 'studyplan dontknow TOPIC' keeps it in your plans"
            )
        elif status == Status.NOT_KNOWN:
            typer.echo("  it stays in every plan that needs it, whatever you know above it")

    command.__doc__ = {
        Status.STARTED: "Mark topics as started (in progress).",
        Status.DONE: "Mark topics as done; several topics apply all or nothing.",
        Status.SKIPPED: "Mark topics as skipped (not needed for you).",
        Status.KNOWN: "Mark topics you already know (your plans drop them and what they require).",
        Status.NOT_KNOWN: "Mark topics you do not know: they stay in your plans even when you "
        "know a topic that requires them.",
        RESET: "Clear topics' status (as if never marked).",
    }[status]
    return command


def _covers(st: State, ids: list[str]) -> list[str]:
    """The prerequisites the marked topics now cover that nothing else marked already
    did (by the planner's rule), nearest first."""
    from studyplan.domain.planner import graph_of, satisfied_closure

    catalog = st.catalog()
    graph = graph_of(catalog)
    statuses = st.statuses()
    before = set(satisfied_closure(graph, {t: s for t, s in statuses.items() if t not in ids}))
    after = satisfied_closure(graph, statuses)
    marked = set(ids)
    found = [t for t in after if t not in marked and t not in before]
    tree = graph.why_tree(ids, set())
    return sorted(found, key=lambda t: (tree.links(t), graph.index[t]))


def cmd_undo(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Undo the last action (repeatable: each undo goes one further back); exits 4 when
    there is nothing left to undo."""
    result = state(ctx).store(create=False)
    undone = result.undo() if result.exists else None
    if undone is None:
        raise NotFoundError("nothing to undo", "no recorded action is left to undo")
    if as_json:
        _json(
            {
                "action": undone.action_id,
                "kind": undone.kind,
                "command": undone.command,
                "recorded": undone.created.isoformat(),
                "topics": list(undone.topics),
                "now": undone.now,
                "library": list(undone.library),
            }
        )
        return
    typer.echo(undone.describe())


def _known_or_recorded(st: State, topic: str) -> list[str]:
    """The ids whose rows are this topic's: itself (or its survivor) and its retired ids."""
    catalog = st.catalog()
    if catalog.knows(topic):
        survivor = catalog.topic(topic)
        return [survivor.id, *survivor.aliases]
    store = st.store(create=False)
    if topic in store.orphans(set(catalog.topics)):
        return [topic]
    raise NotFoundError(
        f"unknown topic '{clip(topic)}'",
        did_you_mean(topic, catalog.topics) or "see 'studyplan topics'",
    )


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def cmd_log(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only from this date on.")
    ] = None,
    include_undone: Annotated[
        bool, typer.Option("--all", help="Include undone entries, marked as such.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """The history of your marks, oldest first."""
    st = state(ctx)
    day = parse_date(since, "--since", past_only=True)
    ids = _known_or_recorded(st, topic) if topic is not None else None
    events = st.store(create=False).log(ids, day, include_undone=include_undone)
    if as_json:
        _json(
            [
                {
                    "topic": e.topic_id,
                    "status": e.status,
                    "at": e.at.isoformat(),
                    "recorded": e.recorded.isoformat(),
                    "minutes": e.minutes,
                    "note": e.note,
                    "command": e.command,
                    "action": e.action_id,
                    "undone": e.undone,
                }
                for e in events
            ]
        )
        return
    if not events:
        typer.echo("no progress recorded" + (" for that selection" if topic or day else " yet"))
        return
    width = max(len(e.topic_id) for e in events)
    # Minutes right-aligned in a column of their own, so the notes after them line up.
    mw = max((len(str(e.minutes)) for e in events if e.minutes), default=0)
    for e in events:
        extra = f"  {e.minutes:>{mw}} min" if e.minutes else (" " * (mw + 6) if mw else "")
        extra += f"  — {e.note}" if e.note else ""
        extra += "  (undone)" if e.undone else ""
        typer.echo(f"{_when(e.at)}  {e.status:<8} {e.topic_id:<{width}}{extra}".rstrip())


def cmd_note(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="A topic id.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    as_json: JsonOption = False,
) -> None:
    """Keep a note on a topic (undo removes it again)."""
    import shlex

    st = state(ctx)
    (tid,) = check_topics(st.catalog(), [topic])
    action = st.store(create=True).add_note(tid, text, command=shlex.join(["note", tid, text]))
    if as_json:
        _json({"action": action, "topic": tid, "text": text})
        return
    typer.echo(f"noted on {tid}")


def cmd_notes(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(metavar="[TOPIC]", help="Only this topic.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Your notes (from 'note' and from marks' --note), oldest first."""
    st = state(ctx)
    ids = _known_or_recorded(st, topic) if topic is not None else None
    found = st.store(create=False).notes(ids)
    if as_json:
        _json(
            [
                {
                    "topic": n.topic_id,
                    "text": n.text,
                    "created": n.created.isoformat(),
                    "source": n.source,
                    "action": n.action_id,
                }
                for n in found
            ]
        )
        return
    if not found:
        typer.echo("no notes" + (f" on {topic}" if topic else " yet"))
    for n in found:
        src = "" if n.source == "note" else f" [{n.source}]"
        typer.echo(f"{_when(n.created)}  {n.topic_id}{src}: {n.text}")


def cmd_status(
    ctx: typer.Context,
    curriculum: Annotated[
        str | None, typer.Option("--curriculum", "-c", help="Only this curriculum.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Progress per curriculum and per saved plan, what is in progress, recently finished."""
    from studyplan.cli import progress_view

    st = state(ctx)
    catalog = st.catalog()
    if curriculum is not None:
        catalog.curriculum(curriculum)
    summary = progress_view.summarize(
        catalog, st.store(create=False), curriculum, date.today(), st.reading()
    )
    if as_json:
        _json(summary)
        return
    progress_view.render(summary)


def register(app: typer.Typer) -> None:
    for status in MARKS:
        app.command(VERB[status])(_mark(status))
    app.command("undo")(cmd_undo)
    app.command("log")(cmd_log)
    app.command("note")(cmd_note)
    app.command("notes")(cmd_notes)
    app.command("status")(cmd_status)
    from studyplan.cli import progress_admin

    app.command("backup")(progress_admin.cmd_backup)
    app.command("restore")(progress_admin.cmd_restore)
    app.command("doctor")(progress_admin.cmd_doctor)
