"""Everyday text: counted nouns, wrapping with a hanging indent, styles by meaning,
``why`` to the nearest goals, a compact ``unlocks``, recently finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_planner import make_catalog

from helpers import Cli
from helpers.tools import mark
from studyplan.cli import term
from studyplan.cli.output import cell_width
from studyplan.domain.frontier import chain_to, nearest_goals
from studyplan.domain.planner import graph_of
from studyplan.views.words import count, noun, plural_of

# ---- counted nouns ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (0, "topic", "0 topics"),
        (1, "topic", "1 topic"),
        (2, "topic", "2 topics"),
        (1, "entry", "1 entry"),
        (3, "entry", "3 entries"),
        (1, "week", "1 week"),
        (35, "week", "35 weeks"),
        (1, "key", "1 key"),
        (2, "key", "2 keys"),
        (2, "prerequisite", "2 prerequisites"),
        (1, "library entry", "1 library entry"),
        (2, "library entry", "2 library entries"),
        (1.5, "step", "1.5 steps"),
        (1_000_000, "topic", "1000000 topics"),
    ],
)
def test_counted_nouns(n: float, word: str, expected: str) -> None:
    assert count(n, word) == expected


def test_verbs_agree_with_their_count() -> None:
    assert f"{count(1, 'key')} already {noun(1, 'exists')}" == "1 key already exists"
    assert f"{count(2, 'key')} already {noun(2, 'exists')}" == "2 keys already exist"
    assert plural_of("is") == "are" and plural_of("match") == "matches"


def test_singular_messages_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    assert cli("topics", "--search", "bottleneck").stdout.rstrip().endswith("\n1 topic")
    text = cli("plan", "mini.probability", "-H", "10").stdout
    assert text.startswith("1 step · 10 h · 1 week at 10 h/week"), text
    cli("plan", "mini.probability", "-H", "10", "--save", "one")
    out = cli("backup", "-o", str(tmp_path / "b.json")).stdout
    assert "1 plan and 0 library entries" in out, out
    restored = cli("restore", str(tmp_path / "b.json")).stdout
    assert "0 plans" in restored and "0 actions" in restored


# ---- wrapping with a hanging indent -------------------------------------------------


@pytest.mark.parametrize(
    ("line", "indent"),
    [
        ("    read  Cover & Thomas (2006), Elements", 10),
        ("    why   Entropy → KL → goal", 10),
        (" 3. wk 2–3  Matrix algebra · 矩阵  [math.x]  5 h", 12),
        ("12. Entropy · 熵  [mini.entropy]  6 h", 4),
        ("  • mini.kl Relative entropy — reason", 4),
        ("    │   └── ✔ mini.probability Probability", 14),
        ("  Entropy · 熵  [mini.entropy]", 4),
        ("A plain paragraph starting at column 0", 0),
    ],
)
def test_hanging_indent_starts_under_the_text_after_the_label(line: str, indent: int) -> None:
    assert term.hanging_indent(line) == indent


words = st.text(alphabet="abcdefghij熵互信息", min_size=1, max_size=14)


@given(
    st.lists(words, min_size=1, max_size=30),
    st.sampled_from(["    read  ", "    why   ", "  • ", ""]),
    st.integers(min_value=20, max_value=90),
)
def test_wrapping_keeps_every_word_and_fits_the_width(
    body: list[str], label: str, columns: int
) -> None:
    line = label + " ".join(body)
    pieces = term.wrap(line, columns)
    assert all(cell_width(p) <= columns for p in pieces), pieces
    assert "".join("".join(p.split()) for p in pieces) == "".join(line.split())
    indent = term.hanging_indent(line)
    if indent <= columns // 2:
        for piece in pieces[1:]:
            assert piece.startswith(" " * indent) and not piece[indent:].startswith(" ")


def test_a_wrapped_tree_line_keeps_the_tree_guides() -> None:
    line = "│   ├── · math.conditioning Conditional probability, Bayes' rule and independence"
    first, second = term.wrap(line, 60)
    assert first.startswith("│   ├── · math.conditioning") and len(first) <= 60
    assert second == "│   │     rule and independence"
    last = "│   └── · math.counting Counting and combinatorics and more words here"
    assert term.wrap(last, 50)[1].startswith("│         ")


def test_a_line_that_fits_is_left_alone() -> None:
    assert term.wrap("  short  line ", 80) == ["  short  line "]


# ---- styles by meaning ----------------------------------------------------------------


def test_paint_follows_what_the_output_allows() -> None:
    assert term.paint("done", "green", "colour") == "\x1b[32mdone\x1b[0m"
    assert term.paint("title", "bold", "emphasis") == "\x1b[1mtitle\x1b[0m"
    assert term.paint("behind", "red", "emphasis") == "behind"  # NO_COLOR: no colour
    assert term.paint("behind", "bold red", "") == "behind"  # piped: nothing at all
    assert term.paint("", "green", "colour") == ""


def test_no_styles_when_piped_or_dumb(monkeypatch: pytest.MonkeyPatch) -> None:
    assert term.styles() == ""  # the test runner's stdout is not a terminal
    monkeypatch.setattr(term, "plain", lambda: False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert term.styles() == "colour"
    assert term.paint("x", "amber") == "\x1b[38;5;214mx\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert term.styles() == "emphasis"
    monkeypatch.setenv("TERM", "dumb")
    assert term.styles() == ""


def test_status_bars_show_in_progress_cells_and_pace(cli: Cli) -> None:
    cli("plan", "mini.ib", "-H", "5", "--start", "2020-01-06", "--save", "late")
    mark("done", "mini.probability")
    mark("started", "mini.entropy")
    text = cli("status").stdout
    bars = [line for line in text.splitlines() if "█" in line]
    assert bars and all("▒" in line for line in bars), text  # done, then in progress
    assert " h behind · finish " in text and "ahead" not in text
    assert "\x1b[" not in text


def test_recently_finished_lists_done_before_known(cli: Cli) -> None:
    mark("done", "mini.probability")
    mark("known", "mini.entropy")
    mark("known", "mini.kl")
    mark("known", "mini.mutual-information")
    mark("known", "mini.ib")
    data = cli.json("status")
    assert data["recent"][0] == "mini.probability"  # older than every known mark
    text = cli("status").stdout
    recent = text[text.index("Recently finished") :].splitlines()[1:]
    assert "done" in recent[0] and all("known" in line for line in recent[1:])


# ---- why: the nearest goals; unlocks: compact -----------------------------------------

GOALS = """\
id: g
title: Goals
title_zh: 目标
description: Goals at several distances from mini.entropy.
topics:
  - id: g.near
    title: Near
    title_zh: 近
    summary: One link above entropy.
    hours: 1
    goal: true
    prerequisites: [{id: mini.entropy, reason: near needs entropy}]
    readings: [{key: cover2006elements, where: "Ch. 2", core: true, access: paid}]
  - id: g.two
    title: Two
    title_zh: 二
    summary: Two links above entropy.
    hours: 1
    goal: true
    prerequisites: [{id: mini.kl, reason: two needs kl}]
    readings: [{key: cover2006elements, where: "Ch. 2", core: true, access: paid}]
  - id: g.three
    title: Three
    title_zh: 三
    summary: Three links above entropy.
    hours: 1
    goal: true
    prerequisites: [{id: g.two, reason: three needs two}]
    readings: [{key: cover2006elements, where: "Ch. 2", core: true, access: paid}]
  - id: g.four
    title: Four
    title_zh: 四
    summary: Four links above entropy.
    hours: 1
    goal: true
    prerequisites: [{id: g.three, reason: four needs three}]
    readings: [{key: cover2006elements, where: "Ch. 2", core: true, access: paid}]
