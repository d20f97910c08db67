"""Aliases: retired ids (merged duplicates) that resolve to the topic that took them over.

Declared as ``aliases:`` on the surviving topic. An alias may carry any curriculum's
prefix; it must not be a topic's id or be claimed by two topics. Prerequisites that name
an alias are pointed at its survivor, so user curricula that still name a retired id keep
working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from studyplan.curriculum.catalog import Prerequisite, Topic
from studyplan.errors import Problem


def collect_aliases(
    declared: Sequence[tuple[Topic, Mapping[str, int | None]]], topics: Mapping[str, Topic]
) -> tuple[dict[str, str], list[Problem]]:
    """Retired id -> survivor, from every topic's ``aliases``; a problem (at the alias's
    line) for an alias that is also a topic's id or is claimed twice."""
    aliases: dict[str, str] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for topic, lines in declared:
        for alias in topic.aliases:
            line = lines.get(alias, topic.line)
            here = f"{topic.source}:{line}" if line else topic.source
            if alias in topics:
                other = topics[alias]
                at = f"{other.source}:{other.line}" if other.line else other.source
                message = (
                    "an alias of itself"
                    if alias == topic.id
                    else f"alias '{alias}' is also a topic's id (defined at {at})"
                )
                hint = (
                    "an alias is a retired id: delete or rename that topic, or drop the alias"
                    if alias != topic.id
                    else "remove it"
                )
            elif alias in aliases:
                message = f"alias '{alias}' is claimed twice (also at {where[alias]})"
                hint = "a retired id resolves to one topic: keep it on the survivor only"
            else:
                aliases[alias] = topic.id
                where[alias] = here
                continue
            problems.append(Problem(topic.source, message, hint, line=line, topic=topic.id))
    return aliases, problems


def resolved(topic: Topic, aliases: Mapping[str, str]) -> Topic:
    """The topic with prerequisites that name a retired id pointing at its survivor (a
    user's curriculum may still name the old id); one listed twice that way is kept once."""
    if not any(p.id in aliases for p in topic.prerequisites):
        return topic
    seen: set[str] = set()
    kept: list[Prerequisite] = []
    for pre in topic.prerequisites:
        survivor = aliases.get(pre.id)
        if survivor is None:
            kept.append(pre)
        elif survivor not in seen and all(p.id != survivor for p in topic.prerequisites):
            kept.append(Prerequisite(survivor, pre.reason))
        seen.add(survivor or pre.id)
    return topic._replace(prerequisites=tuple(kept))
