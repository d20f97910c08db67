"""The built-in curricula and references.bib: the product's content, checked as data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT
from studyplan import workspace
from studyplan.curriculum.catalog import Catalog

MINIMUM_TOPICS = {
    "math": 20,
    "infotheory": 25,
    "control": 25,
    "optimization": 25,
    "compression": 25,
    "perception": 25,
}
MINIMUM_FRONTIER_GOALS = 30
PAPER_TYPES = {
    "article",
    "inproceedings",
    "misc",
    "techreport",
    "phdthesis",
    "incollection",
    "unpublished",
}
KEY_RULE = re.compile(r"^[a-z]+\d{4}[a-z0-9]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Entries kept in references.bib although no reading cites them, and why. Empty: every
# entry is cited. Add a key here only with a reason.
UNCITED_ON_PURPOSE: dict[str, str] = {}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    os.environ.pop("STUDYPLAN_BUILTIN_DIR", None)
    try:
        return workspace.catalog(workspace.gather(), use_cache=False)
    finally:
        os.environ["STUDYPLAN_BUILTIN_DIR"] = str(ROOT / "tests" / "fixtures" / "data")


@pytest.fixture(scope="module")
def bib_entries() -> dict[str, dict[str, str]]:
    from bibtexparser.entrypoint import parse_string

    library = parse_string((ROOT / "references.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks, [b.start_line for b in library.failed_blocks]
    keys = Counter(e.key for e in library.entries)
    assert [k for k, n in keys.items() if n > 1] == []
    return {
        e.key: {"type": e.entry_type.lower(), **{f.key.lower(): str(f.value) for f in e.fields}}
        for e in library.entries
    }


def test_counts_meet_the_minimums(catalog: Catalog) -> None:
    for cid, minimum in MINIMUM_TOPICS.items():
        assert len(catalog.curricula[cid].topic_ids) >= minimum, cid
    goals = [t for t in catalog.curricula["frontiers"].topic_ids if catalog.topics[t].goal]
    assert len(goals) >= MINIMUM_FRONTIER_GOALS


def test_every_topic_is_complete(catalog: Catalog) -> None:
    for topic in catalog.topics.values():
        assert CJK.search(topic.title_zh), f"{topic.id}: title_zh has no Chinese"
        assert all(p.reason.strip() for p in topic.prerequisites), topic.id
        assert topic.summary.strip(), topic.id
        if topic.is_milestone:  # a checkpoint: its parts have the readings and hours
            continue
        assert topic.core_readings, f"{topic.id}: no core reading"
        assert all(r.where.strip() for r in topic.readings), topic.id
        assert topic.hours > 0


def test_graph_is_acyclic_and_connected_to_the_foundations(catalog: Catalog) -> None:
    from studyplan.graph import PrerequisiteGraph

    graph = PrerequisiteGraph({t.id: t.prerequisite_ids for t in catalog.topics.values()})
    assert graph.find_cycles() == []
    for tid in catalog.curricula["frontiers"].topic_ids:
        if catalog.topics[tid].goal:
            foundations = {a.split(".")[0] for a in graph.ancestors(tid)}
            assert foundations - {"frontiers"}, f"{tid} needs no foundation topic"


def test_every_key_resolves_and_every_entry_is_cited(
    catalog: Catalog, bib_entries: dict[str, dict[str, str]]
) -> None:
    cited = {r.key for t in catalog.topics.values() for r in t.readings}
    assert cited - set(bib_entries) == set()
    assert set(bib_entries) - cited - set(UNCITED_ON_PURPOSE) == set()


def test_entries_are_complete(bib_entries: dict[str, dict[str, str]]) -> None:
    for key, entry in bib_entries.items():
        assert KEY_RULE.match(key), f"{key}: key does not follow authorYEARword"
        assert entry.get("title") and entry.get("year"), key
        assert entry.get("author") or entry.get("editor"), key
        if entry["type"] == "book":
            assert entry.get("publisher"), f"{key}: book without publisher"
        elif entry["type"] in PAPER_TYPES:
            assert entry.get("doi") or entry.get("eprint") or entry.get("url"), (
                f"{key}: no doi/eprint/url"
            )
        if entry.get("eprint"):
            assert re.fullmatch(r"\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7}", entry["eprint"]), key
        if entry.get("doi"):
            assert entry["doi"].startswith("10."), key


def test_bibliography_is_ascii() -> None:
    text = (ROOT / "references.bib").read_bytes()
    assert text.isascii(), 'write accents as LaTeX ({\\"o}) so that classic bibtex handles them'


def test_real_bibtex_accepts_every_entry(tmp_path: Path) -> None:
    if shutil.which("bibtex") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install bibtex (texlive-binaries)")
        pytest.skip("bibtex not installed")
    shutil.copy(ROOT / "references.bib", tmp_path / "refs.bib")
    (tmp_path / "all.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n")
    result = subprocess.run(["bibtex", "all"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "Warning" not in result.stdout and "error" not in result.stdout.lower(), result.stdout
    assert (tmp_path / "all.bbl").read_text().count("\\bibitem") == len(
        re.findall(r"(?m)^@\w+\{", (ROOT / "references.bib").read_text())
    )
