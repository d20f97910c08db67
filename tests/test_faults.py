"""A full disk never stops reading (trial bugs 7, 8, 23).

On a real small tmpfs (root only: skipped where ``mount`` is not permitted), the home is
filled to the last byte after some progress is recorded; then every reading command
works, every writing one fails with exit 5 in one line, and nothing is left behind: no
``-wal``/``-shm``, no half-made database, no cache temporary file. The same is checked
without root by making SQLite report a full disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import FIXTURE_DATA, ROOT, Cli
from helpers.disk import fill_the_disk
from studyplan.adapters.store import open_store
from studyplan.adapters.store import sqlite as store_sqlite
from studyplan.errors import EXIT_STORE, DiskFullError


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STUDYPLAN_HOME": str(home),
        "STUDYPLAN_BUILTIN_DIR": str(FIXTURE_DATA),
    }
    return subprocess.run(
        [sys.executable, "-m", "studyplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _fill(mount: Path) -> None:
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):  # to the last byte
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith(("-wal", "-shm", ".tmp")) or (p.is_file() and p.stat().st_size == 0)
    )


@pytest.mark.slow
def test_a_full_disk_stops_writes_not_reads(small_disk: Path, tmp_path: Path) -> None:
    home = small_disk / "home"
    assert _run(home, "done", "mini.entropy", "--minutes", "20").returncode == 0
    assert _run(home, "plan", "mini.ib", "-H", "5", "--save", "p").returncode == 0
    backup = _run(home, "backup").stdout
    (tmp_path / "b.json").write_text(backup)
    _fill(small_disk)

    failed = _run(home, "done", "mini.kl")  # a write: exit 5, one line
    assert failed.returncode == EXIT_STORE, failed.stderr
    assert failed.stderr.count("\n") == 1 and "the disk is full" in failed.stderr
    for args in (["status"], ["log"], ["backup"], ["plan", "mini.ib", "-H", "5"], ["next"]):
        result = _run(home, *args)  # reads, after a failed write
        assert result.returncode == 0, (args, result.stderr)
    assert json.loads(_run(home, "backup").stdout)["actions"] == json.loads(backup)["actions"]
    assert "mini.entropy" in _run(home, "log").stdout

    restored = _run(home, "--db", str(small_disk / "new.db"), "restore", str(tmp_path / "b.json"))
    assert restored.returncode == EXIT_STORE, restored.stderr  # trial bug 8: not an internal error
    assert restored.stderr.count("\n") == 1 and "Traceback" not in restored.stderr
    out = _run(home, "backup", "-o", str(small_disk / "b2.json"))
    assert out.returncode == EXIT_STORE and out.stderr.count("\n") == 1
    assert _leftovers(small_disk) == []  # trial bug 7 and 23: no -wal/-shm, no .tmp
    assert not (small_disk / "new.db").exists()  # nor a database begun on a full disk

    (small_disk / "filler").unlink()
    assert _run(home, "done", "mini.kl").returncode == 0  # all fine once space is back
    assert _run(home, "doctor").returncode == 0


def test_a_full_disk_report_from_sqlite_is_a_disk_full_error(tmp_path: Path) -> None:
    """Without root: SQLite's own answers on a full disk map to exit 5, 'the disk is
    full', including the misleading 'readonly database' it gives when the -shm cannot
    grow (checked by the free space where the database is)."""
    path = tmp_path / "p.db"
    full = store_sqlite.store_error(path, sqlite3.OperationalError("database or disk is full"))
    assert isinstance(full, DiskFullError) and full.exit_code == EXIT_STORE
    io = store_sqlite.store_error(path, sqlite3.OperationalError("disk I/O error"))
    assert isinstance(io, DiskFullError)
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert not isinstance(store_sqlite.store_error(path, readonly), DiskFullError)


def test_reads_fall_back_to_a_snapshot_when_the_shm_cannot_grow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "done", "mini.entropy").exit_code == 0
    real = store_sqlite.connect

    def full_unless_snapshot(path: Path, **kw: bool) -> sqlite3.Connection:
        if kw.get("snapshot"):
            return real(path, **kw)
        raise store_sqlite.store_error(path, sqlite3.OperationalError("disk I/O error"))

    from studyplan.adapters.store import core

    monkeypatch.setattr(core, "connect", full_unless_snapshot)
    (tmp_path / "p.db-wal").write_bytes(b"")  # what a failed open leaves
    (tmp_path / "p.db-shm").write_bytes(b"\0\0\0")
    result = cli("--db", str(db), "log")
    assert result.exit_code == 0 and "mini.entropy" in result.stdout
    assert not (tmp_path / "p.db-wal").exists() and not (tmp_path / "p.db-shm").exists()
    assert cli("--db", str(db), "done", "mini.kl").exit_code == EXIT_STORE


def test_sidecars_in_use_by_another_connection_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = open_store(path, create=True)
    store.record(["mini.entropy"], "done")
    other = sqlite3.connect(path)  # WAL mode: holds the -shm's DMS lock while open
    other.execute("SELECT COUNT(*) FROM action").fetchone()
    other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    wal, shm = store_sqlite.sidecars(path)
    assert shm.exists() and wal.stat().st_size == 0  # looks like a failed open's leftovers
    helper = (
        "import sys; from pathlib import Path; "
        "from studyplan.adapters.store.sqlite import release_sidecars; "
        "release_sidecars(Path(sys.argv[1]))"
    )
    # Another process (POSIX locks are per process): it must see the lock and keep out.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", helper, str(path)], env=env, check=True)
    assert shm.exists() and wal.exists()
    assert other.execute("SELECT COUNT(*) FROM event").fetchone() == (1,)
    other.close()
    store.close()


def test_a_cache_that_cannot_be_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """Trial bug 23: ENOSPC while the catalog cache is written left a 0-byte
    ``catalog-<hash>.<pid>.tmp``; the command still works and the folder stays clean."""
    with pytest.MonkeyPatch.context() as full:
        fill_the_disk(full)
        result = cli("curricula")
    assert result.exit_code == 0, result.output
    cache = Path(os.environ["STUDYPLAN_HOME"]) / "cache"
    assert [p for p in cache.rglob("*") if p.is_file()] == []
