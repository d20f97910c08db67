"""What the tests share besides fixtures: paths, the in-process CLI runner, and the
helpers for real external tools (``helpers.bib`` for bibtex, ``helpers.tools`` for dot,
Chromium and Mermaid), a throw-away PostgreSQL (``helpers.pg``) and a full disk
(``helpers.disk``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from studyplan.cli import app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_DATA = FIXTURES / "data"


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
