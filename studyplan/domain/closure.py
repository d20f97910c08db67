"""The one rule of what a learner has got, and the catalog's prerequisite graph.

Kept apart from the planner (which re-exports all of it) so that ``next``, an everyday
command, loads the rule without the planner's records. Pure: no I/O.

The rule: the done and known topics and every prerequisite reachable from them by paths
that do not enter a topic marked not known (see ``studyplan.domain.planner``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.status import SATISFIED, Status

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog

NOT_KNOWN = Status.NOT_KNOWN


def graph_of(catalog: Catalog, *, native: bool | None = None) -> PrerequisiteGraph:
    """The catalog's prerequisite graph; its indices are the catalog's positions."""
    table = catalog.topics
    return PrerequisiteGraph.from_links(
        table.ids(),
        table.positions(),
        table.links(),
        native=native,
        planning_graph=catalog.planning_graph,
    )


def gaps(graph: PrerequisiteGraph, statuses: Mapping[str, str]) -> set[int]:
    """Indices of the topics marked not known."""
    index = graph.index
    return {index[t] for t, s in statuses.items() if s == NOT_KNOWN and t in index}


def covered_indices(graph: PrerequisiteGraph, statuses: Mapping[str, str]) -> set[int]:
    """The one rule: the done and known topics and every prerequisite reachable from them
    by paths that do not enter a topic marked not known."""
    have = [t for t, s in statuses.items() if s in SATISFIED]
    return graph.closure_indices(have, gaps(graph, statuses)) if have else set()


def satisfied_closure(
    graph: PrerequisiteGraph,
    statuses: Mapping[str, str],
    milestones: Mapping[int, Sequence[int]] | None = None,
) -> dict[str, str]:
    """Every topic the learner has got (``covered_indices``) -> the done/known topic that
    vouches for it (the first in declared order, so that "covered by" is deterministic).
    With ``milestones`` (``TopicTable.milestones()``), a milestone whose parts the learner
    has all got is got too, vouched for by itself."""
    have = [t for t in graph.ids if statuses.get(t) in SATISFIED] if statuses else []
    avoid = {t for t, s in statuses.items() if s == NOT_KNOWN}
    # A topic marked done/known vouches for itself even when an earlier one also covers it.
    by = graph.covering(have, avoid)
    by.update({t: t for t in have})
    if milestones:
        index, ids = graph.index, graph.ids
        reached = reached_milestones(milestones, {index[t] for t in by})
        by.update({ids[m]: ids[m] for m in sorted(reached)})
    return by


def reached_milestones(milestones: Mapping[int, Sequence[int]], have: set[int]) -> set[int]:
    """The milestones (position -> parts' positions) not in ``have`` whose parts all are
    in ``have`` or are such milestones themselves: checkpoints with nothing left to do."""
    reached: set[int] = set()
    pending = [m for m in milestones if m not in have]
    while pending:
        rest = [m for m in pending if not all(p in have or p in reached for p in milestones[m])]
        if len(rest) == len(pending):
            break
        reached.update(m for m in pending if m not in rest)
        pending = rest
    return reached
