"""Shared fixtures: every test runs with its own studyplan home in ``tmp_path``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from studyplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DATA = FIXTURES / "data"
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh STUDYPLAN_HOME per test; the small fixture curricula stand in for the
    built-in ones unless a test asks for the real ones (``real_builtin``)."""
    home = tmp_path / "home"
    monkeypatch.setenv("STUDYPLAN_HOME", str(home))
    monkeypatch.setenv("STUDYPLAN_BUILTIN_DIR", str(FIXTURE_DATA))
    for var in ("STUDYPLAN_DB", "STUDYPLAN_CURRICULA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return home


@pytest.fixture
def real_builtin(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the repository's real curricula and references.bib."""
    monkeypatch.delenv("STUDYPLAN_BUILTIN_DIR", raising=False)
    return ROOT


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


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def write_curriculum(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a YAML file into a user curricula directory and return the directory."""
    folder = tmp_path / "user-curricula"

    def write(name: str, text: str) -> Path:
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write
