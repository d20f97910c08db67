"""What can be learnt now, what a topic unlocks, and why a topic matters. Pure, no I/O.

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each
field annotation given as a string (see ``studyplan.domain.catalog``).
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from studyplan.domain.catalog import Catalog
from studyplan.domain.closure import satisfied_closure
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.status import Status

if TYPE_CHECKING:  # the planner only when a plan is asked for (not on ``next``'s start-up)
    from studyplan.domain.planner import Link


class NextTopic(NamedTuple):
    topic_id: str
    status: str  # Status.TODO or Status.STARTED


def next_topics(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    statuses: Mapping[str, str],
    goals: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[NextTopic]:
    """Topics whose prerequisites are all done or known (in plan order when ``goals`` is
    given, else across all curricula in declared order); in-progress topics first.
    Milestones are never offered: they are checkpoints, reached through their parts."""
    milestones = catalog.topics.milestones()
    have = set(satisfied_closure(graph, statuses, milestones))
    skipped = {t for t, s in statuses.items() if s == Status.SKIPPED}
    if goals is not None:
        from studyplan.domain.planner import build_plan

        candidates = build_plan(catalog, goals, statuses, graph).topic_ids
    else:
        candidates = [t for t in graph.ids if t not in have and t not in skipped]
    if milestones:
        index = graph.index
        candidates = [t for t in candidates if index[t] not in milestones]
    ready = [t for t in candidates if all(p in have for p in graph.requires[t])]
    started = [t for t in ready if statuses.get(t) == Status.STARTED]
    result = [NextTopic(t, Status.STARTED) for t in started] + [
        NextTopic(t, Status.TODO) for t in ready if t not in started
    ]
    return result[:limit] if limit is not None else result


class Unlocks(NamedTuple):
    direct: list[str]
    transitive: list[str]
    startable: list[str]


def unlocks(
    graph: PrerequisiteGraph,
    topic_id: str,
    statuses: Mapping[str, str],
    milestones: Mapping[int, Sequence[int]] | None = None,
) -> Unlocks:
    """What finishing ``topic_id`` enables; ``startable``: those whose prerequisites would
    then all be satisfied (a milestone counts once its parts are)."""
    direct, transitive = graph.unlocks(topic_id)
    have = set(satisfied_closure(graph, {**statuses, topic_id: Status.DONE}, milestones))
    startable = [
        t for t in transitive if t not in have and all(p in have for p in graph.requires[t])
    ]
    return Unlocks(direct, transitive, startable)


def chain_to(
    graph: PrerequisiteGraph, catalog: Catalog, topic_id: str, goal: str
) -> "tuple[Link, ...] | None":
    """The chain of prerequisite edges from ``topic_id`` up to ``goal``, with reasons, by
    the plan's rule (shortest; ties to the earliest-declared topic), so ``studyplan why``
    and the plan for that goal explain a step alike. None when the goal does not need it."""
    if topic_id == goal:
        return ()
    tree = graph.why_tree([goal], set())
    if tree.links(topic_id) < 0:
        return None
    from studyplan.domain.planner import chain_links

    return chain_links(tree.chain(topic_id), catalog.topics.reasons)


def goals_needing(graph: PrerequisiteGraph, catalog: Catalog, topic_id: str) -> list[str]:
    """Goal topics (``goal: true``) whose closure contains ``topic_id``, in declared order."""
    above = graph.descendants(topic_id)
    return [t for t in graph.ids if catalog.topics[t].goal and t in above]


def nearest_goals(
    graph: PrerequisiteGraph, catalog: Catalog, topic_id: str, goals: Sequence[str] | None = None
) -> list[str]:
    """The goals (default: every ``goal: true`` topic) that need ``topic_id``, nearest
    first: fewest prerequisite links from it, ties in declared order. The topic itself
    comes first when it is one of them."""
    dist = graph.links_up(topic_id)
    index = graph.index
    if goals is None:
        table = catalog.topics
        ids = graph.ids
        found = [i for i in dist if table[ids[i]].goal]
    else:
        found = [index[g] for g in goals if g in index and index[g] in dist]
    found.sort(key=lambda i: (dist[i], i))
    return [graph.ids[i] for i in found]
