"""Whole-process start-up of everyday commands against a bare 10-command Typer app.

Goals (issue #2): ``--help`` <= 1.2x the bare app's ``--help``; ``show`` and ``topics``
<= 2x; bare ``studyplan`` (the dashboard) and a shell-completion answer <= 2x (issue 13). Runs on the built-in curricula with a warm catalog cache in a throw-away home.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.harness import PYTHON, Case, interleave, report

BARE_APP = """
import typer

app = typer.Typer()

"""
BARE_APP += "".join(
    f'''
@app.command()
def cmd{i}(name: str = "x", count: int = 1) -> None:
    """Command number {i}."""
    print(name * count)
'''
    for i in range(10)
)
BARE_APP += "\nif __name__ == '__main__':\n    app()\n"


def cases(home: Path) -> tuple[Case, list[Case]]:
    bare = home / "bare_app.py"
    bare.write_text(BARE_APP)
    env = {"STUDYPLAN_HOME": str(home / "home")}
    baseline = Case("bare Typer app --help", [PYTHON, str(bare), "--help"])
    sp = [PYTHON, "-m", "studyplan"]
    return baseline, [
        Case("studyplan --help", [*sp, "--help"], env, goal=1.2),
        Case("studyplan show math.probability", [*sp, "show", "math.probability"], env, goal=2.0),
        Case("studyplan topics", [*sp, "topics"], env, goal=2.0),
        Case("studyplan (the dashboard)", sp, env, goal=2.0),
        Case(
            "a Tab completing a topic id",
            sp,
            {
                **env,
                "_STUDYPLAN_COMPLETE": "complete_bash",
                "COMP_WORDS": "studyplan show infotheory.mu",
                "COMP_CWORD": "2",
            },
            goal=2.0,
        ),
    ]


def main(rounds: int = 15) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        baseline, others = cases(Path(tmp))
        interleave([baseline, *others], rounds)
        return report("start-up (whole process, medians, warm cache)", baseline, others)


if __name__ == "__main__":
    main()
