"""The fewest books: for each step of a plan, one reading out of each group of
alternatives, so that the plan needs the fewest distinct works (citation keys); among
those, the fewest paid works; then the fewest hours. Pure: no I/O.

Solved exactly. The groups with a real choice fall into independent parts (groups
linked by a work that options of both read); the best of a whole choice is the best of
each part, since the counts and hours add up part by part. When no part has more than
``EXHAUSTIVE_MAX`` combinations, each is solved by trying them all (``_exhaustive``: every
built-in goal is, and OR-Tools' library, ~60 ms to load, is then not needed), and among
equally good combinations the alternatives listed earliest are kept (the smallest sum of
the options' positions). Otherwise the whole choice goes to OR-Tools CP-SAT (imported
here, inside ``choose``, only then, and through its compiled helper: see ``_solve``), so
no other command pays for it, and a tie is the solver's. If the solver stops at its time
limit without a proven optimum, its best solution is kept with a note; without any
solution, a greedy choice is used, with a note.

The solver's model: a 0/1 variable per option of every group (exactly one per group), a
0/1 variable per work (``used`` is at least every option of that work) and one per work
read in a paid reading; the three objectives are weighted so that one fewer work
outweighs any number of paid works and hours, and one fewer paid work any hours.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from studyplan.domain.catalog import Reading
from studyplan.domain.record import FrozenRecord, Record

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan

# Hours are compared in hundredths: the curricula give them to 0.5 h.
_SCALE = 100
TIME_LIMIT_S = 10.0
# The most combinations of one independent part that are tried one by one before the
# choice goes to CP-SAT: the whole built-in set's largest part is 10 groups of two (1,024
# combinations, ~7 ms here); 4,096 take about half of what loading OR-Tools does.
EXHAUSTIVE_MAX = 4096


class Group(FrozenRecord):
    """What one step needs from one group: one of ``options`` (a needed reading is a
    group of one). ``fallback_hours`` is the cost of an option without hours. (The
    records here are not dataclasses: ``plan --books`` would import ``dataclasses`` for
    them alone, see ``domain/record.py``.)"""

    __slots__ = ("step", "options", "fallback_hours")  # noqa: RUF023 - in the constructor's order

    step: Final[int]
    options: Final[tuple[Reading, ...]]
    fallback_hours: Final[float]

    def __init__(self, step: int, options: tuple[Reading, ...], fallback_hours: float) -> None:
        self.step = step
        self.options = options
        self.fallback_hours = fallback_hours

    def cost(self, k: int) -> float:
        hours = self.options[k].hours
        return self.fallback_hours if hours is None else hours


class Choice(Record):
    """The chosen option (an index into ``Group.options``) of every group, and its score.
    ``solver``: "exhaustive" (every part tried whole), "cp-sat", "none" (no choice to
    make) or "greedy"."""

    __slots__ = (  # noqa: RUF023 - in the constructor's order
        "picks",
        "works",
        "paid_works",
        "hours",
        "optimal",
        "solver",
        "note",
        "groups",
    )
    _hidden = frozenset({"groups"})

    def __init__(
        self,
        picks: list[int],
        works: int,
        paid_works: int,
        hours: float,
        optimal: bool,
        solver: str,
        note: str = "",
        groups: Sequence[Group] = (),
    ) -> None:
        self.picks = picks
        self.works = works
        self.paid_works = paid_works
        self.hours = hours
        self.optimal = optimal
        self.solver = solver
        self.note = note
        self.groups = groups


def groups_of(catalog: Catalog, plan: Plan | Sequence[str]) -> list[Group]:
    """Every step's core-reading groups, in plan order (milestones have none); ``plan``
    is a plan or its topic ids."""
    table = catalog.topics
    found: list[Group] = []
    topic_ids = plan if isinstance(plan, Sequence) else plan.topic_ids
    for step, tid in enumerate(topic_ids):
        topic = table[tid]
        for options in topic.core_groups:
            found.append(Group(step, options, topic.hours))
    return found


def score(groups: Sequence[Group], picks: Sequence[int]) -> tuple[int, int, float]:
    """(distinct works, distinct paid works, hours) of a choice: what is minimized, in
    that order. A work is paid when any chosen reading of it is."""
    works: set[str] = set()
    paid: set[str] = set()
    hours = 0.0
    for group, k in zip(groups, picks, strict=True):
        reading = group.options[k]
        works.add(reading.key)
        if reading.access != "free":
            paid.add(reading.key)
        hours += group.cost(k)
    return len(works), len(paid), round(hours, 6)


def choose(groups: Sequence[Group], time_limit: float = TIME_LIMIT_S) -> Choice:
    """The choice with the fewest works, then paid works, then hours (see the module)."""
    if all(len(g.options) == 1 for g in groups):
        picks = [0] * len(groups)
        return _choice(groups, picks, optimal=True, solver="none")
    best = _exhaustive(groups)
    if best is not None:
        return _choice(groups, best, optimal=True, solver="exhaustive")
    found = _cp_sat(groups, time_limit)
    if found is not None:
        picks, optimal = found
        note = (
            ""
            if optimal
            else f"the solver's time limit ({time_limit:g} s) was reached: the choice may not be the fewest works"
        )
        return _choice(groups, picks, optimal=optimal, solver="cp-sat", note=note)
    picks = greedy(groups)
    note = (
        f"the solver found no answer within its time limit ({time_limit:g} s): "
        "a greedy choice is used, which may need more works than the fewest"
    )
    return _choice(groups, picks, optimal=False, solver="greedy", note=note)


def _choice(
    groups: Sequence[Group], picks: list[int], *, optimal: bool, solver: str, note: str = ""
) -> Choice:
    works, paid, hours = score(groups, picks)
    return Choice(picks, works, paid, hours, optimal, solver, note, groups)


def _parts(groups: Sequence[Group]) -> list[list[int]]:
    """The indices of the groups with a real choice, in independent parts: two groups
    are in one part when an option of each reads the same work (whether it is counted,
    and paid, then depends on both)."""
    owner: dict[str, int] = {}  # work -> a group of its part (union-find over groups)
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, group in enumerate(groups):
        if len(group.options) == 1:
            continue
        parent[i] = i
        for reading in group.options:
            j = owner.setdefault(reading.key, i)
            parent[root(i)] = root(j)
    parts: dict[int, list[int]] = {}
    for i in parent:
        parts.setdefault(root(i), []).append(i)
    return list(parts.values())


def _exhaustive(groups: Sequence[Group]) -> list[int] | None:
    """The best choice by trying every combination of each independent part, or None
    when some part has more than ``EXHAUSTIVE_MAX``. Works and paid works that the groups
    without a choice read already count whatever a part picks. Among equally good
    combinations, the one whose options come earliest in their groups (by the sum of
    their positions), then the first tried."""
    parts = _parts(groups)
    if any(math.prod(len(groups[i].options) for i in part) > EXHAUSTIVE_MAX for part in parts):
        return None
    fixed = [g.options[0] for g in groups if len(g.options) == 1]
    read = {r.key for r in fixed}
    paid = {r.key for r in fixed if r.access != "free"}

    def cost(part: list[int], combo: tuple[int, ...]) -> tuple[int, int, int, int]:
        """(works, paid works, hundredths of hours) that ``combo`` adds to ``fixed``, and
        the sum of its options' positions (ties go to the earlier-listed options)."""
        chosen = [(groups[i], k) for i, k in zip(part, combo, strict=True)]
        readings = [group.options[k] for group, k in chosen]
        works = {r.key for r in readings} - read
        paid_works = {r.key for r in readings if r.access != "free"} - paid
        hours = sum(round(group.cost(k) * _SCALE) for group, k in chosen)
        return len(works), len(paid_works), hours, sum(combo)

    picks = [0] * len(groups)
    for part in parts:
        combos = itertools.product(*(range(len(groups[i].options)) for i in part))
        best = min(combos, key=partial(cost, part))  # (min keeps the first of equals)
        for i, k in zip(part, best, strict=True):
            picks[i] = k
    return picks


