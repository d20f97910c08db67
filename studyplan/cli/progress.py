"""Progress commands: start/done/skip/know/reset, undo, log, note(s), status (backup,
restore and doctor are in ``progress_admin``).

``done`` and ``status`` are everyday commands, so this module stays light: no rich, no
SQLModel, no graph library on their paths (the store uses stdlib sqlite3; see the
docs/architecture.md). Output is plain lines through ``typer.echo``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli import everyday
from studyplan.cli.dates import parse_date
from studyplan.cli.everyday import VERB, check_topics
from studyplan.cli.options import CurriculumFilter, JsonOption
from studyplan.cli.state import State, state
from studyplan.domain.status import MARKS, RESET, Status
from studyplan.errors import NotFoundError, clip, did_you_mean

if TYPE_CHECKING:
    pass

TopicsArg = Annotated[list[str], typer.Argument(metavar="TOPIC...", help="Topic ids.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="A note to keep with it.")]
OnOption = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help="When (YYYY-MM-DD, today, yesterday)."),
]
MinutesOption = Annotated[
    int | None, typer.Option("--minutes", metavar="M", help="Minutes spent on it.")
]


def _json(data: Any) -> None:
    from studyplan.cli.output import print_json

    print_json(data)


def _mark(status: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        topics: TopicsArg,
        minutes: MinutesOption = None,
        note: NoteOption = None,
        on: OnOption = None,
        as_json: JsonOption = False,
    ) -> None:
        everyday.run_mark(
            state(ctx),
            status=status,
            topics=topics,
            minutes=minutes,
            note=note,
            on=on,
            as_json=as_json,
        )

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
    curriculum: CurriculumFilter = None,
    as_json: JsonOption = False,
) -> None:
    """Progress per curriculum and per saved plan, what is in progress, recently finished."""
    everyday.run_status(state(ctx), curriculum=curriculum, as_json=as_json)


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
