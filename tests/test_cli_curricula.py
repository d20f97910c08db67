"""Read-only commands through Typer's CliRunner, and the installed command as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURE_DATA, Cli
from studyplan import __version__
from studyplan.errors import EXIT_NOT_FOUND


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"studyplan {__version__}"


def test_curricula_lists_counts_and_hours(cli: Cli) -> None:
    rows = cli.json("curricula")
    assert rows == [
        {
            "id": "mini",
            "title": "Mini curriculum",
            "title_zh": "迷你课程",
            "topics": 5,
            "hours": 29.0,
            "source": rows[0]["source"],
        }
    ]
    assert "Mini curriculum" in cli("curricula").stdout


def test_topics_json_shape_and_filters(cli: Cli) -> None:
    topics = cli.json("topics")
    assert [t["id"] for t in topics][:2] == ["mini.probability", "mini.entropy"]
    first = topics[1]
    assert {"id", "title", "title_zh", "curriculum", "prerequisites", "readings", "hours"} <= set(
        first
    )
    assert first["prerequisites"] == [
        {"id": "mini.probability", "reason": "Entropy is an expectation over a distribution."}
    ]
    assert first["readings"][0]["key"] == "mackay2003information"
    assert [t["id"] for t in cli.json("topics", "--search", "熵")] == ["mini.entropy", "mini.kl"]
    assert cli.json("topics", "--search", "nothing-like-this") == []


def test_topics_unknown_curriculum_suggests(cli: Cli) -> None:
    result = cli("topics", "--curriculum", "minni")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr.strip() == "error: unknown curriculum 'minni' (did you mean 'mini'?)"


def test_show_resolves_readings_and_draws_tree(cli: Cli) -> None:
    data = cli.json("show", "mini.ib", "--tree")
    assert data["readings"][0]["title"] == "Deep Learning and the Information Bottleneck Principle"
    assert data["readings"][0]["authors"].startswith("Tishby, Naftali")
    assert data["readings"][0]["year"] == "2015"
    assert data["tree"]["prerequisites"][0]["id"] == "mini.mutual-information"
    text = cli("show", "mini.ib", "--tree").stdout
    assert "Tishby & Zaslavsky (2015)" in text
    assert "mini.probability" in text and "(see above)" in text


def test_show_tree_of_a_deep_chain_is_cut_at_depth(cli: Cli, write_curriculum) -> None:  # type: ignore[no-untyped-def]
    """1,500 topics in a chain: the tree stops at --depth (default 12) and says so, and
    neither the drawing nor the JSON recurses past Python's limits."""
    topics = ["  - {id: deep.t0, title: T0, title_zh: 零, summary: s, hours: 1}"]
    topics += [
        f"  - {{id: deep.t{i}, title: T{i}, title_zh: 零, summary: s, hours: 1,"
        f" prerequisites: [{{id: deep.t{i - 1}, reason: r}}]}}"
        for i in range(1, 1500)
    ]
    text = "id: deep\ntitle: Deep\ntitle_zh: 深\ndescription: d\ntopics:\n" + "\n".join(topics)
    folder = write_curriculum("deep.yaml", text)
    args = ("--curricula", str(folder), "show", "deep.t1499", "--tree")
    lines = cli(*args).stdout.splitlines()
    drawn = lines[lines.index("· deep.t1499 T1499") :]
    assert len(drawn) == 1 + 12  # the root and twelve levels
    assert drawn[-1].endswith("deep.t1487 T1487 (… prerequisites below; --depth to see more)")
    data = cli.json(*args, "--depth", "300")["tree"]
    for _ in range(300):
        (data,) = data["prerequisites"]
    assert data["id"] == "deep.t1199" and data["truncated"] is True
    assert cli(*args, "--depth", "0").exit_code == 2


def test_show_unknown_topic(cli: Cli) -> None:
    result = cli("show", "mini.entropyy")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr.startswith(
        "error: unknown topic 'mini.entropyy' (did you mean 'mini.entropy'"
    )
    assert "Traceback" not in result.stderr


def test_catalog_cache_follows_file_contents(
    cli: Cli, write_curriculum, isolated_home: Path
) -> None:  # type: ignore[no-untyped-def]
    text = """
id: mine
title: Mine
title_zh: 我的
description: d
topics:
  - {id: mine.a, title: A, title_zh: 甲, summary: s, hours: 1}
"""
    folder = write_curriculum("mine.yaml", text)
    assert cli.json("--curricula", str(folder), "topics", "-c", "mine")[0]["title"] == "A"
    assert list((isolated_home / "cache").glob("catalog-*.pickle"))
    write_curriculum("mine.yaml", text.replace("title: A", "title: B"))
    assert cli.json("--curricula", str(folder), "topics", "-c", "mine")[0]["title"] == "B"


def test_a_broken_catalog_cache_is_rebuilt(cli: Cli, isolated_home: Path) -> None:
    first = cli.json("topics")
    (cached,) = (isolated_home / "cache").glob("catalog-*.pickle")
    # A cache written by another layout of the same version, or cut short.
    for junk in (b"not a pickle", cached.read_bytes()[:100], b"\x80\x05K\x01."):
        cached.write_bytes(junk)
        assert cli.json("topics") == first
        assert cached.read_bytes() != junk


def test_usage_error_exit_code(cli: Cli) -> None:
    assert cli("show").exit_code == 2


def _installed_command() -> str | None:
    """The console script of an installed (not source-tree) studyplan, if any."""
    exe = shutil.which("studyplan")
    return exe


@pytest.mark.slow
def test_installed_command_runs_from_outside_the_checkout(tmp_path: Path) -> None:
    exe = _installed_command()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install the package ('pip install .') before the tests")
        pytest.skip("studyplan is not installed on PATH")
    env = {k: v for k, v in os.environ.items() if k != "STUDYPLAN_BUILTIN_DIR"}
    env["STUDYPLAN_HOME"] = str(tmp_path / "home")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import studyplan, studyplan.adapters.paths as p; print(p.builtin_data_dir())",
        ],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where, "curricula").is_dir() and Path(where, "references.bib").is_file()
    result = subprocess.run(
        [exe, "curricula", "--json"], cwd=outside, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "[" in result.stdout
    env["STUDYPLAN_BUILTIN_DIR"] = str(FIXTURE_DATA)
    result = subprocess.run(
        [exe, "show", "mini.nope"], cwd=outside, env=env, capture_output=True, text=True
    )
    assert result.returncode == EXIT_NOT_FOUND
    assert result.stderr.startswith("error: unknown topic 'mini.nope'")
    assert "Traceback" not in result.stderr
