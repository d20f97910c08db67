"""A second round of hostile input, after the trial's (issue 13): values at the edges,
names that are long, control characters or shell code, special files where files are
expected, a damaged personal library, errors under ``--json``, and the working
directory. Every case: one line (or one JSON object), a documented exit code, no
traceback, and nothing written when something is refused."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
from pathlib import Path

import pytest

from helpers import FIXTURE_DATA, Cli
from studyplan.adapters import paths
from studyplan.errors import (
    EXIT_BIBTEX,
    EXIT_CONFLICT,
    EXIT_INVALID_CURRICULA,
    EXIT_NOT_FOUND,
    EXIT_STORE,
    EXIT_USAGE,
)


def no_db() -> bool:
    return not paths.db_path().exists()


def one_line(result: object) -> bool:
    err = getattr(result, "stderr", "")
    return err.count("\n") == 1 and "Traceback" not in err


# ---- values at the edges ------------------------------------------------------------------

REFUSED_VALUES = {
    "hours-inf": ["plan", "mini.ib", "-H", "inf"],
    "hours-minus-inf": ["plan", "mini.ib", "-H", "-inf"],
    "hours-nan": ["plan", "mini.ib", "-H", "nan"],
    "hours-169": ["plan", "mini.ib", "-H", "169"],
    "hours-tiny": ["plan", "mini.ib", "-H", "1e-9"],  # would end after 2199
    "hours-denormal": ["plan", "mini.ib", "-H", "5e-324"],
    "report-hours-nan": ["report", "mini.ib", "-H", "nan", "-o", "r.html"],
    "start-late": ["plan", "mini.ib", "-H", "5", "--start", "2199-12-30"],
    "deadline-before-start": [
        "plan",
        "mini.ib",
        "-H",
        "5",
        "--start",
        "2030-01-10",
        "--deadline",
        "2030-01-01",
    ],
    "minutes-over": ["done", "mini.entropy", "--minutes", "100001"],
    "minutes-negative": ["done", "mini.entropy", "--minutes", "-1"],
    "minutes-huge": ["done", "mini.entropy", "--minutes", "9" * 40],
    "count-zero": ["next", "-n", "0"],
    "save-empty": ["plan", "mini.ib", "-H", "6", "--save", ""],  # trial bug 14
    "save-blank": ["plan", "mini.ib", "--save", "   "],
    "save-newline": ["plan", "mini.ib", "--save", "a\nb"],
    "save-too-long": ["plan", "mini.ib", "--save", "p" * 201],
    "save-escape": ["plan", "mini.ib", "--save", "\x1b[31mred"],
}


@pytest.mark.parametrize("case", REFUSED_VALUES)
def test_a_value_out_of_range_is_one_line_and_writes_nothing(cli: Cli, case: str) -> None:
    result = cli(*REFUSED_VALUES[case])
    assert result.exit_code == EXIT_USAGE, result.output
    assert "Traceback" not in result.output and len(result.stderr) < 400
    assert no_db()


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "mini.ib", "-H", "168"],
        ["plan", "mini.ib", "-H", "0.5"],
        ["plan", "mini.ib", "-H", "168", "--start", "2199-12-25"],  # ends 2199-12-31
        ["done", "mini.entropy", "--minutes", "100000"],
        ["done", "mini.entropy", "--minutes", "0"],
        ["next", "-n", "9" * 30],
        ["plan", "mini.ib", "--save", "p" * 200],
    ],
    ids=["168h", "half-hour", "last-week", "max-minutes", "zero-minutes", "huge-n", "name-200"],
)
def test_the_edges_themselves_are_accepted(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output


# ---- names: long, control characters, shell code ------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", "x" * 100_000],
        ["plan", "show", "y" * 100_000],
        ["bib", "show", "k" * 100_000],
        ["topics", "-c", "c" * 100_000],
        ["plan", "z" * 100_000],
        ["why", "w" * 100_000],
    ],
    ids=["topic", "plan", "key", "curriculum", "goal", "why"],
)
def test_a_huge_unknown_name_is_echoed_cut_short(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == EXIT_NOT_FOUND, result.output[:300]
    assert one_line(result) and len(result.stderr) < 400


def test_control_characters_in_a_name_are_shown_escaped(cli: Cli) -> None:
    result = cli("show", "evil\x1b[2J\rok")
    assert result.exit_code == EXIT_NOT_FOUND
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert "\\x1b[2J\\rok" in result.stderr


@pytest.mark.parametrize("name", ["x $(touch pwned)", "it's mine", "a;b|c`d`", "-rf *"])
def test_a_suggested_command_runs_only_what_it_says(cli: Cli, tmp_path: Path, name: str) -> None:
    assert cli("plan", "mini.ib", "--save", name).exit_code == 0  # no -H: no dates
    result = cli("calendar", "--plan", name, "-o", str(tmp_path / "c.ics"))
    assert result.exit_code == EXIT_USAGE
    suggested = result.stderr.split("save it again with a weekly budget: ", 1)[1].rstrip(")\n")
    words = shlex.split(suggested)
    assert words[:2] == ["studyplan", "plan"] and words[words.index("--save") + 1] == name
    assert not (tmp_path / "pwned").exists()


def test_a_damaged_stored_plan_names_a_quoted_rm(cli: Cli) -> None:
    assert cli("plan", "mini.ib", "--save", "ok").exit_code == 0
    conn = sqlite3.connect(paths.db_path())
    conn.execute("""UPDATE "plan" SET name = 'x $(id)', payload = '{"goals": 3}'""")
    conn.commit()
    conn.close()
    listed = cli("plans")  # one line naming the plan and a pasteable, quoted rm
    assert listed.exit_code == EXIT_STORE and one_line(listed)
    assert "remove it with: studyplan plan rm 'x $(id)'" in listed.stderr
    shown = cli("plan", "show", "x $(id)")
    assert shown.exit_code == EXIT_STORE and one_line(shown)
    assert cli("status").exit_code == 0
    assert cli("plan", "rm", "x $(id)").exit_code == 0
    assert cli("plans").exit_code == 0


# ---- special files where files are expected -----------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_validate_reads_no_special_file(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "c.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    result = cli("validate", str(path))  # a FIFO used to hang, /dev/zero to grow forever
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert "not a regular file" in result.stderr


def test_a_symlink_to_a_fifo_is_no_database(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "p.db"
    link.symlink_to(fifo)
    result = cli("--db", str(link), "status")
    assert result.exit_code == EXIT_STORE and one_line(result)


def test_output_through_a_symlink_to_a_device_is_refused(cli: Cli, tmp_path: Path) -> None:
    link = tmp_path / "out.dot"
    link.symlink_to("/dev/null")
    result = cli("graph", "mini.ib", "-o", str(link), "--force")
    assert result.exit_code == EXIT_USAGE and "not a regular file" in result.stderr


def test_bib_import_of_a_symlinked_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.bib").symlink_to(tmp_path / "folder")
    result = cli("bib", "import", str(tmp_path / "link.bib"))
    assert result.exit_code == EXIT_USAGE and one_line(result)
    assert no_db()


def test_validate_of_a_missing_path_is_not_found(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path / "my-curricula"))
    assert result.exit_code == EXIT_NOT_FOUND and one_line(result)


# ---- a damaged personal library -----------------------------------------------------------


def _library_with_a_bad_block(cli: Cli, tmp_path: Path) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@misc{good2020, title={Good}, author={Doe, Jane}, year={2020}}\n"
        "@misc{bad2020, title={Bad}, author={Roe, Rick}, year={2020}}\n"
    )
    assert cli("bib", "import", str(bib)).exit_code == 0
    conn = sqlite3.connect(paths.db_path())
    conn.execute(
        """UPDATE library SET bibtex = '@article{bad2020, title = {x' """
        """WHERE "key" = 'bad2020'"""
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["next"],
        ["curricula"],
        ["doctor"],
        ["plan", "mini.ib"],
        ["bib", "show", "good2020"],
    ],
    ids=["status", "next", "curricula", "doctor", "plan", "bib-show"],
)
def test_one_bad_stored_block_bricks_nothing(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "bad2020" in result.stderr and "studyplan bib rm bad2020" in result.stderr


def test_the_suggested_fix_fixes_it(cli: Cli, tmp_path: Path) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    fixed = tmp_path / "fixed.bib"
    fixed.write_text("@misc{bad2020, title={Fixed}, author={Roe, Rick}, year={2021}}\n")
    result = cli("bib", "import", "--replace", str(fixed))
    assert result.exit_code == 0, result.output
    assert "bad2020" not in cli("bib", "check").stderr
    assert "Fixed" in cli("bib", "show", "bad2020").stdout


@pytest.mark.parametrize("scope", [[], ["--all"], ["--library"]], ids=["default", "all", "library"])
def test_a_whole_library_export_leaves_the_bad_block_out(
    cli: Cli, tmp_path: Path, scope: list[str]
) -> None:
    """The whole-library exports copy entries unparsed once the library is known to
    parse; a stored block that no longer parses must still be quarantined there (left
    out, named with its fix), not written into a file that bibtex then chokes on. The
    first export, before the block goes bad, leaves the marker of a library that parses:
    it must not cover the changed library."""
    good = tmp_path / "good.bib"
    good.write_text("@misc{good2020, title={Good}, author={Doe, Jane}, year={2020}}\n")
    assert cli("bib", "import", str(good)).exit_code == 0
    assert "good2020" in cli("bib", "export", *scope).stdout
    _library_with_a_bad_block(cli, tmp_path)
    result = cli("bib", "export", *scope)
    assert result.exit_code == 0, result.output
    assert "good2020" in result.stdout and "bad2020" not in result.stdout
    assert "bad2020" in result.stderr and "studyplan bib rm bad2020" in result.stderr
    keys = json.loads(cli("bib", "export", *scope, "--json").stdout)["keys"]
    assert "good2020" in keys and "bad2020" not in keys


def test_bib_list_flags_what_does_not_parse(cli: Cli, tmp_path: Path) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    rows = {r["key"]: r for r in cli.json("bib", "list")}
    assert rows["good2020"]["parses"] and rows["good2020"]["title"] == "Good"
    assert rows["bad2020"]["parses"] is False
    assert "does not parse" in cli("bib", "list").stdout


def test_bib_check_fails_on_the_bad_block(cli: Cli, tmp_path: Path) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    result = cli("bib", "check")
    assert result.exit_code == EXIT_BIBTEX and "bad2020" in result.stderr


def test_bib_rm_is_all_or_nothing_and_undoable(cli: Cli, tmp_path: Path) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    before = cli.json("bib", "list")
    missing = cli("bib", "rm", "bad2020", "nope2020")
    assert missing.exit_code == EXIT_NOT_FOUND and one_line(missing)
    assert cli.json("bib", "list") == before
    assert cli("bib", "rm", "bad2020").exit_code == 0
    assert [r["key"] for r in cli.json("bib", "list")] == ["good2020"]
    assert cli("status").stderr == ""  # nothing left to warn about
    undone = cli("undo")
    assert undone.exit_code == 0 and "bad2020 back in your library" in undone.stdout
    assert cli.json("bib", "list") == before  # same text, same position


def test_a_built_in_reference_cannot_be_removed(cli: Cli) -> None:
    builtin = (FIXTURE_DATA / "references.bib").read_text()
    key = builtin.split("{", 1)[1].split(",", 1)[0].strip()
    result = cli("bib", "rm", key)
    assert result.exit_code == EXIT_NOT_FOUND and one_line(result)


def test_a_removal_survives_backup_and_restore(cli: Cli, tmp_path: Path) -> None:
    _library_with_a_bad_block(cli, tmp_path)
    assert cli("bib", "rm", "good2020").exit_code == 0
    assert cli("bib", "rm", "bad2020").exit_code == 0
    backup = tmp_path / "b.json"
    assert cli("backup", "-o", str(backup)).exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    assert cli("--db", fresh, "restore", str(backup)).exit_code == 0
    assert cli.json("--db", fresh, "bib", "list") == []
    assert cli("--db", fresh, "undo").exit_code == 0  # the newest removal, put back there
    assert [r["key"] for r in cli.json("--db", fresh, "bib", "list")] == ["bad2020"]


# ---- exit codes and errors under --json ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "nope.nope", "--json"], EXIT_NOT_FOUND),
        (["plan", "mini.ib", "-H", "0", "--json"], EXIT_USAGE),
        (["plan", "use", "nope", "--json"], EXIT_NOT_FOUND),
        (["bib", "import", "/nonexistent.bib", "--json"], EXIT_NOT_FOUND),
        (["undo", "--json"], EXIT_NOT_FOUND),
    ],
    ids=["not-found", "usage", "plan", "missing-file", "undo"],
)
def test_json_errors_are_json_on_stderr(cli: Cli, args: list[str], code: int) -> None:
    result = cli(*args)
    assert result.exit_code == code and result.stdout == ""
    error = json.loads(result.stderr)
    assert error["code"] == code and error["error"]


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["plan", "--bogus", "mini.ib", "--json"], "Try 'studyplan plan --help' for help."),
        (["graph", "-H", "5", "--json"], "Try 'studyplan graph --help' for help."),
        (["next", "--count", "0", "--json"], "Try 'studyplan next --help' for help."),
        (["bib", "export", "--json", "--sort"], None),  # Click gives no usage here either
        (["plan", "show", "--json"], "Try 'studyplan plan show --help' for help."),
        (["status", "--json", "--bogus"], "Try 'studyplan status --help' for help."),
    ],
    ids=["unknown-option", "another-command's", "out-of-range", "no-value", "no-arg", "first"],
)
def test_usage_errors_under_json_are_json_too(cli: Cli, args: list[str], hint: str | None) -> None:
    """The parser's own errors (Click's) take the JSON error shape under --json, with the
    usage hint; without --json they stay Click's text."""
    result = cli(*args)
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    error = json.loads(result.stderr)
    assert error["code"] == EXIT_USAGE and error["error"] and error.get("hint") == hint
    plain = cli(*[a for a in args if a != "--json"])
    assert plain.exit_code == EXIT_USAGE and "Error: " in plain.stderr
    assert error["error"] in plain.stderr


