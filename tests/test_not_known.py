"""The "not known" rule against a brute-force model, on random DAGs with random done,
known, not-known, skipped and started sets, in both engines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_planner import make_catalog

from helpers import Cli
from studyplan.domain.frontier import next_topics
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.planner import build_plan, covered_indices, graph_of, satisfied_closure

Case = tuple[dict[str, list[str]], dict[str, str], list[str]]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(min_value=1, max_value=25))
    names = [f"c.t{i}" for i in range(n)]
    edges = {
        name: draw(st.lists(st.sampled_from(names[:i]), max_size=3, unique=True)) if i else []
        for i, name in enumerate(names)
    }
    marks = st.sampled_from(["done", "known", "not-known", "not-known", "skipped", "started"])
    statuses = draw(st.dictionaries(st.sampled_from(names), marks, max_size=n))
    goals = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    return edges, statuses, goals


def model_covered(edges: dict[str, list[str]], statuses: dict[str, str]) -> set[str]:
    """Brute force: for every done/known topic, every path downwards that enters no
    not-known topic."""
    gaps = {t for t, s in statuses.items() if s == "not-known"}
    covered: set[str] = set()

    def walk(topic: str) -> None:
        covered.add(topic)
        for pre in edges[topic]:
            if pre not in gaps:
                walk(pre)

    for topic, status in statuses.items():
        if status in ("done", "known"):
            walk(topic)
    return covered


def model_plan(edges: dict[str, list[str]], statuses: dict[str, str], goals: list[str]) -> set[str]:
    """The goals' closure by paths that never enter a skipped topic, minus what is
    covered and what is skipped."""
    skipped = {t for t, s in statuses.items() if s == "skipped"}
    reach: set[str] = set()

    def walk(topic: str) -> None:
        if topic in skipped or topic in reach:
            return
        reach.add(topic)
        for pre in edges[topic]:
            walk(pre)

    for goal in goals:
        walk(goal)
    return reach - model_covered(edges, statuses) - skipped


@given(cases())
def test_covered_follows_the_rule_in_both_engines(case: Case) -> None:
    edges, statuses, _ = case
    expected = model_covered(edges, statuses)
    for native in (False, True):
        graph = PrerequisiteGraph(edges, native=native)
        got = {graph.ids[i] for i in covered_indices(graph, statuses)}
        assert got == expected
        assert set(satisfied_closure(graph, statuses)) == expected
    gaps = [i for i, t in enumerate(edges) if statuses.get(t) == "not-known"]
    engines = [PrerequisiteGraph(edges, native=flag) for flag in (False, True)]
    assert engines[0].requirers_indices(gaps) == engines[1].requirers_indices(gaps)


@given(cases())
def test_plan_is_the_closure_minus_what_is_covered(case: Case) -> None:
    edges, statuses, goals = case
    cat = make_catalog(edges)
    plans = [build_plan(cat, goals, statuses, graph_of(cat, native=n)) for n in (False, True)]
    plan = plans[0]
    assert set(plan.topic_ids) == model_plan(edges, statuses, goals)
    assert plans[1].topic_ids == plan.topic_ids
    assert [s.why for s in plans[1].steps] == [s.why for s in plan.steps]
    position = {t: k for k, t in enumerate(plan.topic_ids)}
    for tid in plan.topic_ids:
        assert all(position[p] < position[tid] for p in edges[tid] if p in position)
        step = plan.steps[position[tid]]
        assert step.goal or step.why[-1].needed_by in goals
        for link in step.why:
            assert link.topic in edges[link.needed_by]


@given(cases())
def test_next_never_offers_what_needs_a_gap(case: Case) -> None:
    edges, statuses, goals = case
    cat = make_catalog(edges)
    graph = graph_of(cat)
    have = model_covered(edges, statuses)
    for found in next_topics(cat, graph, statuses, goals):
        assert found.topic_id not in have
        assert all(p in have for p in edges[found.topic_id])


def test_the_issue_example() -> None:
    # gd needs svd and calculus; svd needs linear algebra, which calculus needs too.
    edges = {"c.la": [], "c.svd": ["c.la"], "c.calc": ["c.la"], "c.gd": ["c.svd", "c.calc"]}
    cat = make_catalog(edges)
    plan = build_plan(cat, ["c.gd"], {"c.gd": "known", "c.svd": "not-known"})
    assert plan.topic_ids == ["c.svd"]
    assert plan.steps[0].why[-1].needed_by == "c.gd"
    # Without the calculus path, linear algebra is reached only through the gap.
    edges["c.gd"] = ["c.svd"]
    plan = build_plan(make_catalog(edges), ["c.gd"], {"c.gd": "known", "c.svd": "not-known"})
    assert plan.topic_ids == ["c.la", "c.svd"]


def test_the_cli_marks_a_gap_and_every_view_follows(cli: Cli) -> None:
    assert cli("know", "mini.ib").stdout.count("covers 4 topics it requires") == 1
    result = cli("dontknow", "mini.entropy")
    assert result.exit_code == 0 and result.stdout.startswith("not known: mini.entropy")
    plan = cli.json("plan", "mini.ib", "--all")
    assert [s["id"] for s in plan["steps"]] == ["mini.probability", "mini.entropy"]
    assert {c["id"]: c["by"] for c in plan["covered"]} == {
        "mini.kl": "mini.ib",
        "mini.mutual-information": "mini.ib",
        "mini.ib": "mini.ib",
    }
    assert "3 topics covered by what you know (--all lists them)" in cli("plan", "mini.ib").stdout
    nodes = {n["id"]: n["status"] for n in cli.json("graph", "mini.ib")["nodes"]}
    assert nodes["mini.entropy"] == "not-known" and nodes["mini.kl"] == "covered"
    assert nodes["mini.probability"] == "todo"
    assert [t["id"] for t in cli.json("next")["topics"]] == ["mini.probability"]
    why = cli.json("why", "mini.entropy", "-g", "mini.ib")
    assert why["status"] == "not-known" and why["chains"]
    assert cli.json("why", "mini.kl", "-g", "mini.ib")["covered_by"] == "mini.ib"
    assert cli("undo").exit_code == 0
    assert cli.json("plan", "mini.ib")["steps"] == []
