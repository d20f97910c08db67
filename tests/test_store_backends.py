"""Every named migration on both backends: from an empty database, and from the previous
version holding rows (none lost); all of them give exactly the SQLModel schema; a newer
schema and another application's database are refused and left untouched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Backend
from studyplan.adapters.store import migrations, open_store, pg, pg_schema, schema
from studyplan.adapters.store.base import local_learner
from studyplan.adapters.store.sqlite import connect
from studyplan.adapters.store.types import LEARNER_TABLES
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import StoreError

NAMES = list(migrations.NAMES)
STAMP = "2026-01-02 03:04:05.000006"


class Raw:
    """A connection at a chosen migration, for seeding rows by hand."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.learner = "postgres" if backend.pg else local_learner()
        target = backend.target()
        if backend.pg:
            assert isinstance(target, str)
            self.conn: Any = pg.PgConnection(pg.connect(target), target)
        else:
            self.conn = connect(backend.tmp / "progress.db", create=True)

    def migrate(self, upto: int | None) -> list[str]:
        if self.backend.pg:
            return pg_schema.migrate(self.conn, self.learner, upto)
        return migrations.migrate(
            self.conn, self.backend.tmp / "progress.db", upto, learner=self.learner
        )

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(str(v) for v in r) for r in self.conn.execute(sql).fetchall()]

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def raw(backend: Backend) -> Iterator[Raw]:
    r = Raw(backend)
    yield r
    r.close()


def applied(name: str, version: int) -> bool:
    return version >= NAMES.index(name) + 1


def seed(raw: Raw, version: int) -> None:
    """Rows in every table that exists after ``version`` migrations."""
    x = raw.conn.execute
    who = ", learner" if applied("0007_learners_and_cohorts", version) else ""
    val = ", 'alice'" if who else ""
    if version >= 1:
        x(
            f"INSERT INTO action (uid, kind, created, command{who}) VALUES ('u1', 'mark', ?, 'done mini.kl'{val})",
            (STAMP,),
        )
        x(
            f"INSERT INTO event (action_id, topic_id, status, at, minutes{who}) VALUES (1, 'mini.kl', 'done', ?, 30{val})",
            (STAMP,),
        )
        x(
            f"INSERT INTO note (action_id, topic_id, text{who}) VALUES (1, 'mini.kl', 'Ä & <b>'{val})"
        )
    if version >= 2:
        x(
            f"INSERT INTO \"plan\" (name, payload, created, updated{who}) VALUES ('p', '{{\"goals\": []}}', ?, ?{val})",
            (STAMP, STAMP),
        )
        x(f"INSERT INTO setting (\"key\", value{who}) VALUES ('active_plan', 'p'{val})")
    if version >= 3:
        x(
            f"INSERT INTO library (\"key\", kind, bibtex, source, added, position{who}) VALUES ('k', 'entry', '@misc{{k}}', 'x.bib', ?, 1{val})",
            (STAMP,),
        )
    if applied("0004_library_removals", version):
        x(
            'INSERT INTO library_removed (action_id, "key", kind, bibtex, source, added, '
            f"position{who}) VALUES (1, 'r', 'entry', '@misc{{r}}', 'x.bib', ?, 2{val})",
            (STAMP,),
        )
    if applied("0006_reading_ticks", version):
        x(
            f'INSERT INTO reading_tick (action_id, topic_id, "key", part{who}) '
            f"VALUES (1, 'mini.kl', 'k', 2{val})"
        )
    if applied("0005_reviews", version):
        x(
            "INSERT INTO review (action_id, topic_id, rating, credit, banked, at, due, card, "
            f"seconds{who}) VALUES (1, 'mini.kl', 3, 1.0, 0.5, ?, ?, '{{}}', 60{val})",
            (STAMP, STAMP),
        )


