"""The body of ``read TOPIC KEY [--part N]``, free of the CLI framework: the Typer
command in ``reading.py`` and the fast dispatcher (``fast.py``) both call ``run_read``."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from studyplan.cli.output import say
from studyplan.domain.status import Status
from studyplan.errors import InputError, NotFoundError, did_you_mean

if TYPE_CHECKING:
    from studyplan.cli.state import State


def run_read(st: State, *, topic: str, key: str, part: int | None, as_json: bool) -> None:
    """``read``: tick a reading of a topic (or one part of it) as read."""
    from studyplan.domain.ticks import reading_ids, topic_reading

    catalog = st.catalog()
    found = catalog.topic(topic)
    if found.is_milestone:
        raise InputError(
            f"'{found.id}' is a checkpoint: it has no readings of its own",
            f"tick the readings of its parts: {', '.join(found.prerequisite_ids)}",
        )
    ids = reading_ids(found)
    if key not in ids:
        listed = ", ".join(ids) or "none"
        raise NotFoundError(
            f"'{found.id}' has no reading '{key}' (its readings: {listed})",
            did_you_mean(key, ids) or f"see 'studyplan show {found.id}'",
        )
    reading = found.readings[ids.index(key)]
    if part is not None:
        if not reading.parts:
            raise InputError(
                f"reading '{key}' of '{found.id}' has no parts: --part needs a reading whose "
                "parts are listed in the curriculum",
                f"tick the whole reading: 'studyplan read {found.id} {key}'",
            )
        if not 1 <= part <= len(reading.parts):
            raise InputError(
                f"reading '{key}' of '{found.id}' has parts 1-{len(reading.parts)}, not {part}",
                f"e.g. --part 1 ({reading.parts[0].where})",
            )
    words = ["read", found.id, key] + ([] if part is None else ["--part", str(part)])
    st.store(create=True).tick_reading(found.id, key, part, command=shlex.join(words))
    st._reading = None
    ticks = st.store(create=False).ticks(catalog.aliases).get(found.id, set())
    progress = topic_reading(found, ticks)
    left = max(0.0, round(found.hours - progress.hours_ticked, 6))
    status = st.statuses().get(found.id, "todo")
    hint = None
    if progress.all_read and status != Status.DONE:
        hint = (
            f"every core reading of '{found.id}' is ticked: when you can do what it teaches, "
            f"mark it with 'studyplan done {found.id}'"
        )
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
