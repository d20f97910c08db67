"""A plan as plain data: its JSON form, the ``SavedPlan`` it is saved as, and a saved plan
re-evaluated against today's progress (ahead or behind its schedule). Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from studyplan.domain.catalog import Catalog, TopicTable
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.pace import Pace
from studyplan.domain.planner import (
    Plan,
    Step,
    apply_pace,
    build_plan,
    covered_indices,
    graph_of,
    hours_needed_for,
    schedule,
    why_text,
)
from studyplan.domain.saved_plan import SavedCovered, SavedPlan, SavedStep, iso
from studyplan.domain.status import Status


def step_json(catalog: Catalog, step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": step.topic.id,
        "title": step.topic.title,
        "title_zh": step.topic.title_zh,
        "curriculum": step.topic.curriculum,
        "hours": step.topic.hours,
        "scheduled_hours": step.hours,
        "kind": step.topic.kind,
        "goal": step.goal,
        "status": step.status,
        "why": [
            {"topic": ln.topic, "needed_by": ln.needed_by, "reason": ln.reason} for ln in step.why
        ],
        "why_text": why_text(catalog, step),
        "readings": [
            {"key": r.key, "where": r.where, "core": r.core, "access": r.access, "url": r.url}
            for r in step.topic.readings
            if r.core
        ],
    }
    if step.week is not None:
        data.update(
            week=step.week,
            end_week=step.end_week,
            start=step.start.isoformat() if step.start else None,
            end=step.end.isoformat() if step.end else None,
        )
    return data


def plan_json(
    catalog: Catalog, plan: Plan, include_covered: bool = False, *, lazy_steps: bool = False
) -> dict[str, Any]:
    """The plan as data. With ``lazy_steps``, ``steps`` is an iterator, for writers that
    stream it (a 100k-step plan's steps, each with its whole why-chain, run to 400 MB)."""
    sched = plan.schedule
    steps = (step_json(catalog, s) for s in plan.steps)
    data: dict[str, Any] = {
        "goals": plan.goals,
        "steps": steps if lazy_steps else list(steps),
        "total_hours": plan.total_hours,
        "weeks": sched.weeks if sched else None,
        "finish_date": sched.finish.isoformat() if sched and plan.steps else None,
        "hours_per_week": sched.hours_per_week if sched else None,
        "start": sched.start.isoformat() if sched else None,
        "pace": plan.pace,
        "covered_by_what_you_know": plan.covered_count(),
    }
    if sched and sched.deadline:
        data["deadline"] = sched.deadline.isoformat()
        data["fits_deadline"] = sched.fits
        data["hours_per_week_needed"] = hours_needed_for(plan, sched.start, sched.deadline)
    if include_covered:
        data["covered"] = [
            {"id": c.topic.id, "title": c.topic.title, "by": c.by, "status": c.status}
            for c in plan.covered
        ]
    return data


def saved_plan_of(
    plan: Plan,
    raw_goals: Sequence[str],
    created: date,
    catalog: Catalog | None = None,
    *,
    books: bool = False,
) -> SavedPlan:
    """What a saved plan keeps (``SavedPlan``, version 2): goals, parameters and the
    schedule as it was made; with the ``catalog``, also its content hash, each step's
    prerequisites and what the goals needed that the learner had (for ``plan diff``)."""
    sched = plan.schedule
    table = catalog.topics if catalog is not None else None
    return SavedPlan(
        goals=tuple(raw_goals),
        goal_ids=tuple(plan.goals),
        created=created,
        hours_per_week=sched.hours_per_week if sched else None,
        start=sched.start if sched else None,
        deadline=sched.deadline if sched else None,
        total_hours=plan.total_hours,
        weeks=sched.weeks if sched else None,
        finish_date=sched.finish if sched and plan.steps else None,
        steps=tuple(
            SavedStep(
                s.topic_id,
                s.hours,
                s.week,
                s.end_week,
                s.start,
                s.end,
                tuple(table.prerequisite_ids(s.topic_id)) if table is not None else (),
            )
            for s in plan.steps
        ),
        catalog_hash=(catalog.content_hash or None) if catalog is not None else None,
        covered=(
            tuple(SavedCovered(c.topic.id, c.by, c.status) for c in plan.covered)
            if catalog is not None
            else ()
        ),
        books=books,
        pace=tuple(plan.pace),
    )


@dataclass(slots=True)
class SavedPlanReview:
    """A saved plan re-evaluated against current progress."""

    name: str
    saved: SavedPlan
    plan: Plan
    done_ids: list[str]
    missing_ids: list[str]
    hours_total: float
    hours_done: float
    hours_expected: float | None
    # Saved steps that are study steps now (checkpoints, i.e. milestones, not counted).
    steps_total: int = 0
    # Saved steps that left the plan because they were marked known or skipped since (or
    # are covered by a known topic): the plan shrank; they are not progress.
    shrunk_ids: list[str] = field(default_factory=list)

    @property
    def hours_left(self) -> float:
        return self.plan.total_hours

    @property
    def ahead_hours(self) -> float | None:
        """Positive: ahead of the saved schedule by this many hours; negative: behind."""
        return None if self.hours_expected is None else self.hours_done - self.hours_expected


def pace_text(ahead_hours: float) -> str:
    """``on schedule`` / ``3 h ahead of the saved schedule`` / ``2.5 h behind …``."""
    if abs(ahead_hours) < 0.5:
        return "on schedule"
    if ahead_hours > 0:
        return f"{ahead_hours:g} h ahead of the saved schedule"
    return f"{-ahead_hours:g} h behind the saved schedule"


def saved_goals(catalog: Catalog, saved: SavedPlan) -> list[str]:
    """A saved plan's goal topics as the catalog knows them now: retired ids resolved to
    their survivors, ids that left the curricula dropped."""
    goals = dict.fromkeys(catalog.resolve(g) for g in saved.goal_ids)
    return [g for g in goals if g in catalog.topics]


def review_saved_plan(
    catalog: Catalog,
    name: str,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    today: date,
    graph: PrerequisiteGraph | None = None,
    hours_left: Mapping[str, float] | None = None,
    paces: Mapping[str, Pace] | None = None,
) -> SavedPlanReview:
    """Re-plan a saved plan's goals against today's progress and compare with its schedule.

    Progress is the saved steps learnt since: done, or covered by a done topic, counted
    at the hours the saved schedule gave them. Steps marked known or skipped since (or
    covered by a known topic) shrink the plan instead: they leave its total, and are
    not progress. The rest is re-scheduled at ``paces`` (the learner's pace). Topics
    that have left the curricula since the plan was saved are reported as missing, never
    a crash; a retired id (an alias) stands for its survivor.
    """
    graph = graph or graph_of(catalog)
    resolve, topics = catalog.resolve, catalog.topics
    plan = _replanned(catalog, saved, statuses, today, graph, hours_left, paces)
    saved_steps = saved.steps
    missing = [s.topic_id for s in saved_steps if resolve(s.topic_id) not in topics]
    missing += [g for g in saved.goal_ids if resolve(g) not in topics and g not in missing]
    # Checkpoints (milestones) are not study steps: neither counted nor listed as done.
    study = [t for t in (resolve(s.topic_id) for s in saved_steps) if not _checkpoint(topics, t)]
    done, shrunk = _learnt_since(study, plan, topics, statuses, graph)
    done_set, shrunk_set = set(done), set(shrunk)
    saved_hours = [(resolve(s.topic_id), float(s.hours)) for s in saved_steps]
    hours_total = sum(h for t, h in saved_hours if t not in shrunk_set)
    hours_done = sum(h for t, h in saved_hours if t in done_set)
    expected: float | None = None
    hpw, start = saved.hours_per_week, saved.start
    if hpw and start is not None:
        elapsed_days = (today - start).days
        expected = min(hours_total, max(0.0, elapsed_days / 7 * float(hpw)))
    return SavedPlanReview(
        name,
        saved,
        plan,
        done,
        missing,
        hours_total,
        hours_done,
        expected,
        len(study) - len(shrunk),
        shrunk,
    )


def _replanned(
    catalog: Catalog,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    today: date,
    graph: PrerequisiteGraph,
    hours_left: Mapping[str, float] | None,
    paces: Mapping[str, Pace] | None,
) -> Plan:
    """The saved plan's goals planned again from today's progress, at the learner's pace,
    on the saved weekly hours from today (or the saved start, if later)."""
    plan = build_plan(catalog, saved_goals(catalog, saved), statuses, graph, hours_left)
    if saved.books:  # saved with --books: its steps' hours are those of the chosen readings
        from studyplan.domain.books import apply

        apply(catalog, plan)
    apply_pace(plan, catalog, paces or {})
    hpw, start = saved.hours_per_week, saved.start
    if hpw and start is not None:
        schedule(plan, float(hpw), max(today, start))
    return plan


def _learnt_since(
    study: list[str],
    plan: Plan,
    topics: TopicTable,
    statuses: Mapping[str, str],
    graph: PrerequisiteGraph,
) -> tuple[list[str], list[str]]:
    """The saved study steps no longer in the plan, split into those learnt since (done,
    or covered by a done topic) and those the plan shrank by (marked known or skipped,
    or covered by a known topic: never progress)."""
    remaining = set(plan.topic_ids)
    left = [t for t in study if t in topics and t not in remaining]
    learnt = {t: s for t, s in statuses.items() if s in (Status.DONE, Status.NOT_KNOWN)}
    by_done = {graph.ids[i] for i in covered_indices(graph, learnt)}
    # A step marked known or skipped itself is never progress, whatever covers it too.
    unlearnt = (Status.KNOWN, Status.SKIPPED)
    done = [t for t in left if t in by_done and statuses.get(t) not in unlearnt]
    done_set = set(done)
    return done, [t for t in left if t not in done_set]


def _checkpoint(topics: TopicTable, topic_id: str) -> bool:
    return topic_id in topics and topics.is_milestone(topic_id)


def plan_progress(
    catalog: Catalog,
    name: str,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    today: date,
) -> dict[str, Any]:
    """A saved plan's progress as plain data (used by ``status``)."""
    return review_json(review_saved_plan(catalog, name, saved, statuses, today))


def review_json(review: SavedPlanReview) -> dict[str, Any]:
    """A reviewed saved plan's progress as plain data."""
    saved = review.saved
    sched = review.plan.schedule
    return {
        "name": review.name,
        "goals": list(saved.goals),
        "steps_total": review.steps_total,
        "steps_done": len(review.done_ids),
        "hours_total": review.hours_total,
        "hours_done": review.hours_done,
        "hours_left": review.hours_left,
        "hours_in_progress": sum(
            hours
            for tid, hours in zip(review.plan.topic_ids, review.plan.hours, strict=True)
            if review.plan.statuses.get(tid) == Status.STARTED
        ),
        "hours_expected_by_today": review.hours_expected,
        "ahead_hours": review.ahead_hours,
        "saved_finish_date": iso(saved.finish_date),
        "finish_date": sched.finish.isoformat() if sched and review.plan.steps else None,
        "missing_topics": review.missing_ids,
        "shrunk_topics": review.shrunk_ids,
        "pace": review.plan.pace,
    }
