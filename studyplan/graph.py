"""The prerequisite DAG: closure, order, cycles, frontier, unlocks. Pure: no I/O.

Nodes are topic ids; an edge runs from a prerequisite to the topic that needs it, so a
topic's *ancestors* are everything it requires and its *descendants* everything it
unlocks. The heavy lifting (cycle search, ancestors, descendants, topological sort) is
done by rustworkx, chosen by measurement (see the README's design notes and
``benchmarks/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def normalize(
    prerequisites: Mapping[str, Sequence[str]], index: Mapping[str, int]
) -> dict[str, tuple[str, ...]]:
    """Prerequisites that name a node, once each, in declared order: what makes the
    planner's depth-first walk deterministic and stable across edits of one file."""
    result: dict[str, tuple[str, ...]] = {}
    for tid, pres in prerequisites.items():
        known = [p for p in pres if p in index]
        if len(known) > 1:
            known = sorted(set(known), key=index.__getitem__)
        result[tid] = tuple(known)
    return result


class PrerequisiteGraph:
    """A directed graph over topic ids, built from ``topic -> [prerequisite, ...]``.

    The mapping's iteration order is the declared order, used to break every tie so that
    all results are deterministic. Prerequisites that name no node are ignored here (the
    validator reports them).
    """

    def __init__(
        self, prerequisites: Mapping[str, Sequence[str]], *, normalized: bool = False
    ) -> None:
        self.ids: list[str] = list(prerequisites)
        self.index: dict[str, int] = {tid: i for i, tid in enumerate(self.ids)}
        self._graph: Any = None
        if normalized:
            # Already known-only and in declared order (see ``normalize``): the cached
            # catalog keeps it that way so that a warm start skips the sorting.
            self.requires: Mapping[str, Sequence[str]] = prerequisites
            return
        self.requires = normalize(prerequisites, self.index)

    @property
    def _rx(self) -> Any:
        import rustworkx

        return rustworkx

    @property
    def rx_graph(self) -> Any:
        """The rustworkx graph, built on first use (closure and order do not need it)."""
        if self._graph is None:
            graph = self._rx.PyDiGraph(multigraph=False)
            graph.add_nodes_from(self.ids)
            index = self.index
            graph.add_edges_from_no_data(
                [(index[p], index[t]) for t, pres in self.requires.items() for p in pres]
            )
            self._graph = graph
        return self._graph

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self.index

    # -- cycles -------------------------------------------------------------------------

    def is_acyclic(self) -> bool:
        return bool(self._rx.is_directed_acyclic_graph(self.rx_graph))

    def find_cycles(self) -> list[list[str]]:
        """One cycle per strongly connected knot, each as ``[a, b, …, a]`` where every
        topic *requires* the next. Empty when the graph is a DAG."""
        if self.is_acyclic():
            return []
        cycles: list[list[str]] = []
        for tid, pres in self.requires.items():
            if tid in pres:
                cycles.append([tid, tid])
        for component in self._rx.strongly_connected_components(self.rx_graph):
            if len(component) < 2:
                continue
            sub = self.rx_graph.subgraph(sorted(component))
            edges = self._rx.digraph_find_cycle(sub, source=0)
            # Edges run prerequisite -> dependent; reverse to read "requires". The
            # subgraph keeps node payloads (the ids) but renumbers indices.
            ring: list[str] = [sub[a] for a, _ in reversed(edges)]
            start = min(range(len(ring)), key=lambda k: self.index[ring[k]])
            ring = ring[start:] + ring[:start]
            cycles.append([*ring, ring[0]])
        cycles.sort(key=lambda c: self.index[c[0]])
        return cycles

    # -- closure and order --------------------------------------------------------------

    def ancestors(self, topic_id: str) -> set[str]:
        """Everything ``topic_id`` requires, transitively (not itself)."""
        found = self.closure([topic_id])
        found.discard(topic_id)
        return found

    def descendants(self, topic_id: str) -> set[str]:
        """Everything that requires ``topic_id``, transitively (not itself)."""
        return {self.ids[i] for i in self._rx.descendants(self.rx_graph, self.index[topic_id])}

    def closure(self, topic_ids: Iterable[str]) -> set[str]:
        """The topics and all their prerequisites, transitively."""
        requires = self.requires
        seen: set[str] = set()
        stack = [t for t in topic_ids if t in requires]
        seen.update(stack)
        while stack:
            for pre in requires[stack.pop()]:
                if pre not in seen:
                    seen.add(pre)
                    stack.append(pre)
        return seen

    def covering(self, topic_ids: Sequence[str]) -> dict[str, str]:
        """Each topic in the closure of ``topic_ids`` -> the first of them (in the order
        given) that requires it, or itself."""
        requires = self.requires
        by: dict[str, str] = {}
        for source in topic_ids:
            if source in by or source not in requires:
                continue
            by[source] = source
            stack = [source]
            while stack:
                for pre in requires[stack.pop()]:
                    if pre not in by:
                        by[pre] = source
                        stack.append(pre)
        return by

    def topological_order(self, subset: Iterable[str] | None = None) -> list[str]:
        """Prerequisites first; ties broken by declared order. Requires a DAG."""
        if subset is None:
            order = self._rx.lexicographical_topological_sort(
                self.rx_graph, key=lambda node: f"{self.index[node]:012d}"
            )
            return list(order)
        wanted = set(subset)
        return [t for t in self.topological_order() if t in wanted]

    def postorder(
        self, goals: Sequence[str], skip: set[str] | frozenset[str] = frozenset()
    ) -> list[str]:
        """Depth-first post-order from the goals (Metacademy's learning-plan order).

        A topic comes after all of its prerequisites, and a chain of prerequisites stays
        together instead of being interleaved breadth-first with unrelated subjects.
        Topics in ``skip`` are neither listed nor descended into. Requires a DAG.
        """
        requires = self.requires
        visited: set[str] = set(skip)
        out: list[str] = []
        for goal in goals:
            if goal in visited:
                continue
            visited.add(goal)
            stack = [(goal, iter(requires[goal]))]
            while stack:
                node, pending = stack[-1]
                for pre in pending:
                    if pre not in visited:
                        visited.add(pre)
                        stack.append((pre, iter(requires[pre])))
                        break
                else:
                    stack.pop()
                    out.append(node)
        return out

    # -- what can be learnt ---------------------------------------------------------------

    def frontier(
        self, satisfied: set[str] | frozenset[str], within: Iterable[str] | None = None
    ) -> list[str]:
        """Topics not yet satisfied whose prerequisites all are, in declared order."""
        candidates = self.ids if within is None else within
        return [
            t
            for t in candidates
            if t not in satisfied and all(p in satisfied for p in self.requires[t])
        ]

    def direct_dependents(self, topic_id: str) -> list[str]:
        succ = self.rx_graph.successor_indices(self.index[topic_id])
        return [self.ids[i] for i in sorted(succ)]

    def unlocks(self, topic_id: str) -> tuple[list[str], list[str]]:
        """(direct dependents, all transitive dependents), both in declared order."""
        transitive = sorted(self.descendants(topic_id), key=self.index.__getitem__)
        return self.direct_dependents(topic_id), transitive
