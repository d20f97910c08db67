"""studyplan calendar: a saved plan's schedule as ICS, parsed back by icalendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from helpers import Cli
from helpers.tools import mark
from studyplan.errors import EXIT_NOT_FOUND, EXIT_USAGE


def events(path: Path) -> list:  # type: ignore[type-arg]
    cal = Calendar.from_ical(path.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and "studyplan" in str(cal["PRODID"])
    return list(cal.walk("VEVENT"))


def test_calendar_of_the_active_plan(cli: Cli, tmp_path: Path) -> None:
    saved = cli.json("plan", "mini.ib", "-H", "10", "--start", "2027-01-04", "--save", "ib")
    out = tmp_path / "ib.ics"
    result = cli("calendar", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}: 5 events for plan 'ib', 2027-01-04 to 2027-01-24"
    found = events(out)
    assert len(found) == len(saved["steps"]) == 5
    for event, step in zip(found, saved["steps"], strict=True):
        # All-day events over the step's weeks (DTEND is exclusive).
        assert event.decoded("DTSTART") == date.fromisoformat(step["start"])
        assert (event.decoded("DTEND") - date.fromisoformat(step["end"])).days == 1
        assert (
            str(event["SUMMARY"]) == f"{step['title']} · {step['title_zh']} ({step['hours']:g} h)"
        )
        assert str(event["UID"]).startswith(step["id"] + ".")
    first = found[0]
    description = str(first["DESCRIPTION"])
    assert "Probability · 概率 (mini.probability), 10 h." in description
    assert (
        "Read: Bertsekas & Tsitsiklis (2008), Introduction to Probability — Ch. 1–2 [paid]"
        in description
    )
    assert (
        "Why: Probability → Entropy → Mutual information → Information bottleneck (goal)"
        in description
    )
    assert "Step 1 of 5 of the plan 'ib'" in description
    assert str(found[1]["URL"]) == "https://www.inference.org.uk/itprnn/book.pdf"
    # Stable UIDs: a second export updates the same events in a calendar app.
    again = tmp_path / "again.ics"
    assert cli("calendar", "--plan", "ib", "-o", str(again)).exit_code == 0
    assert [str(e["UID"]) for e in events(again)] == [str(e["UID"]) for e in found]


def test_done_steps_are_ticked_and_json(cli: Cli, tmp_path: Path) -> None:
    assert cli("plan", "mini.kl", "-H", "6", "--start", "2027-01-04", "--save", "kl").exit_code == 0
    mark("done", "mini.entropy")
    out = tmp_path / "kl.ics"
    data = cli.json("calendar", "-o", str(out))
    assert data == {
        "output": str(out),
        "plan": "kl",
        "events": 3,
        "first_day": "2027-01-04",
        "last_day": "2027-01-31",
    }
    summaries = [str(e["SUMMARY"]) for e in events(out)]
    # Entropy is done, and Probability is covered by it; KL is still to do.
    assert summaries == [
        "✔ Probability · 概率 (10 h)",
        "✔ Entropy · 熵 (6 h)",
        "Relative entropy · 相对熵 (4 h)",
    ]


def test_to_stdout(cli: Cli) -> None:
    assert cli("plan", "mini.kl", "-H", "6", "--start", "2027-01-04", "--save", "kl").exit_code == 0
    result = cli("calendar", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert len(Calendar.from_ical(result.stdout_bytes).walk("VEVENT")) == 3


def test_plan_saved_without_hours(cli: Cli, tmp_path: Path) -> None:
    assert cli("plan", "mini.kl", "--save", "kl").exit_code == 0
    out = tmp_path / "kl.ics"
    result = cli("calendar", "-o", str(out))
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.strip() == (
        "error: plan 'kl' was saved without --hours-per-week, so it has no dates to export "
        "(save it again with a weekly budget: studyplan plan mini.kl -H 6 --save kl --replace)"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["calendar", "-o", "x.ics"],
            EXIT_NOT_FOUND,
            "error: nothing to export: there is no active plan",
        ),
        (
            ["calendar", "--plan", "nope", "-o", "x.ics"],
            EXIT_NOT_FOUND,
            "error: no saved plan 'nope'",
        ),
        (["calendar"], EXIT_USAGE, "Missing option '--output'"),
    ],
)
def test_bad_input(cli: Cli, args: list[str], code: int, message: str) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert not Path("x.ics").exists()