"""


def test_why_without_a_plan_explains_the_nearest_three_goals(
    cli: Cli, write_curriculum: object
) -> None:
    folder = write_curriculum("g.yaml", GOALS)  # type: ignore[operator]
    data = cli.json("--curricula", str(folder), "why", "mini.entropy")
    # g.near is one link away; mini.ib and g.two two (declared order breaks the tie).
    assert [c["goal"] for c in data["chains"]] == ["g.near", "mini.ib", "g.two"]
    assert data["more_goals"] == ["g.three", "g.four"]
    text = cli("--curricula", str(folder), "why", "mini.entropy").stdout
    assert "is needed by its nearest goals:" in text
    assert "2 more goals further away need it too" in text and "g.three, g.four" in text
    every = cli.json("--curricula", str(folder), "why", "mini.entropy", "--all")
    assert [c["goal"] for c in every["chains"]] == [
        "g.near", "mini.ib", "g.two", "g.three", "g.four"]  # fmt: skip
    assert every["more_goals"] == []
    cli("--curricula", str(folder), "plan", "g.four", "--save", "four")
    planned = cli.json("--curricula", str(folder), "why", "mini.entropy")
    assert [c["goal"] for c in planned["chains"]] == ["g.four"]  # the active plan's goal
    assert len(cli.json("--curricula", str(folder), "why", "mini.entropy", "--all")["chains"]) == 5
    cli("--curricula", str(folder), "plan", "g.near", "--save", "near")
    outside = cli("--curricula", str(folder), "why", "mini.kl").stdout
    assert outside == (
        "mini.kl is not needed by plan 'near': g.near (--all: every goal that needs it)\n"
    )


LEAF = """\
id: leaf
title: Leaf
title_zh: 叶
description: A topic no goal needs.
topics:
  - id: leaf.alone
    title: Alone
    title_zh: 独
    summary: Needed by nothing.
    hours: 1
    prerequisites: [{id: mini.entropy, reason: alone needs entropy}]
    readings: [{key: cover2006elements, where: "Ch. 2", core: true, access: paid}]
