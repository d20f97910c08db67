"""studyplan report: one self-contained HTML page, checked in headless Chromium."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from helpers import Cli
from helpers.tools import dump_dom, mark, need, parse_html, screenshot
from studyplan.errors import EXIT_NOT_FOUND, EXIT_USAGE

STEP_TITLES = ["Entropy", "Relative entropy", "Mutual information", "Information bottleneck"]


def saved_plan(cli: Cli) -> None:
    mark("done", "mini.probability")
    mark("started", "mini.entropy")
    result = cli("plan", "mini.ib", "-H", "6", "--start", "2027-01-04", "--save", "ib")
    assert result.exit_code == 0, result.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_report_in_headless_chromium(cli: Cli, tmp_path: Path) -> None:
    need("dot")
    saved_plan(cli)
    page = tmp_path / "ib.html"
    result = cli("report", "--plan", "ib", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {page}: 4 steps, 19 h, with the graph"

    dom = parse_html(dump_dom(tmp_path, page))
    tags = [tag for tag, _ in dom.tags]
    assert "svg" in tags and tags.count("figure") == 1
    # The graph is Graphviz's: one group per topic of the goal, done ones included.
    nodes = [attrs for tag, attrs in dom.tags if tag == "g" and attrs.get("class") == "node"]
    assert len(nodes) == 5
    for title in STEP_TITLES:
        assert title in dom.texts, title
    # Each step's card: title, readings with their location, the why-chain.
    assert "Ch. 2, §2.4" in dom.texts
    assert "Entropy → Mutual information → Information bottleneck (goal)" in dom.texts
    links = [attrs.get("href") for tag, attrs in dom.tags if tag == "a"]
    assert "https://www.inference.org.uk/itprnn/book.pdf" in links
    assert "https://doi.org/10.1109/ITW.2015.7133169" in links  # from the BibTeX doi
    assert "#step-mini.entropy" in links  # the schedule and the graph link to the steps

    png = tmp_path / "ib.png"
    screenshot(tmp_path, page, png, 1366, 900)
    assert png_size(png) == (1366, 900)
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one


def test_report_is_self_contained(cli: Cli, tmp_path: Path) -> None:
    saved_plan(cli)
    page = tmp_path / "ib.html"
    assert cli("report", "-o", str(page)).exit_code == 0  # the active plan
    text = page.read_text(encoding="utf-8")
    dom = parse_html(text)
    tags = {tag for tag, _ in dom.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "@import" not in text and "url(" not in text and "@font-face" not in text
    for tag, attrs in dom.tags:
        if tag != "a":
            assert not any(k in ("src", "href") for k in attrs), (tag, attrs)
    assert "@media print" in text and '<meta name="viewport"' in text


def test_report_for_goals_with_schedule_and_progress(cli: Cli, tmp_path: Path) -> None:
    mark("done", "mini.probability")
    page = tmp_path / "kl.html"
    result = cli(
        "report", "mini.kl", "-H", "5", "--start", "2027-01-04", "--deadline", "2027-01-10",
        "-o", str(page), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    dom = parse_html(page.read_text(encoding="utf-8"))
    assert "Study plan: Relative entropy" in dom.texts
    assert "weeks 1–2" in dom.texts and "Jan 04 – Jan 17, 2027" in dom.texts
    assert any("Does not fit the deadline 2027-01-10" in t for t in dom.texts)
    assert "10 of 20 h done (1 of 3 topics)." in dom.texts
    assert "Entropy → Relative entropy (goal)" in dom.texts
    assert "Entropy is an expectation over a distribution." not in dom.texts  # done: no step


def test_report_without_graphviz_still_works(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    page = tmp_path / "ib.html"
    result = cli("report", "mini.ib", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    assert "without the graph" in result.stdout
    assert "apt-get install graphviz" in result.stderr
    dom = parse_html(page.read_text(encoding="utf-8"))
    assert "svg" not in {tag for tag, _ in dom.tags}
    assert any("apt-get install graphviz" in t for t in dom.texts)
    for title in ["Probability", *STEP_TITLES]:
        assert title in dom.texts


def test_nothing_left_to_learn(cli: Cli, tmp_path: Path) -> None:
    mark("known", "mini.kl")
    page = tmp_path / "kl.html"
    data = cli.json("report", "mini.kl", "-o", str(page))
    assert data["steps"] == 0 and data["total_hours"] == 0
    dom = parse_html(page.read_text(encoding="utf-8"))
    assert "Nothing left to learn: you have every topic these goals need." in dom.texts
    assert "20 of 20 h done (3 of 3 topics)." in dom.texts


def test_report_without_a_goal_or_an_active_plan_is_not_found(cli: Cli) -> None:
    # The same answer as graph and calendar give: one resolver for "the active plan".
    result = cli("report", "-o", "x.html")
    assert result.exit_code == EXIT_NOT_FOUND, result.output
    assert "error: nothing to report on: there is no active plan" in result.stderr
    assert not Path("x.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "mini.ib", "--plan", "ib", "-o", "x.html"],
            "error: give either GOALs or --plan",
        ),
        (
            ["report", "--plan", "ib", "-H", "3", "-o", "x.html"],
            "error: --hours-per-week, --start and --deadline go with GOALs",
        ),
        (
            ["report", "mini.ib", "-H", "0", "-o", "x.html"],
            "error: --hours-per-week must be more than 0 and at most 168",
        ),
        (["report", "mini.ib"], "Missing option '--output'"),
    ],
)
def test_bad_input(cli: Cli, tmp_path: Path, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == EXIT_USAGE, result.output
    assert message in result.stderr
    assert not Path("x.html").exists()


def test_a_graph_too_large_to_draw_is_left_out(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("studyplan.views.report.MAX_DRAWN_NODES", 4)
    page = tmp_path / "ib.html"
    data = cli.json("report", "mini.ib", "-o", str(page))
    assert data["graph"] is False
    assert data["graph_note"].startswith("The graph has 5 topics, too many to draw legibly here")
    dom = parse_html(page.read_text(encoding="utf-8"))
    assert "svg" not in {tag for tag, _ in dom.tags}
    assert data["graph_note"] in dom.texts
    monkeypatch.setattr("studyplan.views.report.MAX_DRAWN_NODES", 5)
    if need("dot"):
        assert cli.json("report", "mini.ib", "-o", str(page), "--force")["graph"] is True


def test_a_long_why_chain_is_shown_by_its_first_links_and_its_goal() -> None:
    from test_planner import make_catalog

    from studyplan.domain.planner import WHY_LINKS_IN_FULL, build_plan
    from studyplan.views import report

    chain = {f"c.t{i:02d}": ([f"c.t{i - 1:02d}"] if i else []) for i in range(30)}
    cat = make_catalog(chain)
    plan = build_plan(cat, ["c.t29"], {})
    first, near = plan.steps[0], plan.steps[25]
    html = report._why(cat, first)
    assert html.count("<li>needed by") == WHY_LINKS_IN_FULL
    assert "… 19 more links up to <b>C.T29</b>" in html
    assert "C.T00 → C.T01 → … → C.T29 (goal)" in html
    short = report._why(cat, near)  # four links: all shown, no ellipsis
    assert short.count("<li>needed by") == 4 and "more links" not in short
    assert report._why(cat, plan.steps[-1]) == '<p class="chain">This is one of your goals.</p>'
