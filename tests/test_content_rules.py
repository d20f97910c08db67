"""The content rules of ``test_content_v2`` catch what they are for: each rule run on a
small catalog with one deliberate offender and one topic that keeps the rule."""

from __future__ import annotations

from test_content_v2 import (
    exercises_without_location,
    isolated,
    papers_core_twice,
    questions_asked_twice,
    readings_without_hours,
    shared_titles,
    too_few_checks,
    too_long,
)

from studyplan.curriculum.catalog import (
    BibSummary,
    Catalog,
    Check,
    Curriculum,
    Pointer,
    Prerequisite,
    Reading,
    Topic,
)

PAPER = Reading("paper2020x", "whole paper", True, "free", hours=2)
BOOK = Reading("book2020y", "Ch. 2", True, "paid", hours=3)
CHECKS = (Check("Q1?", "A1"), Check("Q2?", "A2"), Check("Q3?", "A3"))


def topic(tid: str, **fields: object) -> Topic:
    base: dict[str, object] = {
        "id": tid,
        "curriculum": "c",
        "title": tid.upper(),
        "title_zh": "题",
        "summary": "s",
        "hours": 4.0,
        "readings": (BOOK,),
    }
    base.update(fields)
    return Topic(**base)  # type: ignore[arg-type]


def catalog(*topics: Topic) -> Catalog:
    table = {t.id: t for t in topics}
    refs = {
        "paper2020x": BibSummary("paper2020x", "inproceedings", "P", "A", "2020"),
        "book2020y": BibSummary("book2020y", "book", "B", "A", "2020"),
    }
    return Catalog({"c": Curriculum("c", "C", "C", "d", tuple(table))}, table, refs)


def test_each_rule_finds_its_offender_and_only_it() -> None:
    first = topic("c.a", readings=(PAPER,), checks=CHECKS)
    cases = [
        (papers_core_twice, topic("c.b", readings=(PAPER,)), "paper2020x: c.a, c.b"),
        (isolated, topic("c.lone"), "c.lone"),
        (
            readings_without_hours,
            topic("c.b", readings=(BOOK, Reading("paper2020x", "§1", False, "free"))),
            "c.b: paper2020x (§1)",
        ),
        (shared_titles, topic("c.b", title="C.A"), "'c.a': c.a, c.b"),
        (too_long, topic("c.b", hours=12.5), "c.b: 12.5 h"),
        (too_few_checks, topic("c.b", checks=CHECKS[:2]), "c.b: 2 checks"),
        (
            questions_asked_twice,
            topic("c.b", checks=(Check("q1", "other"),)),
            "'q1': c.a, c.b",
        ),
        (
            exercises_without_location,
            topic("c.b", exercises=(Pointer("book2020y", "the exercises"),)),
            "c.b: book2020y 'the exercises'",
        ),
    ]
    for rule, offender, expected in cases:
        uses_a = (Prerequisite("c.a", "uses it"),)
        if offender.id == "c.lone":  # something else requires c.a
            topics = [first, offender, topic("c.b", prerequisites=uses_a)]
        else:
            topics = [first, offender._replace(prerequisites=uses_a)]
        found = rule(catalog(*topics))
        if rule is too_few_checks:
            found = [f for f in found if not f.startswith("c.a")]
        assert found == [expected], rule.__name__


def test_milestones_are_not_held_to_the_rules_of_learnable_topics() -> None:
    part = topic("c.part", checks=CHECKS)
    milestone = topic(
        "c.whole",
        kind="milestone",
        hours=0.0,
        readings=(),
        prerequisites=(Prerequisite("c.part", "part"),),
    )
    cat = catalog(part, milestone)
    assert too_few_checks(cat) == [] and too_long(cat) == [] and isolated(cat) == []
