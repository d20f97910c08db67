"""The rules of ``one_of`` (alternatives among a topic's core readings), checked per
topic with the line of each offending field: only core readings have one, and a label
names at least two of them."""

from __future__ import annotations

from typing import Any

from studyplan.adapters.curriculum.yaml_lines import line_of
from studyplan.errors import Problem


def alternatives_problems(
    label: str, node: Any, loc_prefix: tuple[str | int, ...], spec: Any
) -> list[Problem]:
    """``one_of`` groups core readings: only core readings have one, and a group has at
    least two readings (a group of one is a needed reading with a label)."""
    found: list[Problem] = []
    groups: dict[str, list[int]] = {}
    for k, reading in enumerate(spec.readings):
        if reading.one_of is None:
            continue
        if not reading.core:
            found.append(
                Problem(
                    label,
                    f"reading '{reading.key}' has one_of '{reading.one_of}' but is not core",
                    "alternatives are core readings: add 'core: true' or remove one_of",
                    line=line_of(node, (*loc_prefix, "readings", k, "one_of")),
                    topic=spec.id,
                )
            )
            continue
        groups.setdefault(reading.one_of, []).append(k)
    for group, members in groups.items():
        if len(members) < 2:
            found.append(
                Problem(
                    label,
                    f"one_of '{group}' names only one core reading",
                    "give the same one_of to the core readings that can replace each other, "
                    "or remove it (a core reading without one_of is needed)",
                    line=line_of(node, (*loc_prefix, "readings", members[0], "one_of")),
                    topic=spec.id,
                )
            )
    return found
