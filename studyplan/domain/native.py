"""The planner's graph passes for large catalogs, run in rustworkx. Pure: no I/O.

``graph.py`` does the same work in plain Python; that is faster for a curriculum of a few
thousand topics, and in a single run up to ``NATIVE_COLD_MIN_TOPICS``;
``PrerequisiteGraph.native_pays`` decides (figures: benchmarks/RESULTS.md, from
``benchmarks/bench_planner.py``). Both give identical results, and a property test holds
them to it.

What rustworkx returns (a depth-first tree, breadth-first layers) is turned into the
post-order and the why-tree either with numpy (no loop over nodes in Python) or with one
plain loop over it. numpy is used only when it is already loaded (a long-running
process): importing it costs a single ``plan`` run more than the loops it saves, even on
100k topics (``benchmarks/bench_planner.py``). ``arrays`` forces one or the other.

Nodes are indices into the graph's declared-order id list. The *planning graph* has an
edge from each topic to each of its prerequisites, added in declared order, which is the
order rustworkx's depth-first search visits them in.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import rustworkx as rx

IntArray = Any  # numpy.ndarray of int64; numpy's own generics add nothing here


def planning_graph(node_count: int, sources: Sequence[int], targets: Sequence[int]) -> Any:
    """A rustworkx graph of ``node_count`` nodes with the edges ``sources[k] -> targets[k]``
    (a topic -> its prerequisite), added in that order."""
    graph = rx.PyDiGraph(multigraph=True, node_count_hint=node_count + 1)
    graph.add_nodes_from(range(node_count))
    graph.add_edges_from_no_data(list(zip(sources, targets, strict=True)))
    return graph


def is_acyclic(graph: Any) -> bool:
    return bool(rx.is_directed_acyclic_graph(graph))


def with_arrays(arrays: bool | None = None) -> bool:
    """Whether the passes below use numpy: as asked, else when it is already loaded."""
    return "numpy" in sys.modules if arrays is None else arrays


def edge_arrays(sources: Sequence[int], targets: Sequence[int]) -> tuple[IntArray, IntArray]:
    import numpy as np

    return np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)


def _without(graph: Any, blocked: Sequence[int], *, copy: bool = False) -> Any:
    """``graph`` without the ``blocked`` nodes (indices stay as they are): a copy when
    there are any, or when the caller will change it."""
    if not blocked and not copy:
        return graph
    work = graph.copy()
    if blocked:
        work.remove_nodes_from(list(blocked))
    return work


def closure(graph: Any, sources: Sequence[int], avoid: Sequence[int] = ()) -> list[int]:
    """The sources and everything they require, transitively, by paths that never enter
    an ``avoid`` node."""
    if not sources:
        return []
    layers = rx.digraph_bfs_layers(_without(graph, avoid), list(sources))
    return [node for layer in layers for node in layer]


def requirers(graph: Any, sources: Sequence[int]) -> list[int]:
    """The sources and everything that requires them, transitively (the planning graph's
    edges run from a topic to its prerequisites, so these are its ancestors)."""
    found = set(sources)
    for source in sources:
        found.update(rx.ancestors(graph, source))
    return sorted(found)


def postorder(
    graph: Any, goals: Sequence[int], blocked: Sequence[int], arrays: bool | None = None
) -> list[int]:
    """Depth-first post-order from the goals, in order, never entering ``blocked``.

    rustworkx gives the depth-first tree as edges in discovery order (a pre-order). Each
    edge's tail is on the current path, so the path's nodes above it are finished: one
    pass with a stack lists them in post-order (``_postorder_of``), or numpy does it
    without a Python loop (``_postorder_arrays``).
    """
    if len(goals) == 1 and not blocked:
        # One goal and nothing to avoid (a plan from scratch): the search runs on the
        # graph as it is, from the goal, which finishes last.
        root, work, keep_root = goals[0], graph, True
    else:
        work = _without(graph, blocked, copy=True)
        root = work.add_node(None)  # may reuse a removed node's index: all stays in range
        work.add_edges_from_no_data([(root, g) for g in goals])
        keep_root = False
    edges = rx.dfs_edges(work, root)
    if with_arrays(arrays):
        order = _postorder_arrays(graph, root, edges)
        listed: list[int] = (order if keep_root else order[:-1]).tolist()
        return listed
    return _postorder_of(root, edges, keep_root)


def _postorder_of(root: int, edges: Sequence[tuple[int, int]], keep_root: bool) -> list[int]:
    out: list[int] = []
    finish = out.append
    path = [root]
    top = path.pop
    grow = path.append
    for tail, head in edges:
        while path[-1] != tail:
            finish(top())
        grow(head)
    path.reverse()
    out += path
    if not keep_root:
        out.pop()  # the root finishes last
    return out


def _postorder_arrays(graph: Any, root: int, edges: Any) -> IntArray:
    """The post-order position of the node at pre-order position ``i`` is ``end[i] -
    depth[i]``, where ``end[i]`` is the last pre-order position in its subtree; both come
    from pointer doubling."""
    import numpy as np

    tree = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    size = len(tree) + 1
    nodes = np.empty(size, dtype=np.int64)
    nodes[0] = root
    nodes[1:] = tree[:, 1]
    position = np.empty(graph.num_nodes() + 1, dtype=np.int64)
    position[nodes] = np.arange(size)
    parent = np.zeros(size, dtype=np.int64)
    parent[1:] = position[tree[:, 0]]
    # end: follow each node's last child down to a leaf.
    end = np.arange(size)
    np.maximum.at(end, parent[1:], np.arange(1, size))
    while True:
        further = end[end]
        if np.array_equal(further, end):
            break
        end = further
    # depth: list ranking up the parent pointers (the root is its own parent, depth 0).
    depth = np.ones(size, dtype=np.int64)
    depth[0] = 0
    up = parent.copy()
    while up.any():
        depth += depth[up]
        up = up[up]
    order = np.empty(size, dtype=np.int64)
    order[end - depth] = nodes
    return order  # (the root, last)


def why_tree(
    graph: Any,
    sources: Any,
    targets: Any,
    goals: Sequence[int],
    blocked: Sequence[int],
) -> tuple[list[int], list[int], list[int]]:
    """For every node: (the node that needs it on a shortest chain to a goal, or -1; the
    length of that chain, or -1 outside the plan; the goal it leads to, or -1).

    Among equally short chains the link goes to the earliest-declared topic, as in
    ``graph.why_tree``. ``sources``/``targets`` are the links (topic -> prerequisite, by
    topic in declared order): numpy arrays (``edge_arrays``) make the pass use numpy,
    plain sequences one loop over them.
    """
    work = _without(graph, blocked)
    node_count = graph.num_nodes()
    layers = rx.digraph_bfs_layers(work, list(goals))
    if not hasattr(sources, "dtype"):
        return _why_tree_of(node_count, layers, sources, targets)
    import numpy as np

    distance = np.full(node_count, -1, dtype=np.int64)
    flat = [np.asarray(layer, dtype=np.int64) for layer in layers]
    for depth, layer in enumerate(flat):
        distance[layer] = depth
    source_distance = distance[sources]
    link = (source_distance >= 0) & (distance[targets] == source_distance + 1)
    up = np.full(node_count, node_count, dtype=np.int64)
    np.minimum.at(up, targets[link], sources[link])
    up[up == node_count] = -1
    goal = np.full(node_count, -1, dtype=np.int64)
    if flat:
        goal[flat[0]] = flat[0]
    for layer in flat[1:]:
        goal[layer] = goal[up[layer]]
    return up.tolist(), distance.tolist(), goal.tolist()


def _why_tree_of(
    node_count: int, layers: Sequence[Sequence[int]], sources: Any, targets: Any
) -> tuple[list[int], list[int], list[int]]:
    distance = [-1] * node_count
    for depth, layer in enumerate(layers):
        for node in layer:
            distance[node] = depth
    up = [-1] * node_count
    # The links come topic by topic in declared order. Walked backwards, the last link
    # written to a node, from one layer above, is the earliest-declared such topic: one
    # test per link (this loop is most of the pass on a large plan). A link from outside
    # the plan (distance -1) passes the test only into a goal (0), and goals have no link.
    for source, target in zip(reversed(sources), reversed(targets), strict=True):
        if distance[target] == distance[source] + 1:
            up[target] = source
    goal = [-1] * node_count
    if layers:
        for node in layers[0]:
            goal[node] = node
            up[node] = -1
    for layer in layers[1:]:
        for node in layer:
            goal[node] = goal[up[node]]
    return up, distance, goal
