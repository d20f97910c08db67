"""``plan --for-bib``: a paper's reference list matched to the curricula's readings (by
DOI, arXiv id, then title and year), the plan of the topics it cites, and the entries
the curricula do not hold; tested on the verified parts of Medusa's and BitDelta's
reference lists (``tests/fixtures/bib/papers/SOURCE.md``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES, Cli
from studyplan.domain.catalog import BibSummary
from studyplan.domain.citing import arxiv_id, normal_doi, normal_title

PAPERS = FIXTURES / "bib" / "papers"


def test_medusa_reference_list(cli: Cli, real_builtin: Path) -> None:
    data = cli.json("plan", "--for-bib", str(PAPERS / "medusa-refs.bib"))
    found = data["for_bib"]
    assert found["references"] == 8
    assert [(m["entry"], m["key"], m["by"], m["topics"]) for m in found["matched"]] == [
        ("leviathan2022fast", "leviathan2023fast", "arxiv", ["frontiers.speculative-decoding"]),
        ("dettmers2023qlora", "dettmers2023qlora", "arxiv", ["compression.qlora"]),
        ("hu2022lora", "hu2022lora", "title+year", ["compression.lora"]),
    ]
    assert [u["entry"] for u in found["unmatched"]] == [
        "chen2023accelerating",
        "stern2018blockwise",
        "shazeer2019fast",
        "zheng2023judging",
        "ding2023enhancing",
    ]
    steps = [s["id"] for s in data["steps"]]
    assert set(found["goals"]) <= set(steps)
    # Every step says which cited work put it there.
    assert set(found["cited_by"]) == set(steps)
    assert found["cited_by"]["frontiers.speculative-decoding"] == ["leviathan2022fast"]
    assert all(found["cited_by"][s] for s in steps)


def test_bitdelta_with_the_paper_itself(cli: Cli, real_builtin: Path) -> None:
    bib = str(PAPERS / "bitdelta-refs.bib")
    data = cli.json("plan", "--for-bib", bib, "--paper", "2402.10193")
    found = data["for_bib"]
    assert [(m["key"], m["by"]) for m in found["matched"]] == [
        ("frantar2022gptq", "arxiv"),
        ("hu2022lora", "title+year"),
    ]
    assert "frontiers.bitdelta" in found["goals"]
    assert found["cited_by"]["frontiers.bitdelta"] == ["paper"]
    text = cli("plan", "--for-bib", bib, "--paper", "liu2024bitdelta").stdout
    assert text.startswith(f"{bib}: 6 references, 2 in the curricula (1 by arXiv id, 1 by title")
    assert "the paper itself is read in frontiers.bitdelta" in text
    assert "cited frantar2022gptq (GPTQ: Accurate Post-Training Quantization" in text
    assert "cited the paper itself" in text
    assert "not in the curricula (4):" in text and "  sheng2023slora: S-LoRA" in text
    # Without --paper, BitDelta's own topic is planned only if the list cites it.
    plain = cli.json("plan", "--for-bib", bib)["for_bib"]
    assert "frontiers.bitdelta" not in plain["goals"]


def test_bad_input(cli: Cli, tmp_path: Path) -> None:
    nothing = tmp_path / "nothing.bib"
    nothing.write_text("@article{x, title={A Paper Nobody Cites Here}, year={2001}}\n")
    result = cli("plan", "--for-bib", str(nothing))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"none of the 1 reference in {nothing} is in the curricula"
    as_json = cli.json("plan", "--for-bib", str(nothing))
    assert as_json["steps"] == [] and as_json["for_bib"]["unmatched"][0]["entry"] == "x"
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{ok, title={T}, year={2001}}\n@article{bad, title={T\n")
    result = cli("plan", "--for-bib", str(broken))
    assert result.exit_code == 6 and "nothing planned" in result.stderr
    assert "Traceback" not in result.output
    notbib = tmp_path / "notes.bib"
    notbib.write_text("just some notes\n")
    assert cli("plan", "--for-bib", str(notbib)).exit_code == 6
    assert cli("plan", "--for-bib", str(tmp_path / "missing.bib")).exit_code == 4
    both = cli("plan", "mini.ib", "--for-bib", str(nothing))
    assert both.exit_code == 2 and "either GOALs or --for-bib" in both.stderr
    alone = cli("plan", "mini.ib", "--paper", "x")
    assert alone.exit_code == 2 and "--paper needs --for-bib" in alone.stderr
    unknown = cli("plan", "--for-bib", str(nothing), "--paper", "9999.99999")
    assert unknown.exit_code == 4 and "not a reference the curricula read" in unknown.stderr
    none = cli("plan")
    assert none.exit_code == 2 and "name at least one goal" in none.stderr


def test_matching_by_doi_first(cli: Cli, real_builtin: Path, tmp_path: Path) -> None:
    from studyplan.cli.state import State
    from studyplan.domain.citing import match_references, readers

    catalog = State().catalog()
    read = readers(catalog)
    with_doi = next(r for k, r in catalog.references.items() if r.doi and k in read)
    entry = BibSummary(
        "mine", "article", "Another Title Altogether", "", "1900", doi=with_doi.doi.upper()
    )
    found = match_references(catalog, [entry])
    assert [(m.by, m.reference) for m in found.matched] == [("doi", with_doi.key)]
    assert found.goals == read[with_doi.key]


@pytest.mark.parametrize(
    ("texts", "wanted"),
    [
        (("arXiv preprint arXiv:2211.17192",), "2211.17192"),
        (("", "https://arxiv.org/abs/2305.14314v2"), "2305.14314"),
        (("10.48550/arXiv.2306.05685",), "2306.05685"),
        (("2402.10193",), "2402.10193"),
        (("Proceedings of ICML 2024, pages 1234.5678",), ""),
        (("arXiv:hep-th/9901001v1",), "hep-th/9901001"),
    ],
)
def test_arxiv_ids(texts: tuple[str, ...], wanted: str) -> None:
    assert arxiv_id(*texts) == wanted


def test_normal_forms() -> None:
    assert normal_doi("https://doi.org/10.1109/TIT.1977.1055714.") == "10.1109/tit.1977.1055714"
    assert normal_title("{QuIP\\#}: Even Better {LLM} Quantization") == normal_title(
        "QuIP#: even better LLM quantization"
    )
    assert normal_title("Élements de théorie") == "elements de theorie"
