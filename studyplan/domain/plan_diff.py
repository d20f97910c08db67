"""What changed in a saved plan since it was saved, and why. Pure: no I/O.

The plan is planned again against today's curricula and marks (``review_saved_plan``)
and its steps compared with the saved ones. Each step that came or went gets one
reason, of one kind:

- ``marks``: your marks did it: a step marked done, known or skipped (or covered by
  such a mark, or a checkpoint whose parts are all done) went; a topic marked not known,
  or one that was covered when the plan was saved and is not any more (a mark undone or
  reset), came back;
- ``prerequisites``: an edge of the curricula changed: a step now requires a topic it
  did not (or no longer requires one it did), as the saved steps' ``requires`` show;
- ``curriculum``: a topic left the curricula, or its hours changed;
- ``unknown``: a plan saved before plans remembered the catalog (version 1) cannot tell
  a change of the curricula from one of your marks for a topic that came or went
  without a mark of yours explaining it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from studyplan.domain.catalog import Catalog
from studyplan.domain.plan_data import SavedPlanReview, review_saved_plan
from studyplan.domain.planner import Plan, graph_of, satisfied_closure
from studyplan.domain.saved_plan import SavedCovered, SavedPlan, SavedStep
from studyplan.domain.status import SATISFIED, Status


@dataclass(frozen=True, slots=True)
class Change:
    topic_id: str
    kind: str  # marks, prerequisites, curriculum, unknown
    why: str


@dataclass(frozen=True, slots=True)
class HoursChange:
    topic_id: str
    then: float
    now: float
    why: str


@dataclass(slots=True)
class PlanDiff:
    name: str
    saved: SavedPlan
    review: SavedPlanReview
    curricula: str  # "changed", "unchanged" or "unknown" (no hash saved)
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    hours: list[HoursChange] = field(default_factory=list)

    @property
    def hours_then(self) -> float:
        return self.saved.total_hours

    @property
    def hours_now(self) -> float:
        return self.review.plan.total_hours

    @property
    def finish_then(self) -> date | None:
        return self.saved.finish_date

    @property
    def finish_now(self) -> date | None:
        sched = self.review.plan.schedule
        return sched.finish if sched and self.review.plan.topic_ids else None

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for change in [*self.added, *self.removed]:
            found[change.kind] = found.get(change.kind, 0) + 1
        return found


def diff_saved_plan(
    catalog: Catalog,
    name: str,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    today: date,
    hours_left: Mapping[str, float] | None = None,
) -> PlanDiff:
    graph = graph_of(catalog)
    review = review_saved_plan(catalog, name, saved, statuses, today, graph, hours_left)
    resolve, topics = catalog.resolve, catalog.topics
    if saved.catalog_hash is None:
        curricula = "unknown"
    elif saved.catalog_hash == catalog.content_hash:
        curricula = "unchanged"
    else:
        curricula = "changed"
    diff = PlanDiff(name, saved, review, curricula)
    plan = review.plan
    then_steps = {resolve(s.topic_id): s for s in saved.steps}
    now_ids = plan.topic_ids
    now_set = set(now_ids)
    covered_then = {resolve(c.topic_id): c for c in saved.covered}
    remembered = saved.version >= 2
    covered_now = satisfied_closure(graph, statuses, topics.milestones())
    # Saved requirements: who required what when the plan was saved.
    required_then: dict[str, list[str]] = {}
    for tid, step in then_steps.items():
        for pre in step.requires or ():
            required_then.setdefault(resolve(pre), []).append(tid)

    for tid in then_steps:
        if tid in now_set:
            continue
        diff.removed.append(
            _why_removed(catalog, tid, statuses, covered_now, required_then, remembered)
        )
    for tid in now_ids:
        if tid in then_steps:
            continue
        diff.added.append(
            _why_added(catalog, plan, tid, statuses, then_steps, covered_then, remembered)
        )
    left = hours_left or {}
    for tid, hours in zip(now_ids, plan.hours, strict=True):
        kept = then_steps.get(tid)
        if kept is None or abs(kept.hours - hours) < 1e-9:
            continue
        if tid in left and (saved.books or abs(topics.hours(tid) - kept.hours) < 1e-9):
            why = "your ticked readings"
        else:
            why = "its estimate changed in the curricula"
        diff.hours.append(HoursChange(tid, kept.hours, hours, why))
    return diff


def _why_removed(
    catalog: Catalog,
    tid: str,
    statuses: Mapping[str, str],
    covered_now: Mapping[str, str],
    required_then: Mapping[str, list[str]],
    remembered: bool,
) -> Change:
    topics = catalog.topics
    if tid not in topics:
        return Change(tid, "curriculum", "no longer in the curricula")
    status = statuses.get(tid)
    if status in SATISFIED or status == Status.SKIPPED:
        return Change(tid, "marks", f"you marked it {status}")
    by = covered_now.get(tid)
    if by is not None and by != tid:
        return Change(tid, "marks", f"covered by your mark on {by} ({statuses.get(by, 'done')})")
    if by == tid:  # a checkpoint whose parts are all had
        return Change(tid, "marks", "a checkpoint whose parts you have all done")
    if remembered:
        dropped = [
            s
            for s in required_then.get(tid, [])
            if s in topics and tid not in topics.prerequisite_ids(s)
        ]
        if dropped:
            return Change(tid, "prerequisites", f"{dropped[0]} no longer requires it")
        return Change(
            tid, "prerequisites", "no longer needed by the goals (their prerequisites changed)"
        )
    return Change(
        tid,
        "unknown",
        "no longer needed by the goals; the plan was saved without the catalog's hash, so "
        "a change of the curricula cannot be told from one of your marks",
    )


def _why_added(
    catalog: Catalog,
    plan: Plan,
    tid: str,
    statuses: Mapping[str, str],
    then_steps: Mapping[str, SavedStep],
    covered_then: Mapping[str, SavedCovered],
    remembered: bool,
) -> Change:
    if statuses.get(tid) == Status.NOT_KNOWN:
        return Change(tid, "marks", "you marked it not known")
    cover = covered_then.get(tid)
    if cover is not None:
        had = cover.status if cover.by == tid else f"{cover.status}, through {cover.by}"
        return Change(tid, "marks", f"you had it when the plan was saved ({had}); not any more")
    if not remembered:
        return Change(
            tid,
            "unknown",
            "new in the plan; the plan was saved without the catalog's hash, so a change "
            "of the curricula cannot be told from one of your marks",
        )
    tree = plan.why_tree()
    needed_by = tree.needed_by(tid)
    if needed_by is None:
        return Change(tid, "curriculum", "a goal that is new to the plan")
    then = then_steps.get(needed_by)
    if then is not None:
        if tid not in {catalog.resolve(p) for p in then.requires or ()}:
            return Change(tid, "prerequisites", f"{needed_by} now requires it")
        return Change(tid, "prerequisites", f"needed by {needed_by}")
    if needed_by in covered_then:
        return Change(tid, "marks", f"needed by {needed_by}, which you had when the plan was saved")
    return Change(tid, "prerequisites", f"needed by {needed_by}, itself new in the plan")
