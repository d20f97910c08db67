"""A printed plan's steps against a plain re-statement of the format (one block per step:
number, weeks, title, hours; what to read; why), on deep chains where most chains are
shortened, with CJK and accented text, alternatives, and the three kinds of stdout the
text can go to (UTF-8 bytes, text only, another encoding). ``plan_render`` assembles the
common steps as UTF-8 bytes in one expression (``_plain_chunks``); this holds it to the
same text as the planner's own chain spelling."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from studyplan.adapters import workspace
from studyplan.cli import plan_render
from studyplan.domain.catalog import Catalog
from studyplan.domain.planner import Plan, build_plan, chain_text, schedule
from studyplan.views.render import reference_head

CHAIN = 40  # topics in the main chain: most chains are longer than the five shown


def _curriculum(chain: int) -> str:
    topics = []
    for i in range(chain):
        pre = f", prerequisites: [{{id: deep.t{i - 1}, reason: r}}]" if i else ""
        if i % 7 == 3:  # two alternatives: the block that spells its readings one by one
            readings = (
                "[{key: cover2006elements, where: 'Ch. 2, §2.3', core: true, access: paid,"
                " one_of: book}, {key: mackay2003information, where: 'Ch. 2', core: true,"
                " access: free, one_of: book}]"
            )
        else:
            readings = (
                f"[{{key: cover2006elements, where: 'Ch. {i} §{i}', core: true, access: paid}}]"
            )
        topics.append(
            f"  - {{id: deep.t{i}, title: 'Thème {i} – ε', title_zh: 主题{i}, summary: s,"
            f" hours: {1 + i % 3}{pre}, readings: {readings}}}"
        )
    # A side topic the goal needs directly: a chain too short to be shortened.
    topics.append(
        "  - {id: deep.side, title: Side, title_zh: 旁, summary: s, hours: 2,"
        " readings: [{key: mackay2003information, where: 'Ch. 1', core: true, access: free}]}"
    )
    topics.append(
        f"  - {{id: deep.goal, title: Goal, title_zh: 目标, summary: s, hours: 1,"
        f" prerequisites: [{{id: deep.t{chain - 1}, reason: r}}, {{id: deep.side, reason: r}}],"
        " readings: [{key: cover2006elements, where: 'Ch. 9', core: true, access: paid}]}"
    )
    return "id: deep\ntitle: Deep\ntitle_zh: 深\ndescription: d\ntopics:\n" + "\n".join(topics)


@pytest.fixture
def deep(write_curriculum) -> Catalog:  # type: ignore[no-untyped-def]
    folder: Path = write_curriculum("deep.yaml", _curriculum(CHAIN))
    return workspace.catalog(workspace.gather([folder]))


def _expected(catalog: Catalog, plan: Plan) -> str:
    """The format, stated plainly: step by step, reading by reading."""
    width = len(str(len(plan.topic_ids)))
    pad = " " * (width + 2)
    lines = [f"{len(plan.topic_ids)} steps · {plan.total_hours:g} h"]
    if plan.schedule:
        s = plan.schedule
        lines[0] += f" · {s.weeks} weeks at {s.hours_per_week:g} h/week · done by {s.finish}"
    for n, step in enumerate(plan.steps, 1):
        when = ""
        if step.week is not None:
            span = step.week if step.week == step.end_week else f"{step.week}–{step.end_week}"
            when = f"wk {span}  "
        topic = step.topic
        lines.append("")
        lines.append(
            f"{n:>{width}}. {when}{topic.title} · {topic.title_zh}  [{topic.id}]  {step.hours:g} h"
        )
        groups_seen: set[str] = set()
        for reading in topic.core_readings:
            verb = "or    " if reading.one_of in groups_seen else "read  "
            if reading.one_of:
                groups_seen.add(reading.one_of)
            head = reference_head(catalog, reading.key)
            lines.append(f"{pad}{verb}{head} — {reading.where} [{reading.access}]")
        lines.append(f"{pad}why   {chain_text(catalog, plan, topic.id, 5)}")
    return "\n".join(lines) + "\n"


def _printed(catalog: Catalog, plan: Plan, stdout: io.TextIOBase) -> str:
    real = sys.stdout
    sys.stdout = stdout  # type: ignore[assignment]
    try:
        plan_render.render_plan(catalog, plan)
        stdout.flush()
    finally:
        sys.stdout = real
    if isinstance(stdout, io.TextIOWrapper):
        raw = stdout.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode(stdout.encoding)
    assert isinstance(stdout, io.StringIO)
    return stdout.getvalue()


def _stdouts() -> list[io.TextIOBase]:
    return [
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),  # bytes written as they are
        io.StringIO(),  # no byte stream: decoded
        io.TextIOWrapper(io.BytesIO(), encoding="utf-16"),  # another encoding: decoded
    ]


@pytest.mark.parametrize("hours_per_week", [None, 3.0])
def test_printed_plan_is_the_format_on_every_stdout(deep: Catalog, hours_per_week) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(deep, ["deep.goal"], {})
    if hours_per_week is not None:
        schedule(plan, hours_per_week, date(2027, 1, 4))
    expected = _expected(deep, plan)
    assert "… → Goal (goal)" in expected and "or    " in expected  # both paths are used
    assert "Side → Goal (goal)" in expected  # and a chain too short to shorten
    for stdout in _stdouts():
        assert _printed(deep, plan, stdout) == expected


def test_steps_over_many_chunks_keep_their_numbers(
    deep: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 3 steps: the numbers cross from one digit to two inside the plan."""
    monkeypatch.setattr(plan_render, "STEPS_PER_CHUNK", 3)
    plan = build_plan(deep, ["deep.goal"], {})
    stdout = _stdouts()[0]
    assert _printed(deep, plan, stdout) == _expected(deep, plan)


def test_number_runs_split_where_the_digits_change() -> None:
    runs = list(plan_render._number_runs(120, 3, 50))
    assert runs == [(1, 10, "  "), (10, 60, " "), (60, 100, " "), (100, 121, "")]
    assert list(plan_render._number_runs(0, 1, 50)) == []
