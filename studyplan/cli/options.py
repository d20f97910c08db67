"""Options shared by several commands, declared once so that they read the same
everywhere (name, short flag, help)."""

from __future__ import annotations

from typing import Annotated

import typer


def _remember_json(ctx: typer.Context, value: bool) -> bool:
    """Tell the error handler that this run wants JSON, errors included."""
    from studyplan.cli.state import state

    if value:
        state(ctx).json = True
    return value


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON for scripts (errors too, on stderr).",
        callback=_remember_json,
    ),
]
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

# A schedule for freshly planned goals (``plan``, and ``report`` with GOALs).
HoursOption = Annotated[
    float | None,
    typer.Option("--hours-per-week", "-H", help="Weekly study hours: schedules the plan."),
]
StartOption = Annotated[
    str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default today).")
]
DeadlineOption = Annotated[
    str | None, typer.Option("--deadline", help="Finish by, YYYY-MM-DD: says whether it fits.")
]
CurriculumFilter = Annotated[
    str | None, typer.Option("--curriculum", "-c", help="Only this curriculum.")
]
PageOption = Annotated[
    str, typer.Option("--output", "-o", metavar="FILE.html", help="Where to write the page.")
]
