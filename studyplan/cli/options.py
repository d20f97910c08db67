"""Options shared by several commands, declared once so that they read the same
everywhere (name, short flag, help)."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
]
PlanOption = Annotated[
    str | None, typer.Option("--plan", "-p", help="A saved plan (see 'studyplan plans').")
]
PaceOption = Annotated[
    float | None,
    typer.Option(
        "--pace",
        metavar="X",
        help="Schedule at X times the estimated hours (default: your pace, learnt from "
        "'done --minutes'; --pace 1 turns it off).",
    ),
]
