"""Run every benchmark: ``python -m benchmarks.run [--quick] [--write] [NAME...]`` from the
repository root. ``--write`` also saves what was printed to ``benchmarks/RESULTS.md``, the
one place the README and the docs point to for measured figures."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

BENCHES = [
    "bench_everyday",
    "bench_startup",
    "bench_planner",
    "bench_store",
    "bench_bib",
    "bench_visual",
    "bench_plans",
    "bench_placement",
    "bench_pace",
    "bench_lab",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.name}")
    parser.add_argument("only", nargs="*", help="benchmark module names to run")
    args = parser.parse_args()
    printed = Tee(sys.stdout)
    sys.stdout = printed
    missed: list[str] = []
    names = [n if n.startswith("bench_") else f"bench_{n}" for n in args.only] or BENCHES
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(BENCHES)}")
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        missed += module.main(rounds=3 if args.quick else 15)
    print()
    print("all goals met" if not missed else "goals missed:\n  " + "\n  ".join(missed))
    sys.stdout = printed.stream
    if args.write:
        write_results(printed.getvalue(), names, quick=args.quick)
        print(f"wrote {RESULTS}")
    return 0


class Tee(io.StringIO):
    """Prints as usual and keeps a copy of everything printed."""

    def __init__(self, stream: io.TextIOBase | object) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)  # type: ignore[attr-defined]
        return super().write(text)

    def flush(self) -> None:
        self.stream.flush()  # type: ignore[attr-defined]


def write_results(output: str, names: list[str], *, quick: bool) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        "# Benchmark results\n\n"
        "Written by `python3 -m benchmarks.run --write`; do not edit by hand. Every ratio is\n"
        "against a baseline measured in the same run, interleaved (the machines are shared\n"
        "and noisy, so absolute times mean little and ratios are what the goals are set on).\n\n"
        f"- run: {when}; benchmarks: {', '.join(n.removeprefix('bench_') for n in names)}"
        f"{' (--quick: 3 rounds, a smoke run)' if quick else ''}\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}\n\n"
    )
    RESULTS.write_text(header + "```\n" + output.strip() + "\n```\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
