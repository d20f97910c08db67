"""Run every benchmark: ``python -m benchmarks.run [--quick]`` from the repository root."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHES = ["bench_startup", "bench_planner", "bench_store", "bench_bib", "bench_visual"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("only", nargs="*", help="benchmark module names to run")
    args = parser.parse_args()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
