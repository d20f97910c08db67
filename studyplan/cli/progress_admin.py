"""The database itself: backup, restore, doctor (cold paths: these use SQLModel)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studyplan.cli.options import ForceOption, JsonOption
from studyplan.cli.output import print_json
from studyplan.cli.state import state
from studyplan.errors import command, did_you_mean


def cmd_backup(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write here.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write all progress, notes, plans and your library as JSON (stdout without -o)."""
    import json

    data = state(ctx).store(create=False).backup()
    if output is None:
        print_json(data)
        return
    from studyplan.adapters.files import write_atomic

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(output, text, durable=True, overwrite=force, stdout_dash=False)
    from studyplan.views.words import count

    typer.echo(
        f"backed up {count(len(data['actions']), 'action')}, "
        f"{count(len(data['plans']), 'plan')} and "
        f"{count(len(data['library']), 'library entry', 'library entries')} to {output}"
    )


def cmd_restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file from 'studyplan backup'.")],
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Restore the valid items and list the ones left out."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Merge a backup into your progress (restoring the same file twice changes nothing).

    The whole file is checked first: every problem is listed with its JSON path and
    nothing is written, unless --skip-bad leaves the bad items out."""
    from studyplan.adapters import backup_format

    data = backup_format.read(file)
    result = state(ctx).store(create=True).restore(data, source=str(file), skip_bad=skip_bad)
    if as_json:
        print_json(result._asdict())
        return
    from studyplan.views.words import count

    for problem in result.problems:
        typer.echo(f"skipped: {file}: {problem}", err=True)
    typer.echo(
        f"restored {count(result.actions_added, 'action')} "
        f"({result.actions_present} already here), {count(result.plans_added, 'plan')}, "
        f"{count(result.library_added, 'library entry', 'library entries')}"
        + (f"; skipped {count(len(result.skipped), 'bad item')}" if result.skipped else "")
    )
    if result.active_plan_set:
        typer.echo(f"active plan: {result.active_plan_set}")
    for name in result.plans_conflicting:
        typer.echo(f"kept your plan '{name}': the backup's differs", err=True)
    for key in result.library_conflicting:
        typer.echo(f"kept your library entry '{key}': the backup's differs", err=True)


def cmd_doctor(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check the progress database: integrity, schema, and orphaned topic ids."""
    from studyplan.errors import ProblemCode, StoreError

    st = state(ctx)
    catalog = st.catalog()
    store = st.store(create=False)
    known = {*catalog.topics, *catalog.aliases}  # rows on a retired id are its survivor's
    found = store.doctor(known)
    problems = [p.message for p in found if p.code != ProblemCode.ORPHANED_TOPIC]
    orphans = store.orphans(known) if not problems else {}
    if as_json:
        print_json(
            {
                "database": str(store.label),
                "exists": store.exists,
                "ok": not problems,
                "problems": problems,
                "orphans": [{"id": t, "rows": n} for t, n in orphans.items()],
            }
        )
    else:
        if not store.exists:
            typer.echo(f"no progress database yet at {store.label} (nothing to check)")
        for line in problems:
            typer.echo(f"problem: {line}")
        for tid, n in orphans.items():
            hint = did_you_mean(tid, known)
            typer.echo(
                f"orphaned: {tid} ({n} row{'s' if n != 1 else ''}) is not in the curricula"
                + (f" — {hint}" if hint else "")
                + f"; clear it with: {command('reset', tid)}"
            )
        if store.exists and not problems:
            typer.echo(f"ok: {store.label} passes the integrity and schema checks")
    if problems:
        raise StoreError(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {store.label}",
            "restore a backup into a new file: studyplan --db NEW.db restore BACKUP.json",
        )
