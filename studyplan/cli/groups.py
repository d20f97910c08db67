"""Command groups with a default command (``plan GOAL...`` beside ``plan show NAME``,
``review [TOPIC...]`` beside ``review export``): the group class and the one way such a
group is built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

#: Subcommands (and the default command) take -h as well as --help; the group itself
#: takes none, so that ``plan -h`` reaches the default command's help.
SUBCOMMAND_SETTINGS: dict[str, Any] = {"help_option_names": ["--help", "-h"]}


class DefaultGroup(TyperGroup):
    """A group whose first argument, when it is not a subcommand's name, goes to the
    hidden default command ``DEFAULT``.

    So ``plan frontiers.bitdelta -H 6`` and ``plan -H 6 frontiers.bitdelta`` both plan,
    while ``plan show p1 --save x`` is refused by the parser instead of being half-run."""

    DEFAULT = "default"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands or args[0] == self.DEFAULT:
            args = [self.DEFAULT, *args]
        result: list[str] = super().parse_args(ctx, args)
        return result

    def list_commands(self, ctx: Any) -> list[str]:
        return [name for name in self.commands if name != self.DEFAULT]


class _DefaultContext(typer.Context):
    @property
    def command_path(self) -> str:
        # Usage reads "studyplan plan GOAL...", not "studyplan plan goals GOAL...".
        return self.parent.command_path if self.parent is not None else ""


class _DefaultCommand(TyperCommand):
    context_class = _DefaultContext


def group_with_default(
    name: str, cls: type[DefaultGroup], default: Callable[..., None]
) -> typer.Typer:
    """The Typer app of group ``name`` whose default command is ``default``; add the
    subcommands with ``app.command(NAME, context_settings=SUBCOMMAND_SETTINGS)``."""
    app = typer.Typer(
        cls=cls,
        name=name,
        add_completion=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": []},
    )
    app.command(
        cls.DEFAULT, cls=_DefaultCommand, hidden=True, context_settings=SUBCOMMAND_SETTINGS
    )(default)
    return app
