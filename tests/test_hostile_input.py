"""Hostile input, class by class: every value is checked where it enters, special files
are refused, and nothing is written when something is refused (issue: hostile input)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import NOT_REGULAR, Cli, not_a_regular_file
from studyplan.errors import EXIT_STORE, EXIT_USAGE


@pytest.mark.parametrize(
    "day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"], ids=lambda d: d[:4]
)
def test_dates_outside_1900_2199_are_refused_everywhere(cli: Cli, day: str) -> None:
    for args in (
        ["done", "mini.entropy", "--on", day],
        ["plan", "mini.ib", "-H", "5", "--start", day],
        ["plan", "mini.ib", "-H", "5", "--deadline", day],
        ["log", "--since", day],
    ):
        result = cli(*args)
        assert result.exit_code == EXIT_USAGE, (args, result.output)
        assert "is out of range" in result.stderr and result.stderr.count("\n") == 1
    assert not (Path(os.environ["STUDYPLAN_HOME"]) / "progress.db").exists()


def test_a_mark_in_1900_can_still_be_logged_and_backed_up(cli: Cli) -> None:
    assert cli("done", "mini.entropy", "--on", "1900-01-01").exit_code == 0
    assert cli("log").exit_code == 0
    assert cli("backup").exit_code == 0


def test_an_unparseable_date_is_echoed_cut_short(cli: Cli) -> None:
    result = cli("done", "mini.entropy", "--on", "x" * 10_000)
    assert result.exit_code == EXIT_USAGE
    assert len(result.stderr) < 200


@pytest.mark.parametrize("kind", NOT_REGULAR)
def test_the_database_must_be_a_regular_file(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = not_a_regular_file(tmp_path / "db", kind, device="/dev/null")
    for args in (["status"], ["done", "mini.entropy"]):
        result = cli("--db", str(path), *args)
        assert result.exit_code == EXIT_STORE, (kind, args, result.output)
        assert result.stderr.count("\n") == 1
    assert not Path("/dev/null-journal").exists()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"my notes, not BibTeX\n", 6, "no BibTeX entry, @string or @preamble in it"),
        (b"@misc{n1, title={A\x00B}, author={X, Y}, year={2020}}\n", 6, ":1: a NUL byte"),
    ],
    ids=["plain-text", "nul-byte"],
)
def test_bib_import_refuses_what_is_not_bibtex(
    cli: Cli, tmp_path: Path, content: bytes, code: int, message: str
) -> None:
    path = tmp_path / "in.bib"
    path.write_bytes(content)
    result = cli("bib", "import", str(path))
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert not (Path(os.environ["STUDYPLAN_HOME"]) / "progress.db").exists()


@pytest.mark.parametrize("kind", NOT_REGULAR)
def test_bib_import_reads_only_regular_files(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = not_a_regular_file(tmp_path / "in.bib", kind)
    result = cli("bib", "import", str(path))
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.stderr.count("\n") == 1
