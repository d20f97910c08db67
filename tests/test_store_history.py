"""Undo sequences and backup/restore against a plain Python model of the event log."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.adapters.store import MARKS, ProgressStore, open_store
from studyplan.domain.saved_plan import SavedPlan

TOPICS = ["m.a", "m.b", "m.c", "m.d"]


@dataclass
class Model:
    """What the store should say: actions in order, each possibly undone."""

    actions: list[dict[str, Any]] = field(default_factory=list)

    def live(self) -> list[dict[str, Any]]:
        return [a for a in self.actions if not a["undone"]]

    def undo(self) -> dict[str, Any] | None:
        for action in reversed(self.actions):
            if not action["undone"]:
                action["undone"] = True
                return action
        return None

    def statuses(self) -> dict[str, tuple[str, int]]:
        current: dict[str, str] = {}
        minutes: dict[str, int] = {}
        for a in self.live():
            if a["kind"] != "mark":
                continue
            for tid in dict.fromkeys(a["topics"]):
                current[tid] = a["status"]
                minutes[tid] = minutes.get(tid, 0) + (a["minutes"] or 0)
        return {t: (s, minutes[t]) for t, s in current.items() if s != "reset"}

    def notes(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for a in self.live():
            if a["kind"] == "note":
                out.append((a["topic"], a["text"]))
            elif a["note"]:
                out += [(t, a["note"]) for t in dict.fromkeys(a["topics"])]
        return out


# What a command line can carry: anything but NUL (the store refuses it, as argv would).
# What the commands store: no NUL, no lone surrogate (both refused, tests/test_store.py).
TEXT = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
mark_op = st.tuples(
    st.just("mark"),
    st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3),
    st.sampled_from(MARKS),
    st.one_of(st.none(), st.integers(0, 300)),
    st.one_of(st.none(), st.text(TEXT, min_size=1, max_size=12).filter(str.strip)),
)
note_op = st.tuples(
    st.just("note"),
    st.sampled_from(TOPICS),
    st.text(TEXT, min_size=1, max_size=20).filter(str.strip),
)
undo_op = st.tuples(st.just("undo"))
ops = st.lists(st.one_of(mark_op, mark_op, note_op, undo_op, undo_op), max_size=25)


def apply(store: ProgressStore, model: Model, program: list[tuple[Any, ...]]) -> None:
    for op in program:
        if op[0] == "mark":
            _, topics, status, minutes, note = op
            store.record(topics, status, minutes=minutes, note=note)
            model.actions.append(
                {
                    "kind": "mark",
                    "topics": topics,
                    "status": status,
                    "minutes": minutes,
                    "note": note,
                    "undone": False,
                }
            )
        elif op[0] == "note":
            _, topic, text = op
            store.add_note(topic, text)
            model.actions.append({"kind": "note", "topic": topic, "text": text, "undone": False})
        else:
            got = store.undo()
            want = model.undo()
            assert (got is None) == (want is None)
            if got is not None and want is not None:
                assert got.kind == want["kind"]
                if want["kind"] == "mark":
                    assert got.topics == tuple(dict.fromkeys(want["topics"]))
                    assert got.status == want["status"]
                    expected = model.statuses()
                    assert got.now == {
                        t: expected[t][0] if t in expected else None for t in got.topics
                    }


def observed(store: ProgressStore) -> tuple[Any, ...]:
    statuses = {t: (s.status, s.minutes) for t, s in store.statuses().items()}
    notes = [(n.topic_id, n.text) for n in store.notes()]
    log = [
        (e.topic_id, e.status, e.minutes, e.note, e.undone) for e in store.log(include_undone=True)
    ]
    return statuses, notes, log


@given(ops)
def test_undo_sequences_match_the_model(program: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "p.db", create=True)
        model = Model()
        apply(store, model, program)
        statuses, notes, _ = observed(store)
        assert statuses == model.statuses()
        assert sorted(notes) == sorted(model.notes())
        store.close()


def _without_export_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "exported"}


@pytest.mark.slow
@given(ops, ops)
def test_backup_restore_round_trips_and_merges_idempotently(
    first: list[tuple[Any, ...]], second: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a = open_store(Path(tmp) / "a.db", create=True)
        apply(a, Model(), first)
        a.save_plan("p", SavedPlan.from_json({"goals": ["m.a"], "total_hours": len(first)}))
        a.set_active_plan("p")
        a.add_library([("k1", "@misc{k1,\n  note = {Ä & $x$}\n}", "mine.bib")], replace=False)
        backup = a.backup()

        fresh = open_store(Path(tmp) / "fresh.db", create=True)
        result = fresh.restore(backup)
        assert result.actions_added == len(backup["actions"])
        assert observed(fresh) == observed(a)
        assert _without_export_time(fresh.backup()) == _without_export_time(backup)
        again = fresh.restore(backup)
        assert not again.changed and again.actions_present == len(backup["actions"])
        assert _without_export_time(fresh.backup()) == _without_export_time(backup)

        # Merge into a database with its own, later history: union, then a fixed point.
        b = open_store(Path(tmp) / "b.db", create=True)
        apply(b, Model(), second)
        b.restore(backup)
        merged = _without_export_time(b.backup())
        assert {x["uid"] for x in merged["actions"]} >= {x["uid"] for x in backup["actions"]}
        assert not b.restore(backup).changed
        assert _without_export_time(b.backup()) == merged
        assert b.active_plan() == "p" and b.get_plan("p") == a.get_plan("p")
        for s in (a, fresh, b):
            s.close()
