"""Read-only commands over the curricula: curricula, topics, show, validate, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studyplan.cli import everyday
from studyplan.cli.everyday import topic_json
from studyplan.cli.options import CurriculumFilter, JsonOption
from studyplan.cli.output import emit_lines, emit_table, print_json
from studyplan.cli.state import state


def cmd_curricula(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the curricula: id, title, topic count, hours."""
    catalog = state(ctx).catalog()
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "title_zh": c.title_zh,
            "topics": len(c.topic_ids),
            "hours": catalog.curriculum_hours(c.id),
            "source": c.source,
        }
        for c in catalog.curricula.values()
    ]
    if as_json:
        print_json(rows)
        return
    emit_table(
        ("id", "title", "topics", "hours"),
        [
            (str(r["id"]), f"{r['title']} · {r['title_zh']}", str(r["topics"]), f"{r['hours']:g}")
            for r in rows
        ],
    )


def cmd_topics(
    ctx: typer.Context,
    curriculum: CurriculumFilter = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Case-insensitive text in id, titles, summary or tags."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List topics, optionally of one curriculum or matching a text."""
    catalog = state(ctx).catalog()
    ids = catalog.curriculum(curriculum).topic_ids if curriculum else tuple(catalog.topics)
    found = [catalog.topics[t] for t in ids]
    if search:
        needle = search.casefold()
        found = [
            t
            for t in found
            if needle
            in " ".join((t.id, *t.aliases, t.title, t.title_zh, t.summary, *t.tags)).casefold()
        ]
    if as_json:
        print_json([topic_json(catalog, t) for t in found])
        return
    emit_table(
        ("id", "title", "h", "prerequisites"),
        [
            (
                t.id,
                f"{t.title} · {t.title_zh}",
                "◆" if t.is_milestone else f"{t.hours:g}",
                ", ".join(t.prerequisite_ids),
            )
            for t in found
        ],
    )
    from studyplan.views.words import count

    emit_lines([(count(len(found), "topic"), "dim")])


def cmd_show(
    ctx: typer.Context,
    topic_id: Annotated[
        str, typer.Argument(metavar="TOPIC", help="A topic id, e.g. infotheory.entropy.")
    ],
    tree: Annotated[bool, typer.Option("--tree", help="Draw the prerequisite tree.")] = False,
    depth: Annotated[
        int,
        typer.Option("--depth", min=1, max=300, help="With --tree: levels to draw (default 12)."),
    ] = 12,
    answers: Annotated[
        bool, typer.Option("--answers", help="Print the self-checks' answers too.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Everything about one topic: summary, prerequisites with reasons, readings, self-checks
    (answers with --answers), exercises and project. A retired id shows its survivor."""
    everyday.run_show(
        state(ctx), topic_id=topic_id, tree=tree, depth=depth, answers=answers, as_json=as_json
    )


def cmd_validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...", help="Curriculum files or directories to check with the rest."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check every curriculum (built-in, user, and PATHs) and report every problem."""
    from studyplan.adapters import workspace
    from studyplan.errors import CurriculumError, NotFoundError

    st = state(ctx)
    given = list(paths or [])
    for path in given:
        if not path.exists():
            raise NotFoundError(f"{path}: no such file or directory", "check the path")
    builtin = next((root for p in given if (root := workspace.builtin_set_in(p))), None)
    if builtin is not None:  # the rest of the set comes along; other paths are extra
        given = [p for p in given if workspace.builtin_set_in(p) is None or p.is_file()]
    inputs = workspace.gather(st.curricula_dirs, given, builtin_root=builtin)
    problems = workspace.check(inputs)
    if as_json:
        print_json(
            {
                "ok": not problems,
                "builtin_from": str(builtin) if builtin is not None else None,
                "files": [s.label for s in inputs.sources],
                "problems": [
                    {
                        "file": p.source,
                        "line": p.line,
                        "topic": p.topic,
                        "message": p.message,
                        "hint": p.hint,
                    }
                    for p in problems
                ],
            }
        )
    if problems:
        raise CurriculumError(problems)
    from studyplan.views.words import count

    files = sum(1 for _ in inputs.sources)
    where = f" (the built-in set from {builtin})" if builtin is not None else ""
    typer.echo(f"ok: {count(files, 'curriculum file')} valid{where}")


def cmd_schema() -> None:
    """Print the JSON Schema of a curriculum file."""
    from studyplan.adapters.curriculum.model import json_schema

    print_json(json_schema())


def register(app: typer.Typer) -> None:
    app.command("curricula")(cmd_curricula)
    app.command("topics")(cmd_topics)
    app.command("show")(cmd_show)
    app.command("validate")(cmd_validate)
    app.command("schema")(cmd_schema)