def kept(raw: Raw, version: int) -> None:
    """The rows ``seed(version)`` wrote are all there, column for column."""
    assert raw.rows("SELECT uid, kind, command FROM action") == [("u1", "mark", "done mini.kl")]
    assert raw.rows("SELECT action_id, topic_id, status, minutes FROM event") == [
        ("1", "mini.kl", "done", "30")
    ]
    assert raw.rows("SELECT topic_id, text FROM note") == [("mini.kl", "Ä & <b>")]
    if version >= 2:
        assert raw.rows('SELECT name, payload FROM "plan"') == [("p", '{"goals": []}')]
        assert raw.rows('SELECT "key", value FROM setting WHERE "key" != \'library_version\'') == [
            ("active_plan", "p")
        ]
    if version >= 3:
        assert raw.rows('SELECT "key", bibtex, position FROM library') == [("k", "@misc{k}", "1")]
    if applied("0004_library_removals", version):
        assert raw.rows('SELECT "key", position FROM library_removed') == [("r", "2")]
    if applied("0006_reading_ticks", version):
        assert raw.rows('SELECT topic_id, "key", part FROM reading_tick') == [("mini.kl", "k", "2")]
    if applied("0005_reviews", version):
        assert raw.rows("SELECT topic_id, rating, credit, banked, seconds FROM review") == [
            ("mini.kl", "3", "1.0", "0.5", "60")
        ]


@pytest.mark.parametrize("index", range(1, len(NAMES) + 1), ids=NAMES)
def test_each_migration_from_empty(raw: Raw, index: int) -> None:
    assert raw.migrate(index) == NAMES[:index]
    assert raw.migrate(index) == []  # applied once
    assert sorted(r[0] for r in raw.rows("SELECT name FROM _studyplan_migrations")) == NAMES[:index]
    seed(raw, index)
    kept(raw, index)


@pytest.mark.parametrize("index", range(2, len(NAMES) + 1), ids=NAMES[1:])
def test_each_migration_from_the_previous_version_with_rows(raw: Raw, index: int) -> None:
    raw.migrate(index - 1)
    seed(raw, index - 1)
    assert raw.migrate(index) == [NAMES[index - 1]]
    kept(raw, index - 1)
    if NAMES[index - 1] == "0007_learners_and_cohorts":
        # Every row now belongs to the learner who ran the migration.
        for table in LEARNER_TABLES:
            assert raw.rows(f'SELECT DISTINCT learner FROM "{table}"') == [(raw.learner,)]
    if NAMES[index - 1] == "0008_library_version":
        # The library's learner has a version row; a change to the library replaces it.
        (before,) = raw.rows(
            "SELECT value FROM setting WHERE \"key\" = 'library_version' AND learner = 'alice'"
        )
        raw.conn.execute("UPDATE library SET source = 'y.bib' WHERE learner = 'alice'")
        after = raw.rows(
            "SELECT value FROM setting WHERE \"key\" = 'library_version' AND learner = 'alice'"
        )
        assert after != [before] and len(after) == 1


def test_all_migrations_give_exactly_the_sqlmodel_schema(backend: Backend) -> None:
    open_store(backend.target(), create=True).close()
    if backend.pg:
        url = backend.target()
        assert isinstance(url, str)
        with pg_schema.engine(url).connect() as c:
            wanted = pg_schema.expected(c)
            actual = pg_schema.schema_of(c)
        assert schema.differences(actual, wanted) == []
        assert actual == wanted
        assert actual["plan"]["primary_key"] == ("name", "learner")
    else:
        import sqlite3

        conn = sqlite3.connect(backend.tmp / "progress.db")
        assert schema.differences(schema.schema_of(conn), schema.expected()) == []
        conn.close()
    assert open_store(backend.target(), create=False).doctor(set()) == []


def test_doctor_notices_drift(backend: Backend) -> None:
    store = open_store(backend.target(), create=True)
    assert store._conn is not None
    store._conn.execute("DROP INDEX ix_event_learner_topic_id")
    problems = [p.message for p in store.doctor(set())]
    assert any("'event' indexes differ" in p and "ix_event_learner_topic_id" in p for p in problems)


