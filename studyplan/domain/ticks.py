"""Progress inside a topic: readings (or parts of a reading) ticked with ``studyplan
read`` (which of them may be ticked: ``tickable``), what they take off the topic's hours,
and "2/3 readings". Pure: no I/O.

A topic's core readings form groups (``Topic.core_groups``): a needed reading is a group
of one, alternatives share a group. A group is *read* when one of its readings is ticked
whole or part by part to the end. The topic's hours left are its hours less, for a read
group, the hours of all its readings (the alternatives not read are not needed any
more), and for a group not yet read, the hours of the ticked parts. A reading's hours are
its ``hours``, else an equal share of what the readings with hours leave of the topic's;
a part's are its ``hours``, else an equal share of its reading's (ticked parts never take
off more than their reading's hours). Ticks on optional
readings are kept and shown but take nothing off: a topic's hours are its core readings'.
The topic is done only when the learner says so; ``all_read`` is the hint.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import NamedTuple

from studyplan.domain.catalog import Catalog, Reading, Topic
from studyplan.domain.status import Status

Tick = tuple[str, int | None]  # (reading id, part from 1; None for the whole reading)


def reading_ids(topic: Topic) -> list[str]:
    """Each reading's id within its topic: its citation key, or ``key#2``, ``key#3`` for
    a second and third reading of the same work."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    for reading in topic.readings:
        n = seen[reading.key] = seen.get(reading.key, 0) + 1
        ids.append(reading.key if n == 1 else f"{reading.key}#{n}")
    return ids


class TopicReading(NamedTuple):
    """How far the learner is through one topic's core readings."""

    groups_read: int
    groups: int
    hours_ticked: float
    ticked: int  # live ticks on the topic, core or not

    @property
    def all_read(self) -> bool:
        return self.groups > 0 and self.groups_read == self.groups

    def text(self) -> str:
        """``2/3 readings``."""
        return f"{self.groups_read}/{self.groups} readings"


def topic_reading(topic: Topic, ticks: Set[Tick]) -> TopicReading:
    ids = dict(zip(topic.readings, reading_ids(topic), strict=True))
    hours = _reading_hours(topic)
    groups = topic.core_groups
    read = 0
    taken = 0.0
    for group in groups:
        done = False
        partial = 0.0
        for reading in group:
            rid = ids[reading]
            if (rid, None) in ticks:
                done = True
                continue
            if reading.parts:
                parts = [k for k in range(1, len(reading.parts) + 1) if (rid, k) in ticks]
                if len(parts) == len(reading.parts):
                    done = True
                else:
                    ticked = sum(_part_hours(reading, hours[reading], k) for k in parts)
                    partial += min(ticked, hours[reading])  # parts never exceed the whole
        if done:
            read += 1
            taken += sum(hours[r] for r in group)
        else:
            taken += partial
    return TopicReading(read, len(groups), round(taken, 6), len(ticks))


def _reading_hours(topic: Topic) -> dict[Reading, float]:
    core = topic.core_readings
    given = sum(r.hours for r in core if r.hours is not None)
    unknown = [r for r in core if r.hours is None]
    share = max(0.0, topic.hours - given) / len(unknown) if unknown else 0.0
    return {r: (r.hours if r.hours is not None else share) for r in core}


def _part_hours(reading: Reading, reading_hours: float, part: int) -> float:
    hours = reading.parts[part - 1].hours
    return hours if hours is not None else reading_hours / len(reading.parts)


def reading_progress(catalog: Catalog, ticks: Mapping[str, Set[Tick]]) -> dict[str, TopicReading]:
    """Every topic with a live tick -> its reading progress."""
    topics = catalog.topics
    return {t: topic_reading(topics[t], ts) for t, ts in ticks.items() if t in topics and ts}


def hours_left(progress: Mapping[str, TopicReading], catalog: Catalog) -> dict[str, float]:
    """Topic id -> hours left, for the topics whose ticks take hours off."""
    hours = catalog.topics.hours
    return {
        t: max(0.0, round(hours(t) - p.hours_ticked, 6))
        for t, p in progress.items()
        if p.hours_ticked > 0
    }


def tickable(topic: Topic, key: str, part: int | None) -> Reading:
    """The reading ``key`` (a ``reading_ids`` id) of ``topic`` that ``read`` may tick, whole
    or its ``part`` (from 1); ``InputError`` for a checkpoint, a part out of range or of a
    reading without parts, ``NotFoundError`` for a reading the topic does not have."""
    from studyplan.errors import InputError, NotFoundError, did_you_mean

    if topic.is_milestone:
        raise InputError(
            f"'{topic.id}' is a checkpoint: it has no readings of its own",
            f"tick the readings of its parts: {', '.join(topic.prerequisite_ids)}",
        )
    ids = reading_ids(topic)
    if key not in ids:
        listed = ", ".join(ids) or "none"
        raise NotFoundError(
            f"'{topic.id}' has no reading '{key}' (its readings: {listed})",
            did_you_mean(key, ids) or f"see 'studyplan show {topic.id}'",
        )
    reading = topic.readings[ids.index(key)]
    if part is None:
        return reading
    if not reading.parts:
        raise InputError(
            f"reading '{key}' of '{topic.id}' has no parts: --part needs a reading whose "
            "parts are listed in the curriculum",
            f"tick the whole reading: 'studyplan read {topic.id} {key}'",
        )
    if not 1 <= part <= len(reading.parts):
        raise InputError(
            f"reading '{key}' of '{topic.id}' has parts 1-{len(reading.parts)}, not {part}",
            f"e.g. --part 1 ({reading.parts[0].where})",
        )
    return reading


def done_hint(topic: Topic, progress: TopicReading, status: str | None) -> str | None:
    """After a tick: the hint to mark the topic done once every core reading is read."""
    if progress.all_read and status != Status.DONE:
        return (
            f"every core reading of '{topic.id}' is ticked: when you can do what it teaches, "
            f"mark it with 'studyplan done {topic.id}'"
        )
    return None
