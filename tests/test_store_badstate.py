"""Bad state: not a database, corrupt, newer schema, foreign, read-only. Each gives a
one-line error and exit 5, and the file is left exactly as it was (never recreated)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import ROOT, Cli
from studyplan.adapters.store import migrations, open_store
from studyplan.errors import EXIT_NOT_FOUND, EXIT_STORE

READS = (["status"], ["log"], ["notes"])
WRITES = (["done", "mini.kl"], ["note", "mini.kl", "x"], ["undo"], ["reset", "mini.kl"])


def sidecars(path: Path) -> list[Path]:
    return [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@pytest.fixture
def good_db(tmp_path: Path) -> Path:
    """A real progress database with a few hundred rows (several pages per table)."""
    path = tmp_path / "base.db"
    store = open_store(path, create=True)
    for i in range(300):
        store.record([f"mini.t{i % 40}"], "done", note="n" * 150, command=f"done {i}")
    store.close()
    assert not sidecars(path)
    return path


def _garble(offset: int, size: int) -> Callable[[bytearray], bytearray]:
    def apply(data: bytearray) -> bytearray:
        data[offset : offset + size] = bytes((i * 37 + 11) % 256 for i in range(size))
        return data

    return apply


def _middle_page(data: bytearray) -> bytearray:
    pages = len(data) // 4096
    return _garble(4096 * (pages // 2), 4096)(data)


CORRUPTIONS: dict[str, Callable[[bytearray], bytearray]] = {
    "header": _garble(16, 84),
    "schema page": _garble(100, 400),
    "truncated": lambda data: data[: len(data) // 2],
    "zeroed pages": lambda data: data[:4096] + bytearray(len(data) - 4096),
    "middle page": _middle_page,
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_corrupt_database_is_refused_and_untouched(
    cli: Cli, good_db: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(bytes(CORRUPTIONS[name](bytearray(good_db.read_bytes()))))
    before = path.read_bytes()
    for args in WRITES:
        result = cli("--db", str(path), *args)
        assert result.exit_code == EXIT_STORE, (args, result.output)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"error: {path} is corrupt (") and "left untouched" in line
        assert line.endswith(
            "(restore a backup into a new file: studyplan --db NEW.db restore BACKUP.json)"
        )
        assert "Traceback" not in result.output
    doctor = cli("--db", str(path), "doctor")
    assert doctor.exit_code == EXIT_STORE
    assert "integrity check" in doctor.stdout or "is corrupt" in doctor.stderr
    if name != "middle page":  # damage in a page a read never touches is doctor's to find
        for args in READS:
            assert cli("--db", str(path), *args).exit_code == EXIT_STORE
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"these are my notes, not a database\n" * 10, b"tiny", b"SQLite format 3\x00"]
)
def test_not_a_database_is_refused_and_untouched(cli: Cli, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    for args in (*READS, *WRITES, ["doctor"], ["backup"]):
        result = cli("--db", str(path), *args)
        assert result.exit_code == EXIT_STORE, args
        assert result.stderr == (
            f"error: {path} is not a SQLite database (left untouched) (point --db or "
            "STUDYPLAN_DB at your progress database, or move this file away)\n"
        )
    assert path.read_bytes() == content and not sidecars(path)


def test_someone_elses_sqlite_database_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for args in (["status"], ["done", "mini.kl"]):
        result = cli("--db", str(path), *args)
        assert result.exit_code == EXIT_STORE
        assert "is a SQLite database but not a studyplan one (tables: recipes)" in result.stderr
    assert path.read_bytes() == before


def test_newer_schema_via_the_cli(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    assert cli("--db", str(path), "done", "mini.kl").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 42")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for args in (["status"], ["done", "mini.ib"], ["doctor"]):
        result = cli("--db", str(path), *args)
        assert result.exit_code == EXIT_STORE
        assert result.stderr.startswith(
            f"error: {path} was written by a newer studyplan (schema version 42, this one "
            f"knows up to {migrations.CURRENT_VERSION}); left untouched"
        )
    assert path.read_bytes() == before


def test_a_directory_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    result = cli("--db", str(tmp_path), "done", "mini.kl")
    assert result.exit_code == EXIT_STORE
    assert result.stderr.strip() == (
        f"error: {tmp_path} is a directory, not a progress database (give --db a file path)"
    )


def test_an_empty_file_is_a_new_database(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    assert cli.json("--db", str(path), "status")["topics"] == []
    assert path.stat().st_size == 0  # reading does not initialise it
    assert cli("--db", str(path), "done", "mini.kl").exit_code == 0
    assert [t["id"] for t in cli.json("--db", str(path), "status")["topics"]] == ["mini.kl"]


def test_unknown_topic_writes_nothing_not_even_the_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    result = cli("--db", str(path), "done", "mini.kl", "mini.entrpy")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr == "error: unknown topic 'mini.entrpy' (did you mean 'mini.entropy'?)\n"
    assert not path.exists()
    assert cli("--db", str(path), "done", "mini.kl").exit_code == 0
    result = cli("--db", str(path), "know", "mini.probability", "nope.topic")
    assert result.exit_code == EXIT_NOT_FOUND
    assert [t["id"] for t in cli.json("--db", str(path), "status")["topics"]] == ["mini.kl"]


# -- read-only locations (subprocesses: root ignores permissions unless it drops them) ---


def _as_unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make permissions bite")
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and cannot drop capabilities (no CAP_SETPCAP)")
    return prefix


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_as_unprivileged(), sys.executable, "-m", "studyplan", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    yield folder
    folder.chmod(stat.S_IRWXU)


@pytest.mark.slow
def test_read_only_folder(cli: Cli, readonly_dir: Path) -> None:
    path = readonly_dir / "progress.db"
    assert cli("--db", str(path), "done", "mini.kl").exit_code == 0
    readonly_dir.chmod(0o555)
    before = path.read_bytes()

    status = run(path, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"id": "mini.kl"' in status.stdout  # reading still works (a snapshot)
    wrote = run(path, "done", "mini.entropy")
    assert wrote.returncode == EXIT_STORE
    assert wrote.stderr == (
        f"error: {path} is read-only: cannot write progress (check the permissions of the "
        "file and its folder, or pass --db PATH)\n"
    )
    missing = readonly_dir / "new.db"
    assert run(missing, "status").returncode == 0
    created = run(missing, "done", "mini.kl")
    assert created.returncode == EXIT_STORE
    assert created.stderr.startswith(f"error: cannot open {missing} (is its folder writable?)")
    deeper = readonly_dir / "sub" / "new.db"
    created = run(deeper, "done", "mini.kl")
    assert created.returncode == EXIT_STORE
    assert created.stderr.startswith(f"error: cannot create the folder {deeper.parent}:")
    assert path.read_bytes() == before
    assert sorted(p.name for p in readonly_dir.iterdir()) == ["progress.db"]


@pytest.mark.slow
def test_read_only_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    assert cli("--db", str(path), "done", "mini.kl").exit_code == 0
    path.chmod(0o444)
    before = path.read_bytes()
    wrote = run(path, "done", "mini.entropy")
    assert wrote.returncode == EXIT_STORE
    assert wrote.stderr.startswith(f"error: {path} is read-only: cannot write progress")
    assert run(path, "log").returncode == 0
    assert path.read_bytes() == before
