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

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def run_once(case: Case) -> float:
    env = {**os.environ, **(case.env or {})}
    start = time.perf_counter()
    proc = subprocess.run(case.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


PYTHON = sys.executable
