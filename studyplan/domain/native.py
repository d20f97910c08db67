"""The planner's graph passes for large catalogs, run in rustworkx. Pure: no I/O.

``graph.py`` does the same work in plain Python; that is faster for a curriculum of a few
thousand topics, and in a single run up to ``NATIVE_COLD_MIN_TOPICS``;
``PrerequisiteGraph.native_pays`` decides (figures: benchmarks/RESULTS.md, from
``benchmarks/bench_planner.py``). Both give identical results, and a property test holds
them to it.

The why-tree's breadth-first layers come from rustworkx too; the link to each topic is
then picked either with numpy (no loop over links in Python) or with one plain loop over
them. numpy is used only when it is already loaded (a long-running process): importing
it costs a single ``plan`` run more than the loop it saves, even on 100k topics
(``benchmarks/bench_planner.py``). The tests hand ``why_tree`` both kinds of links.

A planning graph keeps node 0 free for the walk's root: the topic at position ``p`` of the
declared-order id list is node ``p + 1`` (``SHIFT``). The functions here take and return
positions; only the graph and its edge list (``edge_list``) are in nodes. It has an edge
from each topic to each of its prerequisites, added in declared order.

The post-order is the order a depth-first search from the root finishes the nodes in,
with an edge from the root to each goal: the nodes that finish before the root. For a
large plan it comes from rustworkx's topological sort, which is a depth-first search
started from each node in index order, visiting a node's edges in the order they were
added, and listing the nodes in reverse of the order they finish: the root, node 0,
starts first. A small one follows rustworkx's depth-first tree from the root.
tests/test_graph.py holds both, on random graphs, to the plain-Python walk in
``graph.py``: rustworkx does not promise this order, so an upgrade that changed it fails
there (and ``pyproject.toml`` pins the minor version). The root's edges exist only
while a pass uses them (``_root_edges``): the graph is shared by the passes.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterator, Sequence
from typing import Any, cast

import rustworkx as rx
from rustworkx import visit

IntArray = Any  # numpy.ndarray of int64; numpy's own generics add nothing here

ROOT = 0  # the node kept for the walk's root
SHIFT = 1  # the topic at position p is node p + SHIFT


def planning_graph(node_count: int, sources: Sequence[int], targets: Sequence[int]) -> Any:
    """The planning graph of ``node_count`` topics with the links ``sources[k] ->
    targets[k]`` (a topic's position -> its prerequisite's), added in that order."""
    graph = rx.PyDiGraph(multigraph=True, node_count_hint=node_count + SHIFT)
    graph.add_nodes_from(range(node_count + SHIFT))
    graph.add_edges_from_no_data(
        [(s + SHIFT, t + SHIFT) for s, t in zip(sources, targets, strict=True)]
    )
    return graph


def edge_list(sources: Sequence[int], targets: Sequence[int]) -> str:
    """The planning graph's edges as rustworkx's edge-list text (``as_planning_graph``)."""
    return "".join([f"{s + SHIFT} {t + SHIFT}\n" for s, t in zip(sources, targets, strict=True)])


def as_planning_graph(graph: Any, node_count: int, link_count: int) -> Any:
    """``graph``, read from an ``edge_list`` text, made the planning graph of
    ``node_count`` topics (in place: the topics without a link are added at the end), or
    None when it does not have ``link_count`` links or has more than ``node_count +
    SHIFT`` nodes."""
    size = node_count + SHIFT
    if graph.num_edges() != link_count or graph.num_nodes() > size:
        return None
    graph.add_nodes_from([None] * (size - graph.num_nodes()))
    return graph


def is_acyclic(graph: Any) -> bool:
    return bool(rx.is_directed_acyclic_graph(graph))


def with_arrays() -> bool:
    """Whether the why-tree's pass uses numpy: when it is already loaded."""
    return "numpy" in sys.modules


def edge_arrays(sources: Sequence[int], targets: Sequence[int]) -> tuple[IntArray, IntArray]:
    import numpy as np

    return np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)


def _nodes(positions: Sequence[int]) -> list[int]:
    return [p + SHIFT for p in positions]


def _without(graph: Any, blocked: Sequence[int]) -> Any:
    """``graph`` without the topics at the ``blocked`` positions (node indices stay as
    they are): a copy when there are any."""
    if not blocked:
        return graph
    work = graph.copy()
    work.remove_nodes_from(_nodes(blocked))
    return work


def closure(graph: Any, sources: Sequence[int], avoid: Sequence[int] = ()) -> list[int]:
    """The sources and everything they require, transitively, by paths that never enter
    an ``avoid`` position."""
    if not sources:
        return []
    layers = rx.digraph_bfs_layers(_without(graph, avoid), _nodes(sources))
    return [node - SHIFT for layer in layers for node in layer]


@contextlib.contextmanager
def _root_edges(graph: Any, edges: list[tuple[int, int]]) -> Iterator[Any]:
    """``graph`` with ``edges`` (each from or to ``ROOT``) for the block, and no edge at
    ``ROOT`` after it, even when one of them is refused."""
    try:
        graph.add_edges_from_no_data(edges)
        yield graph
    finally:
        for edge in list(graph.incident_edges(ROOT, all_edges=True)):
            graph.remove_edge_from_index(edge)


def requirers(graph: Any, sources: Sequence[int]) -> list[int]:
    """The sources and everything that requires them, transitively (the planning graph's
    edges run from a topic to its prerequisites, so these are its ancestors): in one
    search, as the ancestors of the root with a link from every source to it (one search
    per source walked most of a 100k graph fifty times for fifty gaps)."""
    if not sources:
        return []
    with _root_edges(graph, [(s + SHIFT, ROOT) for s in sources]):
        found = rx.ancestors(graph, ROOT)
    return sorted([node - SHIFT for node in found])


