"""A fast dispatcher for plain invocations of the everyday commands.

Typer 0.29 imports pydantic (and click) to coerce options, which costs more than the
command itself (``benchmarks/bench_everyday.py``). This module runs ``next``, ``status``,
``show``, the marks, ``read`` and ``plan GOAL...`` without the CLI framework, calling the
same bodies (``studyplan.cli.everyday``, ``plan_run``, ``reading_run``) the Typer commands
call.

It is not a second definition of the commands: what it accepts is read from
``fast_spec.py``, which ``python -m studyplan.cli.fastgen`` generates from the Typer
app, and ``tests/test_fast.py`` fails whenever the two differ. It understands only the
plain cases (known options spelled out in full, ``--opt=value``, values that need no
coercion beyond ``int()``/``float()`` of plain ASCII digits) and answers ``None`` for anything else (help,
``--version``, ``--``, unknown or repeated options, a missing or out-of-range value,
completion): then Typer runs as before, with its own messages and exit codes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

SPEC_FILE = Path(__file__).with_name("fast_spec.py")


def _digits(token: str, most: int) -> bool:
    return 0 < len(token) <= most and token.isascii() and token.isdigit()


def _int_token(token: str) -> bool:
    return _digits(token, 9)


def _float_token(token: str) -> bool:
    whole, dot, part = token.partition(".")
    return _digits(whole, 6) and (not dot or _digits(part, 6))


def load_spec() -> dict[str, Any]:
    """The spec ``fastgen`` wrote (read-only: shared by every call in a process)."""
    from studyplan.cli.fast_spec import SPEC

    return SPEC


def _value(param: dict[str, Any], token: str) -> Any:
    """The value of one token for ``param``; ``None`` when Typer should decide."""
    if not token or token.startswith("-"):
        return None
    kind = param["type"]
    if kind == "str":
        return token
    if kind == "path":
        return Path(token)
    if kind == "float" and _float_token(token):
        return float(token)
    if kind == "int" and _int_token(token):
        number = int(token)
        low, high = param["min"], param["max"]
        if (low is not None and number < low) or (high is not None and number > high):
            return None
        return number
    return None


class _Fallback(Exception):
    """This invocation is for Typer."""


def _parse_params(
    params: list[dict[str, Any]], tokens: list[str], *, stop_at_positional: bool
) -> tuple[dict[str, Any], list[str]]:
    """Values by parameter name from ``tokens``; with ``stop_at_positional`` (the root
    options) parsing stops at the first positional token and the rest is returned."""
    by_opt = {opt: p for p in params if p["kind"] == "option" for opt in p["opts"]}
    by_secondary = {opt: p for p in params if p["kind"] == "option" for opt in p["secondary"]}
    arguments = [p for p in params if p["kind"] == "argument"]
    values: dict[str, Any] = {}
    positional: list[str] = []
    rest = list(tokens)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-") or token == "-":
            if stop_at_positional:
                return _defaults(params, values), [token, *rest]
            positional.append(token)
            continue
        name, has_inline, inline = token.partition("=")
        param = by_opt.get(name) or by_secondary.get(name)
        if param is None or param["unsupported"]:
            raise _Fallback
        if param["flag"]:
            if has_inline or param["name"] in values:
                raise _Fallback
            values[param["name"]] = name in param["opts"]
            continue
        raw = inline if has_inline else (rest.pop(0) if rest else "")
        value = _value(param, raw)
        if value is None:
            raise _Fallback
        if param["multiple"]:
            values.setdefault(param["name"], []).append(value)
        elif param["name"] in values:
            raise _Fallback
        else:
            values[param["name"]] = value
    if stop_at_positional:
        raise _Fallback  # no command named
    for param in arguments:
        if param["nargs"] == -1:
            taken, positional = positional, []
            if param["required"] and not taken:
                raise _Fallback
            converted = [_value(param, t) for t in taken]
            if any(v is None for v in converted):
                raise _Fallback
            values[param["name"]] = converted
        elif positional:
            value = _value(param, positional.pop(0))
            if value is None:
                raise _Fallback
            values[param["name"]] = value
        elif param["required"]:
            raise _Fallback
    if positional:
        raise _Fallback
    return _defaults(params, values), []


def _defaults(params: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    for param in params:
        if param["name"] not in values:
            if param["required"]:
                raise _Fallback
            default = param["default"]
            values[param["name"]] = list(default) if isinstance(default, list) else default
    return values


def parse(argv: list[str], spec: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(command, root values, command values) for a plain invocation; ``_Fallback`` else."""
    root, rest = _parse_params(spec["root"], argv, stop_at_positional=True)
    command = spec["commands"].get(rest[0])
    if command is None or (len(rest) > 1 and rest[1] in command["subcommands"]):
        raise _Fallback
    values, _ = _parse_params(command["params"], rest[1:], stop_at_positional=False)
    return rest[0], root, values


def run(argv: list[str]) -> int | None:
    """Run ``argv`` if it is a plain everyday invocation and return its exit code; ``None``
    means nothing was done and Typer should run it."""
    if not argv or any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    spec = load_spec()
    try:
        name, root, values = parse(argv, spec)
    except _Fallback:
        return None
    from studyplan.cli.failures import exit_code
    from studyplan.cli.state import State

    command = spec["commands"][name]
    st = State.from_options(root["curricula"], root["db"], root["debug"])
    st.json = bool(values.get("as_json"))  # errors as JSON too (``options.JsonOption``)
    module, function = command["body"].split(":")
    __import__(module)  # what importlib.import_module does, without importing importlib
    body = getattr(sys.modules[module], function)
    try:
        body(st, **command["fixed"], **values)
        sys.stdout.flush()
        return 0
    except (Exception, KeyboardInterrupt) as exc:
        return exit_code(exc, debug=st.debug, as_json=st.json)
    finally:
        st.close()


def finish(code: int) -> NoReturn:
    """End the process after a command the dispatcher ran, with its exit code.

    ``os._exit`` skips the interpreter's teardown, which frees every module, function
    and object one by one: a tenth of an everyday command's time
    (``benchmarks/bench_everyday.py``), for nothing, since by now the store is closed
    (``run``), no ``atexit`` hook is registered on this path (``tests/test_layers.py``) and
    the output is flushed here. When flushing fails (a reader that closed the pipe),
    the ordinary exit runs instead and reports it as Python always has."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(code) from None
    os._exit(code)
