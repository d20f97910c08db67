"""Problems inside one topic's spec that pydantic does not word by itself: the milestone
and learnable rules, and pointers (a check's source, an exercise) that must name one of
the topic's readings. Each problem carries the line of its field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studyplan.adapters.curriculum.alternatives import alternatives_problems
from studyplan.adapters.curriculum.yaml_lines import line_of
from studyplan.errors import Problem, did_you_mean

if TYPE_CHECKING:
    from studyplan.adapters.curriculum.loader import Source


def kind_problems(
    source: Source,
    node: Any,
    loc_prefix: tuple[str | int, ...],
    topic: str | None,
    err: Any,
) -> list[Problem]:
    """The milestone/learnable rules a topic breaks, each at its field's line."""
    return [
        Problem(
            source.label,
            message,
            hint,
            line=line_of(node, (*loc_prefix, name)),
            topic=topic,
        )
        for name, message, hint in err["ctx"]["problems"]
    ]


def pointer_problems(
    source: Source, node: Any, loc_prefix: tuple[str | int, ...], spec: Any
) -> list[Problem]:
    """A check's source and an exercise pointer must name one of the topic's readings."""
    keys = {r.key for r in spec.readings}
    found: list[Problem] = []
    pointers: list[tuple[tuple[str | int, ...], str]] = [
        ((*loc_prefix, "checks", k, "source"), c.source.key)
        for k, c in enumerate(spec.checks)
        if c.source is not None
    ]
    pointers += [((*loc_prefix, "exercises", k), e.key) for k, e in enumerate(spec.exercises)]
    for loc, key in pointers:
        if key not in keys:
            what = "check's source" if "checks" in loc else "exercise"
            found.append(
                Problem(
                    source.label,
                    f"{what} '{key}' is not one of this topic's readings",
                    did_you_mean(key, keys) or "add it to the readings or point at one of them",
                    line=line_of(node, loc),
                    topic=spec.id,
                )
            )
    found += alternatives_problems(source.label, node, loc_prefix, spec)
    return found
