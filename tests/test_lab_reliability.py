"""Reliability on a real server, as separate processes: many learners marking at once,
the server crashing and restarting under a marking loop, and every way of pointing at
the wrong server or database giving one line, exit 5, and nothing written anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from helpers.pg import PgServer
from studyplan.errors import EXIT_STORE

TOPICS = ["mini.probability", "mini.entropy", "mini.kl", "mini.mutual-information", "mini.ib"]
LEARNERS = [f"learner{i:02d}" for i in range(20)]
MARKS = 50

# One worker runs the whole module, in this order: the tests share one database (``lab``),
# and the first one counts every note in it.
pytestmark = pytest.mark.xdist_group("lab-reliability")

# One learner's marking loop in its own process: the real CLI, one connection per command
# (the Click command built once, as in the tests' own process: helpers.build_commands_once).
LOOP = """
import json, sys
sys.path.insert(0, {tests!r})
from helpers import build_commands_once
build_commands_once()
from typer.testing import CliRunner
from studyplan.cli import app
url, count = sys.argv[1], int(sys.argv[2])
topics = {topics!r}
codes = []
for i in range(count):
    verb = "done" if i % 2 else "start"
    result = CliRunner().invoke(app, ["--db", url, verb, topics[i % 5], "--note", f"m{{i}}"])
    codes.append([result.exit_code, result.stderr])