def _cp_sat(groups: Sequence[Group], time_limit: float) -> tuple[list[int], bool] | None:
    """Solve with CP-SAT; the picks and whether they are proven optimal, or None."""
    variables: list[None] = []
    choice: list[list[int]] = []
    used: dict[str, int] = {}
    paid: dict[str, int] = {}
    exactly_one: list[list[int]] = []
    implies: list[tuple[int, int]] = []
    costs: list[tuple[int, int]] = []

    def new_var() -> int:
        variables.append(None)
        return len(variables) - 1

    for group in groups:
        row = [new_var() for _ in group.options]
        exactly_one.append(row)
        choice.append(row)
        for k, (var, reading) in enumerate(zip(row, group.options, strict=True)):
            if reading.key not in used:
                used[reading.key] = new_var()
            implies.append((var, used[reading.key]))
            if reading.access != "free":
                if reading.key not in paid:
                    paid[reading.key] = new_var()
                implies.append((var, paid[reading.key]))
            costs.append((var, round(group.cost(k) * _SCALE)))
    # (No fourth rank for the positions here: weighting it below the hours multiplied
    # every coefficient by the number of options, and on choices of thousands of groups
    # the solver then found no answer in time, or the coefficients overflowed.)
    hours_bound = sum(max(round(g.cost(k) * _SCALE) for k in range(len(g.options))) for g in groups)
    paid_weight = hours_bound + 1
    work_weight = paid_weight * (len(paid) + 1)
    objective = [(v, work_weight) for v in used.values()]
    objective += [(v, paid_weight) for v in paid.values()]
    objective += [(v, c) for v, c in costs if c]
    solution = _solve(len(variables), exactly_one, implies, objective, max(time_limit, 0.0))
    if solution is None:
        return None
    values, optimal = solution
    picks = [next(k for k, v in enumerate(row) if values[v]) for row in choice]
    return picks, optimal


