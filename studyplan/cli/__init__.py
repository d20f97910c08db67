"""The command-line interface: thin commands that parse, call the domain, and render.

``main`` tries the fast dispatcher (``fast``) for plain everyday invocations and runs
the Typer app for everything else; ``app`` (the Typer app) is imported only when asked
for, so that the fast path never loads Typer.
"""

from __future__ import annotations

import sys
from typing import Any


def main(prog_name: str | None = None) -> None:
    """Console-script entry point (``python -m studyplan`` passes its name, so that help
    and shell completion say ``studyplan``).

    The cyclic garbage collector is paused while the fast dispatcher runs: an everyday
    command lives a few milliseconds and makes no garbage cycles worth a collection, but
    importing its modules would set off collections that walk everything loaded so far.
    The commands Typer runs get the collector back."""
    import gc

    gc.disable()
    from studyplan.cli import fast

    code = fast.run(sys.argv[1:])
    if code is not None:
        fast.finish(code)
    gc.enable()
    from studyplan.cli.typer_app import main as run_typer

    run_typer(prog_name=prog_name)


def __getattr__(name: str) -> Any:
    if name == "app":
        from studyplan.cli.typer_app import app

        return app
    raise AttributeError(name)


__all__ = ["app", "main"]
