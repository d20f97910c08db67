"""The progress store's API on real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Backend
from studyplan.adapters.store import ProgressStore, migrations, open_store
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import ConflictError, InputError, NotFoundError


@pytest.fixture
def store(backend: Backend, tmp_path: Path) -> Iterator[ProgressStore]:
    """The store on both backends (a file in new folders; a fresh PostgreSQL database)."""
    target = backend.target() if backend.pg else tmp_path / "deep" / "er" / "progress.db"
    store = open_store(target, create=True)
    yield store
    store.close()


def test_create_false_never_creates_and_reads_empty(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.db"
    store = open_store(path, create=False)
    assert not store.exists
    assert store.statuses() == {}
    assert store.log() == [] and store.notes() == [] and store.library() == []
    assert store.list_plans() == [] and store.active_plan() is None
    assert store.get_plan("x") is None and store.delete_plan("x") is False
    assert store.doctor(set()) == [] and store.orphans(set()) == {}
    assert store.backup()["actions"] == []
    assert not path.exists() and not path.parent.exists()
    with pytest.raises(RuntimeError):
        store.record(["a.b"], "done")
    assert not path.exists()


def test_create_true_makes_folders_wal_and_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "progress.db"
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM _studyplan_migrations ORDER BY name")]
    assert names == list(migrations.NAMES)
    assert names[-1] == "0008_library_version"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION


def test_statuses_follow_the_newest_mark_and_sum_minutes(store: ProgressStore) -> None:
    store.record(["m.a", "m.b"], "started", minutes=20)
    store.record(["m.a"], "done", minutes=40, note="ch. 2")
    got = store.statuses()
    assert {t: s.status for t, s in got.items()} == {"m.a": "done", "m.b": "started"}
    assert got["m.a"].minutes == 60 and got["m.b"].minutes == 20
    assert got["m.a"].updated.tzinfo is not None
    assert got["m.a"].topic_id == "m.a"


def test_reset_removes_the_status_and_later_marks_bring_it_back(store: ProgressStore) -> None:
    store.record(["m.a"], "known")
    store.record(["m.a"], "reset")
    assert "m.a" not in store.statuses()
    store.record(["m.a"], "skipped")
    assert store.statuses()["m.a"].status == "skipped"


def test_backdated_mark_recorded_later_still_wins(store: ProgressStore) -> None:
    store.record(["m.a"], "started")
    last_week = date.today() - timedelta(days=7)
    store.record(["m.a"], "done", on=last_week)
    status = store.statuses()["m.a"]
    assert status.status == "done"
    assert status.updated == datetime(
        last_week.year, last_week.month, last_week.day, 12, tzinfo=UTC
    )
    assert [e.status for e in store.log()] == ["done", "started"]  # by date
    assert [e.status for e in store.log(since=date.today())] == ["started"]


def test_record_rejects_bad_input_and_writes_nothing(store: ProgressStore) -> None:
    with pytest.raises(InputError):
        store.record(["m.a"], "finished")
    with pytest.raises(InputError):
        store.record([], "done")
    with pytest.raises(InputError):
        store.record(["m.a"], "done", minutes=-1)
    assert store.log(include_undone=True) == []


def test_record_is_one_transaction(store: ProgressStore, tmp_path: Path) -> None:
    """A failure while inserting the events leaves no action and no event behind."""
    assert store._conn is not None
    if store.dialect == "sqlite":
        store._conn.execute(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON event WHEN NEW.topic_id = 'm.bad' "
            "BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
    else:
        store._conn.raw.execute(
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.topic_id = 'm.bad' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;"
            "CREATE TRIGGER boom BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION boom()"
        )
    with pytest.raises(Exception, match="boom"):
        store.record(["m.a", "m.b", "m.bad", "m.c"], "done")
    assert store.log(include_undone=True) == []
    assert store._conn.execute("SELECT COUNT(*) FROM action").fetchone()[0] == 0


def test_duplicate_topics_in_one_mark_count_once(store: ProgressStore) -> None:
    store.record(["m.a", "m.a"], "done", minutes=10)
    assert [e.topic_id for e in store.log()] == ["m.a"]
    assert store.statuses()["m.a"].minutes == 10


def test_undo_walks_back_and_reports(store: ProgressStore) -> None:
    assert store.undo() is None
    store.record(["m.a"], "started", command="start m.a")
    store.record(["m.a", "m.b"], "done", command="done m.a m.b")
    store.add_note("m.b", "tricky", command="note m.b tricky")
    first = store.undo()
    assert first is not None and first.kind == "note" and first.topics == ("m.b",)
    assert store.notes() == []
    second = store.undo()
    assert second is not None and second.command == "done m.a m.b"
    assert second.now == {"m.a": "started", "m.b": None}
    assert "undid: studyplan done m.a m.b (recorded" in second.describe()
    assert "m.a is now started" in second.describe()
    assert {t: s.status for t, s in store.statuses().items()} == {"m.a": "started"}
    third = store.undo()
    assert third is not None and third.status == "started"
    assert store.statuses() == {} and store.undo() is None
    assert [e.undone for e in store.log(include_undone=True)] == [True, True, True]
    assert store.log() == []


def test_undo_then_new_mark_then_undo(store: ProgressStore) -> None:
    store.record(["m.a"], "done")
    store.undo()
    store.record(["m.b"], "known")
    result = store.undo()
    assert result is not None and result.topics == ("m.b",)
    assert store.statuses() == {}


def test_undo_is_recorded_as_append_only_rows(store: ProgressStore) -> None:
    store.record(["m.a"], "done")
    store.undo()
    assert store._conn is not None
    rows = store._conn.execute("SELECT id, kind, undoes FROM action ORDER BY id").fetchall()
    assert rows == [(1, "mark", None), (2, "undo", 1)]
    assert store._conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 1


def test_notes_from_note_and_from_marks(store: ProgressStore) -> None:
    store.add_note("m.a", "read twice")
    store.record(["m.b"], "done", note="exercises 2.1-2.6")
    notes = store.notes()
    assert [(n.topic_id, n.text, n.source) for n in notes] == [
        ("m.a", "read twice", "note"),
        ("m.b", "exercises 2.1-2.6", "done"),
    ]
    assert [n.text for n in store.notes("m.b")] == ["exercises 2.1-2.6"]
    with pytest.raises(InputError):
        store.add_note("m.a", "   ")


def test_log_filters_by_topic_and_date(store: ProgressStore) -> None:
    old = date.today() - timedelta(days=30)
    store.record(["m.a"], "done", on=old)
    store.record(["m.b"], "started")
    assert [e.topic_id for e in store.log()] == ["m.a", "m.b"]
    assert [e.topic_id for e in store.log(topic="m.a")] == ["m.a"]
    assert [e.topic_id for e in store.log(since=old + timedelta(days=1))] == ["m.b"]
    assert [e.topic_id for e in store.log(since=old)] == ["m.a", "m.b"]


def test_orphans_count_rows_of_topics_not_known(store: ProgressStore) -> None:
    store.record(["m.a", "gone.topic"], "done")
    store.add_note("gone.topic", "x")
    assert store.orphans({"m.a"}) == {"gone.topic": 2}
    problems = store.doctor({"m.a"})
    assert [(p.code, p.topic) for p in problems] == [("orphaned-topic", "gone.topic")]
    assert [p.message for p in problems] == [
        "orphaned topic 'gone.topic': 2 rows refer to a topic the curricula no longer "
        "have (renamed or removed?)"
    ]


def test_saved_plans(store: ProgressStore) -> None:
    plan = SavedPlan.from_json({"goals": ["m.ib", "中文"], "steps": [{"id": "m.a", "hours": 2.5}]})
    other = SavedPlan.from_json({"goals": ["m.other"]})
    store.save_plan("ib", plan)
    assert store.get_plan("ib") == plan
    with pytest.raises(ConflictError, match="'ib' already exists"):
        store.save_plan("ib", other)
    store.save_plan("ib", other, replace=True)
    assert store.get_plan("ib") == other
    store.save_plan("a-plan", SavedPlan.from_json({"goals": []}))
    assert [name for name, _, _ in store.list_plans()] == ["a-plan", "ib"]
    assert all(saved.tzinfo is not None for _, saved, _ in store.list_plans())
    store.set_active_plan("ib")
    assert store.active_plan() == "ib"
    with pytest.raises(NotFoundError, match="no saved plan named 'ibb'") as info:
        store.set_active_plan("ibb")
    assert info.value.hint == "did you mean 'ib'?"
    assert store.delete_plan("ib") is True
    assert store.active_plan() is None and store.delete_plan("ib") is False
    store.set_active_plan("a-plan")
    store.set_active_plan(None)
    assert store.active_plan() is None


def test_library_keeps_text_order_and_refuses_silent_overwrite(store: ProgressStore) -> None:
    a = '@book{a,\n  title = {{GPU} M{\\"u}ller},\n}'
    b = "@article{b:c/d,\n  url = {http://x.org/a%20b},\n}"
    assert store.add_library([("a", a, "one.bib"), ("b:c/d", b, "one.bib")], replace=False) == (
        2,
        0,
    )
    assert store.add_library([("a", a, "again.bib")], replace=False) == (0, 0)
    with pytest.raises(ConflictError, match="citation key 'a' already"):
        store.add_library(
            [("new", "@misc{new}", "x.bib"), ("a", "@book{a}", "x.bib")], replace=False
        )
    assert [e.key for e in store.library()] == ["a", "b:c/d"]  # nothing from the failed batch
    assert store.add_library([("a", "@book{a}", "x.bib")], replace=True) == (0, 1)
    entries = store.library()
    assert [(e.key, e.bibtex, e.source, e.position) for e in entries] == [
        ("a", "@book{a}", "x.bib", 1),
        ("b:c/d", b, "one.bib", 2),
    ]
    store.add_library(
        [("@string{jan}", "@string{jan = {January}}", "m.bib", "string")], replace=False
    )
    last = store.library()[-1]
    assert (last.kind, last.position) == ("string", 3)
    assert store.library_entry("b:c/d") == entries[1]


def test_a_library_batch_sees_what_is_held_and_its_own_rows(store: ProgressStore) -> None:
    # More keys than one lookup takes (library._KEYS_PER_LOOKUP), half of them held
    # already, and a key twice in one batch: the later one sees the earlier.
    from studyplan.adapters.store.library import _KEYS_PER_LOOKUP

    n = 2 * _KEYS_PER_LOOKUP + 7
    held = [(f"k{i}", f"@misc{{k{i}}}", "a.bib") for i in range(0, n, 2)]
    assert store.add_library(held, replace=False) == (len(held), 0)
    batch = [(f"k{i}", f"@misc{{k{i}}}", "b.bib") for i in range(n)]
    batch.append(("k1", "@misc{k1, note = {again}}", "b.bib"))
    assert store.add_library(batch, replace=True) == (n - len(held), 1)
    entries = store.library()
    assert [e.key for e in entries] == [k for k, _, _ in held] + [f"k{i}" for i in range(1, n, 2)]
    assert [e.position for e in entries] == list(range(1, n + 1))
    changed = store.library_entry("k1")
    assert changed is not None and changed.bibtex == "@misc{k1, note = {again}}"
    with pytest.raises(ConflictError, match="'k3'"):
        store.add_library(
            [("k3", "@misc{k3}", "c.bib"), ("k3", "@misc{k3, note = {x}}", "c.bib")],
            replace=False,
        )
    kept = store.library_entry("k3")
    assert kept is not None and kept.bibtex == "@misc{k3}"


def test_clock_stepping_back_keeps_recording_order(store: ProgressStore) -> None:
    assert store._conn is not None
    store.record(["m.a"], "done")
    future = "2999-01-01 00:00:00.000000"
    store._conn.execute("UPDATE action SET created = ?", (future,))
    store.record(["m.a"], "started")  # the clock is "behind" the last action
    assert store.statuses()["m.a"].status == "started"
    result = store.undo()
    assert result is not None and result.status == "started"


def test_a_note_with_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "p.db", create=True)
    with pytest.raises(InputError, match="undecodable"):
        store.add_note("m.a", "x\ud800")
    with pytest.raises(InputError, match="undecodable"):
        store.record(["m.a"], "done", note="\udcff")
    store.close()
