"""The documentation is a test (as sqlite-utils tests its docs): the README's tour and
every command block of docs/commands.md run top to bottom, as written, in a fresh home;
every registered command is documented and has help without framework artefacts."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import ROOT, Cli
from helpers.tools import need
from studyplan.cli import app

README = ROOT / "README.md"
COMMANDS = ROOT / "docs" / "commands.md"
EXAMPLES = ROOT / "docs" / "examples"


def shell_lines(path: Path, section: str | None = None) -> list[str]:
    """The ``studyplan ...`` lines of the ```sh blocks (of one ``##`` section if given)."""
    text = path.read_text(encoding="utf-8")
    if section is not None:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end > 0 else None]
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines += [ln.strip() for ln in block.splitlines() if ln.strip().startswith("studyplan")]
    return lines


def run_line(cli: Cli, line: str) -> Any:
    """One documented line through the real CLI in-process; ``> FILE`` is honoured."""
    words = shlex.split(line, comments=True)
    assert words[0] == "studyplan", line
    args, target = words[1:], None
    if ">" in args:
        at = args.index(">")
        args, target = args[:at], args[at + 1]
    # The question-and-answer commands get a learner who leaves at the first question
    # (their sessions are tested in their own modules).
    answers = "quit\n" if args[:1] in (["placement"], ["review"]) else None
    result = cli(*args, input=answers)
    if target is not None and result.exit_code == 0:
        Path(target).write_text(result.stdout, encoding="utf-8")
    return result


@pytest.fixture
def fresh_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_builtin: Path) -> Path:
    """A directory laid out like the repository root for the docs' relative paths (the
    example files), and a home with nothing in it."""
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "docs" / "examples")
    monkeypatch.chdir(work)
    return work


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "section"), [(README, "A short tour"), (COMMANDS, None)], ids=["readme", "commands"]
)
def test_the_documented_commands_run_top_to_bottom(
    cli: Cli, fresh_checkout: Path, path: Path, section: str | None
) -> None:
    lines = shell_lines(path, section)
    assert len(lines) >= (10 if section else 40), lines
    if any("-f svg" in line for line in lines):
        need("dot")
    for n, line in enumerate(lines, 1):
        result = run_line(cli, line)
        assert result.exit_code == 0, (
            f"{path.name} line {n} failed with exit code {result.exit_code}: {line}\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
        # An example that still runs but no longer shows what its comment promises (the
        # curricula changed under it) fails too.
        assert " is not needed by " not in result.stdout, (path.name, n, line, result.stdout)
    for name in re.findall(r"-o ([\w.-]+)", " ".join(lines)):
        assert (fresh_checkout / name).stat().st_size > 0, name


def test_a_tour_that_deletes_a_plan_and_then_uses_it_fails(cli: Cli, fresh_checkout: Path) -> None:
    """The tour test can fail: the old README order (rm, then use) is caught."""
    tour = [
        "studyplan plan frontiers.medusa -H 6 --save p1",
        "studyplan plan rm p1",
        "studyplan report --plan p1 -o p1.html",
    ]
    codes = [run_line(cli, line).exit_code for line in tour]
    assert codes[:2] == [0, 0] and codes[2] != 0


@pytest.mark.slow
def test_the_readme_tour_runs_in_a_real_shell(tmp_path: Path) -> None:
    """The same tour through bash, as a user pastes it (quoting, comments, redirection),
    against the real curricula in a fresh home."""
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "docs" / "examples")
    env = {k: v for k, v in os.environ.items() if k != "STUDYPLAN_BUILTIN_DIR"}
    env.update(STUDYPLAN_HOME=str(tmp_path / "home"), NO_COLOR="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    prelude = f'studyplan() {{ {shlex.quote(sys.executable)} -m studyplan "$@"; }}\n'
    for line in shell_lines(README, "A short tour"):
        interactive = line.split()[1:2] in (["placement"], ["review"])
        done = subprocess.run(
            ["bash", "-c", prelude + line],
            input="quit\n" if interactive else "",
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (line, done.stdout[-2000:], done.stderr[-2000:])
    assert (work / "bitdelta.html").stat().st_size > 10_000


# ---- every command documented, with help ---------------------------------------------


def registered_commands() -> list[tuple[str, Any]]:
    """(``"bib export"``, click command) for every command a user can type."""
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        path, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            listed = cmd.list_commands(None)
            stack += [(f"{path} {name}".strip(), subs[name]) for name in listed]
            if path and "goals" in subs:  # ``plan GOAL...``: the group itself plans
                found.append((path, subs["goals"]))
        elif path:
            found.append((path, cmd))
    return sorted(found)


def test_every_command_is_documented_with_help(cli: Cli) -> None:
    documented = COMMANDS.read_text(encoding="utf-8")
    commands = registered_commands()
    assert len(commands) >= 30
    names = {name for name, _ in commands}
    assert {"plan", "plan show", "bib export", "status", "why"} <= names
    for name, cmd in commands:
        assert re.search(rf"^studyplan {re.escape(name)}\b", documented, re.M), (
            f"'studyplan {name}' is not in docs/commands.md"
        )
        assert (cmd.help or "").strip(), f"'studyplan {name}' has no help text"
        result = cli(*name.split(), "--help")
        assert result.exit_code == 0, (name, result.output)
        assert (cmd.help or "").split("\n")[0].strip()[:30] in " ".join(result.stdout.split())


# Typer's own spellings: <float>, <list[str]>, {TOPIC}, [[PATH]...]..., GOAL......
ARTEFACTS = re.compile(r"<[a-z]+(?:\[[^\]]*\])?>|\{[A-Z]|\[\[|\.\.\.\]?\.\.\.|list\[")


@pytest.mark.parametrize("name", [n for n, _ in registered_commands()] + [""])
def test_help_shows_no_framework_artefacts(cli: Cli, name: str) -> None:
    result = cli(*name.split(), "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("Usage: ")
    found = ARTEFACTS.search(text)
    assert found is None, f"'studyplan {name} --help' shows {found.group(0)!r}:\n{text}"


def test_metavars_read_as_unix_usage(cli: Cli) -> None:
    usage = {name: cli(*name.split(), "--help").stdout.splitlines()[0] for name in (
        "plan", "validate", "why", "notes", "done", "graph")}  # fmt: skip
    assert usage["plan"].endswith("plan [OPTIONS] [GOAL...]")  # none with --for-bib
    assert usage["validate"].endswith("validate [OPTIONS] [PATH...]")
    assert usage["why"].endswith("why [OPTIONS] TOPIC")
    assert usage["notes"].endswith("notes [OPTIONS] [TOPIC]")
    assert usage["done"].endswith("done [OPTIONS] TOPIC...")
    plan_help = cli("plan", "--help").stdout
    assert "-H, --hours-per-week HOURS" in plan_help and "--start DATE" in plan_help
    assert "--save NAME" in plan_help
    assert "-f, --format [dot|mermaid|svg]" in cli("graph", "--help").stdout
