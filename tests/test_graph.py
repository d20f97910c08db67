"""The pure graph core: closure, order, cycles, frontier, unlocks, with property tests."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.domain.graph import PrerequisiteGraph


def diamond() -> PrerequisiteGraph:
    # a <- b, a <- c, (b, c) <- d, e stands alone
    return PrerequisiteGraph({"a": [], "b": ["a"], "c": ["a"], "d": ["c", "b"], "e": []})


def test_closure_and_ancestors() -> None:
    g = diamond()
    assert g.ancestors("d") == {"a", "b", "c"}
    assert g.closure(["d", "e"]) == {"a", "b", "c", "d", "e"}
    assert g.closure([]) == set()


def test_topological_order_breaks_ties_by_declared_order() -> None:
    assert diamond().topological_order() == ["a", "b", "c", "d", "e"]
    assert diamond().topological_order(["d", "b"]) == ["b", "d"]


@pytest.mark.parametrize("native", [False, True], ids=["python", "native"])
def test_postorder_keeps_chains_together_and_skips_known(native: bool) -> None:
    g = PrerequisiteGraph(
        {"p1": [], "p2": ["p1"], "q1": [], "q2": ["q1"], "goal": ["q2", "p2"]}, native=native
    )
    # Prerequisites are visited in declared order (p before q), depth first.
    assert g.postorder(["goal"]) == ["p1", "p2", "q1", "q2", "goal"]
    assert g.postorder(["goal"], skip={"p2"}) == ["q1", "q2", "goal"]
    assert g.postorder(["q2", "goal", "q2"]) == ["q1", "q2", "p1", "p2", "goal"]


@pytest.mark.parametrize("native", [False, True], ids=["python", "native"])
def test_why_tree_takes_the_shortest_chain_to_the_nearest_goal(native: bool) -> None:
    g = PrerequisiteGraph(
        {
            "base": [],
            "long1": ["base"],
            "long2": ["long1"],
            "mid_b": ["base"],
            "mid_a": ["base"],
            "goal": ["long2", "mid_a", "mid_b"],
            "other": ["long1"],
        },
        native=native,
    )
    tree = g.why_tree(["goal", "other"], set())
    # base is two links from goal through mid_a or mid_b (mid_b is declared first) and
    # two from other through long1: the earliest-declared of those is long1.
    assert tree.chain("base") == ["base", "long1", "other"]
    assert tree.chain("mid_a") == ["mid_a", "goal"]
    assert tree.links("long2") == 1 and tree.goal_of("long2") == "goal"
    assert tree.needed_by("goal") is None and tree.links("goal") == 0
    blocked = {g.index["long1"]}
    assert g.why_tree(["goal", "other"], blocked).chain("base") == ["base", "mid_b", "goal"]


def test_frontier_and_unlocks() -> None:
    g = diamond()
    assert g.frontier(set()) == ["a", "e"]
    assert g.frontier({"a"}) == ["b", "c", "e"]
    assert g.frontier({"a", "b", "c"}, within=["d"]) == ["d"]
    assert g.unlocks("a") == (["b", "c"], ["b", "c", "d"])
    assert g.unlocks("d") == ([], [])


def test_cycles_are_found_and_printed_in_requires_direction() -> None:
    g = PrerequisiteGraph({"a": ["c"], "b": ["a"], "c": ["b"], "d": [], "e": ["e"]})
    assert not g.is_acyclic()
    assert g.find_cycles() == [["a", "c", "b", "a"], ["e", "e"]]
    assert diamond().find_cycles() == []


def test_unknown_prerequisites_are_ignored_by_the_graph() -> None:
    g = PrerequisiteGraph({"a": ["nowhere"]})
    assert g.ancestors("a") == set()


@st.composite
def dags(draw: st.DrawFn) -> dict[str, list[str]]:
    n = draw(st.integers(min_value=1, max_value=40))
    names = [f"t{i}" for i in range(n)]
    # Only edges to earlier nodes in a random permutation: always acyclic.
    perm = draw(st.permutations(names))
    rank = {name: i for i, name in enumerate(perm)}
    graph: dict[str, list[str]] = {}
    for name in names:
        earlier = [m for m in names if rank[m] < rank[name]]
        graph[name] = (
            draw(st.lists(st.sampled_from(earlier), max_size=4, unique=True)) if earlier else []
        )
    return graph


@given(dags())
def test_random_dags_order_prerequisites_first(edges: dict[str, list[str]]) -> None:
    g = PrerequisiteGraph(edges)
    assert g.is_acyclic() and g.find_cycles() == []
    for order in (g.topological_order(), g.postorder(list(edges))):
        pos = {t: i for i, t in enumerate(order)}
        assert sorted(order) == sorted(edges)
        for topic, pres in edges.items():
            assert all(pos[p] < pos[topic] for p in pres)


@given(dags(), st.data())
def test_closure_is_closed_under_prerequisites(
    edges: dict[str, list[str]], data: st.DataObject
) -> None:
    g = PrerequisiteGraph(edges)
    goals = data.draw(st.lists(st.sampled_from(sorted(edges)), max_size=3))
    closure = g.closure(goals)
    assert set(goals) <= closure
    for topic in closure:
        assert set(edges[topic]) <= closure
    assert set(g.postorder(goals)) == closure


@given(dags(), st.data())
def test_planted_cycle_is_always_rejected_with_that_cycle(
    edges: dict[str, list[str]], data: st.DataObject
) -> None:
    # Plant a ring of fresh topics hung onto the DAG; it must be reported exactly.
    size = data.draw(st.integers(min_value=1, max_value=6))
    ring = [f"c{i}" for i in range(size)]
    anchor = data.draw(st.sampled_from(sorted(edges)))
    planted = {name: [ring[(i + 1) % size]] for i, name in enumerate(ring)}
    planted[ring[0]].append(anchor)
    g = PrerequisiteGraph({**edges, **planted})
    cycles = g.find_cycles()
    assert len(cycles) == 1
    cycle = cycles[0]
    assert cycle[0] == cycle[-1] == "c0"
    assert cycle[:-1] == ring
    for here, needed in itertools.pairwise(cycle):
        assert needed in {**edges, **planted}[here]


@given(dags(), st.data())
def test_native_and_python_passes_agree(edges: dict[str, list[str]], data: st.DataObject) -> None:
    names = sorted(edges)
    goals = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4))
    have = data.draw(st.lists(st.sampled_from(names), max_size=4))
    skipped = data.draw(st.lists(st.sampled_from(names), max_size=2))
    graphs = [PrerequisiteGraph(edges, native=flag) for flag in (False, True)]
    results = []
    for g in graphs:
        blocked = g.closure_indices(have) | {g.index[t] for t in skipped}
        tree = g.why_tree(goals, blocked)
        results.append(
            (
                g.closure_indices(goals),
                g.postorder_indices(goals, blocked),
                tree.up,
                tree.depth,
                tree.goal,
            )
        )
    assert results[0] == results[1]
    plan = results[0][1]
    assert {i for i, d in enumerate(results[0][3]) if d >= 0} == set(plan)


@given(dags(), st.data())
def test_native_passes_agree_with_and_without_numpy(
    edges: dict[str, list[str]], data: st.DataObject
) -> None:
    # A single CLI run does not import numpy (it costs more than it saves there): the
    # why-tree's pass then runs as a plain loop, and must give what numpy gives.
    from studyplan.domain import native

    names = sorted(edges)
    g = PrerequisiteGraph(edges, native=True)
    goals = [g.index[t] for t in data.draw(st.lists(st.sampled_from(names), min_size=1))]
    goals = list(dict.fromkeys(goals))
    blocked = sorted({g.index[t] for t in data.draw(st.lists(st.sampled_from(names)))} - set(goals))
    planning = g._planning_graph()
    sources, targets = g.edges()
    trees = [
        native.why_tree(planning, *native.edge_arrays(sources, targets), goals, blocked),
        native.why_tree(planning, sources, targets, goals, blocked),
    ]
    assert trees[0] == trees[1]


@given(dags(), st.data())
def test_both_native_post_orders_are_the_plain_walk(
    edges: dict[str, list[str]], data: st.DataObject
) -> None:
    # A small walk follows the depth-first tree, a large one the topological sort
    # (native.SEARCHED_SHARE decides); each way is forced, and limits between.
    from studyplan.domain import native

    names = sorted(edges)
    goals = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4))
    have = data.draw(st.lists(st.sampled_from(names), max_size=4))
    fast, plain = (PrerequisiteGraph(edges, native=flag) for flag in (True, False))
    blocked = plain.closure_indices(have)
    expected = plain.postorder_indices(goals, blocked)
    saved = native.SEARCHED_SHARE
    try:
        for share in (10**9, len(names), 2, 1):  # at most none, one, half, all of them
            native.SEARCHED_SHARE = share
            assert fast.postorder_indices(goals, blocked) == expected, share
    finally:
        native.SEARCHED_SHARE = saved


def test_the_native_post_order_leaves_the_shared_graph_as_it_was() -> None:
    # The post-order adds edges from the root to the goals on the graph the other passes
    # share, and takes them off again, even when a goal is refused.
    from studyplan.domain import native

    graph = native.planning_graph(4, [1, 2, 3], [0, 1, 2])  # 3 -> 2 -> 1 -> 0
    edges = graph.edge_list()
    assert native.postorder(graph, [3], []) == [0, 1, 2, 3]
    with pytest.raises(IndexError):
        native.postorder(graph, [2, 99], [])
    assert graph.edge_list() == edges
    assert native.requirers(graph, [1]) == [1, 2, 3]  # no root among them


@pytest.mark.slow
def test_the_native_passes_of_a_single_run_import_no_numpy() -> None:
    # Importing numpy costs a single plan on 100k topics more than the loops it saves.
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from studyplan.domain.graph import PrerequisiteGraph\n"
        "g = PrerequisiteGraph({'a': [], 'b': ['a'], 'c': ['b', 'a']}, native=True)\n"
        "assert g.postorder(['c']) == ['a', 'b', 'c']\n"
        "assert g.why_tree(['c'], set()).chain('a') == ['a', 'c']\n"
        "print('numpy' in sys.modules, 'rustworkx' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "True"]


def test_the_native_passes_are_chosen_where_they_pay(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    small, mid, big = 2_999, 10_000, PrerequisiteGraph.NATIVE_COLD_MIN_TOPICS
    monkeypatch.delitem(sys.modules, "numpy", raising=False)
    assert [PrerequisiteGraph.native_pays(n) for n in (small, mid, big)] == [False, False, True]
    monkeypatch.setitem(sys.modules, "numpy", object())  # a long-running process has it
    assert [PrerequisiteGraph.native_pays(n) for n in (small, mid, big)] == [False, True, True]
    assert PrerequisiteGraph({"a": []}, native=True).native  # asked for, whatever the size
