"""The fast dispatcher is not a second parser: its spec is what the Typer app defines,
and whatever it runs gives what Typer gives (stdout, stderr, exit code)."""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Cli
from studyplan.cli import app, fast, fastgen


def test_spec_file_is_what_the_typer_app_defines() -> None:
    assert fast.load_spec() == fastgen.spec_from_app(app), (
        "the Typer commands changed: run 'python -m studyplan.cli.fastgen'"
    )


def test_spec_covers_the_everyday_commands() -> None:
    commands = fast.load_spec()["commands"]
    everyday = {"next", "status", "show", "done", "start", "skip", "know", "reset", "plan"}
    assert everyday | {"dontknow", "read"} <= set(commands)


def _fast(argv: list[str]) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = fast.run(argv)
    return code, out.getvalue(), err.getvalue()


def _both(cli: Cli, home: Path, argv: list[str]) -> tuple[tuple[int | None, str, str], object]:
    """Run ``argv`` through the fast path on a copy of ``home`` and through Typer on
    another copy, so that a write by one does not show in the other."""
    twin = home.with_name(home.name + "-typer")
    shutil.rmtree(twin, ignore_errors=True)
    if home.exists():
        shutil.copytree(home, twin)
    os.environ["STUDYPLAN_HOME"] = str(twin)
    typer_result = cli(*argv)
    os.environ["STUDYPLAN_HOME"] = str(home)
    return _fast(argv), typer_result


def _same(cli: Cli, home: Path, argv: list[str]) -> int | None:
    if "--debug" in argv:
        # --debug shows the traceback: both paths must raise the same error.
        try:
            (code, out, err), result = _both(cli, home, argv)
        except Exception as exc:  # the fast path re-raised, as --debug asks
            result = cli(*argv)
            assert type(result.exception) is type(exc), (argv, result.exception, exc)
            return None
    else:
        (code, out, err), result = _both(cli, home, argv)
    if code is not None:
        assert (code, out, err) == (
            result.exit_code,  # type: ignore[attr-defined]
            result.stdout,  # type: ignore[attr-defined]
            result.stderr,  # type: ignore[attr-defined]
        ), argv
    return code


@pytest.fixture
def marked(cli: Cli, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a relative --db lands here, not in the checkout
    assert cli("done", "mini.probability", "--minutes", "30").exit_code == 0
    assert cli("start", "mini.entropy").exit_code == 0
    return isolated_home


@pytest.mark.parametrize(
    "argv",
    [
        ["next"],
        ["next", "-n", "2"],
        ["next", "--count=1", "--json"],
        ["--debug", "next"],
        ["status"],
        ["status", "--json"],
        ["status", "-c", "mini"],
        ["status", "--curriculum", "nope"],
        ["show", "mini.kl"],
        ["show", "mini.kl", "--tree", "--depth", "2"],
        ["show", "--answers", "mini.entropy", "--json"],
        ["show", "mini.nope"],
        ["done", "mini.kl"],
        ["done", "mini.kl", "mini.entropy", "--json"],
        ["done", "mini.kl", "--minutes", "0"],
        ["done", "mini.kl", "--on", "yesterday", "--note", "read twice"],
        ["done", "mini.kl", "--on", "2999-01-01"],
        ["start", "mini.ib"],
        ["know", "mini.kl"],
        ["skip", "mini.kl"],
        ["reset", "mini.probability"],
        ["done", "mini.unknown"],
        ["--db", "other.db", "done", "mini.kl"],
        ["plan", "mini.ib"],
        ["plan", "mini.ib", "mini.kl", "--all"],
        ["plan", "-H", "6", "mini.ib", "--start", "2026-01-05", "--deadline", "2026-03-01"],
        ["plan", "mini.ib", "--hours-per-week=2.5", "--json"],
        ["plan", "mini.ib", "--save", "p1"],
        ["plan", "mini.ib", "-H", "0"],
        ["plan", "mini.nope"],
        ["plan", "mini"],
        # Options and marks merged in from the other branches, and JSON errors.
        ["plan"],
        ["plan", "mini.ib", "--books"],
        ["plan", "mini.ib", "--pace", "1.5", "--json"],
        ["plan", "mini.ib", "--paper", "x"],
        ["plan", "mini.ib", "--for-bib", "missing.bib"],
        ["plan", "mini.nope", "--json"],
        ["plan", "mini.ib", "-H", "0", "--json"],
        ["show", "mini.nope", "--json"],
        ["done", "mini.unknown", "--json"],
        ["done", "mini.kl", "--minutes", "100001"],
        ["dontknow", "mini.probability"],
        ["read", "mini.entropy", "mackay2003information"],
        ["read", "mini.entropy", "mackay2003information", "--part", "9", "--json"],
        ["read", "mini.entropy", "nokey"],
        ["status", "--curriculum", "nope", "--json"],
    ],
    ids=" ".join,
)
def test_fast_path_gives_what_typer_gives(cli: Cli, marked: Path, argv: list[str]) -> None:
    assert _same(cli, marked, argv) is not None, f"{argv} should take the fast path"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["next", "--help"],
        ["--version"],
        ["next", "-n", "0"],
        ["next", "-n", "x"],
        ["next", "-n2"],
        ["next", "--count"],
        ["next", "--bogus"],
        ["next", "extra"],
        ["done"],
        ["done", "--", "mini.kl"],
        ["show", "mini.kl", "--depth", "301"],
        ["show", "mini.kl", "--json", "--json"],
        ["status", "-c", "mini", "-c", "mini"],
        ["topics"],
        ["plan", "show", "p1"],
        ["plan", "goals", "mini.ib"],
        ["plan", "mini.ib", "-h"],
        ["plan", "mini.ib", "-H", "1e3"],
        ["plans"],
    ],
    ids=lambda a: " ".join(a) or "(nothing)",
)
def test_unusual_invocations_go_to_typer(marked: Path, argv: list[str]) -> None:
    code, out, err = _fast(argv)
    assert (code, out, err) == (None, "", "")


TOKENS = [
    "next",
    "status",
    "show",
    "done",
    "start",
    "mini.kl",
    "mini.entropy",
    "mini",
    "nope",
    "-n",
    "--count",
    "--count=3",
    "0",
    "2",
    "12",
    "--json",
    "--tree",
    "--depth",
    "--answers",
    "-c",
    "--curriculum=mini",
    "--minutes",
    "--note",
    "--on",
    "today",
    "--plan",
    "plan",
    "-H",
    "2.5",
    "--save",
    "--all",
    "--debug",
    "--help",
    "--",
    "-x",
]


# The home is shared across examples on purpose: each example compares the fast path
# with Typer on a copy of the home as it stands, whatever earlier examples recorded.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
def test_any_invocation_the_fast_path_takes_matches_typer(
    cli: Cli, marked: Path, argv: list[str]
) -> None:
    _same(cli, marked, argv)
