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
from hypothesis import given
from hypothesis import strategies as st

from studyplan.adapters import workspace
from studyplan.cli import plan_render
from studyplan.domain.catalog import Catalog, Curriculum, Prerequisite, Reading, Topic
from studyplan.domain.planner import Plan, build_plan, chain_text, schedule
from studyplan.views.render import reference_head
from studyplan.views.words import count

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
    lines = [f"{count(len(plan.topic_ids), 'step')} · {plan.total_hours:g} h"]
    if plan.schedule:
        s = plan.schedule
        weeks = count(s.weeks, "week")
        lines[0] += f" · {weeks} at {s.hours_per_week:g} h/week · done by {s.finish}"
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


@st.composite
def _catalogs(draw: st.DrawFn) -> Catalog:
    """Random DAGs with deep chains likely, titles in any script (CJK, accents, emoji),
    one to three core readings (some alternatives), and hours in halves."""
    names = [f"c.t{i}" for i in range(draw(st.integers(1, 30)))]
    title = st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=6
    )
    where = st.sampled_from(["Ch. 1", "§2.3", "Ch. 2–3", "全书", "pp. 1–9"])
    topics = {}
    for k, tid in enumerate(names):
        # Mostly the previous topic (deep chains), sometimes others before it.
        pres = [names[k - 1]] if k and draw(st.booleans()) else []
        pres += draw(st.lists(st.sampled_from(names[:k]), max_size=2)) if k else []
        readings = tuple(
            Reading(key, draw(where), True, draw(st.sampled_from(["free", "paid"])), one_of=label)
            for key, label in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["cover2006elements", "k1", "k2"]),
                        st.sampled_from([None, "book"]),
                    ),
                    min_size=1,
                    max_size=3,
                )
            )
        )
        topics[tid] = Topic(
            id=tid,
            curriculum="c",
            title=draw(title),
            title_zh=draw(title),
            summary="s",
            hours=draw(st.integers(1, 12)) / 2,
            prerequisites=tuple(Prerequisite(p, "r") for p in dict.fromkeys(pres)),
            readings=readings,
        )
    return Catalog({"c": Curriculum("c", "C", "C", "d", tuple(topics))}, topics)


@given(_catalogs(), st.data())
def test_any_plan_prints_as_the_format(catalog: Catalog, data: st.DataObject) -> None:
    ids = list(catalog.topics)
    goals = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    plan = build_plan(catalog, goals, {})
    if data.draw(st.booleans()):
        schedule(plan, data.draw(st.sampled_from([1.5, 4.0, 40.0])), date(2027, 1, 4))
    chunk = plan_render.STEPS_PER_CHUNK
    plan_render.STEPS_PER_CHUNK = data.draw(st.sampled_from([1, 4, 2048]))
    try:
        expected = _expected(catalog, plan)
        for stdout in _stdouts():
            assert _printed(catalog, plan, stdout) == expected
    finally:
        plan_render.STEPS_PER_CHUNK = chunk


@pytest.mark.parametrize(
    "column",
    [
        [f"Topic {i}" for i in range(600)],  # ASCII: the column itself
        ["主题"] * 600,  # repeated: each distinct value once
        [f"主题 {i} é" for i in range(600)],  # distinct: converted whole
        ["a\nb", "é", "c"] * 3,  # a value with a line break: one by one
    ],
)
def test_bytewise_columns_are_each_values_utf8(column: list[str]) -> None:
    converted = plan_render._bytewise_column(column)
    assert [text.encode("latin-1").decode() for text in converted] == column
