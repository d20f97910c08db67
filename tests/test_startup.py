"""What the everyday commands' start-up relies on gives what it replaced: the cached
catalog's chunked details, the records that are no longer dataclasses, and the stdlib
answers (terminal width, user name) found without importing their modules."""

from __future__ import annotations

import getpass
import pickle
import shutil
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.adapters.store.base import local_learner
from studyplan.cli import term
from studyplan.domain.catalog import (
    DETAIL_CHUNK,
    DETAIL_CHUNKS,
    Catalog,
    Check,
    Curriculum,
    Pointer,
    Prerequisite,
    Reading,
    Topic,
)
from studyplan.domain.pace import Pace
from studyplan.domain.planner import Link, Schedule


def _catalog(n: int) -> Catalog:
    topics = {
        f"c.t{i}": Topic(
            id=f"c.t{i}",
            curriculum="c",
            title=f"Topic {i}",
            title_zh="题",
            summary=f"summary {i}",
            hours=1.0 + i % 5,
            prerequisites=tuple(Prerequisite(f"c.t{j}", f"t{i} uses t{j}") for j in range(i)[-2:]),
            readings=(Reading(f"key{i}", f"Ch. {i}", i % 2 == 0, "free", url=f"https://x/{i}"),),
            tags=("a",) if i % 3 else (),
            checks=(Check(f"q{i}?", "a", source=Pointer(f"key{i}", "p. 1")),),
        )
        for i in range(n)
    }
    return Catalog({"c": Curriculum("c", "C", "C", "d", tuple(topics))}, topics)


@given(st.integers(min_value=0, max_value=3 * DETAIL_CHUNK + 1))
def test_a_cached_catalog_gives_back_every_topic(n: int) -> None:
    built = _catalog(n)
    cached = pickle.loads(pickle.dumps(built, pickle.HIGHEST_PROTOCOL))
    assert cached == built
    assert [cached.topics[t] for t in cached.topics] == [built.topics[t] for t in built.topics]
    for topic in map(cached.topics.__getitem__, cached.topics):  # the records, not bare tuples
        assert type(topic) is Topic and topic.summary.startswith("summary")
        assert all(type(p) is Prerequisite and p.reason for p in topic.prerequisites)
        assert all(type(r) is Reading and r.url == r[4] for r in topic.readings)
    # Pickled again (as the workspace writes a light copy), the chunks are kept as they are.
    again = pickle.loads(pickle.dumps(cached, pickle.HIGHEST_PROTOCOL))
    assert [again.topics[t] for t in again.topics] == [built.topics[t] for t in built.topics]


def test_one_topic_opens_one_chunk_of_details() -> None:
    n = 4 * DETAIL_CHUNK
    cached = pickle.loads(pickle.dumps(_catalog(n), pickle.HIGHEST_PROTOCOL)).topics
    last = f"c.t{n - 1}"
    assert cached[last].summary == f"summary {n - 1}"
    assert cached.pickled_details().opened() == [3]  # the chunk of the last topic, nothing else
    assert cached.reasons("c.t1") == {"c.t0": "t1 uses t0"}
    assert cached.pickled_details().opened() == [0, 3]


def test_a_large_catalog_keeps_its_details_in_few_chunks() -> None:
    n = 3 * DETAIL_CHUNK * DETAIL_CHUNKS + 5
    cached = pickle.loads(pickle.dumps(_catalog(n), pickle.HIGHEST_PROTOCOL)).topics
    assert len(cached.pickled_details().chunks()) <= DETAIL_CHUNKS
    assert cached[f"c.t{n - 1}"].summary == f"summary {n - 1}"
    assert cached.reasons("c.t2") == {"c.t0": "t2 uses t0", "c.t1": "t2 uses t1"}
    assert len(cached.pickled_details().opened()) == 2


def test_the_catalog_compares_by_its_fields() -> None:
    one, two = _catalog(3), _catalog(3)
    assert one == two and one != _catalog(4)
    two.planning_graph = lambda: None  # not a field that compares
    assert one == two
    with pytest.raises(TypeError):
        hash(one)


@pytest.mark.parametrize("columns", [None, "100", "25", "5", "0", "-3", "wide"])
def test_terminal_width_is_what_shutil_answers(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert term.width() == max(20, shutil.get_terminal_size((80, 24)).columns)


@pytest.mark.parametrize(
    "env",
    [
        {"LOGNAME": "ada"},
        {"USER": "grace"},
        {"LNAME": "emmy", "USERNAME": "sofia"},
        {"USERNAME": "sofia"},
        {"LOGNAME": "", "USER": "alan"},
        {},
    ],
)
def test_the_local_learner_is_the_user_getpass_names(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name in ("STUDYPLAN_LEARNER", "LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        expected = getpass.getuser()
    except (KeyError, OSError):
        expected = "me"
    assert local_learner() == expected
    monkeypatch.setenv("STUDYPLAN_LEARNER", "  lab-7 ")
    assert local_learner() == "lab-7"


def test_the_plan_records_compare_hash_and_print_as_their_dataclasses_did() -> None:
    link = Link("c.a", "c.b", "c.b uses c.a")
    assert link == Link(topic="c.a", needed_by="c.b", reason="c.b uses c.a")
    assert link != Link("c.a", "c.b", "") and link != ("c.a", "c.b", "c.b uses c.a")
    assert {link: 1}[Link("c.a", "c.b", "c.b uses c.a")] == 1  # frozen: hashable
    assert repr(link) == "Link(topic='c.a', needed_by='c.b', reason='c.b uses c.a')"
    assert {Pace("c", 1.5, 3), Pace("c", 1.5, 3), Pace("c", 1.5, 0)} == {
        Pace("c", 1.5, 3),
        Pace("c", 1.5, 0),
    }
    week = Schedule(5.0, date(2027, 1, 4), 1, date(2027, 1, 10))
    # The per-step week columns compare but are not shown; each schedule has its own.
    assert repr(week) == (
        "Schedule(hours_per_week=5.0, start=datetime.date(2027, 1, 4), weeks=1, "
        "finish=datetime.date(2027, 1, 10), deadline=None)"
    )
    other = Schedule(5.0, date(2027, 1, 4), 1, date(2027, 1, 10))
    assert week == other and week.first_weeks is not other.first_weeks
    other.first_weeks.append(0)
    assert week != other
    with pytest.raises(TypeError):
        hash(week)  # mutable: unhashable
