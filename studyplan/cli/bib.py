"""BibTeX commands: ``bib export``, ``bib import``, ``bib show``, ``bib check``.

Thin: each parses its options, calls ``studyplan.adapters.bibtex.service`` (which parses through
``studyplan.adapters.bibliography``) and prints. bibtexparser is imported only on these paths.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli.options import ForceOption, JsonOption
from studyplan.cli.output import print_json
from studyplan.cli.state import state
from studyplan.domain.status import RECORDED

if TYPE_CHECKING:
    from studyplan.adapters.bibtex.export import Export
    from studyplan.adapters.bibtex.scope import Request, Selection
    from studyplan.cli.state import State

STATUSES = RECORDED

bib_app = typer.Typer(
    name="bib",
    help="BibTeX: export readings, import your own library, show and check entries.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


# ---- export ---------------------------------------------------------------------------


@bib_app.command("export")
def cmd_export(
    ctx: typer.Context,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Everything: references.bib and your library (the default)."),
    ] = False,
    library: Annotated[
        bool, typer.Option("--library", help="Your personal library only, as imported.")
    ] = False,
    curriculum: Annotated[
        str | None,
        typer.Option("--curriculum", "-c", metavar="ID", help="One curriculum's readings."),
    ] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option(
            "--goal",
            metavar="GOAL",
            help="The readings of the plan for this goal (repeatable), as 'plan' makes it.",
        ),
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", metavar="NAME", help="A saved plan's readings.")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", "-t", metavar="TOPIC", help="One topic's readings (repeatable)."),
    ] = None,
    done: Annotated[
        bool, typer.Option("--done", help="The readings of the topics you have done.")
    ] = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="S", help="Topics with this status: " + ", ".join(STATUSES)
        ),
    ] = None,
    core_only: Annotated[
        bool, typer.Option("--core-only", help="Only core readings, not optional ones.")
    ] = False,
    annotate: Annotated[
        bool,
        typer.Option(
            "--annotate", help="Add a note: which topics cite it, where to read, your status."
        ),
    ] = False,
    sort: Annotated[
        str, typer.Option("--sort", metavar="ORDER", help="plan (scope order), key or year.")
    ] = "plan",
    books: Annotated[
        bool,
        typer.Option(
            "--books",
            help="With --plan or --goal: only the works chosen for the fewest works "
            "(as 'plan --books'; core readings only).",
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE.")
    ] = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Export BibTeX that the real bibtex reads without a warning: entries exactly as
    stored, plus the @string macros, @preamble and crossref parents they need."""
    from studyplan.adapters.bibtex import scope

    request = scope.Request(
        everything=everything,
        library=library,
        curriculum=curriculum,
        goals=tuple(goal or ()),
        plan=plan,
        topics=tuple(topic or ()),
        status=status,
        core_only=core_only,
        sort=sort,
        done=done,
        books=books,
        annotate=annotate,
    ).checked()
    st = state(ctx)
    statuses = st.statuses() if request.needs_statuses else {}
    saved = st.saved_plan(plan) if plan is not None else None
    catalog = st.catalog() if request.needs_catalog else None
    selection = scope.select(request, catalog, statuses, saved)
    for line in selection.messages:
        _echo_err(line)
    result = _export(st, request, selection)
    if output is not None:
        from studyplan.adapters.bibtex import service

        service.write_file(output, result.text, overwrite=force)
    _print_export(result, selection.label, output, as_json)


def _export(st: State, request: Request, selection: Selection) -> Export:
    """The export text of a selection, leaving out (and naming) the stored library blocks
    that no longer parse; each warning bibtex would give is printed."""
    from studyplan import __version__
    from studyplan.adapters.bibliography import quarantine
    from studyplan.adapters.bibtex import service

    header = f"% studyplan {__version__} export: {selection.label}".replace("@", "(at)")
    result: Export = quarantine(
        st.store(create=False).library(),
        lambda rows: service.export_text(
            rows,
            selection.keys,
            library_only=request.library,
            sort=request.sort,
            notes=selection.notes,
            header=header,
        ),
        _echo_err,
    )
    for warning in result.warnings:
        _echo_err(f"warning: bibtex will warn: {warning}")
    return result


