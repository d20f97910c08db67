"""Placement as a pure engine: consistent learners are identified exactly; inconsistent
ones never break it (the later answer wins, every state stays closed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.placement import Placement, run_consistent

Dag = dict[str, list[str]]


@st.composite
def dags(draw: st.DrawFn) -> Dag:
    n = draw(st.integers(min_value=1, max_value=30))
    names = [f"t{i:02d}" for i in range(n)]
    return {
        name: draw(st.lists(st.sampled_from(names[:i]), max_size=3, unique=True)) if i else []
        for i, name in enumerate(names)
    }


def down_set(graph: PrerequisiteGraph, seeds: list[str]) -> set[str]:
    return graph.closure(seeds)


@given(dags(), st.data())
def test_a_consistent_learner_is_identified_exactly(edges: Dag, data: st.DataObject) -> None:
    graph = PrerequisiteGraph(edges)
    names = sorted(edges)
    goals = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    knows = down_set(graph, data.draw(st.lists(st.sampled_from(names), max_size=4)))
    placement = Placement.start(graph, goals, {})
    run_consistent(placement, knows)
    closure = graph.closure(goals)
    assert set(placement.known) == closure & knows
    assert set(placement.not_known) == closure - knows
    assert placement.undecided() == 0
    assert placement.asked <= len(closure)
    # One question per topic would be the trivial bound; a chain needs only about log2.


def test_a_chain_is_placed_by_bisection() -> None:
    edges = {f"t{i:02d}": [f"t{i - 1:02d}"] if i else [] for i in range(64)}
    graph = PrerequisiteGraph(edges)
    for level in (0, 17, 40, 64):
        knows = {f"t{i:02d}" for i in range(level)}
        placement = Placement.start(graph, ["t63"], {})
        run_consistent(placement, knows)
        assert set(placement.known) == knows
        assert placement.asked <= 7  # ceil(log2(65)) = 7 down-sets' worth of bits


@given(dags(), st.data())
def test_inconsistent_answers_never_break_it(edges: Dag, data: st.DataObject) -> None:
    graph = PrerequisiteGraph(edges)
    names = sorted(edges)
    placement = Placement.start(graph, names, {})
    answers = data.draw(st.lists(st.tuples(st.sampled_from(names), st.booleans()), max_size=12))
    for topic, yes in answers:
        notes = placement.answer(topic, yes)
        assert all("later answer wins" in n for n in notes)
        assert (topic in placement.known) == yes  # the later answer wins
        known, unknown = set(placement.known), set(placement.not_known)
        assert not known & unknown
        for t in known:
            assert graph.ancestors(t) <= known
        for t in unknown:
            assert graph.descendants(t) <= unknown
    while (topic := placement.question()) is not None:
        placement.answer(topic, data.draw(st.booleans()))
    assert placement.undecided() == 0


def test_marks_are_facts_and_a_gap_stays_a_gap() -> None:
    edges = {"a": [], "n": ["a"], "b": ["a"], "t": ["n", "b"], "g": ["t"]}
    graph = PrerequisiteGraph(edges)
    placement = Placement.start(graph, ["g"], {"n": "not-known", "b": "known"})
    # a is covered by b; n and b are marked: only t and g are questions.
    assert placement.open_slots == 2
    run_consistent(placement, {"t", "a", "b"})
    assert placement.known == ["t"] and placement.not_known == ["g"]
    assert placement.gaps_below("t", {"n": "not-known"}) == ["n"]


def test_a_no_after_a_yes_reverses_it_with_a_note() -> None:
    edges = {"a": [], "b": ["a"], "c": ["b"]}
    placement = Placement.start(PrerequisiteGraph(edges), ["c"], {})
    assert placement.answer("c", True) == []
    notes = placement.answer("a", False)
    assert (
        notes
        and notes[0].startswith("b, c require a, which you said you know")
        and "later answer wins" in notes[0]
    )
    assert placement.known == [] and placement.not_known == ["a", "b", "c"]
