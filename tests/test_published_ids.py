"""Published ids never break (issue 11 §2): every id the first release published still
names a topic, a milestone or an alias in the built-in curricula, and progress recorded on
it before means the same after: a done/known row on a retired id counts for its
survivor, and known on a milestone covers its parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli
from studyplan import paths, workspace
from studyplan.curriculum.catalog import Catalog
from studyplan.planner import build_plan
from studyplan.store import open_store

PUBLISHED = Path(__file__).resolve().parent / "data" / "published_ids.txt"


def published() -> list[str]:
    return [line.strip() for line in PUBLISHED.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture
def catalog(real_builtin: Path) -> Catalog:
    return workspace.catalog(workspace.gather(), use_cache=False)


def test_the_list_is_the_first_releases_230_ids() -> None:
    ids = published()
    assert len(ids) == 230 and len(set(ids)) == 230


def test_every_published_id_still_resolves(catalog: Catalog) -> None:
    lost = [t for t in published() if catalog.resolve(t) not in catalog.topics]
    assert lost == [], f"{len(lost)} published ids name nothing: {lost}"


def test_progress_on_a_published_id_means_the_same(catalog: Catalog) -> None:
    """Planning an id that was marked known (or done), by the id as it was published,
    leaves nothing to learn: a retired id counts for its survivor, a milestone covers
    its parts."""
    for status in ("known", "done"):
        wrong = []
        for tid in published():
            marks = catalog.resolve_statuses({tid: status})
            plan = build_plan(catalog, [catalog.resolve(tid)], marks)
            if plan.topic_ids:
                wrong.append((tid, plan.topic_ids[:3]))
        assert wrong == [], f"{status}: {wrong[:10]}"


@pytest.mark.parametrize("status", ["known", "done"])
def test_an_old_database_reads_the_same_through_the_cli(
    real_builtin: Path, cli: Cli, status: str
) -> None:
    ids = published()
    store = open_store(paths.db_path(), create=True)
    try:
        store.record(ids, status)  # as the first release wrote them
    finally:
        store.close()
    doctor = cli.json("doctor")
    assert doctor["ok"] and doctor["orphans"] == []
    summary = cli.json("status")
    assert summary["orphans"] == []
    assert all(t["title"] for t in summary["topics"])
    result = cli("plan", *ids, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["steps"] == []
