"""``bib export`` scopes: each holds exactly the keys its topics cite, in scope order, plus
what BibTeX needs (macros, crossref parents after their children); the real bibtex reads
every export without a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import FIXTURE_DATA, ROOT, Cli
from helpers.bib import BIB, entries, entry_keys, run_bibtex, strings
from studyplan.domain.saved_plan import SavedPlan
from studyplan.errors import EXIT_NOT_FOUND, EXIT_USAGE

LAB = """\
id: lab
title: Lab readings
title_zh: 实验室
description: Readings from the lab's own library.
topics:
  - id: lab.macros
    title: Macros & more
    title_zh: 宏
    summary: Read about macros.
    hours: 2
    prerequisites:
      - id: mini.entropy
        reason: It builds on entropy.
    readings:
      - key: smith2020macro
        where: "§2–3 & appendix"
        core: true
        access: free
      - key: chen2020simple
        where: whole paper
        core: false
        access: free
  - id: lab.bootstrap
    title: Bootstrap
    title_zh: 自举
    summary: Read BYOL.
    hours: 3
    readings:
      - key: grill2020bootstrap
        where: "Sec. 3"
        core: true
        access: free
      - key: cover2006elements
        where: "Ch. 2"
        core: false
        access: paid
"""


def topic_readings(cli: Cli, *options: str) -> dict[str, list[str]]:
    return {t["id"]: [r["key"] for r in t["readings"]] for t in cli.json(*options, "topics")}


def export(cli: Cli, *args: str) -> dict[str, object]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def cited(readings: dict[str, list[str]], topic_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(k for t in topic_ids for k in readings[t]))


def bibtex_clean(text: str, tmp_path: Path, name: str = "run") -> str:
    path = tmp_path / f"{name}.bib"
    path.write_text(text, encoding="utf-8")
    run = run_bibtex(path, workdir=tmp_path / name)
    assert run.clean, run.messages
    return run.bbl


@pytest.fixture
def lab(cli: Cli, write_curriculum: Callable[[str, str], Path]) -> list[str]:
    """A user curriculum that cites entries of the personal library."""
    files = [str(BIB / "strings.bib"), str(BIB / "crossref.bib")]
    assert cli("bib", "import", *files).exit_code == 0
    return ["--curricula", str(write_curriculum("lab.yaml", LAB))]


def test_curriculum_scope_in_topic_order(cli: Cli, tmp_path: Path) -> None:
    data = export(cli, "bib", "export", "--curriculum", "mini")
    keys = ["bertsekas2008introduction", "mackay2003information"]
    keys += ["cover2006elements", "tishby2015deep"]
    assert data["keys"] == keys
    text = str(data["bibtex"])
    assert entry_keys(text) == keys
    original = entries((FIXTURE_DATA / "references.bib").read_text())
    assert entries(text) == {k: original[k] for k in keys}
    bibtex_clean(text, tmp_path)


def test_topic_scope(cli: Cli) -> None:
    assert export(cli, "bib", "export", "--topic", "mini.kl")["keys"] == ["cover2006elements"]
    both = export(cli, "bib", "export", "-t", "mini.ib", "-t", "mini.entropy")["keys"]
    assert both == ["tishby2015deep", "mackay2003information"]
    assert cli("bib", "export", "--topic", "mini.nope").exit_code == EXIT_NOT_FOUND


def test_goal_scope_is_exactly_the_plan(cli: Cli) -> None:
    readings = topic_readings(cli)
    for _ in range(2):  # before and after progress changes the plan
        steps = [s["id"] for s in cli.json("plan", "mini.ib")["steps"]]
        keys = export(cli, "bib", "export", "--goal", "mini.ib")["keys"]
        assert keys == cited(readings, steps)
        assert cli("done", "mini.probability", "mini.entropy").exit_code == 0
    assert "bertsekas2008introduction" not in keys and "mackay2003information" not in keys


def test_saved_plan_scope(cli: Cli) -> None:
    readings = topic_readings(cli)
    assert cli("plan", "mini.kl", "--save", "reading-group").exit_code == 0
    steps = [s["id"] for s in cli.json("plan", "mini.kl")["steps"]]
    assert cli("done", "mini.probability").exit_code == 0
    keys = export(cli, "bib", "export", "--plan", "reading-group")["keys"]
    assert keys == cited(readings, steps)  # the plan as saved, for the group's wiki
    result = cli("bib", "export", "--plan", "reading-grup")
    assert result.exit_code == EXIT_NOT_FOUND and "did you mean 'reading-group'" in result.stderr


def test_status_scopes(cli: Cli) -> None:
    assert cli("done", "mini.entropy").exit_code == 0
    assert cli("start", "mini.kl").exit_code == 0
    assert export(cli, "bib", "export", "--done")["keys"] == ["mackay2003information"]
    assert export(cli, "bib", "export", "--status", "done")["keys"] == ["mackay2003information"]
    assert export(cli, "bib", "export", "--status", "started")["keys"] == ["cover2006elements"]
    assert export(cli, "bib", "export", "--status", "known")["keys"] == []
    result = cli("bib", "export", "--status", "finished")
    assert result.exit_code == EXIT_USAGE and "one of started, done, skipped, known" in (
        result.stderr
    )


def test_library_entries_in_user_curricula(cli: Cli, lab: list[str], tmp_path: Path) -> None:
    data = export(cli, *lab, "bib", "export", "--curriculum", "lab")
    # the crossref parent is pulled in, after both of its children
    assert data["keys"] == [
        "smith2020macro",
        "chen2020simple",
        "grill2020bootstrap",
        "cover2006elements",
        "icml2020",
    ]
    text = str(data["bibtex"])
    assert set(strings(text)) == {"jmlr", "and"}  # only the macros these entries use
    bibtex_clean(text, tmp_path)
    core = export(cli, *lab, "bib", "export", "--curriculum", "lab", "--core-only")
    assert core["keys"] == ["smith2020macro", "grill2020bootstrap", "icml2020"]


def test_annotate_adds_a_note_bibtex_prints(cli: Cli, lab: list[str], tmp_path: Path) -> None:
    assert cli(*lab, "done", "lab.macros").exit_code == 0
    text = str(export(cli, *lab, "bib", "export", "--curriculum", "lab", "--annotate")["bibtex"])
    fields = {k: dict(v[1]) for k, v in entries(text).items()}
    assert fields["smith2020macro"]["note"] == (
        '"Vol. " # 21 # { of } # jmlr # {. Cited by Macros \\& more [lab.macros], '
        "read \\S{}2--3 \\& appendix (core), status: done}"
    )
    assert fields["chen2020simple"]["note"] == (
        "{Cited by Macros \\& more [lab.macros], read whole paper (optional), status: done}"
    )
    assert fields["cover2006elements"]["note"].count("Cited by") == 1
    assert "note" not in fields["icml2020"]  # pulled in as a parent, cited by no topic
    bbl = bibtex_clean(text, tmp_path)
    assert "Cited by Macros \\& more [lab.macros]" in bbl
    plain = str(export(cli, *lab, "bib", "export", "--curriculum", "lab")["bibtex"])
    assert "Cited by" not in plain


def test_sort_orders(cli: Cli) -> None:
    by_key = export(cli, "bib", "export", "--sort", "key")["keys"]
    assert by_key == sorted(by_key, key=str.casefold)
    by_year = export(cli, "bib", "export", "--curriculum", "mini", "--sort", "year")["keys"]
    assert by_year == [
        "mackay2003information",
        "cover2006elements",
        "bertsekas2008introduction",
        "tishby2015deep",
    ]
    assert cli("bib", "export", "--sort", "title").exit_code == EXIT_USAGE


def test_one_scope_at_a_time(cli: Cli) -> None:
    result = cli("bib", "export", "--curriculum", "mini", "--done")
    assert result.exit_code == EXIT_USAGE
    assert "choose one scope, not --curriculum and --done/--status" in result.stderr
    assert cli("bib", "export", "--all", "--core-only").exit_code == EXIT_USAGE


def test_output_file_and_default_scope(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    result = cli("bib", "export", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.strip() == f"wrote 4 entries to {out}"
    assert out.read_text().startswith("% studyplan ") and len(entry_keys(out.read_text())) == 4
    assert not list(tmp_path.glob(".refs.bib.*"))  # written atomically, no leftovers


def test_everything_includes_the_library(cli: Cli, tmp_path: Path) -> None:
    assert cli("bib", "import", str(BIB / "crossref.bib"), str(BIB / "comments.bib")).exit_code == 0
    text = cli("bib", "export", "--all").stdout
    keys = entry_keys(text)
    assert keys[:4] == [
        "mackay2003information",
        "cover2006elements",
        "bertsekas2008introduction",
        "tishby2015deep",
    ]
    assert keys[4:] == ["chen2020simple", "grill2020bootstrap", "icml2020", "noop2022sort"]
    bibtex_clean(text, tmp_path)


def test_real_references_export_cleanly(cli: Cli, real_builtin: Path, tmp_path: Path) -> None:
    text = cli("bib", "export", "--all").stdout
    original = entries((ROOT / "references.bib").read_text(encoding="utf-8"))
    assert entries(text) == original and len(original) > 100
    bibtex_clean(text, tmp_path)
    # every entry cited by the curricula gets a note, some of them long: still clean
    annotated = cli("bib", "export", "--all", "--annotate").stdout
    notes = [dict(fields).get("note", "") for _, fields in entries(annotated).values()]
    assert sum("Cited by" in n for n in notes) > 100 and max(map(len, notes)) > 1000
    bibtex_clean(annotated, tmp_path, "annotated")


@pytest.mark.slow
def test_export_as_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYPLAN_HOME": str(tmp_path / "home")}
    env["STUDYPLAN_BUILTIN_DIR"] = str(FIXTURE_DATA)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "studyplan", "bib", "export", "--curriculum", "mini"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert entry_keys(result.stdout)[0] == "bertsekas2008introduction"
    bibtex_clean(result.stdout, tmp_path)


def test_saved_plan_payloads_old_and_orphaned(cli: Cli) -> None:
    from studyplan.adapters import workspace
    from studyplan.adapters.bibtex import scope

    catalog = workspace.catalog(workspace.gather())
    request = scope.Request(plan="old").checked()
    steps = [{"id": "mini.kl"}, {"id": "x.y"}]
    orphaned = scope.resolve(
        request, catalog, {}, SavedPlan.from_json({"goals": [], "steps": steps})
    )
    assert [t.id for t in orphaned.topics] == ["mini.kl"]
    assert orphaned.warnings == ["saved plan 'old' has topics no longer in the curricula: x.y"]
    goals_only = scope.resolve(
        request, catalog, {"mini.probability": "known"}, SavedPlan.from_json({"goals": ["mini.kl"]})
    )
    assert [t.id for t in goals_only.topics] == ["mini.entropy", "mini.kl"]
