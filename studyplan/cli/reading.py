"""``studyplan read TOPIC KEY [--part N]``: tick one reading of a topic (or one part of
it) as read. Undoable with ``undo``; the topic's hours left shrink by the reading's
hours, and the topic becomes done only when the learner says so (``done``)."""

from __future__ import annotations

from typing import Annotated

import typer

from studyplan.cli.options import JsonOption
from studyplan.cli.state import state


def cmd_read(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="A topic id.")],
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="The reading's citation key (key#2 for a second reading of the same work).",
        ),
    ],
    part: Annotated[
        int | None,
        typer.Option("--part", metavar="N", help="Tick only part N (from 1) of the reading."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Tick a reading of a topic as read: its hours come off the topic's (undo: 'undo')."""
    from studyplan.cli.reading_run import run_read

    run_read(state(ctx), topic=topic, key=key, part=part, as_json=as_json)
