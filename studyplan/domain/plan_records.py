"""A plan's records: ``Plan`` (its steps kept as columns, its why-tree worked out on
first use), the ``Step`` made for one of them, the ``Link`` of a why-chain, what the
learner already has (``Covered``) and the ``Schedule``. Plain slotted classes, not
dataclasses (``domain/record.py``): ``plan`` builds them on every run. Made by
``planner``, which re-exports them. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise
from typing import Final, overload

from studyplan.domain.catalog import Topic, TopicTable
from studyplan.domain.graph import WhyTree
from studyplan.domain.record import FrozenRecord, Record
from studyplan.domain.status import SATISFIED, Status


class Link(FrozenRecord):
    """``topic`` is needed by ``needed_by`` because ``reason``."""

    __slots__ = ("topic", "needed_by", "reason")  # noqa: RUF023 - in the constructor's order
    topic: Final[str]
    needed_by: Final[str]
    reason: Final[str]

    def __init__(self, topic: str, needed_by: str, reason: str) -> None:
        self.topic = topic
        self.needed_by = needed_by
        self.reason = reason


class Step(Record):
    """One topic of a plan, made when asked for: a plan of tens of thousands of steps is
    mostly counted, scheduled and printed from its columns, not turned into objects."""

    __slots__ = (  # noqa: RUF023 - in the constructor's order
        "topic_id",
        "hours",
        "goal",
        "status",
        "plan",
        "week",
        "end_week",
        "start",
        "end",
    )
    _hidden = frozenset({"plan"})

    def __init__(
        self,
        topic_id: str,
        hours: float,
        goal: bool,
        status: str,
        plan: Plan,
        week: int | None = None,
        end_week: int | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> None:
        self.topic_id = topic_id
        self.hours = hours
        self.goal = goal
        self.status = status
        self.plan = plan
        self.week = week
        self.end_week = end_week
        self.start = start
        self.end = end

    @property
    def topic(self) -> Topic:
        return self.plan.table[self.topic_id]

    @property
    def why(self) -> tuple[Link, ...]:
        """The chain of prerequisite edges from this step up to a goal, with reasons."""
        return self.plan.why(self.topic_id)


class Covered(FrozenRecord):
    """A topic the goals need that the learner already has, and what covers it."""

    __slots__ = ("topic", "by", "status")  # noqa: RUF023 - in the constructor's order
    topic: Final[Topic]
    by: Final[str]
    status: Final[str]

    def __init__(self, topic: Topic, by: str, status: str) -> None:
        self.topic = topic
        self.by = by
        self.status = status


class Schedule(Record):
    """``first_weeks``/``last_weeks``: per step, in plan order, the week (counted from 0)
    it starts in and the one it ends in."""

    __slots__ = (  # noqa: RUF023 - in the constructor's order
        "hours_per_week",
        "start",
        "weeks",
        "finish",
        "deadline",
        "first_weeks",
        "last_weeks",
    )
    _hidden = frozenset({"first_weeks", "last_weeks"})

    def __init__(
        self,
        hours_per_week: float,
        start: date,
        weeks: int,
        finish: date,
        deadline: date | None = None,
        first_weeks: list[int] | None = None,
        last_weeks: list[int] | None = None,
    ) -> None:
        self.hours_per_week = hours_per_week
        self.start = start
        self.weeks = weeks
        self.finish = finish
        self.deadline = deadline
        self.first_weeks: list[int] = first_weeks if first_weeks is not None else []
        self.last_weeks: list[int] = last_weeks if last_weeks is not None else []

    @property
    def fits(self) -> bool | None:
        return None if self.deadline is None else self.finish <= self.deadline


class Plan(Record):
    """An ordered plan kept as columns (topic ids, hours), with its why-tree worked out on
    first use: a plan that is only counted, scheduled or saved never needs it.

    ``positions``: each step's position in the catalog (and index in the prerequisite
    graph). ``pace``: the learner's paces its hours were scaled by, as text (empty:
    estimates). ``_covered``: what the goals need that the learner has, and what vouches
    for it, worked out only when asked for (``plan --all``)."""

    __slots__ = (  # noqa: RUF023 - in the constructor's order
        "goals",
        "topic_ids",
        "hours",
        "positions",
        "table",
        "statuses",
        "total_hours",
        "schedule",
        "pace",
        "_why_tree",
        "_tree",
        "_reasons",
        "_covered",
        "_covered_count",
    )
    _hidden = frozenset(
        {
            "positions",
            "table",
            "statuses",
            "_why_tree",
            "_tree",
            "_reasons",
            "_covered",
            "_covered_count",
        }
    )

    def __init__(
        self,
        goals: list[str],
        topic_ids: list[str],
        hours: list[float],
        positions: list[int],
        table: TopicTable,
        statuses: Mapping[str, str],
        total_hours: float = 0.0,
        schedule: Schedule | None = None,
        pace: list[str] | None = None,
        _why_tree: Callable[[], WhyTree] | None = None,
        _tree: WhyTree | None = None,
        _reasons: dict[str, dict[str, str]] | None = None,
        _covered: Callable[[], list[Covered]] | None = None,
        _covered_count: Callable[[], int] | None = None,
    ) -> None:
        self.goals = goals
        self.topic_ids = topic_ids
        self.hours = hours
        self.positions = positions
        self.table = table
        self.statuses = statuses
        self.total_hours = total_hours
        self.schedule = schedule
        self.pace: list[str] = pace if pace is not None else []
        self._why_tree = _why_tree
        self._tree = _tree
        self._reasons: dict[str, dict[str, str]] = _reasons if _reasons is not None else {}
        self._covered = _covered
        # How many of ``covered`` are not skipped, counted without making them (a plan
        # prints the number; making 90k topics to count them took a second).
        self._covered_count = _covered_count

    @property
    def steps(self) -> Steps:
        return Steps(self)

    @property
    def covered(self) -> list[Covered]:
        return self._covered() if self._covered is not None else []

    def covered_count(self) -> int:
        """How many topics the goals need are left out because what the learner has done
        or knows covers them (0 without a done or known mark: nothing to work out)."""
        if not any(s in SATISFIED for s in self.statuses.values()):
            return 0
        if self._covered_count is not None:
            return self._covered_count()
        return sum(1 for c in self.covered if c.status != "skipped")

    def why_tree(self) -> WhyTree:
        if self._tree is None:
            if self._why_tree is None:
                raise ValueError("this plan was built without a graph")
            self._tree = self._why_tree()
        return self._tree

    def why(self, topic_id: str, links: int | None = None) -> tuple[Link, ...]:
        """The chain of prerequisite edges from ``topic_id`` up to a goal, with reasons
        (only its first ``links`` links, if given)."""
        return chain_links(self.why_tree().chain(topic_id, links), self._reasons_of)

    def _reasons_of(self, topic_id: str) -> dict[str, str]:
        # Chains share their upper links: each topic's reasons are looked up once.
        found = self._reasons.get(topic_id)
        if found is None:
            found = self._reasons[topic_id] = self.table.reasons(topic_id)
        return found

    def step(self, position: int) -> Step:
        tid = self.topic_ids[position]
        step = Step(
            tid, self.hours[position], tid in self.goals, self.statuses.get(tid, Status.TODO), self
        )
        sched = self.schedule
        if sched is not None and sched.first_weeks:
            first, last = sched.first_weeks[position], sched.last_weeks[position]
            step.week, step.end_week = first + 1, last + 1
            step.start = sched.start + timedelta(weeks=first)
            step.end = sched.start + timedelta(weeks=last + 1) - timedelta(days=1)
        return step


class Steps(Sequence[Step]):
    """A plan's steps, in order, each made on access."""

    __slots__ = ("_plan",)

    def __init__(self, plan: Plan) -> None:
        self._plan = plan

    def __len__(self) -> int:
        return len(self._plan.topic_ids)

    @overload
    def __getitem__(self, position: int) -> Step: ...

    @overload
    def __getitem__(self, position: slice) -> list[Step]: ...

    def __getitem__(self, position: int | slice) -> Step | list[Step]:
        if isinstance(position, slice):
            return [self._plan.step(k) for k in range(*position.indices(len(self)))]
        size = len(self)
        if not -size <= position < size:
            raise IndexError("plan step out of range")
        return self._plan.step(position % size)

    def __iter__(self) -> Iterator[Step]:
        step = self._plan.step
        for position in range(len(self)):
            yield step(position)


def chain_links(
    chain: Sequence[str], reasons_of: Callable[[str], Mapping[str, str]]
) -> tuple[Link, ...]:
    """``[a, b, c]`` (each needed by the next) as links with their reasons."""
    return tuple(Link(a, b, reasons_of(b).get(a, "")) for a, b in pairwise(chain))
