"""``studyplan placement`` through the real CLI: in-process with CliRunner, and as a
subprocess driven line by line through the --json protocol."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from helpers import ROOT, Cli, spawn, subprocess_env
from studyplan.adapters import paths
from studyplan.errors import EXIT_ABORTED, EXIT_NOT_FOUND, EXIT_USAGE

KNOWS = {"mini.probability", "mini.entropy"}


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def answers_for(cli: Cli, goal: str, knows: set[str]) -> list[str]:
    """Play a consistent learner against the CLI one answer at a time (re-running with
    the answers so far: each run asks the same questions in the same order)."""
    given: list[str] = []
    while True:
        result = cli("placement", goal, "--json", "--dry-run", input="".join(given))
        asks = [d for d in lines(result.stdout) if "ask" in d]
        if len(asks) == len(given):
            assert result.exit_code == 0, result.output
            return [g.strip() for g in given]
        given.append(("yes" if asks[-1]["ask"] in knows else "no") + "\n")


def test_placement_finds_a_down_set_and_records_one_action(cli: Cli) -> None:
    words = answers_for(cli, "mini.ib", KNOWS)
    assert not paths.db_path().exists()  # the dry runs recorded nothing
    result = cli("placement", "mini.ib", "--json", input="\n".join(words) + "\n")
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    done = out[-1]
    assert done["done"] is True and done["recorded"] is True
    assert set(done["known"]) == KNOWS
    assert set(done["not_known"]) == {"mini.kl", "mini.mutual-information", "mini.ib"}
    assert done["asked"] == len(words) < 5
    asks = [d for d in out if "ask" in d]
    assert all(set(a) >= {"ask", "title", "check"} for a in asks)
    assert done["plan_after"]["steps"] == 3 < done["plan_before"]["steps"] == 5
    status = cli.json("log")
    assert {e["topic"] for e in status} == KNOWS | set(done["not_known"])
    assert len({e["action"] for e in status}) == 1
    assert cli("undo").exit_code == 0
    assert cli.json("log") == []


def test_terminal_words_and_asking_again(cli: Cli) -> None:
    # Off a terminal without --json, plain lines are read; a first letter is enough and
    # an unknown word is asked again.
    result = cli("placement", "mini.ib", "--dry-run", input="maybe\ny\ny\ny\ny\ny\n")
    assert result.exit_code == 0, result.output
    assert "please answer one of" in result.stdout
    assert "5 known, 0 not known" in result.stdout
    assert "5 steps · " in result.stdout and "→ 0 steps" in result.stdout
    assert "dry run: nothing recorded" in result.stdout
    assert not paths.db_path().exists()


def test_quit_and_closed_input_record_nothing(cli: Cli) -> None:
    result = cli("placement", "mini.ib", input="yes\nq\n")
    assert result.exit_code == 0 and "left placement: nothing recorded" in result.stdout
    result = cli("placement", "mini.ib", "--json", input="quit\n")
    assert result.exit_code == 0 and lines(result.stdout)[-1]["done"] is False
    result = cli("placement", "mini.ib", "--json", input="no\n")
    assert result.exit_code == EXIT_ABORTED
    assert result.stderr.count("\n") == 1 and "nothing recorded" in result.stderr
    result = cli("placement", "mini.ib", "--json", input="perhaps\n")
    assert result.exit_code == EXIT_USAGE and "unknown answer 'perhaps'" in result.stderr
    assert not paths.db_path().exists()


def test_bad_goals_and_nothing_to_place(cli: Cli) -> None:
    result = cli("placement", "mini.nope")
    assert result.exit_code == EXIT_NOT_FOUND and "unknown goal 'mini.nope'" in result.stderr
    assert cli("know", "mini.ib").exit_code == 0
    result = cli("placement", "mini.ib")
    assert result.exit_code == 0
    assert result.stdout.startswith("nothing to place for mini.ib")
    assert lines(cli("placement", "mini.ib", "--json").stdout)[-1]["asked"] == 0


def test_a_yes_above_a_gap_keeps_the_gap_and_says_so(cli: Cli) -> None:
    assert cli("dontknow", "mini.entropy").exit_code == 0
    result = cli("placement", "mini.ib", "--json", input="yes\n" * 5)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert any("mini.entropy, which you marked not known" in d.get("note", "") for d in out)
    assert "mini.entropy" not in out[-1]["known"]
    plan = cli.json("plan", "mini.ib")
    assert [s["id"] for s in plan["steps"]] == ["mini.entropy"]


@pytest.mark.slow
def test_a_subprocess_drives_the_protocol(tmp_path: Any) -> None:
    proc = spawn(subprocess_env(tmp_path / "home"), "placement", "mini", "--json")
    assert proc.stdin is not None and proc.stdout is not None
    asked = 0
    while line := proc.stdout.readline():
        message = json.loads(line)
        if "ask" in message:
            asked += 1
            proc.stdin.write(("yes" if message["ask"] in KNOWS else "no") + "\n")
            proc.stdin.flush()
        elif "done" in message:
            assert set(message["known"]) == KNOWS and message["asked"] == asked
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    # Closing stdin in the middle: nothing recorded, exit 9, one line.
    env = subprocess_env(tmp_path / "other")
    proc = subprocess.run(
        [sys.executable, "-m", "studyplan", "placement", "mini", "--json"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == EXIT_ABORTED and len(proc.stderr.splitlines()) == 1
    assert json.loads(proc.stdout.splitlines()[0])["ask"]
    assert not (tmp_path / "other").exists() or not list((tmp_path / "other").rglob("*.db"))


@pytest.mark.slow
def test_on_a_terminal_rich_prompts_ask_again_and_q_leaves(tmp_path: Any) -> None:
    import pexpect  # a test dependency: the prompt needs a real terminal

    env = {**os.environ, "STUDYPLAN_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    args = ["-m", "studyplan", "placement", "mini.ib"]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60)
    child.expect("Do you know it")
    child.sendline("perhaps")  # rich asks again
    child.expect("Please select one of the available options")
    child.sendline("q")
    child.expect("left placement: nothing recorded")
    child.expect(pexpect.EOF)
    assert not list((tmp_path / "home").rglob("*.db"))
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60)
    for _ in range(3):
        child.expect(r"Do you know it\? .*: ")
        child.sendline("y")
    index = child.expect([r"Do you know it\? .*: ", "recorded as one action"])
    while index == 0:
        child.sendline("y")
        index = child.expect([r"Do you know it\? .*: ", "recorded as one action"])
    child.expect(pexpect.EOF)
    child = pexpect.spawn(sys.executable, ["-m", "studyplan", "undo"], env=env, encoding="utf-8")
    child.expect(r"undid: .*placement mini\.ib")
