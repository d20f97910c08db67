"""Which citation keys an export holds, in what order, and the note ``--annotate`` adds.

Pure: topics in, keys and note texts out. The CLI picks the topics of a scope (a
curriculum, a plan, a status) and passes them in scope order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from studyplan.curriculum.catalog import Topic


def cited_keys(topics: Iterable[Topic], core_only: bool = False) -> list[str]:
    """Each topic's reading keys in order, first appearance wins."""
    keys: dict[str, None] = {}
    for topic in topics:
        for reading in topic.readings:
            if reading.core or not core_only:
                keys.setdefault(reading.key)
    return list(keys)


def notes(
    topics: Sequence[Topic], statuses: Mapping[str, str], core_only: bool = False
) -> dict[str, str]:
    """Key -> ``Cited by Entropy [mini.entropy], read Ch. 2 (core), status: done; ...``."""
    parts: dict[str, list[str]] = {}
    for topic in topics:
        for reading in topic.readings:
            if core_only and not reading.core:
                continue
            status = statuses.get(topic.id, "not started")
            kind = "core" if reading.core else "optional"
            parts.setdefault(reading.key, []).append(
                f"{topic.title} [{topic.id}], read {reading.where} ({kind}), status: {status}"
            )
    return {key: "Cited by " + "; ".join(found) for key, found in parts.items()}
