"""The learner's pace: the shrunk log-normal estimate, schedules that use it and say so,
``--pace 1``, and ahead/behind that counts learning, not marks made after saving."""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Cli
from studyplan.domain.pace import PRIOR_TOPICS, estimate
from studyplan.errors import EXIT_USAGE


def test_the_prior_is_worth_three_topics_at_the_estimates() -> None:
    assert estimate([]) == {}
    three = estimate([("c", 120, 1.0)] * 3)["c"]
    assert three.factor == pytest.approx(math.sqrt(2))  # half-way to ×2, in logs
    assert three.topics == 3 and three.text() == "×1.4 from 3 timed topics in c"
    many = estimate([("c", 120, 1.0)] * 300)["c"].factor
    assert many == pytest.approx(2 ** (300 / (300 + PRIOR_TOPICS)))
    assert estimate([("c", 1, 10.0)])["c"].factor == pytest.approx(0.1 ** (1 / 4))  # clamped
    assert estimate([("c", 0, 2.0), ("d", 30, 0.0)]) == {}  # nothing timed


@given(st.floats(0.2, 5), st.integers(1, 40))
def test_the_estimate_lies_between_one_and_the_learners_ratio(true: float, n: int) -> None:
    pace = estimate([("c", 60 * true, 1.0)] * n)["c"].factor
    assert min(1.0, true) - 1e-9 <= pace <= max(1.0, true) + 1e-9
    more = estimate([("c", 60 * true, 1.0)] * (n + 1))["c"].factor
    assert abs(math.log(more / true)) <= abs(math.log(pace / true)) + 1e-12


def test_it_converges_on_noisy_logs() -> None:
    rng = random.Random(7)
    logs = [("c", 60 * 1.7 * math.exp(rng.gauss(0, 0.4)), 2.0 / 2) for _ in range(400)]
    assert estimate(logs)["c"].factor == pytest.approx(1.7, rel=0.08)


def test_schedules_use_the_pace_and_say_so(cli: Cli, tmp_path: object) -> None:
    # mini.probability is 10 h by the curriculum: 1200 minutes is ×2.
    assert cli("done", "mini.probability", "--minutes", "1200").exit_code == 0
    plain = cli.json("plan", "mini.ib", "--pace", "1")
    paced = cli.json("plan", "mini.ib", "-H", "4")
    factor = math.sqrt(math.sqrt(2))  # one topic at ×2 against a prior of three at ×1
    assert plain["pace"] == []
    assert paced["pace"] == [f"×{factor:.1f} from 1 timed topic in mini"]
    for a, b in zip(plain["steps"], paced["steps"], strict=True):
        assert b["scheduled_hours"] == pytest.approx(round(a["hours"] * factor, 1))
    text = cli("plan", "mini.ib", "-H", "4").stdout
    assert "at your pace: ×1.2 from 1 timed topic in mini (--pace 1: the estimates)" in text
    assert "at your pace" not in cli("plan", "mini.ib", "--pace", "1").stdout
    assert cli("plan", "mini.ib", "--pace", "2").stdout.count("(fixed with --pace)") == 1
    bad = cli("plan", "mini.ib", "--pace", "0")
    assert bad.exit_code == EXIT_USAGE and "--pace must be from 0.1 to 10" in bad.stderr
    assert cli("plan", "mini.ib", "-H", "4", "--save", "p").exit_code == 0
    report = cli("report", "-o", "-")
    assert report.exit_code == 0 and "Hours at your pace: ×1.2 from 1 timed topic" in report.stdout
    calendar = cli("calendar", "-o", "-")
    assert "X-WR-CALDESC:hours at your pace: ×1.2 from 1 timed topic in mini" in calendar.stdout
    shown = cli.json("plan", "show", "p")
    assert shown["pace"] == paced["pace"]
    assert cli.json("plan", "show", "p", "--pace", "1")["pace"] == []


def test_reviews_time_counts_towards_the_pace(cli: Cli) -> None:
    from studyplan.adapters import paths
    from studyplan.adapters.store import open_store

    assert cli("done", "mini.probability", "--minutes", "600", "--on", "2026-01-05").exit_code == 0
    assert cli.json("plan", "mini.ib")["pace"] == ["×1.0 from 1 timed topic in mini"]
    assert cli("review", "--json", input="good\n").exit_code == 0
    with open_store(paths.db_path(), create=True) as store:
        store._conn.execute("UPDATE review SET seconds = 10 * 3600")  # type: ignore[union-attr]
        store._conn.commit()  # type: ignore[union-attr]
    # 600 + 600 minutes against 10 h: ×2 for one topic, shrunk to 2 ** (1/4).
    assert cli.json("plan", "mini.ib")["pace"] == ["×1.2 from 1 timed topic in mini"]


def test_ahead_counts_learning_and_known_marks_shrink_the_plan(cli: Cli) -> None:
    start = (date.today() - timedelta(days=7)).isoformat()
    assert cli("plan", "mini.ib", "-H", "4", "--start", start, "--save", "p").exit_code == 0
    saved = cli.json("plan", "show", "p")
    assert saved["hours_expected_by_today"] == 4 and saved["ahead_hours"] == -4
    total = saved["hours_total"]
    # Knowing the first step is not progress: the plan shrinks by its hours.
    assert cli("know", "mini.probability").exit_code == 0
    shown = cli.json("plan", "show", "p")
    assert shown["steps_done"] == 0 and shown["hours_done"] == 0
    assert shown["shrunk_topics"] == ["mini.probability"]
    assert shown["hours_total"] == total - 10 and shown["steps_total"] == 4
    # Doing the next one is.
    assert cli("done", "mini.entropy").exit_code == 0
    shown = cli.json("plan", "show", "p")
    assert shown["steps_done"] == 1 and shown["hours_done"] > 0
    assert shown["ahead_hours"] == shown["hours_done"] - 4
    text = cli("plan", "show", "p").stdout
    assert "1 step marked known or skipped since saving: the plan shrank" in text
    status = json.loads(cli("status", "--json").stdout)["plans"][0]
    assert status["steps_done"] == 1 and status["shrunk_topics"] == ["mini.probability"]
