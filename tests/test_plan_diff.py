"""``plan diff``: what changed since a plan was saved, and why — your marks, a changed
prerequisite, a topic gone from the curricula — and the short form atop ``plan show``;
a plan saved before plans remembered the catalog diffs from its steps alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from test_plan_cli import mark

from helpers import FIXTURE_DATA, Cli
from studyplan.adapters import paths
from studyplan.adapters.store import open_store
from studyplan.domain.saved_plan import SavedPlan


def saved_payload(name: str) -> dict:  # type: ignore[type-arg]
    store = open_store(paths.db_path(), create=False)
    try:
        saved = store.get_plan(name)
        assert saved is not None
        return saved.to_json()
    finally:
        store.close()


def test_a_saved_plan_remembers_the_catalog(cli: Cli) -> None:
    assert cli("plan", "mini.ib", "-H", "5", "--save", "p").exit_code == 0
    payload = saved_payload("p")
    assert payload["version"] == 2 and len(payload["catalog_hash"]) == 20
    assert payload["steps"][-1]["requires"] == ["mini.mutual-information"]
    assert payload["covered"] == [] and payload["books"] is False
    assert cli.json("plan", "diff", "p")["curricula"] == "unchanged"


def test_marks_explain_what_went_and_what_came_back(cli: Cli) -> None:
    mark("known", "mini.probability")
    assert cli("plan", "mini.ib", "-H", "5", "--start", "2027-01-04", "--save", "p").exit_code == 0
    assert saved_payload("p")["covered"] == [
        {"id": "mini.probability", "by": "mini.probability", "status": "known"}
    ]
    mark("skipped", "mini.kl")
    mark("reset", "mini.probability")
    data = cli.json("plan", "diff", "p")
    assert data["curricula"] == "unchanged"
    assert data["removed"] == [{"id": "mini.kl", "kind": "marks", "why": "you marked it skipped"}]
    assert data["added"] == [
        {
            "id": "mini.probability",
            "kind": "marks",
            "why": "you had it when the plan was saved (known); not any more",
        }
    ]
    assert data["hours_then"] == 19 and data["hours_now"] == 25
    assert data["finish_then"] == "2027-01-31" and data["finish_now"] is not None
    text = cli("plan", "diff", "p").stdout
    assert "− mini.kl Relative entropy — your marks: you marked it skipped" in text
    assert "hours 19 then, 25 now" in text
    show = cli("plan", "show", "p").stdout.splitlines()
    assert show[1] == "since saved: +1 −1 steps (2 your marks) — 'studyplan plan diff p'"


def test_a_changed_prerequisite_is_told_apart(
    cli: Cli, write_curriculum: Callable[[str, str], Path], monkeypatch: object, tmp_path: Path
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    builtin = tmp_path / "builtin"
    (builtin / "curricula").mkdir(parents=True)
    original = (FIXTURE_DATA / "curricula" / "mini.yaml").read_text()
    (builtin / "curricula" / "mini.yaml").write_text(original)
    (builtin / "references.bib").write_text((FIXTURE_DATA / "references.bib").read_text())
    monkeypatch.setenv("STUDYPLAN_BUILTIN_DIR", str(builtin))
    mark("done", "mini.probability", "mini.entropy")
    assert cli("plan", "mini.ib", "--save", "p").exit_code == 0
    # The curriculum drops the edge mutual information -> KL: KL leaves the plan, and
    # the diff says which saved step no longer requires it.
    edited = original.replace(
        """      - id: mini.kl
        reason: Mutual information is the KL divergence between the joint and the product of marginals.
