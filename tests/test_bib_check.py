"""``bib check`` and ``bib show``; the plain.bst warnings agree with the real bibtex; the
import progress bar; the library reaches the catalog (user curricula cite its keys)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Cli
from helpers.bib import BIB, run_bibtex
from studyplan.adapters import bibliography
from studyplan.adapters.bibtex import checks
from studyplan.errors import EXIT_BIBTEX, EXIT_INVALID_CURRICULA, EXIT_NOT_FOUND

CITES = """\
id: mine
title: Mine
title_zh: 我的
description: Cites the personal library.
topics:
  - id: mine.macros
    title: Macros
    title_zh: 宏
    summary: Read it.
    hours: 1
    readings:
      - key: {key}
        where: whole paper
        core: true
        access: free
"""


def test_check_is_clean_on_good_data(cli: Cli) -> None:
    assert cli("bib", "import", str(BIB / "strings.bib"), str(BIB / "crossref.bib")).exit_code == 0
    result = cli("bib", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "ok: 4 built-in entries, 5 in your library"


def test_check_reports_what_bibtex_would_warn_about(cli: Cli) -> None:
    assert cli("bib", "import", str(BIB / "plain-warnings.bib")).exit_code == 0
    # Warnings alone are reported and exit 0 ...
    result = cli("bib", "check")
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "'warn2020nojournal' lacks journal" in result.stderr
    assert result.stdout.strip() == (
        "ok: 4 built-in entries, 6 in your library (0 errors and 5 warnings)"
    )
    data = cli("bib", "check", "--json")
    assert data.exit_code == 0 and json.loads(data.stdout)["ok"] is True
    assert len(json.loads(data.stdout)["warnings"]) == 5
    # ... and --strict makes them fail.
    strict = cli("bib", "check", "--strict")
    assert strict.exit_code == EXIT_BIBTEX
    assert strict.stderr.strip().endswith(
        "error: 0 errors and 5 warnings in 4 built-in entries, 6 in your library "
        "(fix the entries, or re-import them with --replace)"
    )
    strict_json = cli("bib", "check", "--strict", "--json")
    assert strict_json.exit_code == EXIT_BIBTEX
    assert json.loads(strict_json.stdout)["ok"] is False
    assert json.loads(strict_json.stderr)["code"] == EXIT_BIBTEX


def test_plain_warnings_agree_with_real_bibtex(tmp_path: Path) -> None:
    source = BIB / "plain-warnings.bib"
    run = run_bibtex(source, workdir=tmp_path)
    warned_by_bibtex = {
        m.group(1) for line in run.messages if (m := re.search(r"(warn\d{4}\w+)", line))
    }
    parsed = bibliography.parse_text(source.read_text(), str(source))
    by_key = {b.key: b for b in parsed.blocks if b.kind == "entry"}
    ours = {
        key
        for key, block in by_key.items()
        if checks.plain_warnings(block, lambda k: by_key.get(k), {})
    }
    assert (
        ours
        == warned_by_bibtex
        == {
            "warn2020nojournal",
            "warn2020both",
            "warn2020online",
            "warn2020number",
            "warn2020month",
        }
    )


def test_check_finds_keys_cited_but_absent(
    cli: Cli, write_curriculum: Callable[[str, str], Path]
) -> None:
    folder = write_curriculum("mine.yaml", CITES.format(key="smith2020macro"))
    result = cli("--curricula", str(folder), "bib", "check")
    assert result.exit_code == EXIT_BIBTEX
    assert "citation key 'smith2020macro' is not in references.bib or your library" in (
        result.stderr
    )
    # other commands refuse the curricula too, until the library has the key
    assert cli("--curricula", str(folder), "topics").exit_code == EXIT_INVALID_CURRICULA
    assert cli("bib", "import", str(BIB / "strings.bib")).exit_code == 0
    assert cli("--curricula", str(folder), "bib", "check").exit_code == 0
    topics = cli.json("--curricula", str(folder), "topics", "-c", "mine")
    assert topics[0]["readings"][0]["title"] == "Macros in Practice"
    shown = cli.json("--curricula", str(folder), "bib", "show", "smith2020macro")
    assert shown["cited_by"] == [
        {"topic": "mine.macros", "title": "Macros", "where": "whole paper", "core": True}
    ]


def test_show_builtin_and_library_entries(cli: Cli) -> None:
    data = cli.json("bib", "show", "cover2006elements")
    assert data["origin"] == "builtin" and data["authors"] == "Cover, Thomas M. and Thomas, Joy A."
    assert [c["topic"] for c in data["cited_by"]] == ["mini.kl", "mini.mutual-information"]
    assert data["bibtex"].startswith("@book{cover2006elements,")
    assert cli("bib", "import", str(BIB / "strings.bib")).exit_code == 0
    mine = cli.json("bib", "show", "smith2020macro")
    assert mine["origin"] == "library"
    assert mine["venue"] == "Journal of Machine Learning Research"  # the macro, expanded
    assert mine["authors"] == "Smith, Ann and Jones, Bob"
    text = cli("bib", "show", "smith2020macro").stdout
    assert 'author = "Smith, Ann" # and # {Jones, Bob},' in text


def test_show_unknown_key_suggests(cli: Cli) -> None:
    result = cli("bib", "show", "cover2006element")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr.strip() == (
        "error: unknown citation key 'cover2006element' (did you mean 'cover2006elements'?)"
    )


def test_summary_keeps_percent_and_expands_macros() -> None:
    found = bibliography.summaries_from_text(
        '@string{j = "J. Ex."}\n@article{p, title = {{GPU} at 50% load and 5\\% more},'
        ' journal = j # { Letters}, author = {M{\\"u}ller, J.}, year = 2020}'
    )
    assert found["p"].title == "GPU at 50% load and 5% more"
    assert found["p"].venue == "J. Ex. Letters"
    assert found["p"].authors == "Müller, J."


def test_progress_bar_appears_only_for_slow_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    from studyplan.cli import bib as bib_cli

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(bib_cli.sys, "stderr", Tty())
    monkeypatch.setattr(bib_cli._Bar, "DELAY", 3600.0)  # "quick" whatever the machine
    quick = bib_cli._Bar(total=10)
    quick(10)
    assert quick.progress is None  # finished within the delay: no bar
    monkeypatch.setattr(bib_cli._Bar, "DELAY", 0.0)
    slow = bib_cli._Bar(total=1000)
    slow(500)
    assert slow.progress is not None
    assert slow.progress.tasks[0].completed == 500 and slow.progress.tasks[0].total == 1000
    slow.phase("saving")
    assert slow.progress.live.is_started
    slow.close()
    assert not slow.progress.live.is_started


@pytest.mark.parametrize(
    "latex",
    [
        'M{\\"u}ller',
        '{\\AA}str{\\"o}m',
        "Erd\\H{o}s",
        "\\c{C}a\\u{g}lar",
        "{GPU} and 5\\% more",
        "Rate--Distortion \\& the $\\omega$-Trade-off in $\\mathbb{R}^n$",
        "\\textit{italic} and \\emph{x}",
        "Ko{\\v{s}}ice",
        'Gr{\\"o}{\\ss}e',
        "\\o{}re \\L{}ukasz Pe\\~na \\'{E}cole",
    ],
)
def test_fast_latex_to_text_agrees_with_pylatexenc(latex: str) -> None:
    from pylatexenc.latex2text import LatexNodes2Text

    from studyplan.adapters.bibtex.keys import _fast_text, latex_to_text

    assert _fast_text(latex.replace("$\\omega$", "").replace("$\\mathbb{R}^n$", "")) is not None
    assert latex_to_text(latex) == LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)


def test_library_summaries_parse_only_when_read() -> None:
    from datetime import datetime

    from studyplan.adapters import workspace
    from studyplan.adapters.store.types import LibraryEntry
    from studyplan.errors import BibError

    when = datetime(2026, 1, 1)
    rows = [
        LibraryEntry("good2020", "@misc{good2020, title = {Good}}", "a.bib", when, 1, "entry"),
        LibraryEntry("@string:x", '@string{x = "X"}', "a.bib", when, 2, "string"),
        LibraryEntry("broken2020", "@misc{broken2020, title = {", "a.bib", when, 3, "entry"),
    ]
    lazy = bibliography.library_summaries(rows)
    assert list(lazy) == ["good2020", "broken2020"] and "good2020" in lazy
    inputs = workspace.gather((), library=lazy)
    assert inputs.library is lazy and inputs.fingerprint()  # keys only: nothing parsed yet
    with pytest.raises(BibError, match="stored BibTeX of 'broken2020'"):
        lazy["good2020"]


def test_unreadable_files_are_reported(cli: Cli, tmp_path: Path) -> None:
    missing = cli("bib", "import", str(tmp_path / "nope.bib"))
    # A missing file is "not found" (4), not "malformed BibTeX" (6).
    assert missing.exit_code == EXIT_NOT_FOUND and "nope.bib: no such file" in missing.stderr
    latin = tmp_path / "latin1.bib"
    latin.write_bytes("% ok\n@misc{x, title = {M\xfcller}}\n".encode("latin-1"))
    result = cli("bib", "import", str(latin))
    assert result.exit_code == EXIT_BIBTEX
    assert result.stderr.strip() == (
        f"error: {latin}:2: not UTF-8 text (convert the file to UTF-8 first)"
    )