def _print_export(result: Export, label: str, output: Path | None, as_json: bool) -> None:
    """The export on stdout, its JSON, or (with -o) one line saying what was written."""
    if as_json:
        data: dict[str, Any] = {"scope": label, "keys": result.keys, "warnings": result.warnings}
        data.update({"file": str(output)} if output else {"bibtex": result.text})
        print_json(data)
    elif output is None:
        sys.stdout.write(result.text)
    else:
        from studyplan.views.words import count

        _echo_err(f"wrote {count(len(result.keys), 'entry')} to {output}")


# ---- import ---------------------------------------------------------------------------


class _Bar:
    """A rich progress bar on stderr that appears only if the work takes a moment."""

    DELAY = 0.4

    def __init__(self, total: int) -> None:
        import time

        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, count: int) -> None:
        import time

        self.done += count
        if self.progress is None and time.monotonic() - self.started > self.DELAY:
            if not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn("reading"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("read", total=self.total)
        if self.progress is not None:
            self.progress.update(self.task, completed=self.done)

    def phase(self, text: str) -> None:
        if self.progress is not None:
            self.progress.columns[0].text_format = text

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@bib_app.command("import")
def cmd_import(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="BibTeX files; @string-only files first."),
    ],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good blocks, list the bad ones.")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite entries whose key exists with other content."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Add BibTeX files to your personal library, exactly as written (all or nothing)."""
    from studyplan.adapters.bibliography import quarantine
    from studyplan.adapters.bibtex import service
    from studyplan.errors import BibConflictError, BibProblemsError
    from studyplan.views.words import count, noun

    st = state(ctx)
    texts, total = service.count_blocks(files)
    rows = st.store(create=False).library()
    bar = _Bar(total)
    try:
        plan = quarantine(
            rows,
            lambda ok: service.plan_import(files, texts, ok, skip_bad=skip_bad, progress=bar),
            _echo_err,
        )
        bar.phase("saving")
        if plan.bad and not skip_bad:
            raise BibProblemsError(
                plan.bad,
                f"{len(plan.bad)} bad block{'s' if len(plan.bad) != 1 else ''}; nothing imported",
                "fix them, or pass --skip-bad to import the rest",
            )
        if plan.conflicts and not replace:
            raise BibConflictError(
                plan.conflicts,
                f"{count(len(plan.conflicts), 'key')} already "
                f"{noun(len(plan.conflicts), 'exists')} with different content; nothing imported",
                "pass --replace to overwrite them",
            )
        if not dry_run and plan.rows:
            service.write_import(st.store(create=True), plan, replace=replace)
    finally:
        bar.close()
    _report_import(plan, skip_bad, dry_run, as_json)


def _report_import(plan: Any, skip_bad: bool, dry_run: bool, as_json: bool) -> None:
    from studyplan.adapters.bibtex.merge import ImportSummary

    summary = ImportSummary.of(plan)
    if as_json:
        _import_json(plan, summary, skip_bad, dry_run)
    else:
        _import_text(plan, summary, dry_run)


def _import_json(plan: Any, summary: Any, skip_bad: bool, dry_run: bool) -> None:
    print_json(
        {
            "dry_run": dry_run,
            "entries_read": plan.entries_read,
            "added": summary.added,
            "replaced": summary.replaced,
            "unchanged": summary.unchanged,
            "other_blocks": summary.other_blocks,
            "generated_keys": [{"where": w, "key": k} for w, k in plan.generated],
            "skipped": [p.render() for p in plan.bad] if skip_bad else [],
            "warnings": [p.render() for p in plan.warnings],
        }
    )


def _import_text(plan: Any, summary: Any, dry_run: bool) -> None:
    from studyplan.views.words import count

    for problem in plan.bad:
        _echo_err(f"skipped: {problem.render()}")
    for problem in plan.warnings:
        _echo_err(f"warning: {problem.render()}")
    for where, key in plan.generated:
        typer.echo(f"new key {key} for the entry at {where}")
    parts = [f"{'would add' if dry_run else 'added'} {count(len(summary.added), 'entry')}"]
    if summary.replaced:
        parts.append(f"{'would replace' if dry_run else 'replaced'} {len(summary.replaced)}")
    if summary.unchanged:
        parts.append(f"{len(summary.unchanged)} already in your library")
    if summary.other_blocks:
        parts.append(f"{count(summary.other_blocks, '@string/@preamble/comment block')}")
    if plan.bad:
        parts.append(f"skipped {len(plan.bad)} bad")
    typer.echo(", ".join(parts))


# ---- show and check -------------------------------------------------------------------


@bib_app.command("show")
def cmd_show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="A citation key.")],
    as_json: JsonOption = False,
) -> None:
    """One entry: summary, where it comes from, which topics cite it, its BibTeX."""
    from studyplan.adapters import bibliography
    from studyplan.adapters.bibtex import service
    from studyplan.errors import CurriculumError

    st = state(ctx)

    def look_up(rows: Any) -> Any:
        item, corpus = service.find(key, rows)
        return item, bibliography.summary_of(
            item, corpus.strings(), service.parent_of(item, corpus)
        )

    item, summary = bibliography.quarantine(st.store(create=False).library(), look_up, _echo_err)
    cited: list[dict[str, Any]] = []
    try:
        catalog = st.catalog()
        cited = [
            {"topic": t.id, "title": t.title, "where": r.where, "core": r.core}
            for t in catalog.topics.values()
            for r in t.readings
            if r.key == item.key
        ]
    except CurriculumError:
        _echo_err("warning: the curricula do not validate, so 'cited by' is left out")
    origin = (
        "built-in references.bib" if item.origin == "builtin" else f"your library ({item.source})"
    )
    if as_json:
        data = {**summary._asdict(), "origin": item.origin, "source": item.source}
        print_json({**data, "cited_by": cited, "bibtex": item.text})
        return
    lines = [f"{item.key}  ({summary.entry_type}, {origin})", f"  {summary.title}"]
    who = ", ".join(x for x in (summary.authors, summary.year, summary.venue) if x)
    if who:
        lines.append(f"  {who}")
    lines += [
        f"  {name}: {value}"
        for name, value in (("url", summary.url), ("doi", summary.doi))
        if value
    ]
    lines += [f"  cited by {c['topic']} ({c['title']}): {c['where']}" for c in cited]
    typer.echo("\n".join(lines) + "\n\n" + item.text.rstrip())


@bib_app.command("check")
def cmd_check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too, not only on errors.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check references.bib and your library: syntax, duplicates, undefined macros,
    crossrefs, what plain.bst would warn about, and keys cited by curricula but absent.

    Exits 6 when there are errors (or, with --strict, warnings); warnings alone are
    printed and exit 0."""
    from studyplan.adapters.bibtex import service
    from studyplan.errors import BibProblemsError

    st = state(ctx)
    rows = st.store(create=False).library()
    report = service.check(rows)
    report.errors += service.missing_citations(st.curricula_dirs, rows)
    failing = report.errors + (report.warnings if strict else [])
    summary = f"{report.builtin_entries} built-in entries, {report.library_entries} in your library"
    counts = (
        f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''} and "
        f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}"
    )
    if as_json:
        print_json(
            {
                "ok": not failing,
                "strict": strict,
                "builtin_entries": report.builtin_entries,
                "library_entries": report.library_entries,
                "errors": [p.render() for p in report.errors],
                "warnings": [p.render() for p in report.warnings],
            }
        )
    elif not failing:
        for problem in report.warnings:
            _echo_err(f"warning: {problem.render()}")
    if failing:
        raise BibProblemsError(
            [] if as_json else report.errors + report.warnings,
            f"{counts} in {summary}",
            "fix the entries, or re-import them with --replace",
        )
    if not as_json:
        typer.echo(f"ok: {summary}" + (f" ({counts})" if report.warnings else ""))


def register(app: typer.Typer) -> None:
    from studyplan.cli import bib_library

    bib_app.command("list")(bib_library.cmd_list)
    bib_app.command("rm")(bib_library.cmd_rm)
    app.add_typer(bib_app, name="bib")
