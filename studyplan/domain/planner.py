"""The planner: goals + what the learner has got + an hours budget -> an ordered, explained,
scheduled plan. Pure and deterministic: no I/O, no clock (callers pass ``today``).

What is in a plan: the goals' prerequisite closure minus every topic the learner has done
or knows *and everything those cover*: every prerequisite reachable from a done or known
topic by paths that never enter a topic marked *not known* (knowing Adam implies knowing
SGD, unless SGD, or what leads to it, is marked not known). That is stronger than
Metacademy, which only drops what is reachable solely through a known topic; the
not-known mark is how a learner says "except that". ``covered_indices`` is the one
implementation of the rule. Skipped topics are left out too, but skipping does not vouch
for their prerequisites. Order: depth-first post-order from the goals, prerequisites in declared
order, so a chain stays together. Why a step is there: the shortest chain of
prerequisite links from it to the nearest goal, each link going to the earliest-declared
topic among equally short ones (``graph.WhyTree``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

from studyplan.domain.catalog import Catalog, TopicTable

# The closure rule lives in ``closure`` (``next`` loads it without the planner); it is
# re-exported here, where callers have always imported it.
from studyplan.domain.closure import NOT_KNOWN as NOT_KNOWN
from studyplan.domain.closure import covered_indices as covered_indices
from studyplan.domain.closure import gaps as gaps
from studyplan.domain.closure import graph_of as graph_of
from studyplan.domain.closure import reached_milestones as reached_milestones
from studyplan.domain.closure import satisfied_closure as satisfied_closure
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.limits import check_finish
from studyplan.domain.pace import Pace, factors_for, used_texts

# The plan's records live in ``plan_records``; re-exported here, where callers import them.
from studyplan.domain.plan_records import Covered as Covered
from studyplan.domain.plan_records import Link as Link
from studyplan.domain.plan_records import Plan as Plan
from studyplan.domain.plan_records import Schedule as Schedule
from studyplan.domain.plan_records import Step as Step
from studyplan.domain.plan_records import Steps as Steps
from studyplan.domain.plan_records import chain_links as chain_links
from studyplan.domain.status import Status
from studyplan.errors import InputError, NotFoundError, clip, did_you_mean

# Where a why-chain is spelt out link by link (report, calendar), a longer one is shown by
# its first links and its goal: in a deep plan, every chain in full is quadratic in size.
WHY_LINKS_IN_FULL = 10


def resolve_goals(catalog: Catalog, goals: Sequence[str]) -> list[str]:
    """Topic ids for goal names: a topic id, or a curriculum id meaning all its topics."""
    if not goals:
        raise InputError(
            "name at least one goal", "a topic id or a curriculum id, see 'studyplan curricula'"
        )
    resolved: list[str] = []
    for goal in goals:
        goal = catalog.resolve(goal)  # a retired id plans its survivor
        if goal in catalog.topics:
            resolved.append(goal)
        elif goal in catalog.curricula:
            resolved.extend(catalog.curricula[goal].topic_ids)
        else:
            pool = [*catalog.curricula, *catalog.topics]
            raise NotFoundError(
                f"unknown goal '{clip(goal)}'",
                did_you_mean(goal, pool)
                or "a goal is a topic id or a curriculum id; see 'studyplan topics'",
            )
    return list(dict.fromkeys(resolved))


def build_plan(
    catalog: Catalog,
    goals: Sequence[str],
    statuses: Mapping[str, str],
    graph: PrerequisiteGraph | None = None,
    hours_left: Mapping[str, float] | None = None,
) -> Plan:
    """The ordered, explained plan for ``goals`` (already resolved topic ids).

    ``graph`` must be ``graph_of(catalog)`` (its indices are the catalog's positions).
    ``hours_left`` (topic id -> hours) replaces the hours of topics whose ticked
    readings take some off (``ticks.hours_left``).
    """
    graph = graph or graph_of(catalog)
    milestones = catalog.topics.milestones()
    blocked, skipped = _left_out(graph, statuses, milestones)
    order, walk = _walk(graph, goals, statuses, blocked, skipped)
    ids = graph.ids
    hours_column = catalog.topics.hours_column()
    hours = [hours_column[i] for i in order]
    table = catalog.topics
    topic_ids = [ids[i] for i in order]
    if hours_left:
        hours = [hours_left.get(t, h) for t, h in zip(topic_ids, hours, strict=True)]
    # What the goals need and the plan leaves out: the covered topics (``plan --all``) and
    # their count (the header), both worked out on first use, from indices.
    left_out = cache(lambda: _needed_not_planned(graph, goals, order))
    return Plan(
        goals=list(goals),
        topic_ids=topic_ids,
        hours=hours,
        positions=order,
        table=table,
        statuses=statuses,
        total_hours=float(sum(hours)),
        _why_tree=lambda: graph.why_tree(goals, walk),
        _covered=lambda: _covered_topics(table, graph, statuses, milestones, left_out()),
        _covered_count=lambda: _covered_number(graph, statuses, left_out()),
    )


def _left_out(
    graph: PrerequisiteGraph,
    statuses: Mapping[str, str],
    milestones: Mapping[int, Sequence[int]],
) -> tuple[set[int], set[int]]:
    """The indices a plan leaves out (what the learner has got, by ``covered_indices``,
    the skipped topics and the checkpoints with nothing left in them), and the skipped
    ones among them."""
    index = graph.index
    blocked = covered_indices(graph, statuses)
    skipped = {index[t] for t, s in statuses.items() if s == Status.SKIPPED and t in index}
    blocked |= skipped
    # A checkpoint whose parts are all had (or skipped) has nothing left in it.
    if milestones:
        blocked |= reached_milestones(milestones, blocked)
    return blocked, skipped


def _walk(
    graph: PrerequisiteGraph,
    goals: Sequence[str],
    statuses: Mapping[str, str],
    blocked: set[int],
    skipped: set[int],
) -> tuple[list[int], set[int]]:
    """The plan's order (post-order from the goals, without the ``blocked`` indices) and
    the indices the walk never enters (what the why-tree is built around)."""
    # The walk from the goals never enters a skipped topic; it enters a covered one only
    # when a not-known topic lies below it (which the plan then keeps), so with no
    # not-known marks it never enters a covered topic at all.
    holes = gaps(graph, statuses)
    walk = blocked
    if holes:
        walk = skipped | (blocked - graph.requirers_indices(holes))
        order = [i for i in graph.postorder_indices(goals, walk) if i not in blocked]
    else:
        order = graph.postorder_indices(goals, blocked)
    return order, walk


def _needed_not_planned(
    graph: PrerequisiteGraph, goals: Sequence[str], order: Sequence[int]
) -> set[int]:
    """The positions the goals need that the plan leaves out (what the learner has, and
    what is skipped)."""
    return graph.closure_indices(goals) - set(order)


def _covered_topics(
    table: TopicTable,
    graph: PrerequisiteGraph,
    statuses: Mapping[str, str],
    milestones: Mapping[int, Sequence[int]],
    left_out: set[int],
) -> list[Covered]:
    """The topics at the ``left_out`` positions, in declared order, each with the
    done/known topic that vouches for it and its status (``Plan.covered``, made when
    asked for)."""
    covered_by = satisfied_closure(graph, statuses, milestones)
    return [
        Covered(table[t], covered_by.get(t, t), statuses.get(t, Status.COVERED))
        for t in map(graph.ids.__getitem__, sorted(left_out))
    ]


def _covered_number(
    graph: PrerequisiteGraph, statuses: Mapping[str, str], left_out: set[int]
) -> int:
    """How many of ``_covered_topics`` are not skipped, without making them (the marks
    are few; the covered topics can be most of a catalog)."""
    index = graph.index
    skipped = sum(
        1 for t, s in statuses.items() if s == Status.SKIPPED and index.get(t, -1) in left_out
    )
    return len(left_out) - skipped


def why_text(catalog: Catalog, step: Step, longest: int | None = None) -> str:
    """``entropy → mutual information → information bottleneck (goal)``; see ``chain_text``."""
    return chain_text(catalog, step.plan, step.topic_id, longest)


def chain_text(catalog: Catalog, plan: Plan, topic_id: str, longest: int | None = None) -> str:
    """``entropy → mutual information → information bottleneck (goal)``.

    With ``longest``, a chain of more topics keeps its two first and its goal, joined by
    ``…`` (for tables; ``studyplan why`` prints the whole chain).
    """
    return next(_chain_texts(catalog, plan, [catalog.topics.position(topic_id)], longest))


def why_texts(catalog: Catalog, plan: Plan, longest: int | None = None) -> list[str]:
    """``chain_text`` for every step, in order, in one pass over the why-tree's columns:
    a shortened chain costs three look-ups, not a walk up to its goal."""
    return list(_chain_texts(catalog, plan, plan.positions, longest))


#: How a chain is spelt: the titles by catalog position, the link between two topics,
#: what stands for the links a shortened chain leaves out, and the goal's mark.
ChainSpelling = tuple[Sequence[str], str, str, str]
#: The link, the left-out links and the goal's mark, as printed.
CHAIN_MARKS = (" → ", "…", " (goal)")


def iter_why_texts(
    catalog: Catalog,
    plan: Plan,
    longest: int | None = None,
    spelling: ChainSpelling | None = None,
) -> Iterator[str]:
    """``why_texts`` one at a time (a printed plan streams them). ``spelling`` replaces
    the titles and marks chains are spelt with (``plan_render`` passes them as UTF-8
    bytes held in one-byte strings, see there); the shape stays this module's."""
    return _chain_texts(catalog, plan, plan.positions, longest, spelling)


def chain_speller(
    catalog: Catalog,
    plan: Plan,
    longest: int | None = None,
    spelling: ChainSpelling | None = None,
) -> Callable[[int], str]:
    """A function from a step's catalog position to its ``chain_text``."""
    tree = plan.why_tree()
    up, depth, goal = tree.up, tree.depth, tree.goal
    title, arrow, cut_mark, goal_mark = spelling or (catalog.topics.titles(), *CHAIN_MARKS)
    goals = {tree.index[g] for g in plan.goals if g in tree.index}
    cut = longest if longest is not None else len(up) + 1

    def text(i: int) -> str:
        above = up[i]
        if above < 0:
            return "goal" if i in goals else ""
        if depth[i] + 1 > cut:
            return f"{title[i]}{arrow}{title[above]}{arrow}{cut_mark}{arrow}{title[goal[i]]}{goal_mark}"
        chain = [title[i]]
        node = i
        while (node := up[node]) >= 0:
            chain.append(title[node])
        return arrow.join(chain) + goal_mark

    return text


def _chain_texts(
    catalog: Catalog,
    plan: Plan,
    positions: Sequence[int],
    longest: int | None,
    spelling: ChainSpelling | None = None,
) -> Iterator[str]:
    text = chain_speller(catalog, plan, longest, spelling)
    if longest is None or longest < 1:
        yield from map(text, positions)
        return
    tree = plan.why_tree()
    up, depth, goal = tree.up, tree.depth, tree.goal
    title, arrow, cut_mark, goal_mark = spelling or (catalog.topics.titles(), *CHAIN_MARKS)
    # Most steps of a deep plan are shortened: those in one expression (the shape of
    # ``text``'s), a chunk at a time.
    for lo in range(0, len(positions), 4096):
        yield from [
            f"{title[i]}{arrow}{title[up[i]]}{arrow}{cut_mark}{arrow}{title[goal[i]]}{goal_mark}"
            if depth[i] >= longest
            else text(i)
            for i in positions[lo : lo + 4096]
        ]


# -- schedule ---------------------------------------------------------------------------------


def apply_pace(plan: Plan, catalog: Catalog, paces: Mapping[str, Pace]) -> Plan:
    """Scale each step's hours by its curriculum's pace (``domain/pace.py``), before
    scheduling; the plan then says which paces it used."""
    if not paces or not plan.topic_ids:
        return plan
    curriculum_of = {
        t: cur
        for cur in paces
        if cur in catalog.curricula
        for t in catalog.curricula[cur].topic_ids
    }
    steps = [curriculum_of.get(t, "") for t in plan.topic_ids]
    # To a tenth of an hour: a schedule is not more precise than that.
    factors = factors_for(steps, paces)
    plan.hours = [round(h * f, 1) for h, f in zip(plan.hours, factors, strict=True)]
    plan.total_hours = float(sum(plan.hours))
    plan.pace = used_texts(paces, steps)
    return plan


def schedule(plan: Plan, hours_per_week: float, start: date, deadline: date | None = None) -> Plan:
    """Pack the steps, in order, into weeks of ``hours_per_week`` starting at ``start``.

    A topic longer than what is left of a week continues into the next; every step gets
    the week it starts and ends in, and those weeks' dates. Already-started hours are not
    discounted: the estimate is for the whole topic.
    """
    if not hours_per_week > 0 or math.isinf(hours_per_week):
        raise InputError(
            f"hours per week must be a positive number (got {hours_per_week:g})",
            "e.g. --hours-per-week 6",
        )
    if deadline is not None and deadline < start:
        raise InputError(
            f"the deadline {deadline} is before the start {start}",
            "pick a later --deadline or an earlier --start",
        )
    # A week count too large for a date (or for a float: -H 5e-324) is refused first.
    check_finish(start, plan.total_hours / hours_per_week - 1, hours_per_week)
    eps = 1e-9
    ends = list(accumulate(plan.hours))  # hours consumed from the start, continuous
    befores = [0.0, *ends[:-1]] if ends else []
    firsts = [int((used + eps) // hours_per_week) for used in befores]
    lasts = [
        max(first, math.ceil(used / hours_per_week - eps) - 1)
        for first, used in zip(firsts, ends, strict=True)
    ]
    weeks = lasts[-1] + 1 if lasts else 0
    check_finish(start, weeks, hours_per_week)
    finish = start + timedelta(weeks=weeks) - timedelta(days=1) if weeks else start
    plan.schedule = Schedule(hours_per_week, start, weeks, finish, deadline, firsts, lasts)
    return plan


def hours_needed_for(plan: Plan, start: date, deadline: date) -> float:
    """Weekly hours that would finish the plan by ``deadline`` (rounded up to 0.5 h)."""
    weeks = max(((deadline - start).days + 1) / 7, 1 / 7)
    return math.ceil(plan.total_hours / weeks * 2) / 2
