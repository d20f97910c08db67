"""The progress store on the everyday paths, against a bare 10-command Typer app.

Goals (issue #5): whole-process ``done``, ``status``, ``show`` and ``next`` each at most
2x the bare app's ``--help`` (stretch 1.3x), measured interleaved in one run, on the
built-in curricula with a warm catalog cache and a realistic database: a year of marks
(2,000 events), notes and an active saved plan. For reference (no goal): the same mark
written through the SQLModel ORM as a whole process (what the stdlib hot path avoids) and
``status`` over a 100,000-event database. In-process figures: deriving every topic's
status and the pre-write ``quick_check`` at both sizes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_startup import BARE_APP
from benchmarks.harness import PYTHON, Case, best_of, interleave, report

STRETCH = 1.3

ORM_MARK = """
import os, sys
from datetime import UTC, datetime
from sqlmodel import Session
from studyplan.adapters.store.backup import engine
from studyplan.adapters.store.models import Action, Event

path, topic = sys.argv[1], sys.argv[2]
now = datetime.now(UTC)
with Session(engine(__import__("pathlib").Path(path), write=True)) as session, session.begin():
    action = Action(uid=os.urandom(16).hex(), kind="mark", created=now, command="done")
    session.add(action)
    session.flush()
    session.add(Event(action_id=action.id, topic_id=topic, status="done", at=now))
print("done")
"""


def _env(home: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "STUDYPLAN_BUILTIN_DIR"}
    env.update(STUDYPLAN_HOME=str(home), STUDYPLAN_DB=str(db))
    return env


def _fill(db: Path | str, topics: list[str], events: int) -> None:
    """``events`` marks spread over a year, ~10 per action, straight into the schema (a
    SQLite file, or a PostgreSQL URL: the same SQL)."""
    from studyplan.adapters.store import open_store
    from studyplan.adapters.store.sqlite import to_db

    store = open_store(db, create=True)
    assert store._conn is not None
    statuses = ("started", "done", "done", "known", "skipped")
    start = datetime.now(UTC) - timedelta(days=365)
    with store._write() as conn:
        for n in range(max(1, events // 10)):
            stamp = to_db(start + timedelta(minutes=n))
            (action,) = conn.execute(
                "INSERT INTO action (uid, kind, created, command, learner) "
                "VALUES (?, 'mark', ?, ?, ?) RETURNING id",
                (os.urandom(16).hex(), stamp, "done …", store.learner),
            ).fetchone()
            conn.executemany(
                "INSERT INTO event (action_id, topic_id, status, at, minutes, note, learner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        action,
                        topics[(n * 10 + j) % len(topics)],
                        statuses[(n + j) % len(statuses)],
                        stamp,
                        30,
                        "ch. 2 exercises" if j == 0 else None,
                        store.learner,
                    )
                    for j in range(10)
                ],
            )
    store.close()


def _in_process(dbs: dict[str, Path]) -> None:
    from studyplan.adapters.store import open_store

    print(f"\n{'in-process (best of 5)':<44} {'statuses()':>11} {'quick_check':>12}")
    for label, db in dbs.items():
        store = open_store(db, create=False)
        conn = store._conn
        assert conn is not None
        derive = best_of(store.statuses) * 1000
        check = best_of(lambda c=conn: c.execute("PRAGMA quick_check(1)").fetchone()) * 1000
        size = db.stat().st_size // 1024
        print(f"{label + f' ({size} KiB)':<44} {derive:>9.1f}ms {check:>10.1f}ms")
        store.close()


def main(rounds: int = 15) -> list[str]:
    from studyplan.adapters import workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        home, db, big = root / "home", root / "progress.db", root / "big.db"
        os.environ.pop("STUDYPLAN_BUILTIN_DIR", None)
        os.environ["STUDYPLAN_HOME"] = str(home)
        catalog = workspace.catalog(workspace.gather())  # warms the cache, too
        topics = list(catalog.topics)
        goal = next((t for t in topics if catalog.topics[t].goal), topics[-1])
        _fill(db, topics, 2_000)
        _fill(big, topics, 100_000)
        env = _env(home, db)
        sp = [PYTHON, "-m", "studyplan"]
        saved = subprocess.run(
            [*sp, "plan", goal, "--hours-per-week", "6", "--save", "bench"],
            env=env,
            capture_output=True,
            text=True,
        )
        if saved.returncode != 0:
            raise SystemExit(f"cannot save a plan: {saved.stderr}")
        bare = root / "bare_app.py"
        bare.write_text(BARE_APP)
        baseline = Case("bare Typer app --help", [PYTHON, str(bare), "--help"])
        topic = topics[len(topics) // 2]
        cases = [
            Case(f"studyplan done {topic}", [*sp, "done", topic], env, goal=2.0),
            Case("studyplan status", [*sp, "status"], env, goal=2.0),
            Case(f"studyplan show {topic}", [*sp, "show", topic], env, goal=2.0),
            Case("studyplan next (active plan)", [*sp, "next"], env, goal=2.0),
            Case("(ref) one mark via SQLModel ORM", [PYTHON, "-c", ORM_MARK, str(db), topic]),
            Case("(ref) studyplan status, 100k events", [*sp, "status"], _env(home, big)),
        ]
        interleave([baseline, *cases], rounds)
        missed = report("progress store (whole process, medians)", baseline, cases)
        over = [c.name for c in cases if c.goal and c.median_ms / baseline.median_ms > STRETCH]
        print(
            f"stretch {STRETCH}x: " + ("met by all" if not over else "missed by " + ", ".join(over))
        )
        _in_process({"2,000 events": db, "100,000 events": big})
        return missed


if __name__ == "__main__":
    main()
