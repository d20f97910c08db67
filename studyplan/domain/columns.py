"""How a ``TopicTable`` lays topics out as columns (the hot fields of every topic as plain
lists and arrays, see ``catalog.TopicTable``) and how core readings group into what a
topic needs. Pure: no I/O. Kept apart from ``catalog.py`` so that it stays readable;
nothing here is pickled as a record, so the cache key does not depend on it."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyplan.domain.catalog import Reading, Topic


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