""",
        "",
    )
    assert edited != original
    (builtin / "curricula" / "mini.yaml").write_text(edited)
    data = cli.json("plan", "diff", "p")
    assert data["curricula"] == "changed"
    assert data["removed"] == [
        {
            "id": "mini.kl",
            "kind": "prerequisites",
            "why": "mini.mutual-information no longer requires it",
        }
    ]
    # Back again: the edge returns and so does the step, as a new prerequisite.
    (builtin / "curricula" / "mini.yaml").write_text(original)
    assert cli("plan", "mini.ib", "--save", "p", "--replace").exit_code == 0
    (builtin / "curricula" / "mini.yaml").write_text(edited)
    assert cli("plan", "mini.ib", "--save", "q").exit_code == 0
    (builtin / "curricula" / "mini.yaml").write_text(original)
    data = cli.json("plan", "diff", "q")
    assert data["added"] == [
        {"id": "mini.kl", "kind": "prerequisites", "why": "mini.mutual-information now requires it"}
    ]
    assert "the curricula changed" in cli("plan", "show", "q").stdout


def test_a_topic_gone_from_the_curricula(cli: Cli, monkeypatch: object, tmp_path: Path) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    store = open_store(paths.db_path(), create=True)
    payload = {
        "version": 2,
        "goals": ["mini.ib"],
        "topics": ["mini.ib"],
        "created": "2026-01-05",
        "total_hours": 3,
        "steps": [{"id": "mini.gone", "hours": 3, "requires": []}],
        "catalog_hash": "0" * 20,
        "covered": [],
        "books": False,
    }
    store.save_plan("g", SavedPlan.from_json(payload))
    store.close()
    data = cli.json("plan", "diff", "g")
    assert data["curricula"] == "changed"
    assert {"id": "mini.gone", "kind": "curriculum", "why": "no longer in the curricula"} in data[
        "removed"
    ]


def test_a_plan_saved_before_the_hash_still_diffs(cli: Cli) -> None:
    assert cli("plan", "mini.ib", "--save", "old").exit_code == 0
    payload = saved_payload("old")
    v1 = {k: v for k, v in payload.items() if k not in ("catalog_hash", "covered", "books")}
    v1["version"] = 1
    for step in v1["steps"]:
        step.pop("requires")
    # As if mini.kl had not been a step when the plan was saved.
    v1["steps"] = [s for s in v1["steps"] if s["id"] != "mini.kl"]
    store = open_store(paths.db_path(), create=True)
    store.save_plan("old", SavedPlan.from_json(v1), replace=True)
    store.close()
    mark("done", "mini.entropy")
    data = cli.json("plan", "diff", "old")
    assert data["saved_version"] == 1 and data["curricula"] == "unknown"
    assert data["removed"] == [
        {
            "id": "mini.probability",
            "kind": "marks",
            "why": "covered by your mark on mini.entropy (done)",
        },
        {"id": "mini.entropy", "kind": "marks", "why": "you marked it done"},
    ]
    assert [(c["id"], c["kind"]) for c in data["added"]] == [("mini.kl", "unknown")]
    text = cli("plan", "diff", "old").stdout
    assert "cannot be told from a change of your marks" in text
    assert "saved before plans remembered the curricula" in cli("plan", "show", "old").stdout


def test_a_damaged_saved_plan_is_one_line(cli: Cli) -> None:
    import sqlite3

    assert cli("plan", "mini.ib", "--save", "bad").exit_code == 0
    damaged = {"version": 2, "goals": ["mini.ib"], "topics": ["mini.ib"], "covered": "x"}
    conn = sqlite3.connect(paths.db_path())
    conn.execute("UPDATE plan SET payload = ? WHERE name = 'bad'", (json.dumps(damaged),))
    conn.commit()
    conn.close()
    result = cli("plan", "diff", "bad")
    assert result.exit_code == 5
    assert result.stderr.startswith(
        "error: saved plan 'bad' cannot be read: $.covered: must be a list"
    )
    assert "Traceback" not in result.output
    missing = cli("plan", "diff", "nope")
    assert missing.exit_code == 4 and "no saved plan 'nope'" in missing.stderr


def test_diff_json_is_plain_data(cli: Cli) -> None:
    cli("plan", "mini.ib", "--save", "p")
    result = cli("plan", "diff", "p", "--json")
    data = json.loads(result.stdout)
    assert set(data) >= {"added", "removed", "hours_then", "hours_now", "finish_then", "counts"}


def test_a_not_known_mark_brings_a_covered_topic_back(cli: Cli) -> None:
    mark("known", "mini.kl")
    assert cli("plan", "mini.ib", "--save", "p").exit_code == 0
    mark("not-known", "mini.entropy")
    added = {c["id"]: c for c in cli.json("plan", "diff", "p")["added"]}
    assert added["mini.entropy"] == {
        "id": "mini.entropy",
        "kind": "marks",
        "why": "you marked it not known",
    }
