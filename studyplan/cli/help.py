"""Help text in the words of the tool, not of the framework: one place for every metavar.

Typer (0.29) writes a required argument as ``{TOPIC}``, a list as ``<list[str]>`` and an
optional list as ``[[PATH]...]...``; options get ``<float>`` or ``<str>``. ``tidy`` walks
the whole command tree once, when the root group is built, and gives every parameter the
conventional Unix spelling instead: ``TOPIC``, ``GOAL...``, ``[PATH...]``, ``--start
DATE``, ``--format [dot|mermaid|svg]``. A parameter's own ``metavar`` wins, then what its
option is called (``_OPTION_NAMES``), then its type (``TEXT``, ``N``, ``NUMBER``,
``PATH``), as Click does. The re-classed parameters also answer shell completion for the
ids they name (``cli/complete.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from typer.core import TyperArgument, TyperOption

_TYPE_NAMES: dict[Any, str] = {str: "TEXT", int: "N", float: "NUMBER", Path: "PATH"}

# What an option's value is, by the option's name, so that the same option reads the same
# in every command (``--start DATE`` in plan and report alike).
_OPTION_NAMES = {
    "--start": "DATE",
    "--deadline": "DATE",
    "--since": "DATE",
    "--on": "DATE",
    "--hours-per-week": "HOURS",
    "--save": "NAME",
    "--plan": "NAME",
    "--curriculum": "ID",
    "--goal": "GOAL",
    "--topic": "TOPIC",
    "--count": "N",
    "--note": "TEXT",
    "--search": "TEXT",
}


def _value_name(param: TyperArgument | TyperOption, ctx: Any) -> str:
    desc = param.type_descriptor
    if desc.is_choice and desc.choices is not None:
        names = [getattr(c, "value", c) for c in desc.choices]
        return "[" + "|".join(str(n) for n in names) + "]"
    annotation = desc.annotation
    if desc.is_list:
        (annotation,) = get_args(annotation) or (str,)
    if desc.is_path:
        return "PATH"
    return _TYPE_NAMES.get(annotation, "VALUE")


def _completions(kind: str | None, ctx: Any, incomplete: str) -> list[Any] | None:
    """Topic ids, plans, keys ... for a parameter that names one (``cli.complete``)."""
    if kind is None:
        return None
    from typer._click.shell_completion import CompletionItem

    from studyplan.cli.complete import complete

    return [CompletionItem(value, help=text) for value, text in complete(kind, ctx, incomplete)]


def _bare(metavar: str) -> str:
    """``[PATH]...`` or ``GOAL...`` → ``PATH`` / ``GOAL``: the name without decoration."""
    return metavar.strip().removesuffix("...").strip("[]{}<>")


class Argument(TyperArgument):
    """``TOPIC``, ``GOAL...``, ``[PATH...]`` in usage lines; no type after the name."""

    def _name(self) -> str:
        return _bare(self.metavar or (self.name or "ARG").upper())

    def _usage_display_name(self) -> str:
        name = self._name() + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"

    def _rich_display_name(self) -> str:
        return self._usage_display_name()

    def display_type(self, ctx: Any) -> str:
        desc = self.type_descriptor
        return _value_name(self, ctx) if desc.is_choice else ""

    def display_type_rich(self, ctx: Any) -> str | None:
        return self.display_type(ctx) or None

    def make_metavar(self, ctx: Any = None) -> str:  # error messages
        return self._usage_display_name()

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        from studyplan.cli.complete import kind_of

        found = _completions(kind_of(self, self._name()), ctx, incomplete)
        found = super().shell_complete(ctx, incomplete) if found is None else found
        subcommands = _subcommands(ctx, self, incomplete)
        if subcommands:  # a subcommand's name wins over ids that merely contain the text
            found = [item for item in found if item.value.startswith(incomplete)]
        return subcommands + found


def _subcommands(ctx: Any, param: Argument, incomplete: str) -> list[Any]:
    """A group's hidden default command (``plan GOAL...``) stands where a subcommand
    name may go: its first argument also completes ``show``, ``use``, ``rm``."""
    parent = ctx.parent
    if parent is None or not getattr(ctx.command, "hidden", False) or ctx.params.get(param.name):
        return []
    from typer._click.shell_completion import CompletionItem

    group = parent.command
    names = [n for n in group.list_commands(parent) if n.startswith(incomplete)]
    return [CompletionItem(n, help=group.commands[n].get_short_help_str()) for n in names]


class Option(TyperOption):
    """``--start DATE``, ``-H HOURS``, ``--format [dot|mermaid|svg]``."""

    def display_type(self, ctx: Any) -> str:
        return _value_name(self, ctx)

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar
        named = next((_OPTION_NAMES[o] for o in self.opts if o in _OPTION_NAMES), None)
        if named is not None and not self.type_descriptor.is_choice:
            return named
        return self.display_type(ctx) + ("..." if self.nargs != 1 else "")

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        from studyplan.cli.complete import kind_of

        found = _completions(kind_of(self), ctx, incomplete)
        return super().shell_complete(ctx, incomplete) if found is None else found


def tidy(command: Any) -> None:
    """Give every parameter of ``command`` and of its subcommands the tidy spelling (Typer
    builds the commands of a group before the group, so the tree is whole here)."""
    stack = [command]
    while stack:
        cmd = stack.pop()
        for param in cmd.params:
            if type(param) is TyperArgument:
                param.__class__ = Argument
            elif type(param) is TyperOption:
                param.__class__ = Option
        stack.extend(getattr(cmd, "commands", {}).values())
