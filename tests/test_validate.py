"""The validator: one fixture per error kind, each with its exact message and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, Cli
from studyplan.adapters.curriculum.model import json_schema
from studyplan.errors import EXIT_INVALID_CURRICULA

BROKEN = FIXTURES / "broken"
B = "tests/fixtures/broken"

CASES = {
    "yaml-syntax.yaml": f"{B}/yaml-syntax.yaml:8: YAML syntax error: while parsing a flow sequence did not find expected ',' or ']' — fix the YAML syntax",
    "wrong-type.yaml": f"{B}/wrong-type.yaml:12: topic 'wrongtype.a': hours: input should be a valid number, unable to parse string as a number (got 'lots') — see docs/curricula.md",
    "missing-field.yaml": f"{B}/missing-field.yaml:6: topic 'missing.a': missing field 'summary' — add it (see docs/curricula.md)",
    "unknown-field.yaml": f"{B}/unknown-field.yaml:14: topic 'unknown.a': unknown field 'prerequisite' — remove it or fix its spelling (see docs/curricula.md)",
    "duplicate-id.yaml": f"{B}/duplicate-id.yaml:13: topic 'dup.a': duplicate topic id (first defined at {B}/duplicate-id.yaml:6) — rename one of them; published ids never change, so rename the new one",
    "dangling-prerequisite.yaml": f"{B}/dangling-prerequisite.yaml:6: topic 'dangling.a': prerequisite 'mini.entropi' names no topic — did you mean 'mini.entropy' or 'mini.ib'?",
    "cycle.yaml": f"{B}/cycle.yaml:6: topic 'cyc.a': prerequisite cycle: cyc.a → cyc.c → cyc.b → cyc.a — remove one of these prerequisites (each topic requires the next)",
    "missing-key.yaml": f"{B}/missing-key.yaml:6: topic 'nokey.a': citation key 'mackay2003informaton' is not in references.bib or your library — did you mean 'mackay2003information'?",
    "zero-hours.yaml": f"{B}/zero-hours.yaml:12: topic 'zero.a': hours must be greater than 0 (got 0) — give a positive estimate in hours",
    "empty.yaml": f"{B}/empty.yaml: empty file — add a curriculum (see docs/curricula.md) or delete the file",
    "wrong-prefix.yaml": f"{B}/wrong-prefix.yaml:6: topic 'other.a': topic id must start with 'prefix.' — rename it to 'prefix.a'",
}


@pytest.fixture(autouse=True)
def _from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages name files relative to the working directory.
    monkeypatch.chdir(ROOT)


def test_every_error_kind_has_a_fixture() -> None:
    assert {p.name for p in BROKEN.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_gives_its_one_line_error(cli: Cli, name: str) -> None:
    result = cli("validate", str(BROKEN / name))
    assert result.exit_code == EXIT_INVALID_CURRICULA
    lines = result.stderr.splitlines()
    assert lines[0] == CASES[name]
    assert lines[-1] == "error: 1 problem in the curricula (fix them and run 'studyplan validate')"
    assert "Traceback" not in result.output + result.stderr


def test_duplicates_across_files_are_reported(cli: Cli) -> None:
    result = cli("validate", str(BROKEN / "duplicate-across"))
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert (
        f"{B}/duplicate-across/one.yaml:6: topic 'mini.entropy': duplicate topic id "
        "(first defined at tests/fixtures/data/curricula/mini.yaml:18)" in result.stderr
    )


def test_every_problem_is_reported_not_just_the_first(cli: Cli) -> None:
    result = cli("validate", str(BROKEN))
    assert result.exit_code == EXIT_INVALID_CURRICULA
    for expected in CASES.values():
        assert expected in result.stderr


def test_validate_json_lists_problems(cli: Cli) -> None:
    result = cli("validate", str(BROKEN / "cycle.yaml"), "--json")
    assert result.exit_code == EXIT_INVALID_CURRICULA
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["problems"][0]["topic"] == "cyc.a" and data["problems"][0]["line"] == 6


def test_other_commands_refuse_invalid_curricula_with_the_same_message(cli: Cli) -> None:
    result = cli("--curricula", str(BROKEN / "duplicate-across"), "topics")
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert "duplicate topic id" in result.stderr


def test_yaml_is_loaded_safely(cli: Cli, tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['touch pwned']\n")
    result = cli("validate", str(evil))
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert "YAML" in result.stderr
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


def test_user_curriculum_may_depend_on_builtin_topics(cli: Cli, write_curriculum) -> None:  # type: ignore[no-untyped-def]
    folder = write_curriculum(
        "mine.yaml",
        """
id: mine
title: Mine
title_zh: 我的
description: Built on the built-in ones.
topics:
  - id: mine.vib
    title: Variational IB
    title_zh: 变分信息瓶颈
    summary: Train with the VIB objective.
    hours: 3
    prerequisites: [{id: mini.ib, reason: VIB bounds the IB objective.}]
    readings: [{key: tishby2015deep, where: whole paper, core: true, access: free}]
""",
    )
    assert cli("--curricula", str(folder), "validate").exit_code == 0
    topics = cli.json("--curricula", str(folder), "topics", "--curriculum", "mine")
    assert [t["id"] for t in topics] == ["mine.vib"]


def test_missing_user_directory_is_a_problem(cli: Cli, tmp_path: Path) -> None:
    result = cli("--curricula", str(tmp_path / "nope"), "validate")
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert "curricula directory does not exist" in result.stderr


def test_checked_in_schema_matches_the_models(cli: Cli) -> None:
    on_disk = json.loads((ROOT / "docs" / "curriculum.schema.json").read_text())
    assert on_disk == json_schema()
    assert json.loads(cli("schema").stdout) == on_disk
