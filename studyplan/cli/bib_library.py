"""The personal library as a list: ``bib list`` and ``bib rm`` (undoable)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_table, print_json
from studyplan.cli.state import state


def cmd_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Your personal library, in import order: key, type, year, title, file it came from
    (blocks that no longer parse are listed as such; 'bib rm KEY' removes them)."""
    from studyplan.adapters import bibliography

    rows = state(ctx).store(create=False).library()

    def summarize(ok: Any) -> Any:
        return bibliography.summaries(
            bibliography.parse_items(
                [i for i in bibliography.library_items(ok) if i.kind != "comment"]
            )
        )

    found = bibliography.quarantine(rows, summarize, lambda line: None)
    bad = [r.key for r in rows if r.kind != "comment" and r.kind == "entry" and r.key not in found]
    listed = []
    for row in rows:
        if row.kind == "comment":
            continue
        summary = found.get(row.key)
        listed.append(
            {
                "key": row.key,
                "kind": row.kind,
                "type": summary.entry_type if summary else "",
                "year": summary.year if summary else "",
                "title": summary.title if summary else "",
                "authors": summary.authors if summary else "",
                "source": row.source,
                "added": row.added.isoformat(),
                "parses": row.key not in bad,
            }
        )
    if as_json:
        print_json(listed)
        return
    if not listed:
        typer.echo("your library is empty: add BibTeX with 'studyplan bib import FILE.bib'")
        return
    emit_table(
        ("key", "type", "year", "title", "from"),
        [
            (
                str(r["key"]),
                str(r["type"] or r["kind"]),
                str(r["year"]),
                str(r["title"]) if r["parses"] else "(does not parse: remove it with 'bib rm')",
                str(r["source"]),
            )
            for r in listed
        ],
    )
    entries = sum(1 for r in listed if r["kind"] == "entry")
    typer.echo(f"{entries} entr{'y' if entries == 1 else 'ies'}", err=True)


def cmd_rm(
    ctx: typer.Context,
    keys: Annotated[
        list[str], typer.Argument(metavar="KEY...", help="Citation keys in your library.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Remove entries from your personal library, all or nothing ('undo' puts them back).
    Built-in references cannot be removed; a curriculum citing a removed key no longer
    validates."""
    import shlex

    store = state(ctx).store(create=False)
    if not store.exists:
        from studyplan.errors import NotFoundError

        raise NotFoundError("your library is empty; nothing removed", "see 'studyplan bib list'")
    action, removed = store.remove_library(keys, command=shlex.join(["bib", "rm", *keys]))
    if as_json:
        print_json({"action": action, "removed": removed})
        return
    noun = "entry" if len(removed) == 1 else "entries"
    typer.echo(f"removed {len(removed)} {noun} from your library: {', '.join(removed)}")
    typer.echo("('studyplan undo' puts them back)")
