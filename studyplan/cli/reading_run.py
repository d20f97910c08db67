"""The body of ``read TOPIC KEY [--part N]``, free of the CLI framework: the Typer
command in ``reading.py`` and the fast dispatcher (``fast.py``) both call ``run_read``."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from studyplan.cli.output import say

if TYPE_CHECKING:
    from studyplan.cli.state import State


def run_read(st: State, *, topic: str, key: str, part: int | None, as_json: bool) -> None:
    """``read``: tick a reading of a topic (or one part of it) as read."""
    from studyplan.domain.ticks import done_hint, tickable, topic_reading

    catalog = st.catalog()
    found = catalog.topic(topic)
    reading = tickable(found, key, part)
    words = ["read", found.id, key] + ([] if part is None else ["--part", str(part)])
    st.store(create=True).tick_reading(found.id, key, part, command=shlex.join(words))
    st._reading = None
    ticks = st.store(create=False).ticks(catalog.aliases).get(found.id, set())
    progress = topic_reading(found, ticks)
    left = max(0.0, round(found.hours - progress.hours_ticked, 6))
    status = st.statuses().get(found.id, "todo")
    hint = done_hint(found, progress, status)
    if as_json:
        from studyplan.cli.output import print_json

        print_json(
            {
                "topic": found.id,
                "key": key,
                "part": part,
                "readings_read": progress.groups_read,
                "readings": progress.groups,
                "hours_left": left,
                "status": status,
                "all_core_read": progress.all_read,
                "hint": hint,
            }
        )
        return
    what = key if part is None else f"{key} part {part} ({reading.parts[part - 1].where})"
    say(f"read {what} of {found.id}: {progress.text()} · {left:g} of {found.hours:g} h left")
    if hint:
        say(f"hint: {hint}")