def _solve(
    count: int,
    exactly_one: Sequence[Sequence[int]],
    implies: Sequence[tuple[int, int]],
    objective: Sequence[tuple[int, int]],
    time_limit: float,
) -> tuple[list[int], bool] | None:
    """Minimize ``objective`` over ``count`` 0/1 variables subject to the constraints.

    The model is written in CpModelProto's text format (``ortools/sat/cp_model.proto``)
    and solved through ``cp_model_helper``, the compiled module that OR-Tools' own
    ``cp_model`` wraps: ``cp_model`` itself imports numpy and pandas (~0.4 s more, for
    its pandas API), the helper alone imports in ~0.12 s (benchmarks/bench_plans.py).
    """
    from ortools.sat.python import cp_model_helper as cmh

    parts = ["variables { domain: [0, 1] }\n" * count]
    for row in exactly_one:
        parts.append(f"constraints {{ exactly_one {{ literals: {list(row)} }} }}\n")
    for a, b in implies:
        parts.append(f"constraints {{ enforcement_literal: {a} bool_and {{ literals: {b} }} }}\n")
    parts.append(
        f"objective {{ vars: {[v for v, _ in objective]} coeffs: {[c for _, c in objective]} }}\n"
    )
    model = cmh.CpModelProto()
    model.parse_text_format("".join(parts))
    parameters = cmh.SatParameters()
    parameters.max_time_in_seconds = time_limit
    parameters.num_workers = 1  # deterministic, and the machine is small
    parameters.random_seed = 0
    solver: Any = cmh.SolveWrapper()  # the compiled module has no type hints for it
    solver.set_parameters(parameters)
    response = solver.solve(model)
    status = response.status
    if status not in (cmh.CpSolverStatus.OPTIMAL, cmh.CpSolverStatus.FEASIBLE):
        return None
    return list(response.solution), status == cmh.CpSolverStatus.OPTIMAL


def greedy(groups: Sequence[Group]) -> list[int]:
    """A good choice without a solver: groups with one option first; then, repeatedly,
    the work that serves the most undecided groups (free first, then fewer hours) is
    taken for all of them; a group one of whose options is a taken work uses it."""
    picks: list[int | None] = [0 if len(g.options) == 1 else None for g in groups]
    taken = {g.options[0].key for g, p in zip(groups, picks, strict=True) if p is not None}
    while True:
        open_groups = [i for i, p in enumerate(picks) if p is None]
        if not open_groups:
            break
        for i in open_groups:
            group = groups[i]
            usable = [k for k, r in enumerate(group.options) if r.key in taken]
            if usable:
                picks[i] = min(
                    usable, key=lambda k: (group.options[k].access != "free", group.cost(k))
                )
        open_groups = [i for i, p in enumerate(picks) if p is None]
        if not open_groups:
            break
        serves: dict[str, list[int]] = {}
        paid: dict[str, bool] = {}
        hours: dict[str, float] = {}
        for i in open_groups:
            for k, reading in enumerate(groups[i].options):
                serves.setdefault(reading.key, []).append(i)
                paid[reading.key] = paid.get(reading.key, False) or reading.access != "free"
                hours[reading.key] = hours.get(reading.key, 0.0) + groups[i].cost(k)
        best = min(serves, key=lambda w: (-len(serves[w]), paid[w], hours[w], w))
        taken.add(best)
    return [p if p is not None else 0 for p in picks]


