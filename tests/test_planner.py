"""The planner as a pure function: property tests over random DAGs and known-sets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.domain.catalog import Catalog, Curriculum, Prerequisite, Reading, Topic
from studyplan.domain.plan_data import plan_json, review_saved_plan, saved_plan_of
from studyplan.domain.planner import (
    build_plan,
    graph_of,
    hours_needed_for,
    resolve_goals,
    schedule,
    why_text,
)
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import InputError, NotFoundError


def make_catalog(edges: dict[str, list[str]], hours: dict[str, float] | None = None) -> Catalog:
    hours = hours or {}
    topics = {
        tid: Topic(
            id=tid,
            curriculum="c",
            title=tid.upper(),
            title_zh="题",
            summary="s",
            hours=hours.get(tid, 2.0),
            prerequisites=tuple(Prerequisite(p, f"{tid} uses {p}") for p in pres),
            readings=(Reading("k", "whole paper", True, "free"),),
        )
        for tid, pres in edges.items()
    }
    return Catalog({"c": Curriculum("c", "C", "C", "d", tuple(topics))}, topics)


CHAIN = {"c.a": [], "c.b": ["c.a"], "c.c": ["c.b"], "c.x": [], "c.goal": ["c.c", "c.x"]}


def test_plan_orders_depth_first_and_explains_why() -> None:
    cat = make_catalog(CHAIN)
    plan = build_plan(cat, ["c.goal"], {})
    assert [s.topic.id for s in plan.steps] == ["c.a", "c.b", "c.c", "c.x", "c.goal"]
    first = plan.steps[0]
    assert [(ln.topic, ln.needed_by) for ln in first.why] == [
        ("c.a", "c.b"),
        ("c.b", "c.c"),
        ("c.c", "c.goal"),
    ]
    assert first.why[0].reason == "c.b uses c.a"
    assert why_text(cat, first) == "C.A → C.B → C.C → C.GOAL (goal)"
    assert why_text(cat, plan.steps[-1]) == "goal"


def test_knowing_a_topic_implies_its_prerequisites() -> None:
    cat = make_catalog(CHAIN)
    plan = build_plan(cat, ["c.goal"], {"c.b": "known", "c.x": "skipped"})
    assert [s.topic.id for s in plan.steps] == ["c.c", "c.goal"]
    covered = {c.topic.id: c.by for c in plan.covered}
    assert covered == {"c.a": "c.b", "c.b": "c.b", "c.x": "c.x"}


def test_started_topics_stay_in_the_plan() -> None:
    plan = build_plan(make_catalog(CHAIN), ["c.goal"], {"c.a": "started"})
    assert plan.steps[0].topic.id == "c.a" and plan.steps[0].status == "started"


def test_resolve_goals() -> None:
    cat = make_catalog(CHAIN)
    assert resolve_goals(cat, ["c"]) == list(CHAIN)
    assert resolve_goals(cat, ["c.b", "c.a", "c.b"]) == ["c.b", "c.a"]
    with pytest.raises(NotFoundError, match=r"unknown goal 'c\.gaol'") as raised:
        resolve_goals(cat, ["c.gaol"])
    assert raised.value.hint is not None and "'c.goal'" in raised.value.hint
    with pytest.raises(InputError):
        resolve_goals(cat, [])


def test_schedule_spans_weeks_and_dates() -> None:
    cat = make_catalog(CHAIN, {"c.a": 3, "c.b": 5, "c.c": 1, "c.x": 2, "c.goal": 4})
    plan = schedule(build_plan(cat, ["c.goal"], {}), 4, date(2027, 1, 4))
    got = [(s.topic.id, s.week, s.end_week, s.start, s.end) for s in plan.steps]
    assert got == [
        ("c.a", 1, 1, date(2027, 1, 4), date(2027, 1, 10)),
        ("c.b", 1, 2, date(2027, 1, 4), date(2027, 1, 17)),
        ("c.c", 3, 3, date(2027, 1, 18), date(2027, 1, 24)),
        ("c.x", 3, 3, date(2027, 1, 18), date(2027, 1, 24)),
        ("c.goal", 3, 4, date(2027, 1, 18), date(2027, 1, 31)),
    ]
    assert plan.schedule is not None
    assert plan.schedule.weeks == 4 and plan.schedule.finish == date(2027, 1, 31)
    data = plan_json(cat, plan)
    assert data["total_hours"] == 15 and data["weeks"] == 4 and data["finish_date"] == "2027-01-31"


def test_deadline_and_needed_hours() -> None:
    cat = make_catalog(CHAIN)
    plan = schedule(
        build_plan(cat, ["c.goal"], {}), 1, date(2027, 1, 4), deadline=date(2027, 1, 31)
    )
    assert plan.schedule is not None and plan.schedule.fits is False
    assert hours_needed_for(plan, date(2027, 1, 4), date(2027, 1, 31)) == 2.5
    with pytest.raises(InputError, match="before the start"):
        schedule(plan, 1, date(2027, 1, 4), deadline=date(2027, 1, 1))
    with pytest.raises(InputError, match="positive"):
        schedule(plan, 0, date(2027, 1, 4))


def test_saved_plan_review_ticks_done_steps_and_measures_pace() -> None:
    cat = make_catalog(CHAIN)
    start = date(2027, 1, 4)
    plan = schedule(build_plan(cat, ["c.goal"], {}), 2, start)
    payload = saved_plan_of(plan, ["c.goal"], start).to_json()
    review = review_saved_plan(
        cat,
        "p",
        SavedPlan.from_json(payload),
        {"c.a": "done", "c.b": "done"},
        start + timedelta(days=14),
    )
    assert review.done_ids == ["c.a", "c.b"]
    assert review.hours_done == 4 and review.hours_left == 6
    assert review.hours_expected == 4 and review.ahead_hours == 0
    gone = {**payload, "steps": [*payload["steps"], {"id": "c.gone", "hours": 1}]}
    assert review_saved_plan(cat, "p", SavedPlan.from_json(gone), {}, start).missing_ids == [
        "c.gone"
    ]


@st.composite
def dag_and_statuses(
    draw: st.DrawFn,
) -> tuple[dict[str, list[str]], dict[str, float], dict[str, str], list[str]]:
    n = draw(st.integers(min_value=1, max_value=30))
    names = [f"c.t{i}" for i in range(n)]
    edges = {
        name: draw(st.lists(st.sampled_from(names[:i]), max_size=3, unique=True)) if i else []
        for i, name in enumerate(names)
    }
    hours = {name: draw(st.sampled_from([0.5, 1, 2, 3, 7, 12])) for name in names}
    statuses = draw(
        st.dictionaries(
            st.sampled_from(names), st.sampled_from(["done", "known", "started"]), max_size=n
        )
    )
    goals = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    return edges, hours, statuses, goals


@given(dag_and_statuses(), st.sampled_from([0.5, 3, 6, 10]), st.booleans())
def test_plan_is_closure_minus_known_closure(case, hours_per_week, native) -> None:  # type: ignore[no-untyped-def]
    edges, hours, statuses, goals = case
    cat = make_catalog(edges, hours)
    graph = graph_of(cat, native=native)
    plan = build_plan(cat, goals, statuses, graph)
    have = graph.closure([t for t, s in statuses.items() if s in ("done", "known")])
    ids = [s.topic.id for s in plan.steps]
    assert set(ids) == graph.closure(goals) - have
    assert len(ids) == len(set(ids))
    pos = {t: i for i, t in enumerate(ids)}
    for tid in ids:
        assert all(pos[p] < pos[tid] for p in edges[tid] if p in pos)
    assert plan.total_hours == pytest.approx(sum(hours[t] for t in ids))
    other = build_plan(cat, goals, statuses, graph_of(cat, native=not native))
    assert other.topic_ids == plan.topic_ids
    assert [s.why for s in other.steps] == [s.why for s in plan.steps]
    # Every step's why-chain follows real edges up to a goal.
    for step in plan.steps:
        for link in step.why:
            assert link.topic in edges[link.needed_by]
        assert step.goal or (step.why and step.why[-1].needed_by in goals)
    # The schedule never puts more than the weekly budget into a week.
    schedule(plan, hours_per_week, date(2027, 1, 4))
    load: dict[int, float] = {}
    used = 0.0
    for step in plan.steps:
        assert step.week is not None and step.end_week is not None and step.week <= step.end_week
        remaining = step.topic.hours
        week = step.week
        while remaining > 1e-9:
            room = min(remaining, week * hours_per_week - used)
            if room <= 1e-9:
                week += 1
                continue
            load[week] = load.get(week, 0) + room
            used += room
            remaining -= room
        assert week == step.end_week
    assert all(v <= hours_per_week + 1e-6 for v in load.values())


def test_pace_text() -> None:
    from studyplan.domain.plan_data import pace_text

    assert pace_text(0.2) == "on schedule"
    assert pace_text(3) == "3 h ahead of the saved schedule"
    assert pace_text(-2.5) == "2.5 h behind the saved schedule"


def test_why_command_and_plan_explain_a_step_alike(real_builtin: object) -> None:
    from studyplan.adapters import workspace
    from studyplan.domain.frontier import chain_to

    cat = workspace.catalog(workspace.gather())
    graph = graph_of(cat)
    for goal in ("frontiers.bitdelta", "frontiers.medusa", "infotheory.information-bottleneck"):
        plan = build_plan(cat, [goal], {}, graph)
        assert len(plan.steps) > 5
        for step in plan.steps:
            assert chain_to(graph, cat, step.topic_id, goal) == step.why


@given(dag_and_statuses(), st.data(), st.booleans())
def test_covered_count_is_the_covered_not_skipped(case, data, native) -> None:  # type: ignore[no-untyped-def]
    # The plan's head prints the count, worked out from indices without making the
    # covered topics: it must be what counting them gives, whatever the marks.
    edges, hours, statuses, goals = case
    more = data.draw(
        st.dictionaries(
            st.sampled_from(sorted(edges)), st.sampled_from(["skipped", "not-known", "done"])
        )
    )
    statuses = {**statuses, **more}
    cat = make_catalog(edges, hours)
    plan = build_plan(cat, goals, statuses, graph_of(cat, native=native))
    counted = sum(1 for c in plan.covered if c.status != "skipped")
    assert plan.covered_count() == (
        counted if any(s in ("done", "known") for s in statuses.values()) else 0
    )
