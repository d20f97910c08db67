"""Helpers for the BibTeX tests: the real ``bibtex`` and an independent parse-back.

Exports are parsed back with bibtexparser's splitter directly (no middleware, not through
studyplan's own conversion), so the comparisons do not trust the code under test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES

BIB = FIXTURES / "bib"
IRIDIA = FIXTURES / "bib" / "iridia"
# The order the iridia files are meant to be read in: @string files first.
IRIDIA_FILES = [
    IRIDIA / f"{n}.bib" for n in ("abbrev", "journals", "authors", "articles", "biblio", "crossref")
]
# Fixture files that are good BibTeX (each one fidelity case of GUIDE.md section 4).
GOOD = [
    "unicode-latex",
    "case-protection",
    "strings",
    "crossref",
    "comments",
    "order",
    "names",
    "keys",
    "parens",
]


def require_bibtex() -> str:
    """The real bibtex; a missing one fails under CI and skips elsewhere."""
    found = shutil.which("bibtex")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("bibtex is not installed (CI installs texlive-binaries via .ci/run)")
        pytest.skip("bibtex is not installed (apt-get install texlive-binaries texlive-base)")
    return found


@dataclass
class BibtexRun:
    returncode: int
    messages: list[str]  # 'Warning--...' lines and error lines
    bbl: str
    log: str

    @property
    def clean(self) -> bool:
        return self.returncode == 0 and not self.messages


def run_bibtex(*bibs: Path, workdir: Path) -> BibtexRun:
    """Run ``bibtex`` with plain style and ``\\citation{*}`` over ``bibs`` (in this order)."""
    exe = require_bibtex()
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    for number, bib in enumerate(bibs):
        name = f"db{number}"
        shutil.copyfile(bib, workdir / f"{name}.bib")
        names.append(name)
    (workdir / "doc.aux").write_text(
        "\\citation{*}\n\\bibdata{" + ",".join(names) + "}\n\\bibstyle{plain}\n"
    )
    proc = subprocess.run(
        [exe, "doc"], cwd=workdir, capture_output=True, text=True, timeout=60, check=False
    )
    log = (workdir / "doc.blg").read_text(errors="replace")
    messages = [
        line
        for line in log.splitlines()
        if line.startswith("Warning--")
        or "error message" in line
        or "---line" in line
        or "I was expecting" in line
        or "Repeated entry" in line
    ]
    bbl_path = workdir / "doc.bbl"
    bbl = bbl_path.read_text(errors="replace") if bbl_path.exists() else ""
    return BibtexRun(proc.returncode, messages, bbl, log)


def blocks(text: str) -> list[Any]:
    """bibtexparser's own blocks (no middleware): the independent parse-back."""
    from bibtexparser.splitter import Splitter

    library = Splitter(text).split()
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return list(library.blocks)


def entries(text: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """key -> (entry type, [(field, raw value), ...] in order)."""
    from bibtexparser.model import Entry

    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for block in blocks(text):
        if isinstance(block, Entry):
            assert block.key not in found, f"duplicate key {block.key} in export"
            found[block.key] = (block.entry_type.lower(), [(f.key, f.value) for f in block.fields])
    return found


def strings(text: str) -> dict[str, str]:
    from bibtexparser.model import String

    return {b.key.lower(): b.value for b in blocks(text) if isinstance(b, String)}


def entry_keys(text: str) -> list[str]:
    from bibtexparser.model import Entry

    return [b.key for b in blocks(text) if isinstance(b, Entry)]


def bbl_items(bbl: str) -> list[str]:
    """The ``\\bibitem`` blocks of a .bbl, in order (for comparing two bibtex runs)."""
    return [
        item.strip() for item in re.split(r"(?=\\bibitem)", bbl) if item.startswith("\\bibitem")
    ]
