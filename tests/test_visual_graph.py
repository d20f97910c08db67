"""studyplan graph: golden DOT and Mermaid, DOT checked by Graphviz, statuses, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import ROOT, Cli
from helpers.tools import mark, need
from studyplan.errors import EXIT_MISSING_TOOL, EXIT_NOT_FOUND, EXIT_USAGE
from studyplan.views.model import wrap

GOLDEN = ROOT / "tests" / "golden"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def progress() -> None:
    """done, known, in progress and to do, all in the mini curriculum."""
    mark("done", "mini.probability")
    mark("known", "mini.entropy")
    mark("started", "mini.kl")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("STUDYPLAN_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; review and update it"


def svg_of(dot_text: str) -> ET.Element:
    proc = subprocess.run(
        [need("dot"), "-Tsvg"], input=dot_text.encode(), capture_output=True, check=False
    )
    assert proc.returncode == 0 and not proc.stderr, proc.stderr.decode()
    return ET.fromstring(proc.stdout)


def node_groups(svg: ET.Element) -> dict[str, ET.Element]:
    return {
        g.findtext(f"{SVG}title", ""): g for g in svg.iter(f"{SVG}g") if g.get("class") == "node"
    }


def test_golden_dot_and_mermaid(cli: Cli) -> None:
    progress()
    dot = cli("graph", "mini.ib")
    assert dot.exit_code == 0, dot.stderr
    check_golden("graph-mini.dot", dot.stdout)
    mermaid = cli("graph", "mini.ib", "--format", "mermaid")
    assert mermaid.exit_code == 0, mermaid.stderr
    check_golden("graph-mini.mmd", mermaid.stdout)


def test_dot_is_accepted_by_graphviz_and_draws_what_it_says(cli: Cli) -> None:
    progress()
    svg = svg_of(cli("graph", "mini.ib").stdout)
    nodes = node_groups(svg)
    assert list(nodes) == [
        "mini.probability",
        "mini.entropy",
        "mini.kl",
        "mini.mutual-information",
        "mini.ib",
    ]
    fills = {tid: g.find(f".//{SVG}path").get("fill") for tid, g in nodes.items()}  # type: ignore[union-attr]
    assert fills["mini.probability"] == "#c8e6c9"  # done: green
    assert fills["mini.entropy"] == "#bbdefb"  # known: blue
    assert fills["mini.kl"] == "#ffe08a"  # in progress: amber
    assert fills["mini.ib"] == "#ffffff"  # to do
    labels = {tid: [t.text for t in g.iter(f"{SVG}text")] for tid, g in nodes.items()}
    assert labels["mini.entropy"] == ["Entropy", "熵", "6 h · known"]
    assert labels["mini.ib"] == ["Information bottleneck", "信息瓶颈", "5 h · goal"]
    # The goal has a double border: two outlines.
    assert len(nodes["mini.ib"].findall(f".//{SVG}path")) == 2
    # One cluster per curriculum, labelled with its titles.
    clusters = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert [next(c.iter(f"{SVG}text")).text for c in clusters] == ["Mini curriculum · 迷你课程"]
    # Every edge's tooltip is its reason.
    tips = {
        a.get(f"{XLINK}title")
        for g in svg.iter(f"{SVG}g")
        if g.get("class") == "edge"
        for a in g.iter(f"{SVG}a")
    }
    assert "Entropy → Mutual information: I(X;Y) = H(X) - H(X|Y)." in tips
    assert len(tips) == 5


def test_svg_format_and_output_file(cli: Cli, tmp_path: Path) -> None:
    need("dot")
    out = tmp_path / "ib.svg"
    result = cli("graph", "mini.ib", "-f", "svg", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}: 5 topics, 5 prerequisites"
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg" and len(node_groups(root)) == 5


def test_svg_without_graphviz_says_how_to_install_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "ib.svg"
    result = cli("graph", "mini.ib", "--format", "svg", "-o", str(out))
    assert result.exit_code == EXIT_MISSING_TOOL
    assert "Graphviz 'dot' is not installed" in result.stderr
    assert "apt-get install graphviz" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    # DOT and Mermaid need nothing.
    assert cli("graph", "mini.ib", "-f", "dot").exit_code == 0
    assert cli("graph", "mini.ib", "-f", "mermaid").exit_code == 0


def test_covered_and_skipped_statuses() -> None:
    from studyplan.adapters.workspace import catalog, gather
    from studyplan.domain.planner import graph_of
    from studyplan.views.model import display_statuses

    cat = catalog(gather([]))
    graph = graph_of(cat)
    shown = display_statuses(
        graph,
        {"mini.kl": "done", "mini.probability": "skipped", "mini.mutual-information": "skipped"},
        graph.ids,
    )
    assert shown == {
        # Finishing KL vouches for what it requires, whatever else they are marked.
        "mini.probability": ("covered", "mini.kl"),
        "mini.entropy": ("covered", "mini.kl"),
        "mini.kl": ("done", None),
        "mini.mutual-information": ("skipped", None),
        "mini.ib": ("todo", None),
    }


def test_curriculum_and_merged_goals(cli: Cli, write_curriculum) -> None:  # type: ignore[no-untyped-def]
    folder = write_curriculum(
        "extra.yaml",
        """
