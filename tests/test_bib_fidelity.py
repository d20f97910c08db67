"""Round trips of the awkward corpus (GUIDE.md section 4) through the real CLI and store:
import a file, export the library, parse both back and compare entry by entry; run the real
bibtex on the export (plain style, every entry cited): no error, no warning, same .bbl."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import Cli
from helpers.bib import (
    BIB,
    GOOD,
    bbl_items,
    blocks,
    entries,
    entry_keys,
    run_bibtex,
    strings,
)


def import_and_export(cli: Cli, tmp_path: Path, *files: Path) -> str:
    result = cli("bib", "import", *map(str, files))
    assert result.exit_code == 0, result.output + result.stderr
    out = tmp_path / "export.bib"
    result = cli("bib", "export", "--library", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GOOD)
def test_round_trip_keeps_every_field_value(cli: Cli, tmp_path: Path, name: str) -> None:
    source = BIB / f"{name}.bib"
    original = source.read_text(encoding="utf-8")
    exported = import_and_export(cli, tmp_path, source)
    assert entries(exported) == entries(original)
    assert strings(exported) == strings(original)
    # every block's text (entries, macros, preambles, comments) is in the export verbatim
    for block in blocks(original):
        assert block.raw.strip() in exported, block.raw


@pytest.mark.parametrize("name", GOOD)
def test_export_passes_real_bibtex_like_the_original(cli: Cli, tmp_path: Path, name: str) -> None:
    source = BIB / f"{name}.bib"
    exported = tmp_path / "exported.bib"
    exported.write_text(import_and_export(cli, tmp_path, source), encoding="utf-8")
    ours = run_bibtex(exported, workdir=tmp_path / "ours")
    assert ours.clean, ours.messages
    theirs = run_bibtex(source, workdir=tmp_path / "theirs")
    assert theirs.clean, theirs.messages
    assert bbl_items(ours.bbl) == bbl_items(theirs.bbl)
    assert len(bbl_items(ours.bbl)) == len(entries(source.read_text(encoding="utf-8")))


def test_unicode_latex_and_verbatim_fields(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "unicode-latex.bib")
    assert 'M{\\"u}ller, J{\\"o}rg and {\\AA}str{\\"o}m' in text
    assert "Müller, Jörg and Åström, Karl Johan and Šimánek, Zoë" in text
    assert "url = {https://example.org/papers/m%C3%BCller%202019.pdf?a=1&b=2#page=3}" in text
    assert "doi = {10.1000/xyz_123%2F45}" in text
    assert "file = {:C\\:/Users/jörg/Papers/Müller 2019.pdf:PDF}" in text
    assert "Rate--Distortion \\& Perception: the $\\omega$-Trade-off in $\\mathbb{R}^n$" in text


def test_case_protecting_braces(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "case-protection.bib")
    assert "{GPU} Kernels on {Cartesian} Grids with {{BERT}}-style {Transformers}" in text
    assert 'title = "{LSTM}s and the {Kalman} filter"' in text


def test_string_macros_stay_bare_and_concatenated(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "strings.bib")
    assert re.search(r"month = jan,\n", text)
    assert re.search(r"journal = jmlr,\n", text)
    assert 'author = "Smith, Ann" # and # {Jones, Bob},' in text
    assert '@STRING{mitcam = mit # ", Cambridge, MA"}' in text
    assert 'month = dec # "~1"' in text
    # a macro is defined before the first entry that uses it
    assert text.index("@string{jmlr") < text.index("@article{smith2020macro")


def test_crossref_kept_not_inlined_and_children_first(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "crossref.bib")
    assert entry_keys(text) == ["chen2020simple", "grill2020bootstrap", "icml2020"]
    chen = dict(entries(text)["chen2020simple"][1])
    assert chen["crossref"] == "{icml2020}" and "booktitle" not in chen


def test_comments_preamble_and_their_places(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "comments.bib")
    assert "% A comment that describes the next entry.\n\n@misc{noop2022sort," in text
    assert '@preamble{"\\providecommand{\\noopsort}[1]{}"}' in text
    assert "@comment{jabref-meta: databaseType:bibtex;}" in text
    assert "with 50% and a brace } that BibTeX ignores here." in text
    assert text.rstrip().endswith("% A trailing comment at the end of the file.")


def test_field_and_entry_order(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "order.bib")
    assert entry_keys(text) == ["zeta2001order", "alpha2002order", "mu1999order"]
    fields = [name for name, _ in entries(text)["zeta2001order"][1]]
    assert fields == ["year", "Journal", "TITLE", "author", "pages", "volume"]


def test_names_keep_their_braces(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "names.bib")
    author = dict(entries(text)["berg2017names"][1])["author"]
    assert author == (
        "{{van der Berg}, Jan and van Beethoven, Ludwig and {AMANDA Collaboration} and "
        "de la Fontaine, Jean and Doe, Jr., John}"
    )


def test_keys_with_colon_and_slash(cli: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "keys-export.bib"
    exported.write_text(import_and_export(cli, tmp_path, BIB / "keys.bib"))
    run = run_bibtex(exported, workdir=tmp_path / "run")
    assert run.clean, run.messages
    for key in ("arxiv:2101.00001", "doi/10.1000/182", "Smith:2020/deep-nets_v2"):
        assert f"\\bibitem{{{key}}}" in run.bbl
        assert cli.json("bib", "show", key)["key"] == key


def test_parenthesised_blocks_survive(cli: Cli, tmp_path: Path) -> None:
    text = import_and_export(cli, tmp_path, BIB / "parens.bib")
    assert '@string(lncs = "Lecture Notes in Computer Science")' in text
    assert "@incollection(paren2010blocks," in text and text.rstrip().endswith(")")


def test_all_good_files_together(cli: Cli, tmp_path: Path) -> None:
    files = [BIB / f"{name}.bib" for name in GOOD]
    exported = tmp_path / "all.bib"
    exported.write_text(import_and_export(cli, tmp_path, *files))
    expected: dict[str, object] = {}
    for file in files:
        expected.update(entries(file.read_text(encoding="utf-8")))
    assert entries(exported.read_text()) == expected
    run = run_bibtex(exported, workdir=tmp_path / "run")
    assert run.clean, run.messages
