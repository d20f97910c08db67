"""Plans that keep up (issue #17), whole process on the built-in curricula, warm cache.

1. ``plan GOALS --books`` against ``plan GOALS`` for every built-in curriculum as goals
   (the whole set): goal <= 2x. The difference is choosing the readings (each part of the
   choice tried whole: OR-Tools is not loaded for the built-in set, ``books.EXHAUSTIVE_MAX``);
   the reading list prints fewer lines than the plan.
2. ``plan diff NAME`` against ``plan show NAME`` for a saved plan of the whole set with
   some marks since: goal <= 1.5x. Both re-plan the saved goals; the diff adds the
   covered-by pass and the why-tree, and prints less.
3. Context: importing CP-SAT's compiled helper (what ``plan --books`` imports for a choice
   too large to try whole) and OR-Tools' ``cp_model`` wrapper (which also imports numpy
   and pandas), against a bare ``python -c pass``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.harness import PYTHON, Case, interleave, report


def builtin_goals(env: dict[str, str]) -> list[str]:
    import json

    out = subprocess.run(
        [PYTHON, "-m", "studyplan", "curricula", "--json"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [c["id"] for c in json.loads(out)]


def main(rounds: int = 15) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"STUDYPLAN_HOME": str(Path(tmp) / "home")}
        sp = [PYTHON, "-m", "studyplan"]
        goals = builtin_goals(env)
        setup = {**os.environ, **env}
        subprocess.run(
            [*sp, "plan", *goals, "-H", "8", "--save", "all"],
            env=setup,
            check=True,
            capture_output=True,
        )
        for topic in ("math.probability", "infotheory.entropy", "optimization.sgd"):
            subprocess.run([*sp, "know", topic], env=setup, check=True, capture_output=True)
        subprocess.run(
            [*sp, "read", "perception.transformer", "vaswani2017attention"],
            env=setup,
            check=True,
            capture_output=True,
        )
        plan = Case(f"plan <{len(goals)} curricula>", [*sp, "plan", *goals], env)
        books = Case("plan <same> --books", [*sp, "plan", *goals, "--books"], env, goal=2.0)
        interleave([plan, books], rounds)
        missed = report("plan --books (whole process, medians, warm cache)", plan, [books])
        show = Case("plan show all", [*sp, "plan", "show", "all"], env)
        diff = Case("plan diff all", [*sp, "plan", "diff", "all"], env, goal=1.5)
        interleave([show, diff], rounds)
        missed += report("plan diff (whole process, medians, warm cache)", show, [diff])
        bare = Case("python -c pass", [PYTHON, "-c", "pass"])
        helper = Case(
            "import ortools.sat.python.cp_model_helper",
            [PYTHON, "-c", "import ortools.sat.python.cp_model_helper"],
        )
        cp_model = Case(
            "import ortools.sat.python.cp_model (not used)",
            [PYTHON, "-c", "import ortools.sat.python.cp_model"],
        )
        interleave([bare, helper, cp_model], max(3, rounds // 3))
        report("CP-SAT's import cost (context)", bare, [helper, cp_model])
        return missed


if __name__ == "__main__":
    main()
