"""Curriculum format v2 through the real CLI and a real SQLite file: milestones (a split
topic kept as a checkpoint), aliases (a merged duplicate's retired id), self-checks,
exercises and projects. The fixture ``tests/fixtures/v2/lin.yaml`` is a user curriculum
on top of the mini fixture."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES, Cli
from studyplan.adapters import paths
from studyplan.adapters.store import open_store
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import EXIT_INVALID_CURRICULA

V2 = FIXTURES / "v2"


class V2Cli:
    """The CLI with the v2 fixture curriculum added."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli

    def __call__(self, *args: str) -> Any:
        return self.cli("--curricula", str(V2), *args)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output + result.stderr
        return str(result.stdout)

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))


@pytest.fixture
def v2(cli: Cli) -> V2Cli:
    return V2Cli(cli)


def record_raw(topic_ids: list[str], status: str) -> None:
    """A row as an older studyplan wrote it: on the id as given, unchecked."""
    store = open_store(paths.db_path(), create=True)
    try:
        store.record(topic_ids, status)
    finally:
        store.close()


def steps(v2: V2Cli, *goals: str) -> list[str]:
    return [s["id"] for s in v2.json("plan", *goals)["steps"]]


# -- the format -------------------------------------------------------------------------


def test_the_fixture_is_valid_and_carries_everything(v2: V2Cli) -> None:
    assert v2.ok("validate") == "ok: 2 curriculum files valid\n"
    vectors = v2.json("show", "lin.vectors")
    assert vectors["kind"] == "topic"
    assert vectors["readings"][0]["pages"] == 12
    assert vectors["checks"][0] == {
        "q": "What is the product of the 1×2 matrix [1 2] and the column vector (3, 4)?",
        "q_zh": "1×2 矩阵 [1 2] 与列向量 (3, 4) 的乘积是多少？",
        "answer": "11",
        "source": {"key": "bertsekas2008introduction", "where": "§1.1"},
    }
    assert vectors["exercises"] == [
        {"key": "bertsekas2008introduction", "where": "Problems at the end of Ch. 1"}
    ]
    assert v2.json("show", "lin.elimination")["project"] == {
        "title": "Write Gaussian elimination",
        "task": "Implement elimination with partial pivoting.",
        "deliverable": "A notebook solving three systems, one singular.",
    }
    milestone = v2.json("show", "lin.algebra")
    assert (milestone["kind"], milestone["hours"], milestone["readings"]) == ("milestone", 0, [])


def test_show_hides_answers_unless_asked(v2: V2Cli) -> None:
    text = v2.ok("show", "lin.elimination")
    assert "Self-checks (answers: --answers)" in text
    assert "Solve x + y = 3, x − y = 1." in text and "x = 2, y = 1." not in text
    assert "Project: Write Gaussian elimination" in text
    assert "hand in: A notebook solving three systems, one singular." in text
    shown = v2.ok("show", "lin.elimination", "--answers")
    assert "→ x = 2, y = 1." in shown
    assert "Exercises" in v2.ok("show", "lin.vectors")
    assert "◆ checkpoint" in v2.ok("show", "lin.algebra")


BROKEN = """\
id: bad
title: Bad
title_zh: 坏
description: Every rule of the second format, broken once.
topics:
  - id: bad.split
    kind: milestone
    title: Split
    title_zh: 拆分
    summary: A milestone with hours and a reading.
    hours: 3
    readings:
      - {key: cover2006elements, where: Ch. 2, core: true, access: paid}
  - id: bad.empty
    kind: milestone
    title: Empty
    title_zh: 空
    summary: A milestone without parts.
  - id: bad.nohours
    title: No hours
    title_zh: 无时
    summary: A learnable topic without hours.
  - id: bad.pointers
    title: Pointers
    title_zh: 指针
    summary: A check and an exercise that point at no reading of this topic.
    hours: 2
    aliases: [mini.entropy, lin.decomposition, bad.retired, bad.retired]
    readings:
      - {key: cover2006elements, where: Ch. 2, core: true, access: paid}
    checks:
      - q: Q?
        answer: A.
        source: {key: mackay2003information, where: Ch. 2}
    exercises:
      - {key: tishby2015deep, where: whole paper}
  - id: bad.zero-pages
    title: Zero pages
    title_zh: 零页
    summary: A reading of 0 pages.
    hours: 1
    readings:
      - {key: cover2006elements, where: Ch. 2, core: true, access: paid, pages: 0}
"""


