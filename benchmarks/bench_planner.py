"""Planner benchmarks on synthetic curricula in the real format (issue #4).

1. In-process planning on 100k topics (a goal whose closure is ~90% of the graph)
   against rustworkx's own topological sort + ancestors on the same graph (goal <= 3x).
2. Whole-process ``studyplan plan GOAL`` on 100k topics, cold (no catalog cache) and warm,
   against warm ``plan`` on the built-in curricula (goal: warm <= 3x).
3. Peak memory of the cold 100k run (goal <= 400 MiB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.harness import PYTHON, Case, best_of, interleave, report
from benchmarks.synthetic import generate

SIZES = (10_000, 100_000)


def in_process(root: Path, goal: str, label: str) -> list[str]:
    os.environ["STUDYPLAN_BUILTIN_DIR"] = str(root)
    os.environ["STUDYPLAN_HOME"] = str(root / "home-inproc")
    from studyplan.adapters import workspace
    from studyplan.domain.graph import PrerequisiteGraph
    from studyplan.domain.planner import build_plan, graph_of

    catalog = workspace.catalog(workspace.gather(), use_cache=False)
    # The native passes, as a long-running process (numpy loaded) uses them; a single CLI
    # run picks the plain-Python ones below NATIVE_COLD_MIN_TOPICS (numpy's import costs
    # more than they do there; the whole-process rows below show it).
    graph = graph_of(catalog, native=True)
    rx_graph = graph.rx_graph
    import rustworkx

    goal_index = graph.index[goal]
    plan = build_plan(catalog, [goal], {}, graph)
    # Every 100th topic of the first half done: the known-closure pruning path.
    done = {tid: "done" for tid in graph.ids[: len(graph.ids) // 2 : 100]}
    pruned = build_plan(catalog, [goal], done, graph)
    # ...and every 1000th topic of the first half marked not known: the walk then enters
    # the covered topics above a gap (planner.build_plan).
    gaps = {**done, **{tid: "not-known" for tid in graph.ids[50 : len(graph.ids) // 2 : 1000]}}
    python_graph = graph_of(catalog, native=False)
    baseline = best_of(
        lambda: (rustworkx.topological_sort(rx_graph), rustworkx.ancestors(rx_graph, goal_index))
    )
    rows = [
        (
            "studyplan build_plan (graph prebuilt)",
            best_of(lambda: build_plan(catalog, [goal], {}, graph)),
            3.0,
        ),
        (
            "  + why-tree for every step",
            best_of(lambda: build_plan(catalog, [goal], {}, graph).why_tree()),
            None,
        ),
        (
            f"  with {len(done)} topics done",
            best_of(lambda: build_plan(catalog, [goal], done, graph)),
            None,
        ),
        (
            f"  with those and {len(gaps) - len(done)} not known",
            best_of(lambda: build_plan(catalog, [goal], gaps, graph)),
            None,
        ),
        (
            "  + why-tree, plain-Python passes",
            best_of(lambda: build_plan(catalog, [goal], {}, python_graph).why_tree(), repeat=3),
            None,
        ),
        (
            "  on a fresh graph (builds it)",
            best_of(lambda: build_plan(catalog, [goal], {}, graph_of(catalog, native=True)), 3),
            None,
        ),
    ]
    print(f"\n## in-process planning, {label} topics (best of 5)")
    print(f"goal closure: {len(plan.steps)} steps; with topics done: {len(pruned.steps)} steps")
    single_run = len(graph) >= PrerequisiteGraph.NATIVE_COLD_MIN_TOPICS
    print(
        f"passes a single CLI run uses at this size: {'native' if single_run else 'plain Python'}"
    )
    print(f"{'rustworkx topological_sort + ancestors':<42} {baseline * 1000:9.1f} ms   1.00x")
    missed: list[str] = []
    for name, seconds, goal_ratio in rows:
        ratio = seconds / baseline
        note = f"  goal {goal_ratio:.1f}x" if goal_ratio else ""
        print(f"{name:<42} {seconds * 1000:9.1f} ms   {ratio:5.2f}x{note}")
        if goal_ratio and ratio > goal_ratio:
            missed.append(f"in-process planning {label}: {ratio:.2f}x > {goal_ratio:.1f}x")
    for var in ("STUDYPLAN_BUILTIN_DIR", "STUDYPLAN_HOME"):
        os.environ.pop(var, None)
    return missed


def cold_run(root: Path, goal: str, home: Path, keep_cache: bool = False) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one whole-process plan with an empty cache (or with
    the cache as it is)."""
    if not keep_cache:
        shutil.rmtree(home / "cache", ignore_errors=True)
    env = {**os.environ, "STUDYPLAN_BUILTIN_DIR": str(root), "STUDYPLAN_HOME": str(home)}
    script = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [PYTHON, "-c", script, PYTHON, "-m", "studyplan", "plan", goal],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def main(rounds: int = 15) -> list[str]:
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        roots: dict[int, tuple[Path, str]] = {}
        for size in SIZES:
            root = Path(tmp) / f"syn{size}"
            start = time.perf_counter()
            roots[size] = (root, generate(root, size))
            print(f"generated {size} topics in {time.perf_counter() - start:.1f} s")
        for size in SIZES:
            missed += in_process(*roots[size], f"{size:,}")
        big_root, big_goal = roots[100_000]
        home = Path(tmp) / "home-big"
        cold = [cold_run(big_root, big_goal, home) for _ in range(2 if rounds > 3 else 1)]
        cold_s = min(c[0] for c in cold)
        peak = max(c[1] for c in cold)
        # One file of the hundred edited: only it is parsed again (the per-file cache).
        edited = big_root / "curricula" / "s050.yaml"
        edited.write_text(edited.read_text().replace("title: Synthetic 50", "title: Edited 50"))
        after_edit_s, _ = cold_run(big_root, big_goal, home, keep_cache=True)
        builtin_home = Path(tmp) / "home-builtin"
        env_builtin = {"STUDYPLAN_HOME": str(builtin_home)}
        baseline = Case(
            "warm plan frontiers.bitdelta (built-in)",
            [PYTHON, "-m", "studyplan", "plan", "frontiers.bitdelta"],
            env_builtin,
        )
        small_root, small_goal = roots[10_000]
        warm_small = Case(
            "warm plan on 10k topics (context)",
            [PYTHON, "-m", "studyplan", "plan", small_goal],
            {
                "STUDYPLAN_BUILTIN_DIR": str(small_root),
                "STUDYPLAN_HOME": str(Path(tmp) / "home-10k"),
            },
        )
        warm = Case(
            "warm plan on 100k topics",
            [PYTHON, "-m", "studyplan", "plan", big_goal],
            {"STUDYPLAN_BUILTIN_DIR": str(big_root), "STUDYPLAN_HOME": str(home)},
            goal=3.0,
        )
        interleave([baseline, warm_small, warm], max(3, rounds // 3), warmup=1)
        missed += report("whole-process plan (medians)", baseline, [warm_small, warm])
        ratio = cold_s / (baseline.median_ms / 1000)
        print(f"{'cold plan on 100k topics (no cache)':<44} {cold_s * 1000:>10.1f} {ratio:>6.2f}x")
        ratio = after_edit_s / (baseline.median_ms / 1000)
        label = "plan after editing 1 of the 100 files"
        print(f"{label:<44} {after_edit_s * 1000:>10.1f} {ratio:>6.2f}x")
        print(f"\npeak memory, cold plan on 100k topics: {peak:.0f} MiB (goal 400 MiB)")
        if peak > 400:
            missed.append(f"peak memory {peak:.0f} MiB > 400 MiB")
    return missed


if __name__ == "__main__":
    main()
