"""Bare ``studyplan`` (the dashboard) and shell completion."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from helpers import ROOT, Cli
from studyplan.adapters import paths
from studyplan.cli import app, complete, dashboard
from studyplan.cli.dashboard import week_minutes, week_of

# ---- the dashboard ---------------------------------------------------------------------


def test_bare_studyplan_without_a_plan_is_a_dashboard_not_an_error(cli: Cli) -> None:
    result = cli()
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("no active plan\n  make one: studyplan plan GOAL -H 6 --save NAME")
    assert "this week (Mon " in text and "nothing logged" in text
    assert "next, across all curricula:\n  · Probability  [mini.probability]  10 h" in text
    assert "    read  Bertsekas & Tsitsiklis (2008), Introduction to Probability" in text
    assert text.rstrip().endswith(dashboard.HELP_LINE)
    assert not paths.db_path().exists()  # reading it never creates the database


def test_the_dashboard_shows_the_plan_its_pace_this_weeks_hours_and_next_steps(
    cli: Cli,
) -> None:
    cli("plan", "mini.ib", "-H", "5", "--save", "ib")
    assert cli("done", "mini.probability", "--minutes", "90").exit_code == 0
    cli("start", "mini.entropy")
    text = cli().stdout
    lines = text.splitlines()
    assert lines[0] == "plan 'ib' · mini.ib · 1/5 steps done · 19 h left"
    assert "█" in lines[1] and "▒" in lines[1] and "10/29 h" in lines[1]
    assert "h ahead" in lines[1] or "on schedule" in lines[1]
    assert "1.5 h logged of 5 h planned" in text
    assert "next in your plan:\n  ▶ Entropy  [mini.entropy]  6 h  (in progress)" in text
    assert cli("--help").stdout.startswith("Usage: ")  # help is still there


def test_this_week_counts_minutes_logged_from_monday_to_sunday() -> None:
    wednesday = date(2026, 12, 2)
    monday, sunday = week_of(wednesday)
    assert (monday, sunday) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week_of(monday) == (monday, sunday) and week_of(sunday) == (monday, sunday)

    class Event:
        def __init__(self, day: date, minutes: int | None) -> None:
            local = datetime(day.year, day.month, day.day, 12).astimezone()
            self.at = local.astimezone(UTC)
            self.minutes = minutes

    events = [
        Event(monday - timedelta(days=1), 600),  # last Sunday
        Event(monday, 30),
        Event(wednesday, None),
        Event(sunday, 45),
        Event(sunday + timedelta(days=1), 600),  # next Monday
    ]
    assert week_minutes(events, monday, sunday) == 75


# ---- completion: the function ----------------------------------------------------------


def root_context(*args: str) -> Any:
    """The root context as the shell-completion machinery builds it."""
    return typer.main.get_command(app).make_context("studyplan", list(args), resilient_parsing=True)


def test_matches_prefer_a_prefix_then_fall_back_to_a_substring() -> None:
    found = [("mini.entropy", ""), ("mini.kl", ""), ("other.cross-entropy", "")]
    assert complete.matches(found, "mini.") == [("mini.entropy", ""), ("mini.kl", "")]
    assert complete.matches(found, "entropy") == [
        ("mini.entropy", ""), ("other.cross-entropy", "")]  # fmt: skip
    assert complete.matches(found, "ENTROPY") == complete.matches(found, "entropy")
    assert complete.matches(found, "zzz") == []
    assert complete.matches(found, "") == found


def test_completion_of_topics_goals_plans_keys_and_curricula(cli: Cli) -> None:
    cli("topics")  # an ordinary command builds the catalog cache
    cli("plan", "mini.ib", "--save", "ib-plan")
    ctx = root_context()
    assert [v for v, _ in complete.complete("topic", ctx, "mini.m")] == ["mini.mutual-information"]
    assert ("mini.entropy", "Entropy") in complete.complete("topic", ctx, "mini.e")
    assert [v for v, _ in complete.complete("goal", ctx, "mini")][-1] == "mini"  # a curriculum
    assert complete.complete("plan", ctx, "ib") == [("ib-plan", "mini.ib")]
    keys = [v for v, _ in complete.complete("key", ctx, "cover")]
    assert keys == ["cover2006elements"]
    assert [v for v, _ in complete.complete("curriculum", ctx, "")] == ["mini"]


def test_completion_reads_only_the_cache_and_never_fails(cli: Cli, tmp_path: Path) -> None:
    ctx = root_context()
    assert complete.complete("topic", ctx, "mini") == []  # cold cache: nothing, quickly
    assert not (paths.cache_dir()).exists() or not list(paths.cache_dir().glob("catalog-*"))
    cli("plan", "mini.ib", "--save", "p")
    assert complete.complete("plan", ctx, "") == [("p", "mini.ib")]  # plans need no catalog
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    assert complete.complete("plan", root_context("--db", str(broken)), "") == []
    assert broken.read_text() == "not a database"


def test_parameters_complete_by_what_they_name() -> None:
    root = typer.main.get_command(app)
    kinds = {}
    for path in ("show", "why", "done", "plan show", "bib show", "bib export", "log", "next"):
        cmd: Any = root
        for word in path.split():
            cmd = cmd.commands[word]
        for param in cmd.params:
            name = getattr(param, "_name", None)
            kind = complete.kind_of(param, name() if callable(name) else None)
            if kind:
                kinds[(path, param.name)] = kind
    assert kinds[("show", "topic_id")] == "topic"
    assert kinds[("done", "topics")] == "topic"
    assert kinds[("plan show", "name")] == "plan"
    assert kinds[("bib show", "key")] == "key"
    assert kinds[("bib export", "goal")] == "goal"
    assert kinds[("bib export", "plan")] == "plan"
    assert kinds[("bib export", "curriculum")] == "curriculum"
    assert kinds[("log", "topic")] == "topic"
    assert kinds[("next", "plan")] == "plan"


# ---- completion: through the environment variables the shells set ----------------------


def complete_through(env: dict[str, str]) -> list[str]:
    result = CliRunner().invoke(app, [], env={**os.environ, **env}, prog_name="studyplan")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def bash(words: str) -> dict[str, str]:
    parts = words.split(" ")
    return {
        "_STUDYPLAN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }


def test_bash_and_zsh_completion_through_their_environment(cli: Cli) -> None:
    cli("topics")
    cli("plan", "mini.ib", "--save", "ib-plan")
    assert complete_through(bash("studyplan sho")) == ["show"]
    assert complete_through(bash("studyplan show mini.k")) == ["mini.kl"]
    assert complete_through(bash("studyplan done mini.probability mini.k")) == ["mini.kl"]
    assert complete_through(bash("studyplan plan use ib")) == ["ib-plan"]
    assert complete_through(bash("studyplan plan mini.i")) == ["mini.ib"]
    assert complete_through(bash("studyplan bib show cov")) == ["cover2006elements"]
    assert complete_through(bash("studyplan graph -c ")) == ["mini"]
    assert "--minutes" in complete_through(bash("studyplan done --"))
    assert complete_through(bash("studyplan why bottleneck")) in ([], [""])  # ids, not titles
    zsh = complete_through(
        {"_STUDYPLAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "studyplan show mini.k"}
    )
    assert '"mini.kl":"Relative entropy"' in "\n".join(zsh)


def test_the_completion_options_are_offered(cli: Cli) -> None:
    text = cli("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text


@pytest.mark.slow
def test_completion_in_a_real_bash(tmp_path: Path) -> None:
    """The script ``--show-completion`` prints, sourced into bash, completes a topic id
    by running studyplan as the shell would on Tab."""
    need_bash = shutil.which("bash")
    if need_bash is None:
        pytest.skip("bash is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "studyplan"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m studyplan "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # The same working directory as the Tab below (the catalog cache must be warm for it).
    subprocess.run(
        ["studyplan", "topics"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120
    )
    # The shell is named, and Typer's shell detection is off so that the name is taken
    # (with detection on, --show-completion is a flag and asks the parent process, which
    # a CI runner or a detached job need not have).
    script = subprocess.run(
        [sys.executable, "-m", "studyplan", "--show-completion", "bash"],
        env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "complete -o default -F _studyplan_completion studyplan" in script
    (tmp_path / "completion.sh").write_text(script)
    probe = (
        "source completion.sh\n"
        "COMP_WORDS=(studyplan show mini.mu); COMP_CWORD=2\n"
        "_studyplan_completion studyplan\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["mini.mutual-information"], done.stderr


@pytest.mark.slow
def test_install_completion_writes_the_script_and_sources_it(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "studyplan", "--install-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "studyplan.sh"
    assert "_STUDYPLAN_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def test_plan_completes_its_subcommands_and_goals(cli: Cli) -> None:
    cli("topics")
    cli("plan", "mini.ib", "--save", "ib-plan")
    assert complete_through(bash("studyplan plan sh")) == ["show"]
    first = complete_through(bash("studyplan plan "))
    assert first[:4] == ["show", "diff", "use", "rm"] and "mini.probability" in first
    assert complete_through(bash("studyplan plan mini.ib mini.k")) == ["mini.kl"]  # no 'show'
    assert complete_through(bash("studyplan plan show ")) == ["ib-plan"]


def test_the_dashboard_says_how_many_reviews_are_due(cli: Cli) -> None:
    assert cli("done", "mini.entropy", "--on", "2026-01-05").exit_code == 0
    shown = cli()
    assert shown.exit_code == 0
    assert "1 review due: 'studyplan review'" in shown.stdout