def test_a_json_token_that_is_a_value_does_not_switch_errors_to_json(cli: Cli) -> None:
    result = cli("note", "--", "--json")
    assert result.exit_code == EXIT_USAGE and result.stderr.startswith("Usage: ")


def test_validate_json_reports_and_fails_through_the_handler(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\n")
    result = cli("validate", str(bad), "--json")
    assert result.exit_code == EXIT_INVALID_CURRICULA
    assert json.loads(result.stdout)["ok"] is False
    assert json.loads(result.stderr)["code"] == EXIT_INVALID_CURRICULA


def test_debug_as_a_value_is_not_the_debug_option(cli: Cli) -> None:
    result = cli("done", "nope.nope", "--note", "--debug")
    assert result.exit_code == EXIT_NOT_FOUND and one_line(result)


def test_no_command_exits_around_the_error_handler() -> None:
    root = Path(__file__).resolve().parents[1] / "studyplan"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "typer.Exit(" in p.read_text().replace("typer.Exit()", "")
        or "sys.exit(" in p.read_text()
    ]
    assert offenders == []


def test_an_existing_output_is_a_conflict_for_backup_too(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    target.write_text("mine")
    result = cli("backup", "-o", str(target))
    assert result.exit_code == EXIT_CONFLICT and target.read_text() == "mine"


# ---- the working directory ----------------------------------------------------------------


def test_the_catalog_cache_does_not_depend_on_the_working_directory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = paths.cache_dir()
    monkeypatch.chdir(tmp_path)
    assert cli("curricula").exit_code == 0
    first = {p.name: p.stat().st_mtime_ns for p in cache.glob("catalog-*")}
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert cli("curricula").exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("catalog-*")} == first


def test_validate_on_a_copy_of_the_built_in_set_checks_that_set(cli: Cli, tmp_path: Path) -> None:
    import shutil

    clone = tmp_path / "clone"
    shutil.copytree(FIXTURE_DATA, clone)
    for target in (clone / "curricula", clone):
        result = cli("validate", str(target))
        assert result.exit_code == 0, result.output
        assert "the built-in set from" in result.stdout
    (clone / "curricula" / "mini.yaml").write_text(
        (clone / "curricula" / "mini.yaml").read_text().replace("mini.entropy", "mini.entropi", 1)
    )
    broken = cli("validate", str(clone / "curricula"))
    assert broken.exit_code == EXIT_INVALID_CURRICULA  # the copy's own edit is what is checked