id: extra
title: Extra "stuff"
title_zh: 额外
description: Depends on the mini curriculum.
topics:
  - id: extra.rd
    title: Rate–distortion
    title_zh: 率失真
    summary: Trade rate against distortion.
    hours: 3
    prerequisites:
      - {id: mini.mutual-information, reason: R(D) minimises mutual information.}
  - id: extra.deep
    title: Deep rate–distortion
    title_zh: 深度率失真
    summary: Learned compression.
    hours: 2
    prerequisites:
      - {id: extra.rd, reason: It is R(D) with a network.}
""",
    )
    data = cli.json("--curricula", str(folder), "graph", "--curriculum", "extra")
    ids = [n["id"] for n in data["nodes"]]
    # The curriculum's topics and the outside topics they directly require.
    assert ids == ["mini.mutual-information", "extra.rd", "extra.deep"]
    assert [c["id"] for c in data["clusters"]] == ["mini", "extra"]
    assert [n["id"] for n in data["nodes"] if n["goal"]] == ["extra.deep"]
    # A curriculum named as a goal marks only its topics no other of them requires.
    merged = cli.json("--curricula", str(folder), "graph", "mini", "extra.rd")
    assert [n["id"] for n in merged["nodes"] if n["goal"]] == ["mini.ib", "extra.rd"]
    assert {e["from"] for e in merged["edges"]} >= {"mini.mutual-information"}


def test_saved_and_active_plan(cli: Cli) -> None:
    assert cli("plan", "mini.kl", "--save", "kl").exit_code == 0
    mark("done", "mini.probability")
    active = cli.json("graph")
    named = cli.json("graph", "--plan", "kl")
    assert active == named
    assert named["title"] == "Relative entropy (plan 'kl')"
    assert {n["id"]: n["status"] for n in named["nodes"]} == {
        "mini.probability": "done",
        "mini.entropy": "todo",
        "mini.kl": "todo",
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["graph", "mini.ibb"],
            EXIT_NOT_FOUND,
            "error: unknown goal 'mini.ibb' (did you mean 'mini.ib'",
        ),
        (["graph", "--curriculum", "minni"], EXIT_NOT_FOUND, "error: unknown curriculum 'minni'"),
        (["graph", "--plan", "nope"], EXIT_NOT_FOUND, "error: no saved plan 'nope'"),
        (["graph"], EXIT_NOT_FOUND, "error: nothing to draw: there is no active plan"),
        (
            ["graph", "mini.ib", "-c", "mini"],
            EXIT_USAGE,
            "error: give either GOALs, --curriculum or --plan",
        ),
        (["graph", "mini.ib", "-f", "png"], EXIT_USAGE, "Invalid value for '--format'"),
        (
            ["graph", "mini.ib", "-o", "/nonexistent/dir/g.dot"],
            EXIT_USAGE,
            "error: cannot write /nonexistent/dir/g.dot: the folder /nonexistent/dir does not exist",
        ),
    ],
)
def test_bad_input(cli: Cli, args: list[str], code: int, message: str) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_json_matches_the_drawing(cli: Cli, tmp_path: Path) -> None:
    progress()
    out = tmp_path / "g.mmd"
    data = cli.json("graph", "mini.ib", "-f", "mermaid", "-o", str(out))
    assert data["output"] == str(out) and data["format"] == "mermaid"
    assert out.read_text(encoding="utf-8") == cli("graph", "mini.ib", "-f", "mermaid").stdout
    assert [(e["from"], e["to"]) for e in data["edges"]] == [
        ("mini.probability", "mini.entropy"),
        ("mini.entropy", "mini.kl"),
        ("mini.kl", "mini.mutual-information"),
        ("mini.entropy", "mini.mutual-information"),
        ("mini.mutual-information", "mini.ib"),
    ]


def test_wrap_counts_cjk_as_two_cells() -> None:
    assert wrap("Eigenvalues, positive definiteness and the SVD") == [
        "Eigenvalues, positive",
        "definiteness and the SVD",
    ]
    assert wrap("特征值、正定矩阵与奇异值分解与更多", 10) == [
        "特征值、正",
        "定矩阵与奇",
        "异值分解与",
        "更多",
    ]
    assert wrap("") == [""]
    # No one-letter orphan on a last line when a slightly wider line holds it.
    assert wrap("Inequalities a < b && c > d") == ["Inequalities a < b && c > d"]
    assert wrap("特征值、正定矩阵与奇异值分解") == ["特征值、正定矩阵与奇异值分解"]


@pytest.mark.slow
def test_subprocess_svg(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it, writes an SVG Graphviz drew."""
    need("dot")
    out = tmp_path / "mini.svg"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "studyplan",
            "graph",
            "--curriculum",
            "mini",
            "-f",
            "svg",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(node_groups(ET.parse(out).getroot())) == 5
    listing = subprocess.run(
        [sys.executable, "-m", "studyplan", "graph", "mini", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert len(json.loads(listing.stdout)["nodes"]) == 5
