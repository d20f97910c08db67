"""What the HTML report says, as plain data: the plan, its graph view, progress so far.

Pure: built from the catalog, a plan and the learner's statuses. Drawing the graph (which
runs Graphviz) is a separate step, ``report.attach_graph``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from studyplan.domain.catalog import BibSummary, Catalog, Reading
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.pace import Pace
from studyplan.domain.plan_data import review_saved_plan
from studyplan.domain.planner import Plan, hours_needed_for
from studyplan.domain.saved_plan import SavedPlan, iso
from studyplan.domain.status import SATISFIED_SHOWN, Status
from studyplan.views.model import GraphView, goals_view


@dataclass(slots=True)
class Progress:
    """How far the learner is along the topics the goals need (or the saved plan's steps)."""

    topics_done: int
    topics_total: int
    hours_done: float
    hours_total: float
    done_ids: list[str]
    started_ids: list[str] = field(default_factory=list)
    ahead_hours: float | None = None
    saved_finish: str | None = None
    missing_ids: list[str] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return self.hours_done / self.hours_total if self.hours_total else 1.0


@dataclass(slots=True)
class Report:
    title: str
    goals: list[str]
    plan: Plan
    view: GraphView
    progress: Progress
    today: date
    plan_name: str | None = None
    svg: str | None = None
    graph_note: str | None = None
    # Topic id -> "2/3 readings", for topics with ticked readings (``studyplan read``).
    reading: Mapping[str, str] = field(default_factory=dict)
    # With ``--books``: topic id -> the core readings chosen (the others are not shown).
    chosen: Mapping[str, frozenset[Reading]] | None = None

    @property
    def needed_per_week(self) -> float | None:
        sched = self.plan.schedule
        if sched is None or sched.deadline is None:
            return None
        return hours_needed_for(self.plan, sched.start, sched.deadline)


def goals_title(catalog: Catalog, goals: Sequence[str]) -> str:
    names = []
    for goal in goals:
        goal = catalog.resolve(goal)
        if goal in catalog.topics:
            names.append(catalog.topics[goal].title)
        elif goal in catalog.curricula:
            names.append(catalog.curricula[goal].title)
        else:
            names.append(goal)
    return ", ".join(names)


def report_for_goals(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    raw_goals: Sequence[str],
    plan: Plan,
    statuses: Mapping[str, str],
    today: date,
) -> Report:
    """A report on a fresh plan (``plan`` already built, and scheduled if wanted)."""
    title = goals_title(catalog, raw_goals)
    view = goals_view(catalog, graph, plan.goals, statuses, title)
    done = [n for n in view.nodes if n.status in SATISFIED_SHOWN]
    progress = Progress(
        topics_done=len(done),
        topics_total=len(view.nodes),
        hours_done=sum(n.hours for n in done),
        hours_total=sum(n.hours for n in view.nodes),
        done_ids=[n.id for n in done],
        started_ids=[n.id for n in view.nodes if n.status == Status.STARTED],
    )
    return Report(title, list(raw_goals), plan, view, progress, today)


def report_for_saved(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    name: str,
    saved: SavedPlan,
    statuses: Mapping[str, str],
    today: date,
    paces: Mapping[str, Pace] | None = None,
    hours_left: Mapping[str, float] | None = None,
) -> Report:
    """A report on a saved plan, re-evaluated against today's progress (and re-scheduled
    at ``paces``; ``hours_left``: topics whose ticked readings take hours off)."""
    review = review_saved_plan(
        catalog, name, saved, statuses, today, graph, hours_left, paces=paces
    )
    raw_goals = list(saved.goals)
    title = goals_title(catalog, raw_goals)
    view = goals_view(catalog, graph, review.plan.goals, statuses, title)
    progress = Progress(
        topics_done=len(review.done_ids),
        topics_total=review.steps_total,
        hours_done=review.hours_done,
        hours_total=review.hours_total,
        done_ids=list(review.done_ids),
        started_ids=[s.topic.id for s in review.plan.steps if s.status == Status.STARTED],
        ahead_hours=review.ahead_hours,
        saved_finish=iso(saved.finish_date),
        missing_ids=list(review.missing_ids),
    )
    return Report(title, raw_goals, review.plan, view, progress, today, plan_name=name)


# -- readings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingView:
    citation: str
    where: str
    core: bool
    access: str
    url: str | None


def safe_url(url: str | None) -> str | None:
    """Only web links become links in the page (never ``javascript:`` or ``file:``)."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def _link(ref: BibSummary | None, reading: Reading) -> str | None:
    if safe_url(reading.url):
        return safe_url(reading.url)
    if ref is None:
        return None
    if safe_url(ref.url):
        return safe_url(ref.url)
    if ref.doi:
        return f"https://doi.org/{ref.doi}"
    if ref.eprint:
        return f"https://arxiv.org/abs/{ref.eprint}"
    return None


def reading_view(catalog: Catalog, reading: Reading) -> ReadingView:
    """``Cover & Thomas (2006). Elements of Information Theory. Wiley`` and where to read."""
    ref = catalog.references.get(reading.key)
    if ref is None:
        citation = reading.key
    else:
        from studyplan.domain.names import short_authors

        parts = [f"{short_authors(ref.authors)} ({ref.year})" if ref.authors else ref.year]
        parts += [ref.title, ref.venue]
        citation = ". ".join(p for p in parts if p)
    return ReadingView(citation, reading.where, reading.core, reading.access, _link(ref, reading))
