"""What the user sees when a command fails, and its exit code: the one place where an
exception becomes an exit code, shared by the Typer group (``app.StudyplanGroup``) and
the fast dispatcher (``fast``). Free of the CLI framework."""

from __future__ import annotations

import sys

from studyplan.errors import EXIT_INTERNAL, StudyplanError


def exit_code(exc: BaseException, *, debug: bool) -> int:
    """Print ``exc`` as the user should see it and return the exit code; with ``debug``
    a ``StudyplanError`` or an unexpected exception is raised again (a traceback)."""
    if isinstance(exc, StudyplanError):
        if debug:
            raise exc
        for line in exc.lines():
            _err(line)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        _err("interrupted")
        return 130
    if isinstance(exc, BrokenPipeError):
        sys.stderr.close()
        return 0
    if debug or not isinstance(exc, Exception):
        raise exc
    _err(
        f"error: internal error: {type(exc).__name__}: {exc} "
        "(run again with --debug for a traceback, and please report it)"
    )
    return EXIT_INTERNAL


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
