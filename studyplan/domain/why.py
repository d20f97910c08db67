"""Why a topic is in your path (``studyplan why``): the goals it is explained against
(given, the active plan's, or the nearest that need it), the shortest chain of
prerequisites up to each, and where the topic itself stands. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studyplan.domain.status import Status

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog, Topic
    from studyplan.domain.graph import PrerequisiteGraph
    from studyplan.domain.planner import Link

#: Without --all, a topic outside the active plan is explained against this many of
#: the nearest goals that need it; the others are only named.
NEAREST_GOALS = 3


@dataclass(frozen=True, slots=True)
class Why:
    topic: Topic
    goals: list[str]
    #: What the goals are: "the goals given", "plan 'NAME'", "its nearest goals", ...
    source: str
    #: The goals further away that need it too (not explained without --all).
    more: list[str]
    #: (goal, the chain of links from the topic up to it) for each goal that needs it.
    chains: list[tuple[str, tuple[Link, ...]]]
    mark: str | None
    #: The done or known topic whose closure covers it (itself when it is marked).
    covered_by: str | None
    standing: str

    def json(self) -> dict[str, Any]:
        """``why --json``."""
        return {
            "topic": self.topic.id,
            "status": self.mark or ("covered" if self.covered_by else "todo"),
            "covered_by": self.covered_by if self.covered_by != self.topic.id else None,
            "standing": self.standing,
            "chains": [
                {
                    "goal": goal,
                    "links": [
                        {"topic": ln.topic, "needed_by": ln.needed_by, "reason": ln.reason}
                        for ln in links
                    ],
                }
                for goal, links in self.chains
            ],
            "more_goals": self.more,
            "prerequisites": [{"id": p.id, "reason": p.reason} for p in self.topic.prerequisites],
        }


def explain(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    topic: Topic,
    statuses: Mapping[str, str],
    *,
    given: Sequence[str] | None = None,
    plan: tuple[str, Sequence[str]] | None = None,
    every: bool = False,
) -> Why:
    """Why ``topic`` is needed: by the ``given`` goals (resolved ids), else by the saved
    ``plan`` (name, goals), else by the goals that need it (the nearest few, or with
    ``every`` all of them)."""
    from studyplan.domain.frontier import chain_to, nearest_goals
    from studyplan.domain.planner import satisfied_closure

    more: list[str] = []
    if given:
        goals, source = list(given), "the goals given"
    elif plan is not None and plan[1]:
        goals, source = list(plan[1]), f"plan '{plan[0]}'"
    else:
        goals = nearest_goals(graph, catalog, topic.id)
        if not every:
            goals, more = goals[:NEAREST_GOALS], goals[NEAREST_GOALS:]
        source = "every goal that needs it" if every else "its nearest goals"
    chains = [
        (g, links) for g in goals if (links := chain_to(graph, catalog, topic.id, g)) is not None
    ]
    by = satisfied_closure(graph, statuses).get(topic.id)
    mark = statuses.get(topic.id)
    return Why(
        topic, goals, source, more, chains, mark, by, _standing(topic.id, mark, by, statuses)
    )


def _standing(topic_id: str, mark: str | None, by: str | None, statuses: Mapping[str, str]) -> str:
    if mark == Status.NOT_KNOWN:
        return "you marked it not known: it stays in every plan that needs it"
    if by is not None and by != topic_id:
        return f"covered: {by} ({statuses.get(by)}) requires it; 'dontknow' marks a gap"
    return mark or "todo"
