"""The prerequisite DAG: closure, order, cycles, frontier, unlocks. Pure: no I/O.

Nodes are topic ids; an edge runs from a prerequisite to the topic that needs it, so a
topic's *ancestors* are everything it requires and its *descendants* everything it
unlocks. Cycle search, descendants and the topological sort are done by rustworkx,
chosen by measurement (see the docs/architecture.md and ``benchmarks/``). The planning
passes (closure, depth-first post-order, why-tree) work on topic indices: in plain Python
here for small graphs, in ``studyplan.domain.native`` (rustworkx) for large ones.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any


def known_links(
    prerequisites: Iterable[Iterable[str]], index: Mapping[str, int]
) -> tuple[array[int], array[int]]:
    """Each topic's prerequisites that name a node, once each, in declared order, as
    (topic index, prerequisite index) columns: what makes the planner's depth-first walk
    deterministic and stable across edits of one file."""
    sources: array[int] = array("l")
    targets: array[int] = array("l")
    for i, pres in enumerate(prerequisites):
        known = [index[p] for p in pres if p in index]
        if len(known) > 1:
            known = sorted(set(known))
        sources.extend([i] * len(known))
        targets.extend(known)
    return sources, targets


class WhyTree:
    """Why each topic of a plan is there: the topic that needs it on a shortest chain of
    prerequisite links up to the nearest goal, the chain's length and that goal.

    Among equally short chains, each link goes to the earliest-declared topic, so the
    explanation is deterministic and does not depend on how the search was run. Lists are
    by topic index; -1 means "none" (a goal has no ``up``; a topic outside the plan has no
    depth).
    """

    __slots__ = ("depth", "goal", "ids", "index", "up")

    # A plain class, not a dataclass: ``next`` and ``know`` build none at start-up.
    def __init__(
        self,
        ids: Sequence[str],
        index: Mapping[str, int],
        up: list[int],
        depth: list[int],
        goal: list[int],
    ) -> None:
        self.ids = ids
        self.index = index
        self.up = up
        self.depth = depth
        self.goal = goal

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WhyTree):
            return NotImplemented
        mine = (self.ids, self.index, self.up, self.depth, self.goal)
        return mine == (other.ids, other.index, other.up, other.depth, other.goal)

    __hash__ = None  # type: ignore[assignment]  # holds lists

    def needed_by(self, topic_id: str) -> str | None:
        up = self.up[self.index[topic_id]]
        return self.ids[up] if up >= 0 else None

    def goal_of(self, topic_id: str) -> str | None:
        goal = self.goal[self.index[topic_id]]
        return self.ids[goal] if goal >= 0 else None

    def links(self, topic_id: str) -> int:
        """How many prerequisite links lead from the topic to its goal (0 for a goal)."""
        return self.depth[self.index[topic_id]]

    def chain(self, topic_id: str, links: int | None = None) -> list[str]:
        """The topic, the topic that needs it, and so on up to the goal (or only the
        first ``links`` links of the way)."""
        node = self.index[topic_id]
        chain = [node]
        while (links is None or len(chain) <= links) and (node := self.up[node]) >= 0:
            chain.append(node)
        return [self.ids[n] for n in chain]


class PrerequisiteGraph:
    """A directed graph over topic ids, built from ``topic -> [prerequisite, ...]``.

    The mapping's iteration order is the declared order, used to break every tie so that
    all results are deterministic. Prerequisites that name no node are ignored here (the
    validator reports them).

    The planning passes (closure, post-order, why-tree) run in rustworkx
    (``studyplan.domain.native``; the why-tree's with numpy when it is loaded) or in plain
    Python;
    ``native`` forces one or the other. By default: natively from ``NATIVE_MIN_TOPICS``
    topics when numpy is already loaded (a long-running process), else only from
    ``NATIVE_COLD_MIN_TOPICS``: below that, importing rustworkx and reading its graph cost
    a single run more than the plain-Python passes. The thresholds come from
    ``benchmarks/bench_planner.py`` (figures: benchmarks/RESULTS.md).
    """

    NATIVE_MIN_TOPICS = 3_000
    NATIVE_COLD_MIN_TOPICS = 100_000
    _requires: dict[str, tuple[str, ...]] | None

    def __init__(
        self, prerequisites: Mapping[str, Sequence[str]], *, native: bool | None = None
    ) -> None:
        ids = list(prerequisites)
        index = {tid: i for i, tid in enumerate(ids)}
        self._setup(ids, index, known_links(prerequisites.values(), index), native)

    @classmethod
    def from_links(
        cls,
        ids: Sequence[str],
        index: Mapping[str, int],
        links: tuple[Sequence[int], Sequence[int]],
        *,
        native: bool | None = None,
        planning_graph: Callable[[], Any] | None = None,
    ) -> PrerequisiteGraph:
        """From (topic position, prerequisite position) columns, already known-only, once
        each and in declared order, as the cached catalog keeps them: no sorting and no
        per-topic dict on a warm start. ``planning_graph``, if given, returns the same
        links as a ready rustworkx graph (or None)."""
        graph = cls.__new__(cls)
        graph._setup(ids, index, links, native)
        graph._planning_source = planning_graph
        return graph

    def _setup(
        self,
        ids: Sequence[str],
        index: Mapping[str, int],
        links: tuple[Sequence[int], Sequence[int]],
        native: bool | None,
    ) -> None:
        self.ids = ids
        self.index = index
        self.native = self.native_pays(len(ids)) if native is None else native
        self._graph: Any = None
        self._planning: Any = None
        self._planning_source: Callable[[], Any] | None = None
        self._edges = links
        self._edge_arrays: tuple[Any, Any] | None = None  # the links as numpy arrays (if loaded)
        self._requires = None
        self._requires_index: list[list[int]] | None = None
        self._required_by: list[list[int]] | None = None

    @classmethod
    def native_pays(cls, size: int) -> bool:
        """Whether the native passes are the faster choice for a graph of ``size`` topics."""
        if size >= cls.NATIVE_COLD_MIN_TOPICS:
            return True
        return size >= cls.NATIVE_MIN_TOPICS and "numpy" in sys.modules

    @property
    def requires(self) -> Mapping[str, Sequence[str]]:
        """Topic id -> prerequisite ids (known ones, once each, in declared order)."""
        if self._requires is None:
            ids = self.ids
            groups: list[list[str]] = [[] for _ in ids]
            for topic, pre in zip(*self.edges(), strict=True):
                groups[topic].append(ids[pre])
            self._requires = dict(zip(ids, map(tuple, groups), strict=True))
        return self._requires

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
            sources, targets = self.edges()
            graph.add_edges_from_no_data(list(zip(targets, sources, strict=True)))
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
        ids = self.ids
        return {ids[i] for i in self.closure_indices(topic_ids)}

    def covering(
        self, topic_ids: Sequence[str], avoid: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, str]:
        """Each topic in the closure of ``topic_ids`` -> the first of them (in the order
        given) that requires it, or itself; paths never enter an ``avoid`` topic (a gap
        the learner marked "not known")."""
        requires = self.requires
        by: dict[str, str] = {}
        for source in topic_ids:
            if source in by or source not in requires or source in avoid:
                continue
            by[source] = source
            stack = [source]
            while stack:
                for pre in requires[stack.pop()]:
                    if pre not in by and pre not in avoid:
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
        index = self.index
        blocked = {index[t] for t in skip if t in index}
        ids = self.ids
        return [ids[i] for i in self.postorder_indices(goals, blocked)]

    # -- planning passes, by index ------------------------------------------------------

    def edges(self) -> tuple[Sequence[int], Sequence[int]]:
        """Every prerequisite link as two columns, (topic index, prerequisite index), in
        declared order."""
        return self._edges

    def requires_index(self) -> list[list[int]]:
        """Prerequisite indices of each topic, by index, in declared order."""
        if self._requires_index is None:
            groups: list[list[int]] = [[] for _ in self.ids]
            for topic, pre in zip(*self.edges(), strict=True):
                groups[topic].append(pre)
            self._requires_index = groups
        return self._requires_index

    def _planning_graph(self) -> Any:
        if self._planning is None and self._planning_source is not None:
            self._planning = self._planning_source()
        if self._planning is None:
            from studyplan.domain import native

            self._planning = native.planning_graph(len(self.ids), *self.edges())
        return self._planning

    def closure_indices(
        self, topic_ids: Iterable[str], avoid: set[int] | frozenset[int] = frozenset()
    ) -> set[int]:
        """Indices of the topics and all their prerequisites, transitively, by paths that
        never enter an ``avoid`` index (nor start at one)."""
        index = self.index
        found = (index[t] for t in topic_ids if t in index)
        starts = [i for i in dict.fromkeys(found) if i not in avoid]
        if self.native:
            from studyplan.domain import native

            return set(native.closure(self._planning_graph(), starts, sorted(avoid)))
        requires = self.requires_index()
        seen = set(starts)
        seen.update(avoid)
        stack = list(starts)
        while stack:
            for pre in requires[stack.pop()]:
                if pre not in seen:
                    seen.add(pre)
                    stack.append(pre)
        return seen - avoid if avoid else seen

    def requirers_indices(self, topic_ids: Iterable[int]) -> set[int]:
        """Indices of the topics and everything that requires them, transitively."""
        starts = list(dict.fromkeys(topic_ids))
        if self.native:
            from studyplan.domain import native

            return set(native.requirers(self._planning_graph(), starts))
        if self._required_by is None:
            groups: list[list[int]] = [[] for _ in self.ids]
            for topic, pre in zip(*self.edges(), strict=True):
                groups[pre].append(topic)
            self._required_by = groups
        required_by = self._required_by
        seen = set(starts)
        stack = list(starts)
        while stack:
            for above in required_by[stack.pop()]:
                if above not in seen:
                    seen.add(above)
                    stack.append(above)
        return seen

    def _goal_indices(self, goals: Sequence[str], blocked: set[int]) -> list[int]:
        index = self.index
        found = (index[g] for g in goals if g in index)
        return [g for g in dict.fromkeys(found) if g not in blocked]

    def postorder_indices(self, goals: Sequence[str], blocked: set[int]) -> list[int]:
        """``postorder`` by index, never entering the ``blocked`` indices."""
        starts = self._goal_indices(goals, blocked)
        if self.native:
            from studyplan.domain import native

            return native.postorder(self._planning_graph(), starts, sorted(blocked))
        requires = self.requires_index()
        visited = set(blocked)
        out: list[int] = []
        for goal in starts:
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

    def why_tree(self, goals: Sequence[str], blocked: set[int]) -> WhyTree:
        """Shortest chains of prerequisite links from every topic the goals need (outside
        ``blocked``) up to a goal; see ``WhyTree``."""
        starts = self._goal_indices(goals, blocked)
        if self.native:
            from studyplan.domain import native

            sources, targets = self.edges()
            if native.with_arrays():
                if self._edge_arrays is None:
                    self._edge_arrays = native.edge_arrays(sources, targets)
                sources, targets = self._edge_arrays
            up, depth, goal = native.why_tree(
                self._planning_graph(), sources, targets, starts, sorted(blocked)
            )
            return WhyTree(self.ids, self.index, up, depth, goal)
        requires = self.requires_index()
        size = len(self.ids)
        depth = [-1] * size
        for g in starts:
            depth[g] = 0
        layers = [starts]
        while layers[-1]:
            below: list[int] = []
            level = len(layers)
            for node in layers[-1]:
                for pre in requires[node]:
                    if depth[pre] < 0 and pre not in blocked:
                        depth[pre] = level
                        below.append(pre)
            layers.append(below)
        up = [-1] * size
        for node in sorted(n for layer in layers for n in layer):  # earliest-declared first
            level = depth[node] + 1
            for pre in requires[node]:
                if up[pre] < 0 and depth[pre] == level:
                    up[pre] = node
        goal = [-1] * size
        for g in starts:
            goal[g] = g
        for layer in layers[1:]:
            for node in layer:
                goal[node] = goal[up[node]]
        return WhyTree(self.ids, self.index, up, depth, goal)

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

    def links_up(self, topic_id: str) -> dict[int, int]:
        """Every topic that requires ``topic_id`` (and itself, at 0) -> the fewest
        prerequisite links from ``topic_id`` up to it (breadth first)."""
        successors = self.rx_graph.successor_indices
        start = self.index[topic_id]
        dist = {start: 0}
        layer, depth = [start], 0
        while layer:
            depth += 1
            above = []
            for i in layer:
                for j in successors(i):
                    if j not in dist:
                        dist[j] = depth
                        above.append(j)
            layer = above
        return dist

    def direct_dependents(self, topic_id: str) -> list[str]:
        succ = self.rx_graph.successor_indices(self.index[topic_id])
        return [self.ids[i] for i in sorted(succ)]

    def unlocks(self, topic_id: str) -> tuple[list[str], list[str]]:
        """(direct dependents, all transitive dependents), both in declared order."""
        transitive = sorted(self.descendants(topic_id), key=self.index.__getitem__)
        return self.direct_dependents(topic_id), transitive