def test_validate_reports_each_broken_rule_at_its_line(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    folder = write_curriculum("bad.yaml", BROKEN)
    result = cli("--curricula", str(V2), "--curricula", str(folder), "validate")
    assert result.exit_code == EXIT_INVALID_CURRICULA
    lines = result.stderr.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, row in enumerate(BROKEN.splitlines(), 1) if row.strip() == text)

    def reported(line: int, message: str) -> bool:
        return any(f"bad.yaml:{line}" in row and message in row for row in lines)

    assert reported(line_of("hours: 3"), "a milestone has no hours of its own")
    # a list is placed at its first item
    assert reported(line_of("readings:") + 1, "a milestone has no readings of its own")
    assert reported(
        line_of("- id: bad.empty"), "a milestone needs at least one prerequisite (its parts)"
    )
    assert reported(line_of("- id: bad.nohours"), "missing field 'hours'")
    assert reported(
        line_of("source: {key: mackay2003information, where: Ch. 2}"),
        "check's source 'mackay2003information' is not one of this topic's readings",
    )
    assert reported(
        line_of("- {key: tishby2015deep, where: whole paper}"),
        "exercise 'tishby2015deep' is not one of this topic's readings",
    )
    alias_line = line_of("aliases: [mini.entropy, lin.decomposition, bad.retired, bad.retired]")
    assert reported(alias_line, "alias 'mini.entropy' is also a topic's id")
    assert reported(alias_line, "alias 'lin.decomposition' is claimed twice (also at")
    assert reported(alias_line, "alias 'bad.retired' is claimed twice")
    assert any("pages" in row and "greater than 0" in row for row in lines)


def test_a_prerequisite_naming_an_alias_means_its_survivor(v2: V2Cli) -> None:
    lora = v2.json("show", "lin.lora")
    assert [p["id"] for p in lora["prerequisites"]] == ["lin.svd"]
    assert steps(v2, "lin.lora") == [
        "lin.vectors",
        "lin.elimination",
        "lin.algebra",
        "lin.svd",
        "lin.lora",
    ]


# -- aliases ----------------------------------------------------------------------------


def test_every_command_taking_a_topic_accepts_a_retired_id(v2: V2Cli) -> None:
    shown = v2.json("show", "other.retired-svd")
    assert (shown["id"], shown["resolved_from"]) == ("lin.svd", "other.retired-svd")
    assert "other.retired-svd is a retired id: it now means lin.svd" in v2.ok(
        "show", "other.retired-svd"
    )
    assert v2.json("plan", "lin.decomposition")["goals"] == ["lin.svd"]
    assert [t["id"] for t in v2.json("topics", "--search", "retired-svd")] == ["lin.svd"]
    assert v2.json("why", "lin.decomposition", "--goal", "lin.lora")["topic"] == "lin.svd"
    assert v2.json("unlocks", "lin.decomposition")["topic"] == "lin.svd"
    assert v2.json("done", "lin.decomposition")["topics"] == ["lin.svd"]
    assert [e["topic"] for e in v2.json("log", "--topic", "other.retired-svd")] == ["lin.svd"]
    assert v2.json("know", "lin.vectors", "other.retired-svd")["topics"] == [
        "lin.vectors",
        "lin.svd",
    ]


def test_rows_on_a_retired_id_count_as_the_survivors(v2: V2Cli) -> None:
    record_raw(["lin.decomposition"], "done")  # written before the merge
    status = v2.json("status", "--curriculum", "lin")
    (lin,) = status["curricula"]
    assert (lin["done"], lin["hours_done"]) == (1, 5)
    assert [t["id"] for t in status["topics"]] == ["lin.svd"]
    assert status["orphans"] == []
    doctor = v2.json("doctor")
    assert doctor["ok"] and doctor["orphans"] == []
    # done covers what it requires, so only the goal is left
    assert steps(v2, "lin.lora") == ["lin.lora"]
    assert [t["id"] for t in v2.json("next")["topics"]] == ["mini.probability", "lin.lora"]
    assert [e["topic"] for e in v2.json("log", "--topic", "lin.svd")] == ["lin.decomposition"]


def test_the_newest_mark_on_either_id_wins(v2: V2Cli) -> None:
    record_raw(["lin.decomposition"], "done")
    v2.ok("reset", "lin.svd")
    assert v2.json("status")["topics"] == []
    assert "lin.svd" in steps(v2, "lin.lora")
    v2.ok("start", "other.retired-svd")
    (row,) = v2.json("status")["topics"]
    assert (row["id"], row["status"]) == ("lin.svd", "started")