"""


def test_why_says_so_when_no_goal_needs_the_topic(cli: Cli, write_curriculum: object) -> None:
    assert "  mini.ib is itself a goal" in cli("why", "mini.ib").stdout
    folder = write_curriculum("leaf.yaml", LEAF)  # type: ignore[operator]
    result = cli("--curricula", str(folder), "why", "leaf.alone")
    assert result.exit_code == 0
    assert result.stdout == "leaf.alone is not a prerequisite of any goal\n"


DAG = {
    "c.a": [],
    "c.b": ["c.a"],
    "c.c": ["c.b"],
    "c.d": ["c.a", "c.c"],
    "c.e": ["c.d"],
    "c.f": ["c.b"],
}


@given(st.sampled_from(sorted(DAG)), st.sets(st.sampled_from(sorted(DAG))))
def test_nearest_goals_are_ordered_by_the_length_of_why_chains(topic: str, goals: set[str]) -> None:
    catalog = make_catalog(DAG)
    graph = graph_of(catalog)
    found = nearest_goals(graph, catalog, topic, sorted(goals))
    lengths = {}
    for g in goals:
        links = chain_to(graph, catalog, topic, g)
        if links is not None:
            lengths[g] = len(links)
    assert set(found) == set(lengths)
    order = [(lengths[g], graph.index[g]) for g in found]
    assert order == sorted(order)


def test_unlocks_lists_startable_and_direct_first_and_is_short(
    cli: Cli, write_curriculum: object
) -> None:
    folder = write_curriculum("g.yaml", GOALS)  # type: ignore[operator]
    base = ("--curricula", str(folder), "unlocks", "mini.entropy")
    text = cli(*base).stdout
    assert text.startswith("finishing mini.entropy (Entropy) enables 7 topics, 3 directly")
    sections = [line for line in text.splitlines() if line.endswith("):")]
    assert sections == [
        "startable once it is done (2):",
        "also needing it directly (1):",
        "further on (4):",
    ]
    order = [text.index(t) for t in ("mini.kl ", "g.near", "mini.mutual-information", "g.two")]
    assert order == sorted(order)
    short = cli(*base, "-n", "2").stdout
    assert "mini.kl" in short and "g.near" in short and "mutual-information" not in short
    assert "5 not listed: -n 7 or --all" in short
    everything = cli(*base, "--all").stdout
    assert "not listed" not in everything and "g.four" in everything
    assert cli(*base, "-n", "0").exit_code == 2


def test_log_keeps_minutes_and_notes_in_columns(cli: Cli) -> None:
    cli("done", "mini.probability", "--minutes", "120", "--note", "long one")
    cli("done", "mini.entropy", "--minutes", "5", "--note", "short")
    cli("start", "mini.kl", "--note", "no time")
    lines = cli("log").stdout.splitlines()
    assert [line.index("—") for line in lines] == [lines[0].index("—")] * 3, lines
    assert lines[1].split("  ")[-2].strip() == "5 min"
    undone = cli("undo").stdout
    assert undone.startswith("undid: studyplan start mini.kl --note 'no time' (recorded ")


@given(
    st.lists(st.text(alphabet="ab h/0123", min_size=1, max_size=12), min_size=1, max_size=8),
    st.integers(min_value=24, max_value=80),
    st.integers(min_value=0, max_value=30),
)
def test_status_lines_break_between_fields_only(
    fields: list[str], columns: int, indent: int
) -> None:
    fields = [f.strip() or "x" for f in fields]
    line = "  " + " · ".join(fields)
    pieces = term.wrap_fields(line, columns, indent)
    assert all(term.cell_width(p) <= columns for p in pieces), pieces
    if all(term.cell_width(f) + indent + 2 < columns for f in fields) and indent <= columns // 2:
        # Each field whole on one line, in order; continuations start at the indent.
        rejoined = " · ".join(p.strip().removesuffix(" ·").removesuffix("·") for p in pieces)
        assert rejoined.replace(" ·  · ", " · ") == line.strip()
        assert all(p.startswith(" " * indent) for p in pieces[1:])


def test_escape_codes_take_no_columns() -> None:
    coloured = term.paint("████", "green", "colour") + term.paint("░░", "dim", "colour")
    assert term.cell_width(coloured) == 6
    assert term.wrap(f"  a {coloured} b", 12) == [f"  a {coloured} b"]
    assert term.wrap(f"  a {coloured} b", 11) == [f"  a {coloured}", "    b"]


@given(
    st.floats(min_value=0, max_value=500),
    st.floats(min_value=0, max_value=500),
    st.floats(min_value=0, max_value=500),
)
def test_bars_are_always_full_width_and_never_hide_progress(
    done: float, started: float, total: float
) -> None:
    from studyplan.cli.progress_view import BAR, bar

    drawn = bar(done, total, started)
    assert len(drawn) == BAR and set(drawn) <= set("█▒░")
    if total > 0 and done > 0:
        assert "█" in drawn
    if total > 0 and started > 0 and done < total:
        assert "▒" in drawn or "░" not in drawn
    if done >= total > 0:
        assert drawn == "█" * BAR
