"""The one atomic writer: every ``-o`` behaves the same, and a failed write leaves nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Cli
from helpers.disk import fill_the_disk
from studyplan.adapters.files import write_atomic, write_cache
from studyplan.errors import EXIT_CONFLICT, EXIT_STORE, EXIT_USAGE, ConflictError, WriteError

OUTPUT_COMMANDS = [
    ["graph", "mini.ib"],
    ["report", "mini.ib"],
    ["bib", "export", "--goal", "mini.ib"],
]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_output_refuses_to_overwrite_without_force(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "mine.txt"
    target.write_text("my own notes\n")
    result = cli(*command, "-o", str(target))
    assert result.exit_code == EXIT_CONFLICT, result.output
    assert "already exists (pass --force to overwrite it)" in result.stderr
    assert target.read_text() == "my own notes\n"
    assert cli(*command, "-o", str(target), "--force").exit_code == 0
    assert target.read_text() != "my own notes\n"
    assert [p.name for p in out.iterdir()] == ["mine.txt"]  # no temporary file left


def test_calendar_refuses_to_overwrite_too(cli: Cli, tmp_path: Path) -> None:
    assert cli("plan", "mini.ib", "-H", "5", "--save", "p").exit_code == 0
    target = tmp_path / "c.ics"
    target.write_text("x")
    assert cli("calendar", "-o", str(target)).exit_code == EXIT_CONFLICT
    assert target.read_text() == "x"
    assert cli("calendar", "-o", str(target), "--force").exit_code == 0


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_special_file_in_the_way_is_refused(cli: Cli, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    result = cli("graph", "mini.ib", "-o", str(target), "--force")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr


def test_a_missing_folder_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("report", "mini.ib", "-o", str(tmp_path / "nope" / "r.html"))
    assert result.exit_code == EXIT_USAGE
    assert "the folder" in result.stderr and "does not exist" in result.stderr


def test_a_full_disk_is_a_write_error_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_the_disk(monkeypatch)
    with pytest.raises(WriteError) as caught:
        write_atomic(tmp_path / "b.json", b"{}")
    assert caught.value.exit_code == EXIT_STORE
    assert "No space left on device" in caught.value.message
    assert list(tmp_path.iterdir()) == []
    assert write_cache(tmp_path / "cache" / "x.bin", b"data") is False


def test_overwrite_false_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a"
    write_atomic(target, "one", durable=True)
    with pytest.raises(ConflictError):
        write_atomic(target, "two", overwrite=False)
    assert target.read_text() == "one"
