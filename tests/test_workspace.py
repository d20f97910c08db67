"""The workspace adapter: which files are read on a warm start, and when they are re-read."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from studyplan.adapters import workspace
from studyplan.domain.catalog import Catalog
from studyplan.domain.planner import build_plan, graph_of

TEXT = """
id: mine
title: Mine
title_zh: 我的
description: d
topics:
  - {id: mine.a, title: AAA, title_zh: 甲, summary: s, hours: 1}
"""


def _age(path: Path, seconds: float) -> None:
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine.yaml").write_text(TEXT, "utf-8")
    return folder


def _titles(folder: Path) -> list[str]:
    catalog = workspace.catalog(workspace.gather([folder]))
    return [catalog.topics.title(t) for t in catalog.curricula["mine"].topic_ids]


def _was_read(folder: Path) -> bool:
    (source,) = [s for s in workspace.gather([folder]).sources if s.path.parent == folder]
    return source.was_read


def test_an_unchanged_file_is_not_read_again(mine: Path) -> None:
    _age(mine / "mine.yaml", 3600)
    assert _titles(mine) == ["AAA"]
    assert not _was_read(mine)
    assert _titles(mine) == ["AAA"]  # the cached catalog, found by the remembered hash


def test_a_changed_file_is_read_and_the_catalog_rebuilt(mine: Path) -> None:
    _age(mine / "mine.yaml", 3600)
    assert _titles(mine) == ["AAA"]
    (mine / "mine.yaml").write_text(TEXT.replace("AAA", "BBBB"), "utf-8")
    assert _was_read(mine)
    assert _titles(mine) == ["BBBB"]


def test_a_racily_clean_file_is_hashed_again(mine: Path, isolated_home: Path) -> None:
    """An edit of the same size within the file system's timestamp resolution leaves the
    stat as it was; so a file is trusted by its stat only once its modification time is
    well before the moment it was hashed."""
    path = mine / "mine.yaml"
    real = path.stat()

    def stat_with_mtime(ns: int) -> os.stat_result:
        times = (0.0, ns / 1e9, 0.0, real.st_atime_ns, ns, real.st_ctime_ns)
        rest = (None,) * (os.stat_result.n_fields - 16)
        return os.stat_result((*tuple(real)[:10], *times, *rest))

    index = workspace.DigestIndex(isolated_home / "cache")
    now = time.time_ns()
    source = workspace.read_source(path, "mine.yaml")
    source.stat = stat_with_mtime(now - 1_000_000)  # written a moment before it was hashed
    index.record([source])
    assert index.known(path, source.stat) is None
    source.stat = stat_with_mtime(now - 10**12)  # written long before
    index.record([source])
    assert index.known(path, source.stat) == source.digest
    assert index.known(path, stat_with_mtime(now - 10**12 + 1)) is None  # any change


def test_an_edit_that_restores_the_timestamp_is_still_seen(mine: Path) -> None:
    path = mine / "mine.yaml"
    _age(path, 3600)
    assert _titles(mine) == ["AAA"]
    stat = path.stat()
    path.write_text(TEXT.replace("AAA", "BBB"), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the inode's ctime still moves
    assert _titles(mine) == ["BBB"]


def test_a_file_that_vanishes_before_a_rebuild_is_reported(mine: Path) -> None:
    from studyplan.errors import CurriculumError

    _age(mine / "mine.yaml", 3600)
    assert _titles(mine) == ["AAA"]
    inputs = workspace.gather([mine])
    (mine / "mine.yaml").unlink()
    with pytest.raises(CurriculumError) as caught:
        workspace.catalog(inputs, use_cache=False)
    (problem,) = caught.value.problems
    assert problem.source.endswith("mine.yaml") and problem.message == "no such file or directory"


def test_a_broken_digest_index_is_ignored(mine: Path, isolated_home: Path) -> None:
    _age(mine / "mine.yaml", 3600)
    assert _titles(mine) == ["AAA"]
    index = isolated_home / "cache" / workspace.DigestIndex.FILE
    entry = {str(mine / "mine.yaml"): ["not", "a shape"]}
    for junk in (
        b"not a pickle",
        pickle.dumps([1, 2]),
        pickle.dumps({"x": 5}),
        pickle.dumps(entry),
    ):
        index.write_bytes(junk)
        assert _was_read(mine)
        assert _titles(mine) == ["AAA"]


def _native_plan(catalog: Catalog, goal: str) -> tuple[list[str], list[int]]:
    plan = build_plan(catalog, [goal], {}, graph_of(catalog, native=True))
    return plan.topic_ids, plan.why_tree().up


@pytest.mark.parametrize("damage", ["none", "truncate", "garbage", "delete"])
def test_the_cached_planning_graph_plans_as_the_built_one(
    real_builtin: Path, isolated_home: Path, damage: str
) -> None:
    workspace.catalog(workspace.gather())  # writes the cache
    cached = workspace.catalog(workspace.gather())
    assert cached.planning_graph is not None
    (edges,) = (isolated_home / "cache").glob("catalog-*.edges")
    if damage == "truncate":
        edges.write_text("".join(edges.read_text().splitlines(keepends=True)[:-3]))
    elif damage == "garbage":
        edges.write_text("not an edge list\n")
    elif damage == "delete":
        edges.unlink()
    read = cached.planning_graph()
    assert (read is None) == (damage != "none")
    fresh = workspace.catalog(workspace.gather(), use_cache=False)
    validated = fresh.planning_graph  # the graph the check for cycles built
    assert validated is not None
    built = workspace.catalog(workspace.gather(), use_cache=False)
    built.planning_graph = None  # the planner builds it from the links
    for goal in ("frontiers.bitdelta", "infotheory.information-bottleneck"):
        assert _native_plan(cached, goal) == _native_plan(built, goal)
        assert _native_plan(fresh, goal) == _native_plan(built, goal)


def test_the_cached_catalog_keeps_every_reference(real_builtin: Path) -> None:
    import pickle

    fresh = workspace.catalog(workspace.gather(), use_cache=False)
    workspace.catalog(workspace.gather())  # writes the cache
    cached = workspace.catalog(workspace.gather())
    assert dict(cached.references) == dict(fresh.references)
    again = pickle.loads(pickle.dumps(cached))  # an unopened blob is kept as it is
    assert dict(again.references) == dict(fresh.references) and len(again.references) > 200


def test_a_library_reference_is_found_through_the_cache(real_builtin: Path) -> None:
    """The library's entries live in the cache's ``.refs`` file, read only on a miss."""
    from studyplan.domain.catalog import BibSummary

    extra = {f"lib{i}": BibSummary(f"lib{i}", f"Title {i}", "Doe", "2020", "") for i in range(50)}
    library = workspace.StoredLibrary("v1", lambda: [])
    library._inner = extra
    fresh = workspace.catalog(workspace.gather(library=library), use_cache=False)
    workspace.catalog(workspace.gather(library=library))  # writes the cache
    cached = workspace.catalog(workspace.gather(library=library))
    assert cached.references["lib7"] == extra["lib7"]
    assert dict(cached.references) == dict(fresh.references)
    assert len(cached.references) == len(fresh.references) > 250


def test_after_an_edit_only_that_file_is_parsed_again(
    mine: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyplan.adapters.curriculum import loader

    (mine / "other.yaml").write_text(TEXT.replace("mine", "other").replace("AAA", "OOO"), "utf-8")
    parsed: list[str] = []
    real = loader.parse_one

    def counting(source: loader.Source) -> loader.ParseResult:
        parsed.append(source.path.name)
        return real(source)

    monkeypatch.setattr(loader, "parse_one", counting)
    assert _titles(mine) == ["AAA"]
    assert sorted(n for n in parsed if n in ("mine.yaml", "other.yaml")) == [
        "mine.yaml",
        "other.yaml",
    ]
    parsed.clear()
    (mine / "mine.yaml").write_text(TEXT.replace("AAA", "BBB"), "utf-8")
    assert _titles(mine) == ["BBB"]
    assert parsed == ["mine.yaml"]  # other.yaml and the built-in files came from the cache
    # A file the fast parser took is kept as its data (JSON), checked again when read.
    kept = sorted((isolated_home / "cache" / "parsed").glob("*.json"))
    assert kept and not list((isolated_home / "cache" / "parsed").glob("*.pickle"))
    # A broken cached result, or one the checks refuse, is parsed again, not trusted.
    for n, cached in enumerate(kept):
        cached.write_text("junk" if n % 2 else '{"id": "mine", "topics": []}', "utf-8")
    for old in (isolated_home / "cache").glob("catalog-*"):
        old.unlink()  # the catalog is built again from the files' results
    parsed.clear()
    assert _titles(mine) == ["BBB"]
    assert sorted(n for n in parsed if n in ("mine.yaml", "other.yaml")) == [
        "mine.yaml",
        "other.yaml",
    ]
    parsed.clear()
    for old in (isolated_home / "cache").glob("catalog-*"):
        old.unlink()
    assert _titles(mine) == ["BBB"]
    assert parsed == []  # the results written again are good


def test_the_cache_key_follows_the_records_fields() -> None:
    # A field added to a cached record without a hand-made bump must change the key, so a
    # cache of the old layout is rebuilt instead of unpickled into the new records.
    from typing import NamedTuple

    from studyplan.domain import catalog as catalog_module

    class Before(NamedTuple):
        id: str

    class After(NamedTuple):
        id: str
        kind: str = "topic"

    After.__qualname__ = Before.__qualname__
    assert catalog_module.record_layout(Before) != catalog_module.record_layout(After)
    own = catalog_module._own_records()
    assert {catalog_module.Topic, catalog_module.Reading, catalog_module.Catalog} <= set(own)
    assert catalog_module.CACHE_LAYOUT.endswith(catalog_module.record_layout(*own))


@pytest.mark.parametrize(
    "damage", ["delete", "other write", "cut short", "longer", "a folder", "a FIFO"]
)
def test_a_damaged_details_file_is_a_cache_miss(
    mine: Path, isolated_home: Path, damage: str
) -> None:
    """The topics' details live in the cache's ``.details`` file, checked (by its token
    and size) when the catalog is loaded: a file that is not the one written with the
    catalog makes the catalog a miss, rebuilt, never details of another build."""
    workspace.catalog(workspace.gather([mine]))  # writes the cache
    (details,) = (isolated_home / "cache").glob("catalog-*.details")
    data = details.read_bytes()
    if damage == "delete":
        details.unlink()
    elif damage == "other write":
        details.write_bytes(bytes(16) + data[16:])
    elif damage == "cut short":
        details.write_bytes(data[:-1])
    elif damage == "longer":
        details.write_bytes(data + b"\0")
    elif damage == "a FIFO":
        details.unlink()
        os.mkfifo(details)  # (opening it must not wait for a writer)
    else:
        details.unlink()
        details.mkdir()
    assert workspace.cached_catalog(workspace.gather([mine])) is None
    assert workspace.catalog(workspace.gather([mine])).topics["mine.a"].summary == "s"
    if damage not in ("a folder", "a FIFO"):  # (not replaced by a file: no cache then)
        cached = workspace.cached_catalog(workspace.gather([mine]))
        assert cached is not None and cached.topics["mine.a"].summary == "s"


def test_a_loaded_catalog_reads_the_details_it_checked(mine: Path, isolated_home: Path) -> None:
    from studyplan.adapters.files import write_cache

    workspace.catalog(workspace.gather([mine]))  # writes the cache
    cached = workspace.cached_catalog(workspace.gather([mine]))
    assert cached is not None
    assert cached.topics.pickled_details().opened() == []  # a warm start reads none
    (details,) = (isolated_home / "cache").glob("catalog-*.details")
    write_cache(details, b"junk")  # replaced (as a rebuild would) while the catalog is in use
    assert cached.topics["mine.a"].summary == "s"
    assert cached.topics.pickled_details().opened() == [0]


def test_older_details_files_are_dropped_with_their_catalogs(
    mine: Path, isolated_home: Path
) -> None:
    assert _titles(mine) == ["AAA"]
    (mine / "mine.yaml").write_text(TEXT.replace("AAA", "BBB"), "utf-8")
    assert _titles(mine) == ["BBB"]
    names = sorted(p.suffix for p in (isolated_home / "cache").glob("catalog-*"))
    assert names == [".details", ".edges", ".pickle", ".refs"]
