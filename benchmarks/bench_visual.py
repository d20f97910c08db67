"""Visual benchmarks (issue #7).

1. Whole process on the built-in curricula (warm catalog cache): ``graph`` (DOT, Mermaid,
   SVG), ``report`` and ``calendar`` against ``plan`` for the same goal, the command a
   learner runs anyway, run through the Typer app as these commands are: an everyday
   ``plan`` skips the framework (``cli/fast.py``) and takes half the time, which says
   nothing about what drawing costs (it is shown as context). Goals: DOT and Mermaid
   <= 1.3x (text from the view costs next to nothing); SVG, report and calendar <= 3x
   (they run Graphviz or import icalendar).
2. The same commands on a 10k-topic synthetic curriculum (a 9.5k-step plan), against
   ``plan`` through the Typer app too: DOT and Mermaid <= 3x. Catches any per-node or
   per-edge pass that is not linear (a per-edge title map once made this 15x).
3. Graphviz layout on growing synthetic selections, as a ratio to studyplan's own work
   (building the view and its DOT text) for the same selection: why the report stops
   drawing graphs beyond ``report.MAX_DRAWN_NODES`` topics.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.harness import PYTHON, Case, best_of, interleave, report
from benchmarks.synthetic import generate

GOAL = "frontiers.bitdelta"
# ``plan`` through the Typer app, as graph, report and calendar run (never the fast path).
TYPER = [PYTHON, "-c", "import sys; sys.argv[0] = 'studyplan'; from studyplan.cli.typer_app import main; main()"]  # fmt: skip
LAYOUT_SIZES = (150, 300, 450)


def whole_process(tmp: Path, rounds: int) -> list[str]:
    env = {"STUDYPLAN_HOME": str(tmp / "home")}
    sp = [PYTHON, "-m", "studyplan"]
    setup = {**os.environ, **env}
    subprocess.run(
        [*sp, "plan", GOAL, "-H", "6", "--save", "bench"],
        env=setup,
        check=True,
        capture_output=True,
    )
    baseline = Case(f"plan {GOAL} via the Typer app", [*TYPER, "plan", GOAL], env)
    fast = Case("(context) the same plan, fast path", [*sp, "plan", GOAL], env)
    has_dot = shutil.which("dot") is not None
    cases = [
        Case("graph (DOT)", [*sp, "graph", GOAL], env, goal=1.3),
        Case("graph --format mermaid", [*sp, "graph", GOAL, "-f", "mermaid"], env, goal=1.3),
        Case("calendar -o bench.ics", [*sp, "calendar", "-o", str(tmp / "b.ics"), "--force"], env, goal=3.0),
        Case("report -o bench.html" + ("" if has_dot else " (no dot)"),
             [*sp, "report", GOAL, "-H", "6", "-o", str(tmp / "b.html"), "--force"], env, goal=3.0),
    ]  # fmt: skip
    if has_dot:
        cases.insert(
            2, Case("graph --format svg", [*sp, "graph", GOAL, "-f", "svg"], env, goal=3.0)
        )
    interleave([baseline, fast, *cases], rounds)
    title = "graph/report/calendar (whole process, medians, warm cache)"
    return report(title, baseline, [fast, *cases])


def at_scale(tmp: Path, rounds: int) -> list[str]:
    root = tmp / "synthetic-10k"
    goal = generate(root, 10_000)
    env = {"STUDYPLAN_HOME": str(tmp / "home-10k"), "STUDYPLAN_BUILTIN_DIR": str(root)}
    sp = [PYTHON, "-m", "studyplan"]
    subprocess.run([*sp, "topics"], env={**os.environ, **env}, check=True, capture_output=True)
    baseline = Case("plan (9.5k steps) via the Typer app", [*TYPER, "plan", goal], env)
    cases = [
        Case("(context) the same plan, fast path", [*sp, "plan", goal], env),
        Case("graph (DOT)", [*sp, "graph", goal], env, goal=3.0),
        Case("graph --format mermaid", [*sp, "graph", goal, "-f", "mermaid"], env, goal=3.0),
        Case(
            "report (not drawn; context)",
            [*sp, "report", goal, "-o", str(tmp / "s.html"), "--force"],
            env,
        ),
    ]
    interleave([baseline, *cases], max(3, rounds // 3))
    return report("graph/report on 10k synthetic topics (whole process, medians)", baseline, cases)


def layout(tmp: Path) -> None:
    """Graphviz's layout time against building the view and its DOT text."""
    from studyplan.views.dot import svg_from_dot, to_dot
    from studyplan.views.model import goals_view

    root = tmp / "synthetic"
    generate(root, max(LAYOUT_SIZES))
    os.environ["STUDYPLAN_BUILTIN_DIR"] = str(root)
    os.environ["STUDYPLAN_HOME"] = str(tmp / "home-synthetic")
    from studyplan.adapters import workspace
    from studyplan.domain.planner import graph_of

    catalog = workspace.catalog(workspace.gather(), use_cache=False)
    graph = graph_of(catalog)
    print("\n## Graphviz layout vs building the view and DOT text (in process, best of 3)")
    print(f"{'topics':>7} {'edges':>6} {'dot -Tsvg / studyplan':>22} {'dot vs smallest':>16}")
    first: float | None = None
    for size in LAYOUT_SIZES:
        goal = graph.ids[size - 1]
        view = goals_view(catalog, graph, [goal], {}, "bench")
        text = to_dot(view)
        ours = best_of(lambda goal=goal: to_dot(goals_view(catalog, graph, [goal], {}, "b")), 3)
        label = f"{len(view.nodes):>7} {len(view.edges):>6}"
        if shutil.which("dot") is None:
            print(f"{label} {'(dot not installed)':>22}")
            continue
        theirs = best_of(lambda text=text: svg_from_dot(text), repeat=3)
        first = first or theirs
        print(f"{label} {theirs / ours:>21.0f}x {theirs / first:>15.1f}x")
    for var in ("STUDYPLAN_BUILTIN_DIR", "STUDYPLAN_HOME"):
        os.environ.pop(var, None)


def main(rounds: int = 15) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        missed = whole_process(Path(tmp), rounds)
        missed += at_scale(Path(tmp), rounds)
        layout(Path(tmp))
        return missed


if __name__ == "__main__":
    main()
