"""Content rules of the second release (issues 11 and 14), checked on the built-in
curricula. One test per rule; each collects every offender into its message, so one run
lists all that is left to fix."""

from __future__ import annotations

import os
import re
import statistics
from collections import defaultdict

import pytest

from conftest import ROOT
from studyplan import workspace
from studyplan.curriculum.catalog import Catalog, Topic

# Bibliography entry types that are papers (not books or chapters of them).
PAPER_TYPES = {"article", "inproceedings", "misc", "techreport", "unpublished", "phdthesis"}
WHOLE_PAPER = re.compile(r"^\s*whole\s+paper\b", re.IGNORECASE)
# Topics with no edge to or from the rest of the graph on purpose, each with its reason.
DELIBERATE_ENTRY_POINTS: dict[str, str] = {}
MAX_LEARNABLE_HOURS = 12
MIN_TOPICS = 450
MAX_MEDIAN_HOURS = 5
MIN_CHECKS = 3
# The five domains that each need at least one project (issue 14).
DOMAINS = ("infotheory", "control", "optimization", "compression", "perception")
# A location names something: a number, a section sign, or a quoted title.
LOCATION = re.compile(r"[0-9§\"'‘’“”]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    os.environ.pop("STUDYPLAN_BUILTIN_DIR", None)
    try:
        return workspace.catalog(workspace.gather(), use_cache=False)
    finally:
        os.environ["STUDYPLAN_BUILTIN_DIR"] = str(ROOT / "tests" / "fixtures" / "data")


def learnable(catalog: Catalog) -> list[Topic]:
    return [t for t in catalog.topics.values() if not t.is_milestone]


def offenders(found: list[str], rule: str) -> str:
    return f"{len(found)} {rule}:\n  " + "\n  ".join(found)


def papers_core_twice(catalog: Catalog) -> list[str]:
    topics_of: dict[str, list[str]] = defaultdict(list)
    for topic in catalog.topics.values():
        for r in topic.core_readings:
            ref = catalog.references.get(r.key)
            if (
                ref is not None
                and ref.entry_type.lower() in PAPER_TYPES
                and WHOLE_PAPER.match(r.where)
            ):
                topics_of[r.key].append(topic.id)
    return [f"{key}: {', '.join(ids)}" for key, ids in topics_of.items() if len(ids) > 1]


def test_a_paper_is_a_whole_paper_core_reading_of_one_topic_only(catalog: Catalog) -> None:
    found = papers_core_twice(catalog)
    assert not found, offenders(
        found, "papers are a whole-paper core reading of several topics (keep one, require it)"
    )


def isolated(catalog: Catalog) -> list[str]:
    required = {p for t in catalog.topics.values() for p in t.prerequisite_ids}
    return [
        t.id
        for t in catalog.topics.values()
        if not t.prerequisites and t.id not in required and t.id not in DELIBERATE_ENTRY_POINTS
    ]


def test_every_topic_has_an_edge_to_or_from_the_rest(catalog: Catalog) -> None:
    found = isolated(catalog)
    assert not found, offenders(found, "topics have no edge to or from the rest of the graph")


def readings_without_hours(catalog: Catalog) -> list[str]:
    return [
        f"{t.id}: {r.key} ({r.where})"
        for t in catalog.topics.values()
        if len(t.readings) > 1
        for r in t.readings
        if r.hours is None
    ]


def test_with_several_readings_each_gives_its_hours(catalog: Catalog) -> None:
    found = readings_without_hours(catalog)
    assert not found, offenders(found, "readings have no hours in a topic with several readings")


def shared_titles(catalog: Catalog) -> list[str]:
    by_title: dict[str, list[str]] = defaultdict(list)
    for t in catalog.topics.values():
        by_title[" ".join(t.title.casefold().split())].append(t.id)
    return [f"{title!r}: {', '.join(ids)}" for title, ids in by_title.items() if len(ids) > 1]


def test_no_two_topics_share_a_title(catalog: Catalog) -> None:
    found = shared_titles(catalog)
    assert not found, offenders(found, "titles are shared by several topics")


def too_long(catalog: Catalog) -> list[str]:
    return [f"{t.id}: {t.hours:g} h" for t in learnable(catalog) if t.hours > MAX_LEARNABLE_HOURS]


def test_no_learnable_topic_is_over_12_hours(catalog: Catalog) -> None:
    found = too_long(catalog)
    assert not found, offenders(found, f"learnable topics are over {MAX_LEARNABLE_HOURS} h")


def test_the_graph_is_fine_enough(catalog: Catalog) -> None:
    parts = learnable(catalog)
    hours = [t.hours for t in parts]
    median = statistics.median(hours) if hours else 0.0
    milestones = len(catalog.topics) - len(parts)
    checks = sum(len(t.checks) for t in parts)
    with_exercises = sum(1 for t in parts if t.exercises)
    projects = sum(1 for t in parts if t.project is not None)
    print(
        f"\ntopics: {len(catalog.topics)} ({len(parts)} learnable, {milestones} milestones, "
        f"{len(catalog.aliases)} aliases); median learnable hours {median:g}; "
        f"total {sum(hours):g} h; checks {checks}; topics with exercises {with_exercises}; "
        f"projects {projects}"
    )
    assert len(catalog.topics) >= MIN_TOPICS and median <= MAX_MEDIAN_HOURS, (
        f"{len(catalog.topics)} topics (want ≥ {MIN_TOPICS}), "
        f"median learnable hours {median:g} (want ≤ {MAX_MEDIAN_HOURS})"
    )


def too_few_checks(catalog: Catalog) -> list[str]:
    return [
        f"{t.id}: {len(t.checks)} checks"
        + (f", {unanswered} without an answer" if unanswered else "")
        for t in learnable(catalog)
        if len(t.checks) < MIN_CHECKS
        or (unanswered := sum(1 for c in t.checks if not c.answer.strip()))
    ]


def test_every_learnable_topic_has_three_answered_checks(catalog: Catalog) -> None:
    found = too_few_checks(catalog)
    assert not found, offenders(
        found, f"learnable topics have fewer than {MIN_CHECKS} answered checks"
    )


def _question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def questions_asked_twice(catalog: Catalog) -> list[str]:
    asked: dict[str, list[str]] = defaultdict(list)
    for t in catalog.topics.values():
        for c in t.checks:
            asked[_question(c.q)].append(t.id)
    return [f"{q!r}: {', '.join(ids)}" for q, ids in asked.items() if len(ids) > 1]


def test_no_question_is_asked_twice(catalog: Catalog) -> None:
    found = questions_asked_twice(catalog)
    assert not found, offenders(found, "questions are asked more than once across the curricula")


def exercises_without_location(catalog: Catalog) -> list[str]:
    return [
        f"{t.id}: {e.key} {e.where!r}"
        for t in catalog.topics.values()
        for e in t.exercises
        if not LOCATION.search(e.where)
    ]


def test_every_exercise_pointer_has_a_location(catalog: Catalog) -> None:
    found = exercises_without_location(catalog)
    assert not found, offenders(
        found,
        "exercise pointers name no location (give exercise numbers, a section number or a "
        "quoted section title)",
    )


def test_half_of_the_learnable_topics_point_at_exercises(catalog: Catalog) -> None:
    parts = learnable(catalog)
    without = [t.id for t in parts if not t.exercises]
    assert len(without) <= len(parts) / 2, offenders(
        without, f"of {len(parts)} learnable topics have no exercises (at most half may)"
    )


def test_every_domain_has_a_project(catalog: Catalog) -> None:
    found = [
        cid
        for cid in DOMAINS
        if cid not in catalog.curricula
        or not any(catalog.topics[t].project for t in catalog.curricula[cid].topic_ids)
    ]
    assert not found, offenders(found, "domains have no project")
