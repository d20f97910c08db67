"""Migrations: they build exactly the SQLModel schema, upgrade a v1 file keeping every
row, each runs in its own transaction, and newer schemas are refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES
from studyplan.adapters.store import migrations, open_store, schema
from studyplan.adapters.store.sqlite import connect
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import StoreError

V1 = FIXTURES / "progress-v1.db"
MINI = {"mini.probability", "mini.entropy", "mini.kl", "mini.mutual-information", "mini.ib"}


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    # The checked-in fixture is read as an immutable file: no -wal/-shm next to it.
    mode = "mode=ro&immutable=1" if path == V1 else "mode=ro"
    conn = sqlite3.connect(f"file:{path}?{mode}", uri=True)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_migrations_are_named_uniquely_and_in_order() -> None:
    names = [name for name, _ in migrations.MIGRATIONS]
    assert names == sorted(set(names)) and names == list(migrations.NAMES)
    assert len(names) == migrations.CURRENT_VERSION


def test_all_migrations_build_exactly_the_sqlmodel_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    actual = schema.schema_of(conn)
    wanted = schema.expected()
    assert schema.differences(actual, wanted) == []
    assert actual == wanted
    assert set(actual) == {
        "_studyplan_migrations",
        "action",
        "event",
        "note",
        "plan",
        "setting",
        "library",
        "library_removed",
        "reading_tick",
        "review",
    }


def test_schema_check_notices_drift(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX ix_event_topic_id")
    conn.execute("ALTER TABLE note ADD COLUMN extra INTEGER")
    conn.commit()
    conn.close()
    found = open_store(path, create=False).doctor(set())
    assert {p.code for p in found} == {"schema-drift"}
    problems = [p.message for p in found]
    assert any("'event' indexes differ" in p and "ix_event_topic_id" in p for p in problems)
    assert any("'note' columns differ" in p and "extra" in p for p in problems)


def test_the_fixture_is_a_first_migration_database() -> None:
    assert rows(V1, "_studyplan_migrations")[0][0] == "0001_progress_log"
    assert len(rows(V1, "_studyplan_migrations")) == 1
    conn = sqlite3.connect(f"file:{V1}?mode=ro&immutable=1", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"_studyplan_migrations", "action", "event", "note"}


def test_v1_database_upgrades_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    shutil.copy(V1, path)
    before = {t: rows(path, t) for t in ("action", "event", "note")}
    assert len(before["event"]) >= 5 and before["note"]

    store = open_store(path, create=False)  # an existing file is upgraded on open

    after = {t: rows(path, t) for t in ("action", "event", "note")}
    assert after == before
    assert [r[0] for r in rows(path, "_studyplan_migrations")] == list(migrations.NAMES)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION
    assert schema.differences(schema.schema_of(conn), schema.expected()) == []
    conn.close()
    got = {t: (s.status, s.minutes) for t, s in store.statuses().items()}
    assert got == {
        "mini.probability": ("known", 0),
        "mini.entropy": ("done", 135),
        "mini.kl": ("skipped", 0),
        "mini.renamed-topic": ("done", 30),
    }
    assert [n.text for n in store.notes("mini.kl")] == ["come back after Cover & Thomas ch. 2"]
    assert [p.message for p in store.doctor(MINI)] == [
        "orphaned topic 'mini.renamed-topic': 2 rows refer to a topic the curricula no "
        "longer have (renamed or removed?)"
    ]
    # The new tables work on the upgraded file, and the log goes on where it stopped.
    store.save_plan("ib", SavedPlan.from_json({"goals": ["mini.ib"]}))
    store.add_library([("k", "@misc{k}", "x.bib")], replace=False)
    undone = store.undo()
    assert undone is not None and undone.kind == "note"
    assert store.undo() is not None and "mini.renamed-topic" not in store.statuses()


def test_each_migration_is_its_own_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails half-way leaves the earlier ones applied and none of its own
    DDL behind; the database stays usable by the code that knows the earlier ones."""
    path = tmp_path / "p.db"
    open_store(path, create=True).close()
    broken = (
        *migrations.MIGRATIONS,
        ("0099_broken", ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL")),
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "CURRENT_VERSION", len(broken))
    monkeypatch.setattr(migrations, "NAMES", tuple(n for n, _ in broken))
    with pytest.raises(StoreError, match="syntax error"):
        open_store(path, create=True)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1
    assert len(conn.execute("SELECT * FROM _studyplan_migrations").fetchall()) == len(broken) - 1
    conn.close()
    monkeypatch.undo()
    store = open_store(path, create=True)
    store.record(["mini.kl"], "done")
    assert store.statuses()["mini.kl"].status == "done"


def test_partial_upgrade_resumes_from_where_it_stopped(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    conn = connect(path, create=True)
    assert migrations.migrate(conn, path, upto=2) == ["0001_progress_log", "0002_saved_plans"]
    assert migrations.migrate(conn, path, upto=2) == []
    assert migrations.migrate(conn, path) == list(migrations.NAMES[2:])
    conn.close()


@pytest.mark.parametrize("how", ["user_version", "migration_name"])
def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path, how: str) -> None:
    path = tmp_path / "p.db"
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    if how == "user_version":
        conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    else:
        conn.execute(
            "INSERT INTO _studyplan_migrations VALUES ('0004_from_the_future', '2030-01-01')"
        )
        conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(StoreError, match="written by a newer studyplan") as info:
            open_store(path, create=create)
        assert info.value.hint == "upgrade studyplan (pip install -U studyplan)"
    assert path.read_bytes() == before


def test_every_library_change_sets_a_new_library_version(tmp_path: Path) -> None:
    from studyplan.adapters.store import open_store

    store = open_store(tmp_path / "p.db", create=True)
    assert store.library_version() == ""
    seen = [store.library_version()]
    store.add_library([("a", "@misc{a,}", "x.bib"), ("b", "@misc{b,}", "x.bib")], replace=False)
    seen.append(store.library_version())
    store.add_library([("a", "@misc{a,}", "x.bib")], replace=False)  # identical: no change
    assert store.library_version() == seen[-1]
    store.add_library([("a", "@misc{a, title={A}}", "x.bib")], replace=True)
    seen.append(store.library_version())
    assert store._conn is not None
    with store._write() as conn:  # any code path, not only add_library
        conn.execute("DELETE FROM library WHERE \"key\" = 'b'")
    seen.append(store.library_version())
    assert len(set(seen)) == len(seen) and all(seen[1:])
    store.close()