def test_newer_schema_is_refused_and_nothing_written(backend: Backend) -> None:
    store = open_store(backend.target(), create=True)
    store.record(["mini.kl"], "done")
    assert store._conn is not None
    store._conn.execute(
        "INSERT INTO _studyplan_migrations (name, applied_at) VALUES ('0099_future', ?)", (STAMP,)
    )
    if not backend.pg:
        store._conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    store.close()
    for create in (False, True):
        with pytest.raises(StoreError, match="written by a newer studyplan"):
            open_store(backend.target(), create=create)
    check = Raw(backend)
    assert len(check.rows("SELECT id FROM event")) == 1
    check.close()


def test_another_applications_database_is_refused(backend: Backend) -> None:
    if backend.pg:
        assert backend.server is not None and backend.database is not None
        backend.server.sql("CREATE TABLE customers (id int)", db=backend.database)
    else:
        import sqlite3

        conn = sqlite3.connect(backend.tmp / "progress.db")
        conn.execute("CREATE TABLE customers (id int)")
        conn.commit()
        conn.close()
    for create in (False, True):
        with pytest.raises(StoreError, match="not a studyplan one"):
            open_store(backend.target(), create=create)
    check = Raw(backend)
    tables = (
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        if backend.pg
        else "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    assert check.rows(tables) == [("customers",)]
    check.close()


def test_backup_restores_across_backends(backend: Backend, tmp_path: Any) -> None:
    """A learner's SQLite progress moves to the lab's server (and back) through backup."""
    here = open_store(tmp_path / "mine.db", create=True)
    here.record(["mini.kl", "mini.ib"], "started", minutes=20)
    here.record(["mini.kl"], "done", note="ch. 2")
    here.add_note("mini.ib", "later")
    here.undo()
    here.save_plan("ib", SavedPlan.from_json({"goals": ["mini.ib"]}))
    here.set_active_plan("ib")
    data = here.backup()
    there = open_store(backend.target(), create=True)
    result = there.restore(data)
    assert result.actions_added == len(data["actions"])
    assert {t: (s.status, s.minutes) for t, s in there.statuses().items()} == {
        "mini.ib": ("started", 20),
        "mini.kl": ("done", 20),
    }
    assert [n.text for n in there.notes()] == ["ch. 2"]
    assert there.active_plan() == "ib"
    assert not there.restore(data).changed
    again = {k: v for k, v in there.backup().items() if k != "exported"}
    assert again == {k: v for k, v in data.items() if k != "exported"}


def test_reviews_on_both_backends_belong_to_their_learner(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review sessions (0005) on both backends: newest card per topic, undo takes a
    session back, and each learner sees only their own (``learner`` from 0007)."""
    from datetime import UTC, datetime, timedelta

    from studyplan.adapters.store.reviews import ReviewRow

    if backend.pg:
        assert backend.server is not None
        for role in ("alice", "bob"):
            backend.server.role(role)
        open_store(backend.target(), create=True).init_lab(learners=["alice", "bob"], leads=[])
    now = datetime.now(UTC).replace(microsecond=0)

    def row(topic: str, rating: int, days: int) -> ReviewRow:
        return ReviewRow(topic, rating, 1.0, 0.0, now, now + timedelta(days=days), "{}", 30)

    monkeypatch.setenv("STUDYPLAN_LEARNER", "alice")
    alice = open_store(backend.target("alice"), create=True)
    alice.record_reviews([row("mini.kl", 3, 2), row("mini.ib", 4, 5)])
    alice.record_reviews([row("mini.kl", 4, 9)])
    monkeypatch.setenv("STUDYPLAN_LEARNER", "bob")
    bob = open_store(backend.target("bob"), create=True)
    bob.record_reviews([row("mini.entropy", 2, 1)])
    states = alice.review_states()
    assert {t: (s.due - now).days for t, s in states.items()} == {"mini.ib": 5, "mini.kl": 9}
    assert states["mini.kl"].reviews == 2
    assert [t for t, *_ in bob.review_log()] == ["mini.entropy"]
    assert alice.undo() is not None  # the second session
    assert (alice.review_states()["mini.kl"].due - now).days == 2
    assert [t for t, *_ in alice.review_log()] == ["mini.kl", "mini.ib"]
    assert set(bob.review_states()) == {"mini.entropy"}
    alice.close()
    bob.close()
