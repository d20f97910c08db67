"""Spaced review: FSRS cards for done topics, credit flowing to prerequisites, the
``review`` command and its --json protocol, undo, and the Anki export opened as Anki
opens it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from helpers import Cli, spawn, subprocess_env
from studyplan.adapters.fsrs_cards import Session, first_card, scheduler
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.reviews import FIRST_INTERVAL_DAYS, credit_targets, due_topics
from studyplan.errors import EXIT_ABORTED, EXIT_USAGE

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)
CHAIN = {"a": [], "b": ["a"], "c": ["b"], "d": ["c"]}


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_first_interval_is_what_fsrs_gives_a_new_card_rated_good() -> None:
    card = first_card("x", T0)
    assert card.due - T0 == timedelta(days=FIRST_INTERVAL_DAYS)
    done = {"x": T0}
    assert due_topics(done, {}, T0 + timedelta(days=FIRST_INTERVAL_DAYS)) == [
        ("x", T0 + timedelta(days=FIRST_INTERVAL_DAYS))
    ]
    assert due_topics(done, {}, T0 + timedelta(days=1)) == []


def test_credit_flows_two_links_down_to_done_prerequisites_only() -> None:
    graph = PrerequisiteGraph(CHAIN)
    assert credit_targets(graph, "d", {"a", "b", "c", "d"}) == [("c", 1, 0.5), ("b", 2, 0.25)]
    assert credit_targets(graph, "d", {"b", "d"}) == [("b", 2, 0.25)]


def test_two_halves_make_a_review_and_a_failure_credits_nothing() -> None:
    graph = PrerequisiteGraph(CHAIN)
    done = dict.fromkeys(CHAIN, T0)
    session = Session(graph, done, {})
    at = T0 + timedelta(days=3)
    before = session.due("c")
    assert session.rate("d", 1, at) == []  # again: nothing flows
    assert session.due("c") == before
    assert session.rate("d", 3, at) == [("c", 0.5), ("b", 0.25)]
    assert session.due("c") == before and session.banked("c") == 0.5
    session.rate("d", 4, at + timedelta(days=1))
    # The second half made one good review of c at that moment: later than before.
    assert session.banked("c") == 0.0 and session.due("c") > before
    expected, _ = scheduler().review_card(first_card("c", T0), 3, at + timedelta(days=1))
    assert session.due("c") == expected.due
    assert [r.credit for r in session.rows if r.topic_id == "c"] == [0.5, 0.5]


def test_review_session_json_undo_and_due(cli: Cli) -> None:
    assert cli("done", "mini.probability", "mini.entropy", "--on", "2026-01-05").exit_code == 0
    due = cli.json("review", "--due")
    assert [d["topic"] for d in due] == ["mini.entropy", "mini.probability"]
    assert all(d["due_now"] for d in due)
    assert cli.json("status")["reviews"]["due"] == 2
    assert cli.json("next")["reviews"]["due"] == 2
    assert "2 reviews due: 'studyplan review'" in cli("status").stdout
    result = cli("review", "--json", input="good\nskip\n")
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert [d["review"] for d in out[:-1]] == ["mini.entropy", "mini.probability"]
    assert set(out[0]) >= {"review", "title", "checks", "due"}
    done = out[-1]
    assert done["reviewed"][0]["topic"] == "mini.entropy" and done["recorded"]
    assert done["credited"] == [{"topic": "mini.probability", "credit": 0.5, "by": "mini.entropy"}]
    assert cli.json("status")["reviews"]["due"] == 1  # probability: a half is banked only
    assert cli("undo").exit_code == 0
    assert cli.json("status")["reviews"]["due"] == 2


def test_review_bad_input(cli: Cli) -> None:
    assert cli("done", "mini.entropy", "--on", "2026-01-05").exit_code == 0
    result = cli("review", "mini.kl")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("error: mini.kl is not done: only done topics have review")
    result = cli("review", "mini.nope")
    assert result.exit_code == 4
    result = cli("review", "--json", input="meh\n")
    assert result.exit_code == EXIT_USAGE and "unknown answer 'meh'" in result.stderr
    assert cli("done", "mini.probability", "--on", "2026-01-05").exit_code == 0
    result = cli("review", "--json", input="good\n")  # two due, input ends after one
    assert result.exit_code == EXIT_ABORTED and result.stderr.count("\n") == 1
    assert "nothing recorded" in result.stderr
    assert cli.json("review", "--due")[0]["due_now"]  # nothing of the session was recorded
    result = cli("review", input="s\nq\n")
    assert result.exit_code == 0 and "reviewed 0 of 2" in result.stdout


def test_nothing_to_review(cli: Cli) -> None:
    assert cli("review").stdout.startswith("nothing to review")
    assert cli("done", "mini.entropy").exit_code == 0
    assert "nothing to review: next is mini.entropy" in cli("review").stdout


def test_anki_export_is_a_collection_anki_can_open(
    cli: Cli, real_builtin: Path, tmp_path: Path
) -> None:
    topics = ["math.derivatives", "math.limits-continuity"]
    assert cli("done", *topics).exit_code == 0
    deck = tmp_path / "checks.apkg"
    result = cli("review", "export", "--anki", str(deck), "--json")
    assert result.exit_code == 0, result.output
    reported = json.loads(result.stdout)["notes"]

    def notes() -> list[tuple[str, str]]:
        with zipfile.ZipFile(deck) as archive:
            assert "collection.anki2" in archive.namelist()
            (tmp_path / "col.anki2").write_bytes(archive.read("collection.anki2"))
        conn = sqlite3.connect(tmp_path / "col.anki2")
        try:
            return sorted(conn.execute("SELECT guid, flds FROM notes").fetchall())
        finally:
            conn.close()

    first = notes()
    from studyplan.adapters import workspace

    catalog = workspace.catalog(workspace.gather())
    assert len(first) == reported == sum(len(catalog.topics[t].checks) for t in topics) >= 6
    assert cli("review", "export", "--anki", str(deck)).exit_code == 8  # exists: --force
    assert cli("review", "export", "--anki", str(deck), "--force").exit_code == 0
    assert notes() == first  # stable ids: a newer export updates the same notes
    assert cli("review", "export", "--anki", str(tmp_path / "x.txt")).exit_code == EXIT_USAGE


def test_anki_export_leaves_no_temporary_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """genanki stages the collection in a temporary file of its own: none is left."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert cli("done", "mini.entropy").exit_code == 0
    result = cli("review", "export", "--anki", str(tmp_path / "deck.apkg"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "deck.apkg").stat().st_size > 0
    assert list(scratch.iterdir()) == []
    assert tempfile.tempdir == str(scratch)  # put back as it was


@pytest.mark.slow
def test_a_subprocess_drives_the_review_protocol(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path / "home")
    run = [sys.executable, "-m", "studyplan"]
    subprocess.run([*run, "done", "mini.kl", "--on", "2026-01-05"], env=env, check=True)
    proc = spawn(env, "review", "--json")
    assert proc.stdin is not None and proc.stdout is not None
    seen = []
    while line := proc.stdout.readline():
        message = json.loads(line)
        if "review" in message:
            seen.append(message["review"])
            proc.stdin.write("easy\n")
            proc.stdin.flush()
        else:
            assert message["done"] and message["reviewed"][0]["rating"] == "easy"
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert seen == ["mini.kl"]


def test_reviews_survive_backup_and_restore(cli: Cli, tmp_path: Path) -> None:
    assert cli("done", "mini.probability", "mini.entropy", "--on", "2026-01-05").exit_code == 0
    assert cli("review", "--json", input="good\nhard\n").exit_code == 0
    due = cli.json("review", "--due")
    backup = tmp_path / "b.json"
    assert cli("backup", "-o", str(backup)).exit_code == 0
    reviews = [a for a in json.loads(backup.read_text())["actions"] if a["kind"] == "review"]
    assert len(reviews) == 1 and len(reviews[0]["reviews"]) == 3  # two reviews, one credit
    other = tmp_path / "other.db"
    assert cli("--db", str(other), "restore", str(backup)).exit_code == 0
    assert cli.json("--db", str(other), "review", "--due") == due
    assert cli("--db", str(other), "restore", str(backup)).exit_code == 0  # twice: no change
    assert cli.json("--db", str(other), "review", "--due") == due
