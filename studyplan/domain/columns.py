"""How a ``TopicTable`` lays topics out as columns (the hot fields of every topic as plain
lists and arrays, see ``catalog.TopicTable``), how core readings group into what a
topic needs, and how a catalog pickles its curricula. Pure: no I/O. Kept apart from
``catalog.py`` so that it stays readable; nothing here is pickled as a record, so the
cache key does not depend on it."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyplan.domain.catalog import Curriculum, Reading, Topic, TopicTable


CoreColumns = tuple[
    "array[int]",
    list[str],
    list[str],
    list[str],
    list["str | None"],
    list["float | None"],
    list["str | None"],
]


def core_columns_of(topics: Mapping[str, Topic]) -> CoreColumns:
    at: array[int] = array("l", [0])
    key: list[str] = []
    where: list[str] = []
    access: list[str] = []
    url: list[str | None] = []
    hours: list[float | None] = []
    one_of: list[str | None] = []
    for topic in topics.values():
        for r in topic.readings:
            if r.core:
                key.append(sys.intern(r.key))
                where.append(r.where)
                access.append(sys.intern(r.access))
                url.append(r.url)
                hours.append(r.hours)
                one_of.append(r.one_of)
        at.append(len(key))
    return at, key, where, access, url, hours, one_of


def milestone_parts(
    topics: Mapping[str, Topic], position: Mapping[str, int]
) -> dict[int, tuple[int, ...]]:
    return {
        position[t.id]: tuple(
            dict.fromkeys(position[p.id] for p in t.prerequisites if p.id in position)
        )
        for t in topics.values()
        if t.is_milestone
    }


def links_of(
    topics: Mapping[str, Topic], position: Mapping[str, int]
) -> tuple[array[int], array[int]]:
    from studyplan.domain.graph import known_links

    return known_links(([p.id for p in t.prerequisites] for t in topics.values()), position)


def core_groups(readings: Sequence[Reading]) -> tuple[tuple[Reading, ...], ...]:
    """Core readings grouped as in ``Topic.core_groups``."""
    groups: list[list[Reading]] = []
    labelled: dict[str, list[Reading]] = {}
    for reading in readings:
        if reading.one_of is None:
            groups.append([reading])
        elif reading.one_of in labelled:
            labelled[reading.one_of].append(reading)
        else:
            labelled[reading.one_of] = [reading]
            groups.append(labelled[reading.one_of])
    return tuple(tuple(g) for g in groups)


def curricula_state(
    curricula: Mapping[str, Curriculum], table: TopicTable
) -> list[tuple[str, tuple[Any, ...]]]:
    """The curricula as plain tuples to pickle, by key. A curriculum's topic ids that are
    the table's ids at consecutive positions, in order (as the loader makes them: the
    table is in declared order), are kept as the ``range`` of those positions: a warm
    start on 100k topics unpickled the ids again, ~5 ms, for a curriculum-wide look
    that few commands take (``curricula_of`` slices them back from the table)."""
    ids, positions = table.ids(), table.positions()
    state: list[tuple[str, tuple[Any, ...]]] = []
    for key, cur in curricula.items():
        own = cur.topic_ids
        start = positions.get(own[0]) if own else None
        kept: Sequence[str] | range = own
        if start is not None and tuple(ids[start : start + len(own)]) == own:
            kept = range(start, start + len(own))
        state.append((key, (*cur[:4], kept, *cur[5:])))
    return state


def curricula_of(
    state: list[tuple[str, tuple[Any, ...]]], table: TopicTable
) -> dict[str, Curriculum]:
    """The curricula ``curricula_state`` kept, their spans sliced from ``table``'s ids."""
    from studyplan.domain.catalog import Curriculum

    ids = table.ids()
    curricula: dict[str, Curriculum] = {}
    for key, (*head, topic_ids, source) in state:
        if isinstance(topic_ids, range):
            topic_ids = tuple(ids[topic_ids.start : topic_ids.stop])
        curricula[key] = Curriculum._make((*head, topic_ids, source))
    return curricula


SEPARATOR = "\0"


def joined(texts: list[str]) -> list[str] | str:
    """The strings as one, ``SEPARATOR`` between them, when none holds it and most are
    distinct (else as they are): splitting it back makes 100k ids in a third less time
    than unpickling them, 100k Chinese titles in 16 ms instead of 27. (Repeated values
    unpickle as references to one string: cheaper as they are.)"""
    if texts and 2 * len(set(texts)) > len(texts):
        one = SEPARATOR.join(texts)
        if one.count(SEPARATOR) == len(texts) - 1:
            return one
    return texts


def split(texts: list[str] | str) -> list[str]:
    """The strings ``joined`` kept."""
    return texts.split(SEPARATOR) if isinstance(texts, str) else texts
