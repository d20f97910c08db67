"""The saved plan's typed form: what ``plan --save`` writes reads back the same, and what
it would never write is refused with the JSON path of every problem."""

from __future__ import annotations

import json
import string
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Cli
from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


def word(most: int) -> st.SearchStrategy[str]:
    """``[a-z]{1,most}``, drawn directly (``st.from_regex`` was most of these tests' time)."""
    return st.text(string.ascii_lowercase, min_size=1, max_size=most)


def dotted(first: int, second: int) -> st.SearchStrategy[str]:
    """``[a-z]{1,first}\\.[a-z]{1,second}``."""
    return st.tuples(word(first), word(second)).map(".".join)


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    scheduled = draw(st.booleans())
    steps = [
        {
            "id": draw(dotted(5, 8)),
            "hours": draw(st.floats(0, 1e4, allow_nan=False) | st.integers(0, 10_000)),
            "week": draw(st.integers(1, 500)) if scheduled else None,
            "end_week": draw(st.integers(1, 500)) if scheduled else None,
            "start": draw(DAYS).isoformat() if scheduled else None,
            "end": draw(DAYS).isoformat() if scheduled else None,
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    return {
        "version": 1,
        "goals": draw(st.lists(word(6) | dotted(6, 6))),
        "topics": draw(st.lists(dotted(6, 6))),
        "created": draw(DAYS).isoformat(),
        "hours_per_week": draw(st.floats(0.5, 168)) if scheduled else None,
        "start": draw(DAYS).isoformat() if scheduled else None,
        "deadline": draw(st.none() | DAYS.map(date.isoformat)),
        "total_hours": draw(st.floats(0, 1e5, allow_nan=False)),
        "weeks": draw(st.integers(0, 9999)) if scheduled else None,
        "finish_date": draw(DAYS).isoformat() if scheduled else None,
        "steps": steps,
    }


@st.composite
def payloads_v2(draw: st.DrawFn) -> dict[str, Any]:
    """Version 2: version 1 plus the catalog hash, each step's prerequisites, what was
    covered and whether the readings were chosen with --books."""
    payload = draw(payloads())
    payload["version"] = 2
    topic = dotted(5, 8)
    for step in payload["steps"]:
        step["requires"] = draw(st.lists(topic, max_size=3))
    payload["catalog_hash"] = draw(
        st.none() | st.text("0123456789abcdef", min_size=20, max_size=20)
    )
    payload["covered"] = [
        {"id": draw(topic), "by": draw(topic), "status": draw(st.sampled_from(["known", "done"]))}
        for _ in range(draw(st.integers(0, 3)))
    ]
    payload["books"] = draw(st.booleans())
    return payload


@given(payloads())
def test_a_written_plan_reads_back_to_the_same_json(payload: dict[str, Any]) -> None:
    assert SavedPlan.from_json(payload).to_json() == payload


@given(payloads_v2())
def test_a_version_2_plan_reads_back_to_the_same_json(payload: dict[str, Any]) -> None:
    plan = SavedPlan.from_json(payload)
    assert plan.version == 2 and plan.to_json() == payload


@given(payloads())
def test_version_1_is_still_read_and_has_no_hash(payload: dict[str, Any]) -> None:
    plan = SavedPlan.from_json(payload)
    assert plan.version == 1 and plan.catalog_hash is None and plan.covered == ()
    assert all(s.requires is None for s in plan.steps)


def test_plans_saved_by_the_cli_read_back_exactly(cli: Cli) -> None:
    from studyplan.adapters import paths
    from studyplan.adapters.store import open_store

    assert (
        cli("plan", "mini.ib", "-H", "4", "--deadline", "2199-01-01", "--save", "a").exit_code == 0
    )
    assert cli("plan", "mini.ib", "--save", "b").exit_code == 0
    store = open_store(paths.db_path(), create=False)
    try:
        for name in ("a", "b"):
            ((text,),) = store._rows('SELECT payload FROM "plan" WHERE name = ?', (name,))
            payload = json.loads(text)
            assert SavedPlan.from_json(payload).to_json() == payload
            saved = store.get_plan(name)
            assert saved is not None and saved.to_json() == payload
    finally:
        store.close()


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ("not an object", "$: must be an object"),
        ({"goals": "frontiers.medusa"}, "$.goals: must be a list"),
        (
            {"goals": ["a.b"], "hours_per_week": "x", "start": "2026-01-01"},
            "$.hours_per_week: must be a number",
        ),
        (
            {"goals": ["a.b"], "hours_per_week": 1e300, "start": "2026-01-01"},
            "$.hours_per_week: must be more than 0",
        ),
        ({"goals": ["a.b"], "hours_per_week": 5}, "$.start: a plan with hours per week needs"),
        ({"goals": ["a.b"], "steps": [{"hours": 3}]}, "$.steps[0].id: must be a topic id"),
        (
            {"goals": ["a.b"], "steps": [{"id": "a.b", "hours": -1}]},
            "$.steps[0].hours: must be a finite",
        ),
        (
            {"goals": ["a.b"], "steps": [{"id": "a.b", "start": "0001-01-01"}]},
            "$.steps[0].start: 0001-01-01 is out of range",
        ),
        ({"goals": ["a.b"], "version": 7}, "$.version: version 7 is not 1 or 2"),
        ({"goals": ["a.b"], "version": 2, "covered": {}}, "$.covered: must be a list"),
        (
            {"goals": ["a.b"], "version": 2, "covered": [{"id": "a.b"}]},
            "$.covered[0]: must be an object with id, by and status",
        ),
        ({"goals": ["a.b"], "version": 2, "catalog_hash": 3}, "$.catalog_hash: must be a text"),
        (
            {"goals": ["a.b"], "version": 2, "steps": [{"id": "a.b", "requires": "x"}]},
            "$.steps[0].requires: must be a list",
        ),
        ({"goals": ["a.b"], "version": 2, "books": "yes"}, "$.books: must be true or false"),
    ],
)
def test_what_no_command_writes_is_refused_with_its_path(payload: Any, problem: str) -> None:
    with pytest.raises(SavedPlanFormatError) as caught:
        SavedPlan.from_json(payload)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_stored_plan_that_cannot_be_read_is_one_error_line(cli: Cli) -> None:
    import sqlite3

    from studyplan.adapters import paths
    from studyplan.errors import EXIT_STORE

    assert cli("plan", "mini.ib", "--save", "bad").exit_code == 0
    assert cli("plan", "mini.kl", "--save", "good").exit_code == 0
    with sqlite3.connect(paths.db_path()) as conn:
        conn.execute(
            'UPDATE "plan" SET payload = ? WHERE name = ?',
            (json.dumps({"goals": ["mini.ib"], "steps": [{"hours": 1}]}), "bad"),
        )
    conn.close()
    for args in (("plan", "show", "bad"), ("plan", "use", "bad"), ("plans",)):
        result = cli(*args)
        assert result.exit_code == EXIT_STORE, args
        assert result.stderr == (
            "error: saved plan 'bad' cannot be read: $.steps[0].id: must be a topic id "
            "(remove it with: studyplan plan rm bad; or save it again with --replace)\n"
        )
    (entry, good) = cli.json("status")["plans"]
    assert entry["name"] == "bad" and "$.steps[0].id" in entry["error"]
    assert good["name"] == "good" and "error" not in good
    assert cli("plan", "rm", "bad").exit_code == 0
    assert [p["name"] for p in cli.json("plans")] == ["good"]
