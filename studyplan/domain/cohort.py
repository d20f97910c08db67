"""Where each member of a cohort is on the cohort's assigned plan. Pure: no I/O, no clock.

A step counts as done when its topic is marked done, known or skipped (what drops it from
a learner's own plan); hours done are the saved hours of those steps. The expected hours
by ``today`` follow the saved schedule (hours per week from its start), as ``plan show``
computes them, so ahead/behind means the same in both places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from studyplan.domain.reviews import FIRST_INTERVAL_DAYS
from studyplan.domain.saved_plan import SavedPlan

#: Statuses that take a step off the learner's path.
FINISHED = frozenset({"done", "known", "skipped"})


@dataclass(frozen=True, slots=True)
class MemberProgress:
    """One member's position on the assigned plan."""

    learner: str
    hours_done: float
    hours_total: float
    hours_expected: float | None
    steps_done: int
    steps_total: int
    in_progress: str | None
    last_activity: datetime | None
    #: Each plan step's status for this member (``todo`` when unmarked), in plan order.
    steps: dict[str, str] = field(default_factory=dict)
    #: Review cards due now over all their done topics (``studyplan review``'s queue).
    reviews_due: int | None = None

    @property
    def ahead_hours(self) -> float | None:
        """Positive: ahead of the saved schedule; negative: behind; None: no schedule."""
        if self.hours_expected is None:
            return None
        return round(self.hours_done - self.hours_expected, 1)

    @property
    def fraction(self) -> float:
        return self.hours_done / self.hours_total if self.hours_total else 0.0

    def json(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "hours_done": self.hours_done,
            "hours_total": self.hours_total,
            "hours_expected_by_today": self.hours_expected,
            "ahead_hours": self.ahead_hours,
            "steps_done": self.steps_done,
            "steps_total": self.steps_total,
            "in_progress": self.in_progress,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "reviews_due": self.reviews_due,
        }


def expected_hours(plan: SavedPlan, today: date, total: float) -> float | None:
    """Hours the saved schedule expected by ``today`` (None without a schedule)."""
    if not plan.hours_per_week or plan.start is None:
        return None
    elapsed = (today - plan.start).days
    return round(min(total, max(0.0, elapsed / 7 * plan.hours_per_week)), 1)


def plan_steps(
    plan: SavedPlan,
    resolve: Callable[[str], str],
    checkpoint: Callable[[str], bool] = lambda _: False,
) -> list[tuple[str, float]]:
    """The assigned plan's study steps as (topic id as the catalog knows it now, hours);
    checkpoints (milestones) are not study steps and are left out, as in ``plan show``."""
    steps: dict[str, float] = {}
    for step in plan.steps:
        tid = resolve(step.topic_id)
        if not checkpoint(tid):
            steps[tid] = steps.get(tid, 0.0) + float(step.hours)
    return list(steps.items())


def member_progress(
    plan: SavedPlan,
    members: Sequence[str],
    rows: Iterable[tuple[str, str, str, datetime]],
    today: date,
    resolve: Callable[[str], str] = str,
    checkpoint: Callable[[str], bool] = lambda _: False,
) -> list[MemberProgress]:
    """Each member's progress; ``rows`` are (learner, topic, status, recorded) of every
    member's newest live status per topic. A retired id counts as its survivor's (the
    newest recorded mark on either wins), as in a learner's own ``status``."""
    latest: dict[str, dict[str, tuple[datetime, str]]] = {m: {} for m in members}
    last: dict[str, datetime] = {}
    for learner, topic, status, recorded in rows:
        mine = latest.get(learner)
        if mine is None:
            continue
        tid = resolve(topic)
        old = mine.get(tid)
        if old is None or recorded > old[0]:
            mine[tid] = (recorded, status)
        if learner not in last or recorded > last[learner]:
            last[learner] = recorded
    steps = plan_steps(plan, resolve, checkpoint)
    total = round(float(sum(h for _, h in steps)), 1)
    expected = expected_hours(plan, today, total)
    result = []
    for learner in members:
        marks = latest[learner]
        by_step = {tid: marks[tid][1] if tid in marks else "todo" for tid, _ in steps}
        finished = [(tid, h) for tid, h in steps if by_step[tid] in FINISHED]
        started = next((tid for tid, _ in steps if by_step[tid] == "started"), None)
        result.append(
            MemberProgress(
                learner=learner,
                hours_done=round(float(sum(h for _, h in finished)), 1),
                hours_total=total,
                hours_expected=expected,
                steps_done=len(finished),
                steps_total=len(steps),
                in_progress=started,
                last_activity=last.get(learner),
                steps=by_step,
            )
        )
    return result


def summary_progress(
    plan: SavedPlan,
    steps: Sequence[tuple[str, float]],
    rows: Iterable[tuple[str, float, int, str | None, datetime | None]],
    today: date,
) -> list[MemberProgress]:
    """``MemberProgress`` from per-member sums the database computed over ``steps``
    (learner, hours done, steps done, first step in progress, newest mark); no per-step
    statuses. Same rules as ``member_progress``, which a test holds it to."""
    total = round(float(sum(h for _, h in steps)), 1)
    expected = expected_hours(plan, today, total)
    return [
        MemberProgress(
            learner=learner,
            hours_done=round(hours, 1),
            hours_total=total,
            hours_expected=expected,
            steps_done=done,
            steps_total=len(steps),
            in_progress=started,
            last_activity=newest,
        )
        for learner, hours, done, started, newest in rows
    ]


def reviews_due_counts(
    members: Sequence[str],
    statuses: Iterable[tuple[str, str, str, datetime, datetime]],
    cards: Iterable[tuple[str, str, datetime, datetime]],
    now: datetime,
    resolve: Callable[[str], str] = str,
    checkpoint: Callable[[str], bool] = lambda _: False,
) -> dict[str, int]:
    """Per member, the done topics whose review card is due at ``now``, as a learner's own
    ``status`` counts them (``reviews.due_of``): ``statuses`` are (learner, topic, status,
    dated, recorded) of each newest live mark, ``cards`` (learner, topic, due, recorded) of
    each newest live review row. Retired ids count as their survivors (the newest recorded
    row on either wins); checkpoints have no cards. The server's
    ``studyplan_cohort_reviews_due`` follows the same rules, which a test holds it to."""
    done: dict[tuple[str, str], tuple[datetime, str, datetime]] = {}
    for learner, topic, status, dated, recorded in statuses:
        key = (learner, resolve(topic))
        old = done.get(key)
        if old is None or recorded > old[0]:
            done[key] = (recorded, status, dated)
    newest: dict[tuple[str, str], tuple[datetime, datetime]] = {}
    for learner, topic, due, recorded in cards:
        key = (learner, resolve(topic))
        old_card = newest.get(key)
        if old_card is None or recorded > old_card[0]:
            newest[key] = (recorded, due)
    counts = dict.fromkeys(members, 0)
    first = timedelta(days=FIRST_INTERVAL_DAYS)
    for (learner, tid), (_, status, dated) in done.items():
        if status != "done" or learner not in counts or checkpoint(tid):
            continue
        card = newest.get((learner, tid))
        if (card[1] if card is not None else dated + first) <= now:
            counts[learner] += 1
    return counts
