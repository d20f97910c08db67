"""The Typer application, its global options, and the one place errors become exit codes.

Command modules are registered here; each keeps its heavy imports (SQLModel, bibtexparser,
YAML, the graph library) inside the functions that need them so that ``--help`` and the
everyday commands start fast (see ``benchmarks/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from studyplan import __version__
from studyplan.cli.failures import exit_code, usage_exit_code
from studyplan.cli.state import State


class StudyplanGroup(TyperGroup):
    """Turns every ``StudyplanError`` into its message on stderr and its exit code: one
    line per problem, or one JSON object when the command was given ``--json``.

    The one place errors end a run: commands raise, they never ``typer.Exit`` with a
    code of their own (``tests/test_exit_codes.py`` checks that)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from studyplan.cli.help import tidy

        tidy(self)  # the whole tree is built by now: one place for every metavar

    def invoke(self, ctx: Any) -> Any:
        tokens = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # invoke empties them
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if not _asked_for_json(exc, tokens):
                raise  # Click's usage text and exit code 2
            ctx.exit(usage_exit_code(exc.format_message(), _usage_hint(exc)))
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            ctx.exit(exit_code(exc, debug=_debug(ctx), as_json=_json(ctx)))

    def list_commands(self, ctx: Any) -> list[str]:
        # The order in which commands were registered (a tour, not an index); Typer adds
        # command groups after plain commands, so ``plan`` is put back before ``plans``.
        names = list(self.commands)
        if "plan" in names and "plans" in names:
            names.remove("plan")
            names.insert(names.index("plans"), "plan")
        return names


def _debug(ctx: Any) -> bool:
    """``--debug`` as parsed (not looked up in ``sys.argv``, where it may be a value)."""
    return bool(getattr(ctx.find_root().obj, "debug", False))


def _asked_for_json(exc: UsageError, tokens: list[str]) -> bool:
    """The parser failed on a command that takes ``--json`` (errors Click raises without
    a context, such as a missing option value, say nothing of the command: taken as
    one that does), and ``--json`` is among the words given (before any ``--``): the
    callback that records it never ran."""
    command = exc.ctx.command if exc.ctx is not None else None
    takes_json = command is None or any("--json" in p.opts for p in command.params)
    given = tokens[: tokens.index("--")] if "--" in tokens else tokens
    return takes_json and "--json" in given


def _usage_hint(exc: UsageError) -> str | None:
    """Click's "Try '... --help' for help." line, when the command has a help option."""
    ctx = exc.ctx
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return None
    return f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help."


def _json(ctx: Any) -> bool:
    """The command was given ``--json`` (``options.JsonOption``): errors are JSON too."""
    return bool(getattr(ctx.find_root().obj, "json", False))


app = typer.Typer(
    cls=StudyplanGroup,
    name="studyplan",
    no_args_is_help=False,
    invoke_without_command=True,
    subcommand_metavar="[COMMAND [ARGS]...]",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"studyplan {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    curricula: Annotated[
        list[Path] | None,
        typer.Option(
            "--curricula",
            metavar="DIR",
            help="Extra curricula directory (repeatable); also $STUDYPLAN_CURRICULA.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Progress database: a SQLite file, or postgresql+psycopg://USER@HOST/DB "
            "(no password here: ~/.pgpass or PGPASSWORD); default $STUDYPLAN_DB, else "
            "<app data>/progress.db.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Plan a study path through the foundations of large-model research: prerequisites,
    readings, schedule, progress and BibTeX. Without a command: your plan's pace, this
    week's hours and what to study next."""
    ctx.obj = State.from_options(curricula, db, debug)
    if ctx.invoked_subcommand is None:
        from studyplan.cli import dashboard
        from studyplan.cli.state import state

        dashboard.show(state(ctx))


def _register() -> None:
    from studyplan.cli import curricula, explore, plan, progress

    curricula.register(app)
    progress.register(app)
    from studyplan.cli import reading

    app.command("read")(reading.cmd_read)
    app.add_typer(plan.plan_app, name="plan", help=plan.cmd_plan.__doc__)
    app.command("plans")(plan.cmd_plans)
    app.command("next")(explore.cmd_next)
    app.command("why")(explore.cmd_why)
    app.command("unlocks")(explore.cmd_unlocks)
    from studyplan.cli import placement

    app.command("placement")(placement.cmd_placement)
    from studyplan.cli import review

    app.add_typer(review.review_app, name="review", help=review.cmd_review.__doc__)
    from studyplan.cli import visual

    visual.register(app)
    from studyplan.cli import bib

    bib.register(app)
    from studyplan.cli import cohort

    cohort.register(app)


_register()


def main(prog_name: str | None = None) -> None:
    """Run the Typer app (``studyplan.cli.main`` tries the fast dispatcher first;
    ``python -m studyplan`` passes its name, so that help and completion say ``studyplan``)."""
    app(prog_name=prog_name)
