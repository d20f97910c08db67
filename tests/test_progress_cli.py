"""The progress commands through the real CLI (in-process), and once as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import ROOT, Cli
from studyplan.adapters import paths
from studyplan.adapters.store import open_store
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import EXIT_CONFLICT, EXIT_NOT_FOUND, EXIT_USAGE


def db() -> Path:
    return paths.db_path()


def test_read_only_commands_never_create_the_database(cli: Cli) -> None:
    for args in (
        ["status"],
        ["status", "--json"],
        ["log"],
        ["notes"],
        ["doctor"],
        ["backup"],
        ["show", "mini.kl"],
    ):
        assert cli(*args).exit_code == 0, args
    assert not db().exists()
    nothing = cli("undo")  # nothing to undo is "not found", and still creates nothing
    assert nothing.exit_code == EXIT_NOT_FOUND and "nothing to undo" in nothing.stderr
    assert not db().exists()
    assert cli("doctor").stdout.startswith("no progress database yet at ")


def test_marks_status_json_and_text(cli: Cli) -> None:
    assert cli("know", "mini.probability").stdout == "known: mini.probability — Probability\n"
    out = cli("done", "mini.entropy", "--minutes", "150", "--note", "ch.2 exercises").stdout
    assert out == "done: mini.entropy — Entropy · 150 min\n"
    assert cli("start", "mini.kl").exit_code == 0
    assert cli("skip", "mini.mutual-information").exit_code == 0
    data = cli.json("status")
    assert data["curricula"] == [
        {
            "id": "mini",
            "title": "Mini curriculum",
            "done": 2,
            "total": 5,
            "hours_done": 16.0,
            "hours_total": 29.0,
            "hours_in_progress": 4.0,
            "started": 1,
            "skipped": 1,
            "minutes": 150,
        }
    ]
    topics = {t["id"]: t for t in data["topics"]}
    assert {t: v["status"] for t, v in topics.items()} == {
        "mini.probability": "known",
        "mini.entropy": "done",
        "mini.kl": "started",
        "mini.mutual-information": "skipped",
    }
    assert all(date.fromisoformat(t["updated"][:10]) for t in data["topics"])
    assert data["in_progress"] == ["mini.kl"] and data["orphans"] == []
    text = cli("status").stdout
    assert "mini  " in text and "2/5 topics · 16/29 h · 1 in progress" in text
    assert "█" in text and "░" in text
    assert "In progress" in text and "mini.kl — Relative entropy" in text
    assert "Recently finished" in text and "mini.entropy — Entropy · 150 min" in text


def test_status_for_one_curriculum_and_unknown_curriculum(cli: Cli) -> None:
    cli("done", "mini.kl")
    assert [c["id"] for c in cli.json("status", "--curriculum", "mini")["curricula"]] == ["mini"]
    result = cli("status", "--curriculum", "minni")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr == "error: unknown curriculum 'minni' (did you mean 'mini'?)\n"


def test_done_options_are_checked_before_anything_is_written(cli: Cli) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    cases = {
        ("done", "mini.kl", "--on", "2025-13-01"): (
            "error: --on: '2025-13-01' is not a date (use YYYY-MM-DD, today or yesterday)\n"
        ),
        ("done", "mini.kl", "--on", tomorrow): (
            f"error: --on: {tomorrow} is in the future (progress is recorded as it happens)\n"
        ),
        ("done", "mini.kl", "--minutes", "-1"): (
            "error: --minutes must be a whole number from 0 to 100,000 (got -1)\n"
        ),
        ("done", "mini.kl", "mini.entropy", "--minutes", "30"): (
            "error: --minutes is for one topic (mark topics one at a time to record time)\n"
        ),
        ("reset", "mini.kl", "--note", "x"): "error: reset takes no --minutes, --note or --on\n",
    }
    for args, message in cases.items():
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (EXIT_USAGE, message), args
    assert not db().exists()


def test_done_on_a_past_date_and_log(cli: Cli) -> None:
    cli("start", "mini.entropy")
    cli("done", "mini.entropy", "--on", "2025-01-20", "--minutes", "90")
    cli("done", "mini.kl", "--on", "yesterday")
    events = cli.json("log")
    assert [(e["topic"], e["status"], e["at"][:10]) for e in events] == [
        ("mini.entropy", "done", "2025-01-20"),
        ("mini.kl", "done", (date.today() - timedelta(days=1)).isoformat()),
        ("mini.entropy", "started", date.today().isoformat()),
    ]
    assert events[0]["command"] == "done mini.entropy --minutes 90 --on 2025-01-20"
    assert cli.json("status")["topics"][0]["status"] == "done"  # recorded last: wins
    assert [e["topic"] for e in cli.json("log", "--topic", "mini.kl")] == ["mini.kl"]
    assert len(cli.json("log", "--since", date.today().isoformat())) == 1
    text = cli("log").stdout.splitlines()
    assert text[0] == "2025-01-20  done     mini.entropy  90 min"
    result = cli("log", "--topic", "mini.entrpy")
    assert result.exit_code == EXIT_NOT_FOUND and "did you mean 'mini.entropy'" in result.stderr


def test_multiple_topics_are_one_action_and_undo_says_what_it_undid(cli: Cli) -> None:
    cli("start", "mini.kl")
    assert cli("done", "mini.kl", "mini.entropy").exit_code == 0
    out = cli("undo").stdout
    assert out.startswith("undid: studyplan done mini.kl mini.entropy (recorded ")
    assert out.rstrip().endswith("mini.kl is now started, mini.entropy is now not started")
    data = cli.json("undo")
    assert data["command"] == "start mini.kl" and data["now"] == {"mini.kl": None}
    assert cli("undo").exit_code == EXIT_NOT_FOUND
    assert cli.json("status")["topics"] == []
    logged = cli.json("log", "--all")
    assert len(logged) == 3 and all(e["undone"] for e in logged)
    assert "(undone)" in cli("log", "--all").stdout


def test_notes(cli: Cli) -> None:
    assert cli("note", "mini.kl", "see Cover & Thomas §2.3").stdout == "noted on mini.kl\n"
    cli("done", "mini.entropy", "--note", "exercises 2.1–2.6")
    assert [(n["topic"], n["text"], n["source"]) for n in cli.json("notes")] == [
        ("mini.kl", "see Cover & Thomas §2.3", "note"),
        ("mini.entropy", "exercises 2.1–2.6", "done"),
    ]
    lines = cli("notes", "mini.kl").stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith("mini.kl: see Cover & Thomas §2.3")
    assert cli("note", "mini.nope", "x").exit_code == EXIT_NOT_FOUND
    assert cli("undo").exit_code == 0  # undoes the mark, and its note with it
    assert [n["topic"] for n in cli.json("notes")] == ["mini.kl"]
    assert cli("undo").exit_code == 0
    assert cli("notes").stdout == "no notes yet\n"
    assert cli("notes", "mini.kl").stdout == "no notes on mini.kl\n"


def _orphan(topic: str = "mini.renamed") -> None:
    store = open_store(db(), create=True)
    store.record([topic], "done", minutes=20)
    store.add_note(topic, "from before the rename")
    store.close()


def test_orphaned_topics_show_up_and_can_be_cleared(cli: Cli) -> None:
    cli("done", "mini.kl")
    _orphan()
    data = cli.json("status")
    assert data["orphans"] == ["mini.renamed"]
    assert data["curricula"][0]["done"] == 1
    assert "Orphaned" in cli("status").stdout
    doctor = cli("doctor")
    assert doctor.exit_code == 0
    assert "orphaned: mini.renamed (2 rows) is not in the curricula" in doctor.stdout
    assert cli.json("doctor")["orphans"] == [{"id": "mini.renamed", "rows": 2}]
    assert cli("log", "--topic", "mini.renamed").exit_code == 0
    assert cli("notes", "mini.renamed").exit_code == 0
    assert cli("reset", "mini.renamed").stdout == "cleared: mini.renamed — (orphaned)\n"
    assert cli.json("status")["orphans"] == []
    assert cli("reset", "mini.gone").exit_code == EXIT_NOT_FOUND


def test_status_shows_saved_plans(cli: Cli) -> None:
    from studyplan.cli.state import State
    from studyplan.domain import plan_data, planner

    catalog = State().catalog()
    plan = planner.build_plan(catalog, ["mini.ib"], {})
    planner.schedule(plan, 5.0, date.today())
    store = open_store(db(), create=True)
    store.save_plan("ib", plan_data.saved_plan_of(plan, ["mini.ib"], date.today()))
    store.set_active_plan("ib")
    store.close()
    cli("done", "mini.probability")
    (entry,) = cli.json("status")["plans"]
    assert entry["name"] == "ib" and entry["active"] is True
    assert (entry["steps_done"], entry["steps_total"]) == (1, 5)
    assert (entry["hours_done"], entry["hours_total"]) == (10.0, 29.0)
    text = cli("status").stdout
    assert "Plans" in text and "*ib" in text and "1/5 steps · 10/29 h" in text
    assert cli.json("status", "--curriculum", "mini")["plans"] == []


def test_backup_and_restore(cli: Cli, tmp_path: Path) -> None:
    cli("done", "mini.kl", "--minutes", "30")
    cli("note", "mini.kl", "good")
    open_store(db(), create=True).save_plan("p", SavedPlan.from_json({"goals": ["mini.kl"]}))
    target = tmp_path / "backup.json"
    out = cli("backup", "-o", str(target)).stdout
    assert out == f"backed up 2 actions, 1 plan and 0 library entries to {target}\n"
    again = cli("backup", "-o", str(target))
    assert again.exit_code == EXIT_CONFLICT
    assert again.stderr == f"error: {target} already exists (pass --force to overwrite it)\n"
    assert cli("backup", "-o", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text())["format"] == "studyplan-backup"

    other = tmp_path / "other.db"
    first = cli.json("--db", str(other), "restore", str(target))
    assert (first["actions_added"], first["plans_added"]) == (2, 1)
    second = cli.json("--db", str(other), "restore", str(target))
    assert (second["actions_added"], second["actions_present"]) == (0, 2)
    assert cli.json("--db", str(other), "status")["topics"] == cli.json("status")["topics"]
    assert (
        "restored 0 actions (2 already here)"
        in cli("--db", str(other), "restore", str(target)).stdout
    )

    open_store(other, create=True).save_plan(
        "p", SavedPlan.from_json({"goals": ["mini.entropy"]}), replace=True
    )
    kept = cli("--db", str(other), "restore", str(target))
    assert kept.exit_code == 0 and "kept your plan 'p': the backup's differs" in kept.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (
            '{"format": "something-else"}',
            "format: Input should be 'studyplan-backup'",
        ),
        (
            '{"format": "studyplan-backup", "version": 1, "actions": [{"uid": "x"}], '
            '"plans": [], "library": []}',
            "actions[0].kind: Field required",
        ),
    ],
)
def test_restore_rejects_bad_files_and_writes_nothing(
    cli: Cli, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = cli("restore", str(bad))
    assert result.exit_code == EXIT_USAGE
    assert str(bad) in result.stderr.splitlines()[0] and message in result.stderr
    assert cli.json("status")["topics"] == []
    assert cli("restore", str(tmp_path / "missing.json")).exit_code == EXIT_NOT_FOUND


def test_doctor_on_a_healthy_database(cli: Cli) -> None:
    cli("done", "mini.kl")
    result = cli("doctor")
    assert result.exit_code == 0
    assert result.stdout == f"ok: {db()} passes the integrity and schema checks\n"
    assert cli.json("doctor") == {
        "database": str(db()),
        "exists": True,
        "ok": True,
        "problems": [],
        "orphans": [],
    }


def test_help_lists_the_progress_commands(cli: Cli) -> None:
    text = cli("--help").stdout
    for name in ("start", "done", "skip", "know", "reset", "undo", "log", "note", "notes"):
        assert f" {name} " in text or f" {name}\n" in text
    assert "status" in text and "backup" in text and "restore" in text and "doctor" in text


@pytest.mark.slow
def test_done_and_status_as_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYPLAN_DB": str(tmp_path / "p.db")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studyplan", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("done", "mini.kl", "--minutes", "25").returncode == 0
    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert [(t["id"], t["minutes"]) for t in json.loads(status.stdout)["topics"]] == [
        ("mini.kl", 25)
    ]
    # The WAL is checkpointed and removed when the command ends.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "p.db"]
