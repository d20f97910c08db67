"""What a warm start skips in loading the cached catalog gives what it replaced: ids found
by binary search before the ``dict`` is built, curricula kept as spans of the table, the
details kept apart and read through a reader."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.domain.catalog import Catalog, Curriculum, Topic, TopicTable
from studyplan.domain.columns import curricula_state, joined, split
from studyplan.domain.positions import FEW, MIN_IDS, PositionIndex, index_of, sorted_order

ids_strategy = st.lists(st.text(max_size=6), unique=True, max_size=3 * FEW)
keys = st.one_of(st.text(max_size=6), st.integers(), st.none(), st.tuples(st.text(max_size=2)))


@given(ids_strategy, st.lists(st.one_of(keys, st.integers(0, 3 * FEW)), max_size=4 * FEW))
def test_the_position_index_answers_as_the_dict_before_and_after_building_it(
    ids: list[str], asked: list[object]
) -> None:
    index = PositionIndex(ids, sorted_order(ids))
    expected = {tid: i for i, tid in enumerate(ids)}
    searched = 0
    for key in asked:
        if isinstance(key, int) and ids:  # an id of the table, by position
            key = ids[key % len(ids)]
        searched += 2 if isinstance(key, str) else 0
        assert (key in index) == (isinstance(key, str) and key in expected)
        if isinstance(key, str) and key in expected:
            assert index[key] == expected[key]
        else:
            with pytest.raises(KeyError):
                index[key]  # type: ignore[index]
    assert index.built() == (searched > FEW)  # only strings are searched for
    assert len(index) == len(ids) and list(index) == ids
    assert dict(index) == expected == index.as_dict()


def test_a_position_index_needs_the_order_of_its_ids() -> None:
    with pytest.raises(ValueError):
        PositionIndex(["a", "b"], [0])


@pytest.mark.parametrize("n", [0, 5, MIN_IDS - 1, MIN_IDS, 3 * MIN_IDS])
def test_a_loaded_table_searches_its_ids_only_when_it_is_large(n: int) -> None:
    topics = {f"c.t{i}": _topic(f"c.t{i}") for i in range(n)}
    loaded = pickle.loads(pickle.dumps(TopicTable(topics), pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded.positions(), PositionIndex) == (n >= MIN_IDS)
    handed: list[dict[str, int]] = []
    index = index_of(list(topics), sorted_order(list(topics)), handed.append)
    assert isinstance(index, dict) == (n < MIN_IDS)
    first = loaded.positions()  # what a graph keeps
    for i in range(0, n, max(1, n // 50)):
        assert loaded.position(f"c.t{i}") == i and f"c.t{i}" in loaded
    assert "c.t-1" not in loaded and n not in loaded
    assert dict(loaded.positions()) == {t: i for i, t in enumerate(topics)}
    assert type(loaded.positions()) is dict  # built by now: the plain dict from then on
    assert all(first[t] == i and t in first for i, t in enumerate(topics))
    assert "c.t-1" not in first and n not in first
    if n >= MIN_IDS:
        dict(index)
        assert handed == [{t: i for i, t in enumerate(topics)}]  # handed over once, built


@given(st.lists(st.text(alphabet=st.sampled_from("a\0é题."), max_size=4), max_size=6))
def test_ids_joined_into_one_string_split_back_as_they_were(ids: list[str]) -> None:
    kept = joined(ids)
    assert split(kept) == ids
    distinct = 2 * len(set(ids)) > len(ids)  # (repeats unpickle cheaper as they are)
    assert isinstance(kept, str) == (distinct and not any("\0" in t for t in ids))


def _topic(tid: str, summary: str = "") -> Topic:
    return Topic(tid, tid.split(".")[0], f"T {tid}", "题", summary or f"about {tid}", 1.0)


def _catalog(n: int, curricula: dict[str, tuple[str, ...]]) -> Catalog:
    topics = {f"c.t{i}": _topic(f"c.t{i}") for i in range(n)}
    made = {
        c: Curriculum(c, c.upper(), "课", "d", ids, f"{c}.yaml") for c, ids in curricula.items()
    }
    return Catalog(made, topics)


@given(
    st.integers(0, 40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.lists(st.integers(0, n + 2), max_size=n + 3).map(
                    lambda picks: tuple(f"c.t{i}" for i in picks)
                ),
                max_size=4,
            ),
        )
    )
)
def test_curricula_come_back_as_they_were_pickled(case: tuple[int, list[tuple[str, ...]]]) -> None:
    """Whatever a curriculum's topic ids are (a span of the table or not, unknown ids,
    repeats, none), the cached catalog gives the same ones back."""
    n, lists = case
    built = _catalog(n, {f"k{k}": ids for k, ids in enumerate(lists)})
    loaded = pickle.loads(pickle.dumps(built, pickle.HIGHEST_PROTOCOL))
    assert loaded.curricula == built.curricula
    assert all(type(c.topic_ids) is tuple for c in loaded.curricula.values())


def test_a_curriculum_that_is_a_span_of_the_table_is_kept_as_its_range() -> None:
    spans = {"a": ("c.t0", "c.t1", "c.t2"), "b": ("c.t3",), "odd": ("c.t4", "c.t2"), "none": ()}
    built = _catalog(5, spans)
    kept = dict(curricula_state(built.curricula, built.topics))
    assert kept["a"][4] == range(0, 3) and kept["b"][4] == range(3, 4)
    assert kept["odd"][4] == ("c.t4", "c.t2") and kept["none"][4] == ()


def _apart(table: TopicTable) -> tuple[TopicTable, bytes, list[tuple[int, int]]]:
    """The table pickled with its details apart and loaded back, reading them from the
    bytes ``stored_apart`` gave (every read recorded)."""
    twin, blob = table.stored_apart(b"token")
    loaded = pickle.loads(pickle.dumps(twin, pickle.HIGHEST_PROTOCOL))
    reads: list[tuple[int, int]] = []

    def read(offset: int, size: int) -> bytes:
        reads.append((offset, size))
        return blob[offset : offset + size]

    assert loaded.pickled_details().unattached() == (b"token", len(blob))
    loaded.pickled_details().attach(read)
    return loaded, blob, reads


def test_details_kept_apart_are_read_a_chunk_at_a_time_when_asked_for() -> None:
    table = _catalog(200, {}).topics
    loaded, blob, reads = _apart(table)
    assert reads == [] and loaded.title("c.t199") == "T c.t199"  # the columns need no read
    assert loaded["c.t199"] == table["c.t199"]
    assert len(reads) == 1 and 0 < reads[0][1] < len(blob)
    assert [loaded[t] for t in loaded] == [table[t] for t in table]
    # Loaded and attached, it pickles with its details again: no reader needed after.
    again = pickle.loads(pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL))
    assert again.pickled_details().unattached() is None
    assert [again[t] for t in again] == [table[t] for t in table]


def test_details_kept_apart_and_never_attached_are_not_guessed() -> None:
    twin, _ = _catalog(3, {}).topics.stored_apart(b"t")
    loaded = pickle.loads(pickle.dumps(twin))
    assert loaded.title("c.t1") == "T c.t1"
    with pytest.raises(LookupError):
        loaded["c.t1"]
    # Pickled again before it is attached, it still needs its details from elsewhere.
    assert pickle.loads(pickle.dumps(loaded)).pickled_details().unattached() == (
        b"t",
        len(_catalog(3, {}).topics.stored_apart(b"t")[1]),
    )


def test_the_twin_leaves_the_built_table_as_it_was() -> None:
    table = _catalog(40, {}).topics
    table.stored_apart(b"x")
    loaded = pickle.loads(pickle.dumps(table))
    assert loaded.pickled_details().unattached() is None
    assert [loaded[t] for t in loaded] == [table[t] for t in table]