# A walk of at most 1/SEARCHED_SHARE of the catalog's topics follows rustworkx's
# depth-first search (its tree edges, then a Python stack pass, ~0.3 us a topic); a
# larger one comes from its topological sort, which calls no Python but visits every node
# of the catalog (~0.15 us a node with the reversal). A search that stops past the limit
# tells which, at ~0.4 us a topic it finds: so a small plan on a large catalog costs what
# its own topics do (35 of 100k topics: 0.8 -> 0.1 ms), and the 100k plan about 0.8x
# what the tree edges and the stack pass took (in process, interleaved).
SEARCHED_SHARE = 16


class _Reach(visit.DFSVisitor):
    """Counts the nodes a search finds; stops it once there are more than ``limit``."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def discover_vertex(self, v: int, t: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise visit.StopSearch


def postorder(graph: Any, goals: Sequence[int], blocked: Sequence[int]) -> list[int]:
    """Depth-first post-order from the goals, in order, never entering ``blocked``
    (positions in, positions out): with an edge from the root to each goal, what
    finishes before the root (see the module's note; ``SEARCHED_SHARE`` for how)."""
    with _root_edges(_without(graph, blocked), [(ROOT, g + SHIFT) for g in goals]) as work:
        reach = _Reach(work.num_nodes() // SEARCHED_SHARE)
        with contextlib.suppress(visit.StopSearch):  # (rustworkx lets it out at the root)
            rx.dfs_search(work, [ROOT], reach)
        if reach.left >= 0:
            finished = _finish_order(rx.dfs_edges(work, ROOT))
        else:
            # (Slicing NodeIndices gives a list, whatever the stubs say.)
            finished = cast("list[int]", rx.topological_sort(work)[::-1])
    del finished[finished.index(ROOT) :]
    return [node - SHIFT for node in finished]


def _finish_order(edges: Sequence[tuple[int, int]]) -> list[int]:
    """The nodes of a depth-first tree from ``ROOT``, given as its edges in discovery
    order, in the order they finish: each edge's tail is on the current path, so the
    path's nodes above it are finished."""
    out: list[int] = []
    finish = out.append
    path = [ROOT]
    top = path.pop
    grow = path.append
    for tail, head in edges:
        while path[-1] != tail:
            finish(top())
        grow(head)
    path.reverse()
    out += path
    return out


def why_tree(
    graph: Any,
    sources: Any,
    targets: Any,
    goals: Sequence[int],
    blocked: Sequence[int],
) -> tuple[list[int], list[int], list[int]]:
    """For every position: (the topic that needs it on a shortest chain to a goal, or -1;
    the length of that chain, or -1 outside the plan; the goal it leads to, or -1).

    Among equally short chains the link goes to the earliest-declared topic, as in
    ``graph.why_tree``. ``sources``/``targets`` are the links (topic -> prerequisite, by
    topic in declared order): numpy arrays (``edge_arrays``) make the pass use numpy,
    plain sequences one loop over them.
    """
    layers = rx.digraph_bfs_layers(_without(graph, blocked), _nodes(goals))
    size = graph.num_nodes() - SHIFT
    if not hasattr(sources, "dtype"):
        return _why_tree_of(size, layers, sources, targets)
    import numpy as np

    # Every layer's nodes in one array, each with its depth (a numpy call per layer
    # was most of the pass on a deep plan of 10k topics).
    sizes = [len(layer) for layer in layers]
    nodes = np.fromiter(itertools.chain.from_iterable(layers), np.int64, sum(sizes)) - SHIFT
    distance = np.full(size, -1, dtype=np.int64)
    distance[nodes] = np.repeat(np.arange(len(sizes)), sizes)
    source_distance = distance[sources]
    link = (source_distance >= 0) & (distance[targets] == source_distance + 1)
    up = np.full(size, size, dtype=np.int64)
    np.minimum.at(up, targets[link], sources[link])
    up[up == size] = -1
    if len(goals) == 1:  # (the goal of everything in the plan)
        goal = np.where(distance >= 0, goals[0], -1)
    else:
        goal = np.full(size, -1, dtype=np.int64)
        ends = np.cumsum(sizes)
        for start, end in zip(ends - sizes, ends, strict=True):
            layer = nodes[start:end]
            goal[layer] = layer if start == 0 else goal[up[layer]]
    return up.tolist(), distance.tolist(), goal.tolist()


def _why_tree_of(
    size: int, layers: Sequence[Sequence[int]], sources: Any, targets: Any
) -> tuple[list[int], list[int], list[int]]:
    """``why_tree`` by plain loops, from the layers' nodes (positions + ``SHIFT``)."""
    distance = [-1] * (size + SHIFT)
    for depth, layer in enumerate(layers):
        for node in layer:
            distance[node] = depth
    del distance[:SHIFT]  # by position from here on
    up = [-1] * size
    # The links come topic by topic in declared order. Walked backwards, the last link
    # written to a topic, from one layer above, is the earliest-declared such topic: one
    # test per link (this loop is most of the pass on a large plan). A link from outside
    # the plan (distance -1) passes the test only into a goal (0), and goals have no link.
    for source, target in zip(reversed(sources), reversed(targets), strict=True):
        if distance[target] == distance[source] + 1:
            up[target] = source
    goals = layers[0] if layers else []
    for node in goals:
        up[node - SHIFT] = -1
    if len(goals) == 1:  # one goal: what the plan holds leads to it
        only = goals[0] - SHIFT
        return up, distance, [-1 if d < 0 else only for d in distance]
    goal = [-1] * size
    for node in goals:
        goal[node - SHIFT] = node - SHIFT
    for layer in layers[1:]:
        for node in layer:
            position = node - SHIFT
            goal[position] = goal[up[position]]
    return up, distance, goal
