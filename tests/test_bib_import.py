"""``bib import``: all or nothing, problems with file and line, conflicts, generated keys,
the iridia files (real, @string-heavy, crossref-heavy) imported together and back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from helpers import Cli
from helpers.bib import BIB, IRIDIA, IRIDIA_FILES, bbl_items, entries, run_bibtex, strings
from studyplan.errors import EXIT_BIBTEX, EXIT_CONFLICT


def library_keys(cli: Cli) -> list[str]:
    result = cli("bib", "export", "--library", "--json")
    assert result.exit_code == 0, result.stderr
    import json

    keys: list[str] = json.loads(result.stdout)["keys"]
    return keys


def test_malformed_file_imports_nothing_and_names_lines(cli: Cli, isolated_home: Path) -> None:
    result = cli("bib", "import", str(BIB / "malformed.bib"))
    assert result.exit_code == EXIT_BIBTEX
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{BIB / 'malformed.bib'}:9: cannot parse") for line in lines)
    assert any(line.startswith(f"{BIB / 'malformed.bib'}:16: cannot parse") for line in lines)
    assert lines[-1] == (
        "error: 2 bad blocks; nothing imported (fix them, or pass --skip-bad to import the rest)"
    )
    assert "Traceback" not in result.output
    assert not (isolated_home / "progress.db").exists()


def test_skip_bad_imports_the_rest_and_lists_the_bad(cli: Cli) -> None:
    result = cli("bib", "import", "--skip-bad", str(BIB / "malformed.bib"))
    assert result.exit_code == 0, result.stderr
    assert library_keys(cli) == ["ok2020first", "ok2021second"]
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 2 and ":9:" in skipped[0] and ":16:" in skipped[1]
    assert "skipped 2 bad" in result.stdout


def test_duplicates_are_reported_never_dropped(cli: Cli) -> None:
    result = cli("bib", "import", str(BIB / "duplicates.bib"))
    assert result.exit_code == EXIT_BIBTEX
    where = BIB / "duplicates.bib"
    assert f"{where}:9: duplicate key 'dup2020key' (first at {where}:2)" in result.stderr
    assert f"{where}:16: entry 'dup2021field': field 'title' appears twice (lines 18 and 19)" in (
        result.stderr
    )
    result = cli("bib", "import", "--skip-bad", str(where))
    assert result.exit_code == 0
    assert library_keys(cli) == ["dup2020key", "good2022entry"]
    assert result.stderr.count("skipped:") == 2


def test_values_bibtex_would_reject(cli: Cli) -> None:
    result = cli("bib", "import", str(BIB / "bad-values.bib"))
    assert result.exit_code == EXIT_BIBTEX
    where = BIB / "bad-values.bib"
    expected = [
        f"{where}:2: entry 'pieces2020', field 'title' (line 4): value has pieces not joined by '#'",
        f"{where}:9: entry 'year2020a', field 'year' (line 13): '2020a' is neither a number",
        f"{where}:16: entry 'macro2020', field 'journal' uses undefined @string 'jacm'",
        f"{where}:23: entry 'escaped2020', field 'title' (line 25): unbalanced braces",
        f"{where}:30: entry 'commas2020', field 'author': too many commas in name 1",
        f"{where}:37: entry 'dangling2020' has crossref to unknown key 'nowhere2020'",
    ]
    lines = result.stderr.splitlines()
    for start in expected:
        assert any(line.startswith(start) for line in lines), start


def test_bibtex_agrees_those_values_are_bad(tmp_path: Path) -> None:
    run = run_bibtex(BIB / "bad-values.bib", workdir=tmp_path)
    assert not run.clean and len(run.messages) >= 5


def test_at_sign_in_comments(cli: Cli, tmp_path: Path) -> None:
    where = BIB / "at-in-comment.bib"
    result = cli("bib", "import", str(where))
    assert result.exit_code == EXIT_BIBTEX
    assert f"{where}:2: '@example.org for the' in a comment" in result.stderr
    assert f"{where}:10: '@example.org}}' in a comment" in result.stderr
    assert ":12:" not in result.stderr  # '@comment' inside a comment is harmless
    run = run_bibtex(where, workdir=tmp_path)
    assert any("I was expecting a `{' or a `('" in m for m in run.messages)


def test_dry_run_changes_nothing(cli: Cli, isolated_home: Path) -> None:
    result = cli("bib", "import", "--dry-run", str(BIB / "strings.bib"))
    assert result.exit_code == 0, result.stderr
    assert "would add 2 entries" in result.stdout
    assert not (isolated_home / "progress.db").exists()
    assert library_keys(cli) == []


def test_conflicts_are_reported_and_replace_overwrites(cli: Cli, tmp_path: Path) -> None:
    first = tmp_path / "first.bib"
    first.write_text("@misc{same2020key,\n  title = {Original},\n  year = 2020\n}\n")
    second = tmp_path / "second.bib"
    second.write_text("% changed\n@misc{same2020key,\n  title = {Changed},\n  year = 2020\n}\n")
    assert cli("bib", "import", str(first)).exit_code == 0
    again = cli("bib", "import", str(first))
    assert again.exit_code == 0 and "1 already in your library" in again.stdout
    result = cli("bib", "import", str(second))
    assert result.exit_code == EXIT_CONFLICT
    assert f"{second}:2: entry 'same2020key' differs from the one in your library ({first})" in (
        result.stderr
    )
    assert cli.json("bib", "show", "same2020key")["title"] == "Original"
    result = cli("bib", "import", "--replace", str(second))
    assert result.exit_code == 0 and "replaced 1" in result.stdout
    assert cli.json("bib", "show", "same2020key")["title"] == "Changed"


def test_builtin_keys_conflict_unless_identical(cli: Cli, tmp_path: Path) -> None:
    same = tmp_path / "same.bib"
    same.write_text(
        "@book{cover2006elements,\n  author = {Cover, Thomas M. and Thomas, Joy A.},\n"
        "  title = {Elements of Information Theory},\n  edition = {Second},\n"
        "  publisher = {Wiley},\n  year = {2006}\n}\n"
    )
    assert cli("bib", "import", str(same)).exit_code == 0
    other = tmp_path / "other.bib"
    other.write_text("@book{mackay2003information,\n  title = {Another Book},\n  year = 2003\n}\n")
    result = cli("bib", "import", str(other))
    assert result.exit_code == EXIT_CONFLICT
    assert "differs from the one in the built-in references.bib" in result.stderr
    case = tmp_path / "case.bib"
    case.write_text("@misc{Tishby2015Deep,\n  title = {Case},\n  year = 2015\n}\n")
    result = cli("bib", "import", str(case))
    assert result.exit_code == EXIT_BIBTEX
    assert "key 'Tishby2015Deep' differs only in case from existing 'tishby2015deep'" in (
        result.stderr
    )


def test_keyless_entries_get_stable_keys(cli: Cli) -> None:
    result = cli("bib", "import", str(BIB / "keyless.bib"))
    assert result.exit_code == 0, result.stderr
    assert library_keys(cli) == ["muller2019deep", "muller2019deepb", "vanderberg2001theory"]
    assert f"new key muller2019deepb for the entry at {BIB / 'keyless.bib'}:9" in result.stdout
    # importing the same file again finds the entries it made, and changes no key
    again = cli("bib", "import", str(BIB / "keyless.bib"))
    assert again.exit_code == 0 and "new key" not in again.stdout
    assert library_keys(cli) == ["muller2019deep", "muller2019deepb", "vanderberg2001theory"]
    text = cli("bib", "show", "muller2019deepb").stdout
    assert "@article{ muller2019deepb," in text


def test_warnings_do_not_block_an_import(cli: Cli) -> None:
    result = cli("bib", "import", str(BIB / "plain-warnings.bib"))
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 5
    assert "'warn2020nojournal' lacks journal" in warnings[0]


def test_store_keeps_each_block_as_text(cli: Cli, isolated_home: Path) -> None:
    assert cli("bib", "import", str(BIB / "strings.bib")).exit_code == 0
    with sqlite3.connect(isolated_home / "progress.db") as conn:
        rows = conn.execute("SELECT key, kind, bibtex FROM library ORDER BY position").fetchall()
    kinds = {key: kind for key, kind, _ in rows}
    assert kinds["@string:jmlr"] == "string" and kinds["smith2020macro"] == "entry"
    assert kinds["@comment:@string:jmlr"] == "comment"
    text = dict((key, bibtex) for key, _, bibtex in rows)["doe2015bare"]
    assert text in (BIB / "strings.bib").read_text()


# ---- the iridia files -----------------------------------------------------------------


@pytest.fixture(scope="module")
def iridia_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """bibtex over the original six files: its .bbl items."""
    run = run_bibtex(*IRIDIA_FILES, workdir=tmp_path_factory.mktemp("iridia-original"))
    assert run.clean, run.messages[:5]
    return run.bbl, bbl_items(run.bbl)


@pytest.mark.slow
def test_iridia_imported_together_and_exported_back(
    cli: Cli, tmp_path: Path, iridia_reference: tuple[str, list[str]]
) -> None:
    result = cli("bib", "import", *map(str, IRIDIA_FILES))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert result.stdout.startswith("added 3305 entries")
    out = tmp_path / "iridia-export.bib"
    assert cli("bib", "export", "--library", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    expected: dict[str, object] = {}
    expected_strings: dict[str, str] = {}
    for file in IRIDIA_FILES:
        original = file.read_text(encoding="utf-8")
        expected.update(entries(original))
        expected_strings.update(strings(original))
    assert entries(text) == expected
    assert strings(text) == expected_strings
    run = run_bibtex(out, workdir=tmp_path / "bibtex")
    assert run.clean, run.messages[:5]
    assert bbl_items(run.bbl) == iridia_reference[1]


def test_iridia_entries_without_their_strings_are_bad(cli: Cli) -> None:
    result = cli("bib", "import", str(IRIDIA / "articles.bib"))
    assert result.exit_code == EXIT_BIBTEX
    assert "uses undefined @string" in result.stderr
    assert library_keys(cli) == []


def test_iridia_in_two_imports_strings_first(cli: Cli) -> None:
    assert cli("bib", "import", *map(str, IRIDIA_FILES[:3])).exit_code == 0
    result = cli("bib", "import", *map(str, IRIDIA_FILES[3:]))
    assert result.exit_code == 0, result.stderr[-1000:]
    assert len(library_keys(cli)) == 3305


def test_exact_repeats_kept_once_and_crossref_cycles_refused(cli: Cli, tmp_path: Path) -> None:
    entry = "@misc{twice2020,\n  title = {Twice},\n  year = 2020\n}\n"
    repeats = tmp_path / "repeats.bib"
    repeats.write_text(entry + "\n" + entry)
    result = cli("bib", "import", str(repeats))
    assert result.exit_code == 0
    assert f"warning: {repeats}:6: 'twice2020' repeats {repeats}:1 exactly; kept once" in (
        result.stderr
    )
    assert library_keys(cli) == ["twice2020"]
    cycle = tmp_path / "cycle.bib"
    cycle.write_text(
        "@book{a2020,\n  title = {A},\n  crossref = {b2020}\n}\n\n"
        "@book{b2020,\n  title = {B},\n  crossref = {a2020}\n}\n"
    )
    result = cli("bib", "import", str(cycle))
    assert result.exit_code == EXIT_BIBTEX
    assert f"{cycle}:1: entry 'a2020' is part of a crossref cycle" in result.stderr


def test_replaced_entry_shows_its_new_title_in_user_curricula(cli: Cli, tmp_path: Path) -> None:
    """The catalog cache is keyed by the library's text, not only its keys."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\ntitle_zh: 我的\ndescription: d\ntopics:\n"
        "  - id: mine.a\n    title: A\n    title_zh: 甲\n    summary: s\n    hours: 1\n"
        "    readings: [{key: same2020key, where: whole paper, core: true, access: free}]\n"
    )
    first = tmp_path / "first.bib"
    first.write_text("@misc{same2020key,\n  title = {Original},\n  year = 2020\n}\n")
    second = tmp_path / "second.bib"
    second.write_text("@misc{same2020key,\n  title = {Changed},\n  year = 2020\n}\n")
    assert cli("bib", "import", str(first)).exit_code == 0
    shown = cli.json("--curricula", str(folder), "show", "mine.a")
    assert shown["readings"][0]["title"] == "Original"
    assert cli("bib", "import", "--replace", str(second)).exit_code == 0
    shown = cli.json("--curricula", str(folder), "show", "mine.a")
    assert shown["readings"][0]["title"] == "Changed"
