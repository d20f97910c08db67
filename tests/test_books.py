"""The fewest books: both exact paths (each part tried whole, and CP-SAT) against brute
force on small random instances, the greedy fallback at the time limit, and ``plan
--books`` (with ``report`` and ``bib export``) on a small curriculum with alternatives
and on the built-in set."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from helpers import Cli
from studyplan.domain.books import (
    EXHAUSTIVE_MAX,
    TIME_LIMIT_S,
    Group,
    _cp_sat,
    choose,
    greedy,
    score,
    step_hours,
)
from studyplan.domain.catalog import Reading

WORKS = ["a", "b", "c", "d", "e", "f"]


@st.composite
def instances(draw: st.DrawFn) -> list[Group]:
    """Up to 7 groups of 1-3 options over a few works, some paid, hours in halves."""
    access = {w: draw(st.sampled_from(["free", "paid"])) for w in WORKS}
    groups = []
    for step in range(draw(st.integers(1, 7))):
        works = draw(st.lists(st.sampled_from(WORKS), min_size=1, max_size=3, unique=True))
        options = tuple(
            Reading(
                w,
                f"part {step}",
                True,
                # A work may be paid in one reading and free in another (a free chapter).
                draw(st.sampled_from([access[w], "free"])),
                hours=draw(st.integers(1, 12)) / 2,
            )
            for w in works
        )
        groups.append(Group(step, options, 5.0))
    return groups


def ranked(groups: list[Group], picks: Sequence[int]) -> tuple[int, int, float, int]:
    """What a choice is ranked by: its score, then the sum of its options' positions."""
    return (*score(groups, picks), sum(picks))


def brute_force(groups: list[Group]) -> tuple[int, int, float, int]:
    return min(
        ranked(groups, picks)
        for picks in itertools.product(*(range(len(g.options)) for g in groups))
    )


@given(instances())
def test_both_exact_paths_find_the_brute_force_optimum(groups: list[Group]) -> None:
    # Trying each independent part whole (what choose does for parts this small) ranks by
    # works, paid works, hours, then the options' positions; CP-SAT (what it does for a
    # larger choice) by the first three.
    choice = choose(groups)
    assert choice.optimal and choice.solver in ("exhaustive", "none")
    assert ranked(groups, choice.picks) == brute_force(groups)
    assert (choice.works, choice.paid_works, choice.hours) == score(groups, choice.picks)
    assert all(0 <= k < len(g.options) for g, k in zip(groups, choice.picks, strict=True))
    solved = _cp_sat(groups, TIME_LIMIT_S)
    assert solved is not None and solved[1]
    assert score(groups, solved[0]) == brute_force(groups)[:3]


def test_equally_good_alternatives_go_to_the_ones_listed_first() -> None:
    a, b, c = (Reading(w, "x", True, "free", hours=1.0) for w in "abc")
    groups = [Group(0, (c, b, a), 1.0), Group(1, (a, b, c), 1.0), Group(2, (a, b), 1.0)]
    # One work does: all b (positions 1, 1, 1, tried first) or all a (2, 0, 0: the
    # smaller sum, so the earlier-listed alternatives).
    assert choose(groups).picks == [2, 0, 0]


@given(instances())
def test_greedy_is_a_valid_choice_never_better_than_the_optimum(groups: list[Group]) -> None:
    picks = greedy(groups)
    assert all(0 <= k < len(g.options) for g, k in zip(groups, picks, strict=True))
    assert score(groups, picks) >= brute_force(groups)[:3]


def test_a_part_with_more_combinations_than_are_tried_goes_to_the_solver() -> None:
    shared = Reading("big", "y", True, "free", hours=2.0)
    size = EXHAUSTIVE_MAX.bit_length()  # one part of 2 ** size > EXHAUSTIVE_MAX combinations
    groups = [
        Group(i, (Reading(f"w{i}", "x", True, "free", hours=1.0), shared), 3.0) for i in range(size)
    ]
    choice = choose(groups)
    assert choice.solver == "cp-sat" and choice.optimal and choice.works == 1
    small = choose(groups[:3])  # 8 combinations: tried whole
    assert small.solver == "exhaustive" and small.works == 1


def test_a_time_limit_without_an_answer_falls_back_to_greedy_with_a_note() -> None:
    groups = [
        Group(
            i,
            (
                Reading(f"w{i}", "x", True, "free", hours=1.0),
                Reading("big", "y", True, "free", hours=2.0),
            ),
            3.0,
        )
        for i in range(40)
    ]
    choice = choose(groups, time_limit=0.0)
    assert choice.solver == "greedy" and not choice.optimal
    assert "time limit" in choice.note and "greedy" in choice.note
    assert choice.works == 1  # greedy still takes the work that serves every group
    exact = choose(groups)
    assert exact.solver == "cp-sat" and exact.optimal and exact.note == ""


def test_no_choice_to_make_needs_no_solver() -> None:
    groups = [Group(0, (Reading("a", "x", True, "paid", hours=2.0),), 2.0)]
    choice = choose(groups)
    assert choice.solver == "none" and choice.optimal and choice.works == 1


def test_hours_drop_the_alternatives_not_chosen() -> None:
    a = Reading("a", "x", True, "free", hours=3.0)
    b = Reading("b", "y", True, "free", hours=1.0)
    groups = [Group(0, (a, b), 6.0)]
    choice = choose(groups)
    assert [groups[0].options[k].key for k in choice.picks] == ["b"]
    assert step_hours(choice, [6.0]) == [3.0]  # 6 h less the 3 h of the unread option


