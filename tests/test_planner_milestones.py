"""Milestones in the planner, against a brute-force model on random DAGs: a milestone
adds no hours, is covered like any topic by done/known topics that require it, covers
its parts when marked, and drops out of a plan once all its parts are had."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studyplan.domain.catalog import Catalog, Curriculum, Prerequisite, Reading, Topic
from studyplan.domain.frontier import next_topics
from studyplan.domain.planner import build_plan, graph_of


def make_catalog(edges: dict[str, list[str]], milestones: set[str]) -> Catalog:
    topics = {
        tid: Topic(
            id=tid,
            curriculum="c",
            title=tid.upper(),
            title_zh="题",
            summary="s",
            hours=0.0 if tid in milestones else 2.0,
            prerequisites=tuple(Prerequisite(p, "part") for p in pres),
            readings=() if tid in milestones else (Reading("k", "whole paper", True, "free"),),
            kind="milestone" if tid in milestones else "topic",
        )
        for tid, pres in edges.items()
    }
    return Catalog({"c": Curriculum("c", "C", "C", "d", tuple(topics))}, topics)


@st.composite
def cases(
    draw: st.DrawFn,
) -> tuple[dict[str, list[str]], set[str], dict[str, str], list[str]]:
    n = draw(st.integers(min_value=1, max_value=25))
    names = [f"c.t{i}" for i in range(n)]
    edges = {
        name: draw(st.lists(st.sampled_from(names[:i]), max_size=3, unique=True)) if i else []
        for i, name in enumerate(names)
    }
    milestones = {t for t in names if edges[t] and draw(st.booleans())}
    statuses = draw(
        st.dictionaries(
            st.sampled_from(names),
            st.sampled_from(["done", "known", "started", "skipped"]),
            max_size=n,
        )
    )
    goals = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    return edges, milestones, statuses, goals


def closure(edges: dict[str, list[str]], starts: list[str]) -> set[str]:
    seen = set(starts)
    stack = list(starts)
    while stack:
        for p in edges[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def reached(edges: dict[str, list[str]], milestones: set[str], have: set[str]) -> set[str]:
    got: set[str] = set()
    changed = True
    while changed:
        changed = False
        for m in sorted(milestones - have - got):
            if all(p in have or p in got for p in edges[m]):
                got.add(m)
                changed = True
    return got


@given(cases(), st.booleans())
def test_plan_with_milestones_matches_the_model(case, native) -> None:  # type: ignore[no-untyped-def]
    edges, milestones, statuses, goals = case
    cat = make_catalog(edges, milestones)
    graph = graph_of(cat, native=native)
    plan = build_plan(cat, goals, statuses, graph)
    have = closure(edges, [t for t, s in statuses.items() if s in ("done", "known")])
    skipped = {t for t, s in statuses.items() if s == "skipped"}
    blocked = have | skipped
    blocked |= reached(edges, milestones, blocked)
    # the goals' closure, not entering anything blocked
    wanted: set[str] = set()
    stack = [g for g in goals if g not in blocked]
    wanted.update(stack)
    while stack:
        for p in edges[stack.pop()]:
            if p not in blocked and p not in wanted:
                wanted.add(p)
                stack.append(p)
    assert set(plan.topic_ids) == wanted
    assert plan.total_hours == 2.0 * len(wanted - milestones)
    pos = {t: i for i, t in enumerate(plan.topic_ids)}
    for tid in plan.topic_ids:
        assert all(pos[p] < pos[tid] for p in edges[tid] if p in pos)
    # next offers no milestone, and only topics whose prerequisites are all had
    had = have | reached(edges, milestones, have)
    for item in next_topics(cat, graph, statuses):
        assert item.topic_id not in milestones
        assert all(p in had for p in edges[item.topic_id])
