"""Progress inside a topic: ``studyplan read`` ticks readings and parts (undoably), hours
left shrink, and plan, plan show, next, status and the report say "2/3 readings"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from test_books import ALT

from helpers import Cli
from studyplan.domain.catalog import Part, Reading, Topic
from studyplan.domain.ticks import reading_ids, topic_reading


def folder_of(write_curriculum: Callable[[str, str], Path]) -> str:
    return str(write_curriculum("alt.yaml", ALT))


def test_ticks_shrink_hours_and_show_everywhere(
    cli: Cli, write_curriculum: Callable[[str, str], Path], tmp_path: Path
) -> None:
    folder = folder_of(write_curriculum)
    c = ("--curricula", folder)
    assert cli(*c, "plan", "alt.two", "-H", "5", "--save", "p").exit_code == 0
    out = cli.json(*c, "read", "alt.two", "mackay2003information", "--part", "1")
    assert out["readings_read"] == 0 and out["readings"] == 2 and out["hours_left"] == 4
    assert out["hint"] is None
    out = cli.json(*c, "read", "alt.two", "tishby2015deep")
    assert (out["readings_read"], out["hours_left"]) == (1, 3)
    plan = cli.json(*c, "plan", "alt.two")
    assert [s["scheduled_hours"] for s in plan["steps"]] == [6, 3]
    text = cli(*c, "plan", "alt.two").stdout
    assert "[alt.two]  3 h  (1/2 readings)" in text
    assert "1/2 readings" in cli(*c, "plan", "show", "p").stdout
    assert "hours of 1 step changed" in cli(*c, "plan", "show", "p").stdout
    status = cli.json(*c, "status")
    assert status["readings"] == [
        {
            "id": "alt.two",
            "title": "Two",
            "readings_read": 1,
            "readings": 2,
            "hours_left": 3,
            "all_core_read": False,
            "status": "todo",
        }
    ]
    assert "alt.two — Two: 1/2 readings · 3 h left" in cli(*c, "status").stdout
    report = tmp_path / "r.html"
    assert cli(*c, "report", "--plan", "p", "-o", str(report)).exit_code == 0
    assert "1/2 readings" in report.read_text()
    # The second part without hours takes the rest of the reading's 4 h: all read now.
    done = cli(*c, "read", "alt.two", "mackay2003information", "--part", "2")
    assert "2/2 readings · 0 of 5 h left" in done.stdout
    assert "hint: every core reading of 'alt.two' is ticked" in done.stdout
    assert cli.json(*c, "status")["readings"][0]["all_core_read"] is True
    # Ticking is not marking: the topic is done only when the learner says so.
    assert "alt.two" not in {t["id"] for t in cli.json(*c, "status")["topics"]}
    undone = cli(*c, "undo")
    assert "undid: studyplan read alt.two mackay2003information --part 2" in undone.stdout
    left = cli.json(*c, "plan", "alt.two")["steps"][1]["scheduled_hours"]
    assert left == 3  # part 1 and Tishby still ticked


def test_next_shows_hours_left(cli: Cli, write_curriculum: Callable[[str, str], Path]) -> None:
    c = ("--curricula", folder_of(write_curriculum))
    cli(*c, "read", "alt.one", "mackay2003information")
    row = next(t for t in cli.json(*c, "next", "-n", "9")["topics"] if t["id"] == "alt.one")
    assert (row["id"], row["readings_read"], row["readings"]) == ("alt.one", 1, 1)
    # One alternative read: the group is done, the other alternative's 2 h go too.
    assert row["hours_left"] == 1
    assert "1 of 6 h left  (1/1 readings)" in cli(*c, "next", "-n", "9").stdout


def test_bad_keys_and_parts_are_refused(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    c = ("--curricula", folder_of(write_curriculum))
    unknown = cli(*c, "read", "alt.two", "mackay2003informatio")
    assert unknown.exit_code == 4
    assert "'alt.two' has no reading 'mackay2003informatio'" in unknown.stderr
    assert "mackay2003information" in unknown.stderr
    nopart = cli(*c, "read", "alt.two", "tishby2015deep", "--part", "1")
    assert nopart.exit_code == 2 and "has no parts" in nopart.stderr
    beyond = cli(*c, "read", "alt.two", "mackay2003information", "--part", "3")
    assert beyond.exit_code == 2 and "has parts 1-2, not 3" in beyond.stderr
    topic = cli(*c, "read", "alt.tw", "x")
    assert topic.exit_code == 4 and "unknown topic" in topic.stderr
    assert "Traceback" not in unknown.output + nopart.output + beyond.output + topic.output


def test_ticks_survive_backup_and_restore(
    cli: Cli, write_curriculum: Callable[[str, str], Path], tmp_path: Path
) -> None:
    c = ("--curricula", folder_of(write_curriculum))
    cli(*c, "read", "alt.two", "tishby2015deep")
    backup = tmp_path / "b.json"
    assert cli(*c, "backup", "-o", str(backup)).exit_code == 0
    data = json.loads(backup.read_text())
    reads = [a for a in data["actions"] if a["kind"] == "read"]
    assert reads[0]["readings"] == [{"topic_id": "alt.two", "key": "tishby2015deep", "part": None}]
    other = tmp_path / "other.db"
    assert cli(*c, "--db", str(other), "restore", str(backup)).exit_code == 0
    assert cli.json(*c, "--db", str(other), "status")["readings"][0]["readings_read"] == 1
    # A backup made before ticks existed (no "read" actions, no "readings" key) still
    # restores; a "read" action without its ticks is not one a command writes (refused).
    data["actions"] = [a for a in data["actions"] if a["kind"] != "read"]
    for action in data["actions"]:
        action.pop("readings", None)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    assert cli(*c, "--db", str(tmp_path / "third.db"), "restore", str(old)).exit_code == 0


@st.composite
def topics_and_ticks(draw: st.DrawFn) -> tuple[Topic, set[tuple[str, int | None]]]:
    readings = []
    for k in range(draw(st.integers(1, 4))):
        parts = tuple(
            Part(f"p{j}", draw(st.none() | st.integers(1, 4).map(float)))
            for j in range(draw(st.integers(0, 3)))
        )
        readings.append(
            Reading(
                f"w{draw(st.integers(0, 2))}",
                f"r{k}",
                draw(st.booleans()),
                "free",
                hours=draw(st.none() | st.integers(1, 6).map(float)),
                one_of=draw(st.none() | st.just("alt")),
                parts=parts,
            )
        )
    topic = Topic(
        "t.t", "t", "T", "T", "s", float(draw(st.integers(1, 20))), readings=tuple(readings)
    )
    ids = reading_ids(topic)
    ticks = {
        (rid, part)
        for rid, reading in zip(ids, topic.readings, strict=True)
        for part in [None, *range(1, len(reading.parts) + 1)]
        if draw(st.booleans())
    }
    return topic, ticks


@given(topics_and_ticks())
def test_reading_progress_is_bounded_and_monotone(
    case: tuple[Topic, set[tuple[str, int | None]]],
) -> None:
    topic, ticks = case
    progress = topic_reading(topic, ticks)
    assert 0 <= progress.groups_read <= progress.groups == len(topic.core_groups)
    assert progress.hours_ticked >= 0
    # Ticking more never reads less or takes fewer hours off.
    for tick in {(r, None) for r in reading_ids(topic)} - ticks:
        more = topic_reading(topic, ticks | {tick})
        assert more.groups_read >= progress.groups_read
        assert more.hours_ticked >= progress.hours_ticked - 1e-9