ALT = """\
id: alt
title: Alternatives
title_zh: 替代
description: Topics whose core readings are alternatives.
topics:
  - id: alt.one
    title: One
    title_zh: 一
    summary: Either textbook teaches it.
    hours: 6
    readings:
      - key: cover2006elements
        where: "§2.1"
        core: true
        one_of: textbook
        access: paid
        hours: 2
      - key: mackay2003information
        where: "Ch. 2"
        core: true
        one_of: textbook
        access: free
        hours: 3
  - id: alt.two
    title: Two
    title_zh: 二
    summary: Both readings are needed; MacKay's has parts.
    hours: 5
    prerequisites:
      - id: alt.one
        reason: It builds on one.
    readings:
      - key: mackay2003information
        where: "Ch. 8 and Ch. 9"
        core: true
        access: free
        hours: 4
        parts:
          - where: "Ch. 8"
            hours: 1
          - where: "Ch. 9"
      - key: tishby2015deep
        where: whole paper
        core: true
        access: free
        hours: 1
"""


def alt_dir(write_curriculum: Callable[[str, str], Path]) -> str:
    return str(write_curriculum("alt.yaml", ALT))


def test_plan_books_picks_the_work_already_needed(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    folder = alt_dir(write_curriculum)
    data = cli.json("--curricula", folder, "plan", "alt.two", "--books")
    books = data["books"]
    assert books["works_count"] == 2 and books["paid_works"] == 0 and books["optimal"]
    assert [w["key"] for w in books["works"]] == ["mackay2003information", "tishby2015deep"]
    mackay = books["works"][0]
    assert [(c["step"], c["topic"], c["hours"]) for c in mackay["chapters"]] == [
        (1, "alt.one", 3),
        (2, "alt.two", 4),
    ]
    # alt.one's 6 h less the 2 h of Cover & Thomas, which is not read.
    assert data["total_hours"] == 4 + 5
    text = cli("--curricula", folder, "plan", "alt.two", "--books").stdout
    assert text.splitlines()[0].startswith("2 works (0 paid) for 2 steps · 9 h")
    assert "MacKay (2003)" in text and "Cover" not in text
    # Without --books both alternatives are listed, the second as "or".
    plain = cli("--curricula", folder, "plan", "alt.two").stdout
    assert "   read  Cover & Thomas (2006)" in plain and "   or    MacKay (2003)" in plain


def test_report_and_bib_export_use_the_same_choice(
    cli: Cli, write_curriculum: Callable[[str, str], Path], tmp_path: Path
) -> None:
    folder = alt_dir(write_curriculum)
    assert cli("--curricula", folder, "plan", "alt.two", "--save", "p").exit_code == 0
    keys = cli.json("--curricula", folder, "bib", "export", "--plan", "p", "--books")["keys"]
    assert keys == ["mackay2003information", "tishby2015deep"]
    every = cli.json("--curricula", folder, "bib", "export", "--plan", "p")["keys"]
    assert "cover2006elements" in every
    out = tmp_path / "r.html"
    result = cli("--curricula", folder, "report", "--plan", "p", "--books", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Elements of Information Theory" not in out.read_text()
    result = cli("--curricula", folder, "report", "--plan", "p", "-o", str(out), "--force")
    assert "Elements of Information Theory" in out.read_text()
    bad = cli("--curricula", folder, "bib", "export", "--books")
    assert bad.exit_code == 2 and "--books goes with --plan or --goal" in bad.stderr


def test_plan_books_on_the_whole_builtin_set(cli: Cli, real_builtin: Path) -> None:
    goals = cli.json("curricula")
    everything = [c["id"] for c in goals] if isinstance(goals, list) else list(goals)
    data = cli.json("plan", *everything, "--books")
    books = data["books"]
    assert books["solver"] == "exhaustive" and books["optimal"] and books["note"] is None
    chapters = [c for w in books["works"] for c in w["chapters"]]
    steps = {s["id"]: s for s in data["steps"]}
    # Every chosen reading is a core reading of its step, one per group of alternatives.
    for chapter in chapters:
        readings = steps[chapter["topic"]]["readings"]
        assert any(r["where"] == chapter["where"] for r in readings)
    plain = cli.json("plan", *everything)
    assert data["total_hours"] < plain["total_hours"]
    assert books["works_count"] <= len({r["key"] for s in plain["steps"] for r in s["readings"]})


def test_alternatives_are_checked_where_they_are_written(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    bad = ALT.replace(
        """        one_of: textbook
        access: free
        hours: 3""",
        """        access: free
        hours: 3""",
    ).replace(
        """      - key: tishby2015deep
        where: whole paper
        core: true""",
        """      - key: tishby2015deep
        where: whole paper
        one_of: extra2""",
    )
    folder = write_curriculum("alt.yaml", bad)
    result = cli("validate", str(folder))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert any(
        "alt.yaml:15: topic 'alt.one': one_of 'textbook' names only one core reading" in ln
        for ln in lines
    ), lines
    assert any(
        "topic 'alt.two': reading 'tishby2015deep' has one_of 'extra2' but is not core" in ln
        for ln in lines
    ), lines
    assert len(lines) == 3 and "Traceback" not in result.output


def test_a_plan_saved_with_books_keeps_its_choice(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    c = ("--curricula", alt_dir(write_curriculum))
    assert cli(*c, "plan", "alt.two", "--books", "--save", "b").exit_code == 0
    shown = cli.json(*c, "plan", "show", "b")
    assert shown["hours_total"] == 9 and shown["hours_left"] == 9
    assert cli.json(*c, "plan", "diff", "b")["hours_changed"] == []