class Chapter(Record):
    __slots__ = ("step", "topic_id", "reading", "hours")  # noqa: RUF023 - in the constructor's order

    def __init__(self, step: int, topic_id: str, reading: Reading, hours: float | None) -> None:
        self.step = step
        self.topic_id = topic_id
        self.reading = reading
        self.hours = hours


class Work(Record):
    __slots__ = ("key", "paid", "chapters")  # noqa: RUF023 - in the constructor's order

    def __init__(self, key: str, paid: bool, chapters: list[Chapter]) -> None:
        self.key = key
        self.paid = paid
        self.chapters = chapters

    @property
    def hours(self) -> float:
        return float(sum(c.hours or 0.0 for c in self.chapters))


def reading_list(choice: Choice, topic_ids: Sequence[str]) -> list[Work]:
    """The chosen readings by work, works in the order the plan first needs them, each
    work's chapters in plan order."""
    works: dict[str, Work] = {}
    for group, k in zip(choice.groups, choice.picks, strict=True):
        reading = group.options[k]
        hours = reading.hours
        if hours is None and len(group.options) == 1 and _single_group(choice, group):
            hours = group.fallback_hours
        work = works.get(reading.key)
        if work is None:
            work = works[reading.key] = Work(reading.key, False, [])
        work.paid = work.paid or reading.access != "free"
        work.chapters.append(Chapter(group.step, topic_ids[group.step], reading, hours))
    return list(works.values())


def _single_group(choice: Choice, group: Group) -> bool:
    return sum(1 for g in choice.groups if g.step == group.step) == 1


def step_hours(choice: Choice, hours: Sequence[float]) -> list[float]:
    """Each step's hours once the alternatives not chosen are dropped: the topic's hours
    less the hours of every option it does not read (never below 0)."""
    left = list(hours)
    for group, k in zip(choice.groups, choice.picks, strict=True):
        for j, option in enumerate(group.options):
            if j != k and option.hours is not None:
                left[group.step] -= option.hours
    return [max(0.0, round(h, 6)) for h in left]


def apply(catalog: Catalog, plan: Plan, time_limit: float = TIME_LIMIT_S) -> Choice:
    """Choose the readings of ``plan`` (see ``choose``) and set its steps' hours to what
    the chosen readings need; schedule the plan after this, not before."""
    choice = choose(groups_of(catalog, plan), time_limit)
    plan.hours = step_hours(choice, plan.hours)
    plan.total_hours = float(sum(plan.hours))
    return choice


def chosen_by_topic(choice: Choice, topic_ids: Sequence[str]) -> dict[str, frozenset[Reading]]:
    """Topic id -> the core readings chosen for it."""
    found: dict[str, set[Reading]] = {}
    for group, k in zip(choice.groups, choice.picks, strict=True):
        found.setdefault(topic_ids[group.step], set()).add(group.options[k])
    return {t: frozenset(r) for t, r in found.items()}


def chosen_keys(choice: Choice) -> list[str]:
    """The works of a choice, in the order the plan first needs them."""
    return list(
        dict.fromkeys(g.options[k].key for g, k in zip(choice.groups, choice.picks, strict=True))
    )


def books_json(catalog: Catalog, choice: Choice, topic_ids: Sequence[str]) -> dict[str, object]:
    """The reading list as data."""
    refs = catalog.references
    works = reading_list(choice, topic_ids)
    return {
        "works_count": choice.works,
        "paid_works": choice.paid_works,
        "reading_hours": choice.hours,
        "optimal": choice.optimal,
        "solver": choice.solver,
        "note": choice.note or None,
        "works": [
            {
                "key": w.key,
                "title": refs[w.key].title if w.key in refs else None,
                "access": "paid" if w.paid else "free",
                "hours": w.hours,
                "chapters": [
                    {
                        "step": c.step + 1,
                        "topic": c.topic_id,
                        "where": c.reading.where,
                        "hours": c.hours,
                        "url": c.reading.url,
                    }
                    for c in w.chapters
                ],
            }
            for w in works
        ],
    }
