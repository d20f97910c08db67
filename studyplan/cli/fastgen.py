"""Generate ``fast_spec.py`` (what ``studyplan.cli.fast`` accepts) from the Typer app.

``python -m studyplan.cli.fastgen`` rewrites the file; ``tests/test_fast.py`` fails when
the file differs from what this derives from the live app, so a changed option, default,
range or command reaches the fast dispatcher only through Typer. Any parameter feature
the dispatcher does not implement (a callback, an environment variable, a prompt, a type
other than str/int/float/bool/path and their lists) is marked ``unsupported`` (its use falls
back to Typer) or, on a fast command, stops the generation.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
from typing import Any

from studyplan.cli import everyday, fast

# The fast commands and the body each calls ("module:function" in studyplan.cli), with
# the arguments its Typer command fixes. ``plan`` is a group: the fast path takes its
# default command (``plan GOAL...``) and leaves every subcommand to Typer.
_EVERYDAY = "studyplan.cli.everyday"
FAST_COMMANDS: dict[str, tuple[str, dict[str, Any]]] = {
    "next": (f"{_EVERYDAY}:run_next", {}),
    "status": (f"{_EVERYDAY}:run_status", {}),
    "show": (f"{_EVERYDAY}:run_show", {}),
    **{
        verb: (f"{_EVERYDAY}:run_mark", {"status": status})
        for status, verb in everyday.VERB.items()
    },
    "plan": ("studyplan.cli.plan_run:run_plan", {}),
    "read": ("studyplan.cli.reading_run:run_read", {}),
}

_TYPES = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    pathlib.Path: "path",
    list[str]: "str",
    list[pathlib.Path]: "path",
}


class SpecError(Exception):
    """A fast command uses a feature the fast dispatcher does not implement."""


def _json_option(param: Any) -> bool:
    """``options.JsonOption``: its one callback marks the run as wanting JSON errors,
    which the fast dispatcher does itself (``fast.run`` sets ``State.json``)."""
    return param.name == "as_json" and list(param.opts) == ["--json"]


def _param(param: Any, *, where: str, strict: bool) -> dict[str, Any]:
    annotation = param.type_descriptor.annotation
    problems = [
        what
        for what, bad in (
            ("a callback", param.callback is not None and not _json_option(param)),
            ("an environment variable", bool(param.envvar)),
            ("a prompt", bool(getattr(param, "prompt", None))),
            ("a counting flag", bool(getattr(param, "count", False))),
            ("an eager parameter", param.is_eager),
            ("a hidden value", not param.expose_value),
            (f"the type {annotation!r}", annotation not in _TYPES),
            (f"nargs={param.nargs}", param.nargs not in (1, -1)),
        )
        if bad
    ]
    if problems and strict:
        raise SpecError(f"{where} {param.name}: {', '.join(problems)}")
    kind = param.param_type_name
    flag = bool(getattr(param, "is_flag", False))
    if flag and not getattr(param, "is_bool_flag", False):
        problems.append("a non-boolean flag")
    return {
        "name": param.name,
        "kind": kind,
        "opts": list(param.opts) if kind == "option" else [],
        "secondary": list(param.secondary_opts) if kind == "option" else [],
        "type": _TYPES.get(annotation, "unsupported"),
        "flag": flag,
        "multiple": bool(param.multiple),
        "nargs": param.nargs,
        "required": bool(param.required),
        "default": _jsonable(param.default),
        "min": param.min,
        "max": param.max,
        "unsupported": bool(problems),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pathlib.Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise SpecError(f"a default the spec cannot hold: {value!r}")


def spec_from_app(app: Any) -> dict[str, Any]:
    """The spec the fast dispatcher reads, derived from the Typer app."""
    import typer.main

    group = typer.main.get_command(app)
    root = [_param(p, where="root option", strict=False) for p in group.params]
    commands: dict[str, Any] = {}
    for name, (body, fixed) in FAST_COMMANDS.items():
        command = group.commands[name]  # type: ignore[attr-defined]
        subcommands: list[str] = []
        if hasattr(command, "commands"):  # a group: its default command
            if command.params:
                raise SpecError(f"{name}: a group with options of its own")
            subcommands = sorted(command.commands)
            command = command.commands[command.DEFAULT]
        settings = {k: v for k, v in command.context_settings.items() if k != "help_option_names"}
        if settings:
            raise SpecError(f"{name}: context settings {settings}")
        params = [_param(p, where=name, strict=True) for p in command.params]
        expected = {"st", *fixed, *(p["name"] for p in params)}
        module, function = body.split(":")
        signature = inspect.signature(getattr(importlib.import_module(module), function))
        if set(signature.parameters) != expected:
            raise SpecError(
                f"{name}: everyday.{body} takes {sorted(signature.parameters)}, "
                f"the Typer command gives {sorted(expected)}"
            )
        commands[name] = {
            "body": body,
            "fixed": fixed,
            "params": params,
            "subcommands": subcommands,
        }
    return {"root": root, "commands": commands}


HEADER = '''"""What ``studyplan.cli.fast`` accepts: generated from the Typer app by ``python -m
studyplan.cli.fastgen``; do not edit (``tests/test_fast.py`` fails when this and the app
differ). A module, not a JSON file: it loads from its bytecode on every everyday command,
without the json module. One line per command (``ruff format`` leaves this file alone).
"""

from typing import Any

'''


def render(spec: dict[str, Any]) -> str:
    """The spec as Python source: keys sorted, one line for the root options and one per
    command."""
    commands = "".join(
        f"        {name!r}: {_sorted(spec['commands'][name])!r},\n"
        for name in sorted(spec["commands"])
    )
    return (
        f"{HEADER}SPEC: dict[str, Any] = {{\n"
        f"    'root': {_sorted(spec['root'])!r},\n"
        f"    'commands': {{\n{commands}    }},\n}}\n"
    )


def _sorted(value: Any) -> Any:
    """``value`` with every dict's keys in sorted order, and plain values only."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    if isinstance(value, str):
        return str(value)  # a ``Status`` is written as its word
    return value


def main() -> None:
    from studyplan.cli.typer_app import app

    fast.SPEC_FILE.write_text(render(spec_from_app(app)), encoding="utf-8")
    print(f"wrote {fast.SPEC_FILE}")


if __name__ == "__main__":
    main()