print(json.dumps(codes))
"""


def studyplan(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyplan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env or dict(os.environ),
    )


@pytest.fixture(scope="module")
def lab(pg_server: PgServer) -> tuple[PgServer, str]:
    db = pg_server.new_database("rel")
    for role in LEARNERS:
        pg_server.role(role)
    grants = [a for who in LEARNERS for a in ("--learner", who)]
    done = studyplan("--db", pg_server.url("postgres", db), "cohort", "init", *grants)
    assert done.returncode == 0, done.stderr
    return pg_server, db


def notes_of(server: PgServer, db: str, learner: str) -> list[str]:
    rows = server.sql(f"SELECT note FROM event WHERE learner = '{learner}' ORDER BY id", db)
    return [r[0] for r in rows]


@pytest.mark.slow
def test_twenty_learners_fifty_marks_each_concurrently(lab: tuple[PgServer, str]) -> None:
    server, db = lab
    script = LOOP.format(topics=TOPICS, tests=str(Path(__file__).parent))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, server.url(who, db), str(MARKS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in LEARNERS
    ]
    import json

    for who, proc in zip(LEARNERS, procs, strict=True):
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        codes = json.loads(out)
        assert [c for c, _ in codes] == [0] * MARKS, (who, [e for c, e in codes if c])
    for who in LEARNERS:  # nothing lost, nothing doubled, in each learner's order
        assert notes_of(server, db, who) == [f"m{i}" for i in range(MARKS)]
    assert server.sql("SELECT count(*) FROM event", db) == [(len(LEARNERS) * MARKS,)]
    # Each learner's status is their own newest mark.
    url = server.url(LEARNERS[3], db)
    status = studyplan("--db", url, "log", "--json")
    assert status.returncode == 0 and status.stdout.count('"topic"') == MARKS


@pytest.mark.slow
def test_separate_processes_per_mark_concurrently(lab: tuple[PgServer, str]) -> None:
    """The same with one whole `studyplan` process per mark (fewer marks: CPU time)."""
    server, db = lab
    who_marks = [(who, i) for i in range(3) for who in LEARNERS]

    def mark(item: tuple[str, int]) -> tuple[str, int, int, str]:
        who, i = item
        done = studyplan("--db", server.url(who, db), "done", TOPICS[i], "--note", f"p{i}")
        return who, i, done.returncode, done.stderr

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(mark, who_marks))
    assert [r for r in results if r[2] != 0] == []
    for who in LEARNERS:
        assert [n for n in notes_of(server, db, who) if n.startswith("p")] == ["p0", "p1", "p2"]


@pytest.mark.slow
def test_server_restart_mid_loop_keeps_every_acknowledged_mark(
    lab: tuple[PgServer, str],
) -> None:
    """``pg_ctl restart -m immediate`` (a crash and recovery) while four learners mark, one
    process per mark: every mark whose command exited 0 is there; the commands caught by
    the restart fail with one line and exit 5."""
    server, db = lab
    loopers = LEARNERS[:4]
    results: dict[str, list[tuple[int, str, str]]] = {who: [] for who in loopers}
    restarted = threading.Event()

    def loop(who: str) -> None:
        after = 0  # marks started once the server is back: three each, then stop
        for i in range(200):
            back = restarted.is_set()
            note = f"r{i}"
            done = studyplan("--db", server.url(who, db), "done", TOPICS[i % 5], "--note", note)
            results[who].append((done.returncode, done.stderr, note))
            after += back
            if after >= 3:
                break

    def crash() -> None:
        time.sleep(2.5)
        server.restart_immediate()
        restarted.set()

    threads = [threading.Thread(target=loop, args=(w,)) for w in loopers]
    threads.append(threading.Thread(target=crash))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert restarted.is_set()
    failed = 0
    for who, runs in results.items():
        present = {n for n in notes_of(server, db, who) if n.startswith("r")}
        for code, err, note in runs:
            if code == 0:
                assert note in present, (who, note)
            else:
                failed += 1
                assert code == EXIT_STORE, err
                assert err.count("\n") == 1 and err.startswith("error: "), err
                assert "Traceback" not in err
        assert runs[-1][0] == 0, runs[-1]  # the server is back and marks go on
    print(f"restart: {failed} commands failed during it, all with one line and exit 5")


def _nothing_written(home: Path) -> None:
    assert not (home / "progress.db").exists()


@pytest.mark.slow
def test_wrong_server_database_or_password_one_line_exit_5(
    lab: tuple[PgServer, str], tmp_path: Path
) -> None:
    server, db = lab
    home = tmp_path / "home"
    env = dict(os.environ, STUDYPLAN_HOME=str(home))
    other = server.new_database("app")
    server.sql("CREATE TABLE customers (id int PRIMARY KEY, name text)", other)
    newer = server.new_database("newer")
    assert studyplan("--db", server.url("postgres", newer), "cohort", "init").returncode == 0
    server.sql("INSERT INTO _studyplan_migrations VALUES ('0099_future', '2030-01-01')", newer)
    wrong_pass = tmp_path / "pgpass"
    wrong_pass.write_text("*:*:*:learner00:not-the-password\n", encoding="utf-8")
    wrong_pass.chmod(0o600)
    nowhere = tmp_path / "no-server"
    nowhere.mkdir()
    cases: list[tuple[str, str, dict[str, str], str]] = [
        ("down", f"postgresql+psycopg://learner00@/{db}?host={nowhere}", env, "cannot reach"),
        (
            "password",
            server.url("learner00", db),
            {**env, "PGPASSFILE": str(wrong_pass)},
            "refused the login",
        ),
        ("unknown db", server.url("learner00", "no_such_db"), env, "does not exist"),
        ("other app", server.url("postgres", other), env, "not a studyplan one"),
        ("newer", server.url("postgres", newer), env, "newer studyplan"),
    ]
    before = {d: server.sql("SELECT count(*) FROM pg_stat_user_tables", d) for d in (other, newer)}
    events = server.sql("SELECT count(*) FROM event", newer)
    for name, url, case_env, words in cases:
        for args in (["done", "mini.kl"], ["status"], ["note", "mini.kl", "x"]):
            result = studyplan("--db", url, *args, env=case_env)
            assert result.returncode == EXIT_STORE, (name, args, result.stderr)
            assert result.stderr.count("\n") == 1 and words in result.stderr, (name, result.stderr)
            assert result.stdout == ""
        _nothing_written(home)
    assert server.sql("SELECT count(*) FROM event", newer) == events
    assert {d: server.sql("SELECT count(*) FROM pg_stat_user_tables", d) for d in before} == before
    assert server.sql("SELECT count(*) FROM customers", other) == [(0,)]


@pytest.mark.slow
def test_server_down_then_back(lab: tuple[PgServer, str], tmp_path: Any) -> None:
    server, db = lab
    url = server.url(LEARNERS[5], db)
    server.stop("immediate")
    try:
        down = studyplan("--db", url, "done", "mini.kl")
    finally:
        server.start()
    assert down.returncode == EXIT_STORE and down.stderr.count("\n") == 1
    assert "cannot reach the PostgreSQL server" in down.stderr
    assert studyplan("--db", url, "done", "mini.kl").returncode == 0
