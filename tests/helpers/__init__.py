"""What the tests share besides fixtures: paths, the in-process CLI runner, and the
helpers for real external tools (``helpers.bib`` for bibtex, ``helpers.tools`` for dot,
Chromium and Mermaid), a throw-away PostgreSQL (``helpers.pg``), a full disk
(``helpers.disk``) and paths that are not regular files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer.main
import typer.testing
from typer.testing import CliRunner

from studyplan.cli import app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_DATA = FIXTURES / "data"


_commands: dict[int, tuple[typer.Typer, Any]] = {}
_build_command = typer.main.get_command


def _get_command_once(app: typer.Typer) -> Any:
    built = _commands.get(id(app))
    if built is None or built[0] is not app:
        built = _commands[id(app)] = (app, _build_command(app))
    return built[1]


def build_commands_once() -> None:
    """Typer's CliRunner turns the Typer app into a Click command again on every invoke:
    for studyplan's ~50 commands that is 0.2 s, 95% of an in-process CLI call and most of
    the suite's CPU time. The apps never change during a run, so each is built once
    (conftest.py, and the tests' own marking processes); Click makes a fresh context for
    every call, so nothing else is shared between invocations."""
    typer.main.get_command = _get_command_once
    typer.testing._get_command = _get_command_once  # type: ignore[attr-defined]


class Cli:
    """Runs the real Typer app in-process and returns (exit code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input, env=dict(os.environ))

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


#: The kinds of path that are not a regular file, for ``not_a_regular_file``.
NOT_REGULAR = ("fifo", "folder", "device")


def not_a_regular_file(path: Path, kind: str, device: str = "/dev/zero") -> Path:
    """A path that is not a regular file: a FIFO or an empty folder made at ``path``, or
    a character ``device`` (``/dev/zero`` never ends; ``/dev/null`` is empty)."""
    if kind == "fifo":
        os.mkfifo(path)
        return path
    if kind == "folder":
        path.mkdir()
        return path
    assert kind == "device", kind
    return Path(device)


def subprocess_env(home: Path) -> dict[str, str]:
    """The environment for ``python -m studyplan`` in a subprocess, with its own home."""
    env = {**os.environ, "STUDYPLAN_HOME": str(home)}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``python -m studyplan ARGS`` with pipes on all three streams, for the line-by-line
    JSON protocols (``placement --json``, ``review --json``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "studyplan", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