def test_saved_plans_and_backups_resolve_retired_ids(v2: V2Cli, tmp_path: Path) -> None:
    store = open_store(paths.db_path(), create=True)
    store.save_plan(
        "old",
        SavedPlan.from_json(
            {
                "version": 1,
                "goals": ["lin.decomposition"],
                "topics": ["lin.decomposition"],
                "created": "2025-01-06",
                "hours_per_week": None,
                "start": None,
                "deadline": None,
                "total_hours": 12,
                "weeks": None,
                "finish_date": None,
                "steps": [
                    {"id": "lin.vectors", "hours": 3},
                    {"id": "lin.elimination", "hours": 4},
                    {"id": "lin.algebra", "hours": 0},
                    {"id": "lin.decomposition", "hours": 5},
                ],
            }
        ),
    )
    store.set_active_plan("old")
    store.record(["lin.decomposition"], "done")
    store.close()
    shown = v2.json("plan", "show", "old")
    assert shown["missing_topics"] == []
    # the checkpoint is not a study step
    assert (shown["steps_done"], shown["steps_total"], shown["hours_done"]) == (3, 3, 12)
    assert shown["plan"]["steps"] == []
    assert v2.json("next")["plan"] == "old"

    backup = tmp_path / "backup.json"
    v2.ok("backup", "-o", str(backup))
    fresh = str(tmp_path / "fresh.db")
    restored = v2.cli("--db", fresh, "--curricula", str(V2), "restore", str(backup))
    assert restored.exit_code == 0, restored.stderr
    status = json.loads(v2.cli("--db", fresh, "--curricula", str(V2), "status", "--json").stdout)
    assert [t["id"] for t in status["topics"]] == ["lin.svd"] and status["orphans"] == []
    plans = status["plans"]
    assert [(p["name"], p["missing_topics"], p["hours_left"]) for p in plans] == [("old", [], 0)]


# -- milestones -------------------------------------------------------------------------


def test_know_on_a_milestone_covers_its_parts(v2: V2Cli) -> None:
    v2.ok("know", "lin.algebra")
    assert steps(v2, "lin.lora") == ["lin.svd", "lin.lora"]
    assert steps(v2, "lin.algebra") == []
    (lin,) = v2.json("status", "--curriculum", "lin")["curricula"]
    # counted by its parts: 2 of the 4 learnable topics, 7 of 14 h
    assert (lin["done"], lin["total"], lin["hours_done"], lin["hours_total"]) == (2, 4, 7, 14)


def test_planning_a_milestone_plans_its_parts_and_shows_a_checkpoint(v2: V2Cli) -> None:
    plan = v2.json("plan", "lin.algebra")
    assert [(s["id"], s["kind"], s["hours"]) for s in plan["steps"]] == [
        ("lin.vectors", "topic", 3),
        ("lin.elimination", "topic", 4),
        ("lin.algebra", "milestone", 0),
    ]
    assert plan["total_hours"] == 7
    text = v2.ok("plan", "lin.algebra")
    assert text.startswith("2 steps · 7 h · 1 checkpoint\n")
    assert "3. ◆ checkpoint: Linear algebra · 线性代数  [lin.algebra]\n" in text


def test_a_milestone_is_reached_by_its_parts_and_never_offered_next(v2: V2Cli) -> None:
    v2.ok("done", "lin.vectors")
    offered = [t["id"] for t in v2.json("next")["topics"]]
    assert offered == ["mini.probability", "lin.elimination"]
    v2.ok("done", "lin.elimination")
    offered = [t["id"] for t in v2.json("next")["topics"]]
    assert "lin.algebra" not in offered and "lin.svd" in offered
    assert steps(v2, "lin.lora") == ["lin.svd", "lin.lora"]
    (lin,) = v2.json("status", "--curriculum", "lin")["curricula"]
    assert (lin["done"], lin["hours_done"]) == (2, 7)


def test_a_milestone_cannot_be_started(v2: V2Cli) -> None:
    result = v2("start", "lin.algebra")
    assert result.exit_code != 0
    assert "lin.algebra is a checkpoint (a milestone)" in result.stderr
    assert "start one of them: lin.vectors, lin.elimination" in result.stderr


def test_graph_and_calendar_draw_a_milestone_as_a_checkpoint(v2: V2Cli, tmp_path: Path) -> None:
    dot = v2.ok("graph", "lin.lora")
    assert 'label="Linear algebra\\n线性代数\\n◆ checkpoint"' in dot
    assert 'shape="hexagon"' in dot
    assert "{{" in v2.ok("graph", "lin.lora", "--format", "mermaid")
    v2.ok("plan", "lin.lora", "-H", "4", "--save", "p")
    ics = tmp_path / "p.ics"
    v2.ok("calendar", "-o", str(ics))
    assert "◆ checkpoint" in ics.read_text(encoding="utf-8")
    report = tmp_path / "p.html"
    v2.ok("report", "-o", str(report))
    assert "◆ checkpoint" in report.read_text(encoding="utf-8")
