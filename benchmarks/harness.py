"""Timing helpers shared by the benchmarks.

The machines are shared and noisy, so every figure is reported as a ratio against a
baseline measured in the same run, interleaved: each round runs every command once, in
turn, so that a slow spell hits all of them alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    name: str
    argv: Sequence[str]
    env: dict[str, str] | None = None
    times: list[float] = field(default_factory=list)
    goal: float | None = None
    # For commands that change what they run on (``done`` on the next topic, a fresh
    # database per run): the argv of run number n.
    make_argv: Callable[[int], Sequence[str]] | None = None
    runs: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a command runs in: this one, minus ``PYTHONDONTWRITEBYTECODE`` (an
    installed package has its bytecode compiled; a checkout run without it would compile
    every module on every run), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def run_once(case: Case) -> float:
    env = clean_env(case.env)
    argv = case.make_argv(case.runs) if case.make_argv else case.argv
    case.runs += 1
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({case.name}): {proc.stderr.decode()[:400]}")
    return elapsed


def interleave(cases: Sequence[Case], rounds: int, warmup: int = 2) -> None:
    for _ in range(warmup):
        for case in cases:
            run_once(case)
    for _ in range(rounds):
        for case in cases:
            case.times.append(run_once(case))


def report(title: str, baseline: Case, cases: Sequence[Case]) -> list[str]:
    """Print a table of medians and ratios; return the failed goals (if any)."""
    print(f"\n## {title}")
    print(f"{'command':<44} {'median ms':>10} {'ratio':>7} {'goal':>6}")
    missed: list[str] = []
    for case in [baseline, *cases]:
        ratio = case.median_ms / baseline.median_ms
        goal = f"{case.goal:.1f}x" if case.goal else ""
        flag = ""
        if case.goal and ratio > case.goal:
            flag = "  (over goal)"
            missed.append(f"{case.name}: {ratio:.2f}x > {case.goal}x")
        print(f"{case.name:<44} {case.median_ms:>10.1f} {ratio:>6.2f}x {goal:>6}{flag}")
    return missed


def peak_mib(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Peak RSS (MiB) of one run of ``argv``, as the kernel counts it for a child."""
    script = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [PYTHON, "-S", "-c", script, *argv],
        env=clean_env(env),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.split()[-1]) / 1024


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


PYTHON = sys.executable
# Where this interpreter's packages are: the start-up rows run ``python -S`` (no site
# hook: this machine's site-packages holds a sandbox ``.pth`` that imports certifi on
# every start, ~40 ms that no user pays and that would flatter every ratio) with the
# packages and the checkout on PYTHONPATH instead.
SITE_PACKAGES = next(p for p in sys.path if p.endswith("site-packages"))
NO_SITE_ENV = {"PYTHONPATH": os.pathsep.join([str(ROOT), SITE_PACKAGES])}
# The console script, without ``-m``'s runpy: what ``studyplan`` on the PATH runs.
STUDYPLAN_S = [
    PYTHON,
    "-S",
    "-c",
    "import sys; sys.argv[0] = 'studyplan'; from studyplan.cli import main; main()",
]
