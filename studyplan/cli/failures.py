"""What the user sees when a command fails, and its exit code: the one place where an
exception becomes an exit code, shared by the Typer group (``typer_app.StudyplanGroup``) and
the fast dispatcher (``fast``). Free of the CLI framework."""

from __future__ import annotations

import sys
from typing import Any

from studyplan.errors import EXIT_INTERNAL, InputError, StudyplanError, clip


def exit_code(exc: BaseException, *, debug: bool, as_json: bool = False) -> int:
    """Print ``exc`` as the user should see it (one JSON object on stderr with
    ``as_json``) and return the exit code; with ``debug`` (as parsed, never looked up in
    ``sys.argv``) a ``StudyplanError`` or an unexpected exception is raised again."""
    if isinstance(exc, StudyplanError):
        if debug:
            raise exc
        _report(exc.lines(), exc.exit_code, as_json, exc)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        _report(["interrupted"], 130, as_json)
        return 130
    if isinstance(exc, BrokenPipeError):
        sys.stderr.close()
        return 0
    if debug or not isinstance(exc, Exception):
        raise exc
    line = (
        f"error: internal error: {type(exc).__name__}: {clip(str(exc), 300)} "
        "(run again with --debug for a traceback, and please report it)"
    )
    _report([line], EXIT_INTERNAL, as_json)
    return EXIT_INTERNAL


def usage_exit_code(message: str, hint: str | None) -> int:
    """A parse error of the command line (the CLI framework's own) under ``--json``: the
    same JSON object as every other error, with the usage hint; exit code 2."""
    exc = InputError(message, hint)
    _report(exc.lines(), exc.exit_code, True, exc)
    return exc.exit_code


def _report(lines: list[str], code: int, as_json: bool, exc: StudyplanError | None = None) -> None:
    """An error's lines, or under ``--json`` one JSON object: error, code, hint, problems."""
    if as_json:
        import json

        data: dict[str, Any] = {"error": exc.message if exc else lines[-1], "code": code}
        if exc is not None and exc.hint:
            data["hint"] = exc.hint
        if exc is not None and len(lines) > 1:
            data["problems"] = lines[:-1]
        _err(json.dumps(data, ensure_ascii=False))
        return
    for line in lines:
        _err(line)


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
