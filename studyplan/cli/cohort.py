"""``studyplan cohort ...``: a lead's cohorts on a shared database (``docs/lab.md``)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer

from studyplan.cli.options import ForceOption, JsonOption, PageOption
from studyplan.cli.output import emit_table, print_json, say
from studyplan.cli.state import State, state

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The cohort's name.")]

cohort_app = typer.Typer(
    name="cohort",
    help="Cohorts on a shared PostgreSQL database: a lead, learners, one assigned plan.",
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
)


@cohort_app.command("init")
def cmd_init(
    ctx: typer.Context,
    learner: Annotated[
        list[str] | None,
        typer.Option("--learner", metavar="ROLE", help="Let this role use studyplan (repeatable)."),
    ] = None,
    lead: Annotated[
        list[str] | None,
        typer.Option("--lead", metavar="ROLE", help="Let this role lead cohorts (repeatable)."),
    ] = None,
    show_sql: Annotated[
        bool, typer.Option("--show-sql", help="Print the SQL it runs, and run nothing.")
    ] = False,
) -> None:
    """Create the tables, roles, grants and row-level security policies (idempotent; run
    by the lab's admin; the SQL is in docs/lab.md)."""
    if show_sql:
        from studyplan.adapters.store.cohort_sql import init_sql

        typer.echo(init_sql(), nl=False)
        return
    store = state(ctx).store(create=True)
    done = store.init_lab(learners=learner or [], leads=lead or [])
    if store.dialect == "sqlite":
        say(f"ready: {store.label} (SQLite: one file, no roles; the learner is {store.learner})")
        return
    say(f"ready: {store.label} (tables, roles, grants and row-level security in place)")
    for line in done:
        say(f"  {line}")


@cohort_app.command("create")
def cmd_create(
    ctx: typer.Context,
    name: NameArg,
    share_progress: Annotated[
        bool,
        typer.Option("--share-progress", help="Let members see the cohort's status too."),
    ] = False,
) -> None:
    """Create a cohort that you lead."""
    store = state(ctx).store(create=True)
    store.create_cohort(name, share_progress=share_progress)
    shared = "members see its status" if share_progress else "only you see its status"
    say(f"created cohort '{name}' led by {store.learner} ({shared})")


@cohort_app.command("add")
def cmd_add(
    ctx: typer.Context,
    name: NameArg,
    learners: Annotated[list[str], typer.Argument(metavar="LEARNER...", help="Learners' roles.")],
) -> None:
    """Add learners to a cohort you lead (already there: left as they are)."""
    new = state(ctx).store(create=True).add_members(name, learners)
    say(f"cohort '{name}': added {', '.join(new) if new else 'nobody new'}")


@cohort_app.command("remove")
def cmd_remove(
    ctx: typer.Context,
    name: NameArg,
    learner: Annotated[str, typer.Argument(metavar="LEARNER")],
) -> None:
    """Remove a learner from a cohort you lead (their own progress stays theirs)."""
    state(ctx).store(create=True).remove_member(name, learner)
    say(f"cohort '{name}': removed {learner}")


@cohort_app.command("assign")
def cmd_assign(
    ctx: typer.Context,
    name: NameArg,
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="One of your saved plans.")],
) -> None:
    """Give every member a copy of one of your saved plans (they see it as @NAME)."""
    state(ctx).store(create=True).assign_plan(name, plan)
    say(f"cohort '{name}': plan '{plan}' assigned; members see it as @{name} in 'studyplan plans'")


@cohort_app.command("list")
def cmd_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The cohorts you lead or belong to."""
    store = state(ctx).store(create=False)
    rows = [
        {
            "name": c.name,
            "lead": c.lead,
            "share_progress": c.share_progress,
            "plan": c.plan_name,
            "you": "lead" if c.lead == store.learner else "member",
        }
        for c in store.cohorts()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        say("no cohorts: a lead makes one with 'studyplan cohort create NAME'")
        return
    emit_table(
        ("name", "lead", "plan", "you", "shared"),
        [
            (
                str(r["name"]),
                str(r["lead"]),
                str(r["plan"] or ""),
                str(r["you"]),
                "yes" if r["share_progress"] else "",
            )
            for r in rows
        ],
    )


def _progress(st: State, name: str, per_topic: bool = False) -> tuple[Any, list[Any]]:
    """The cohort and each member's progress. On PostgreSQL ``status`` lets the server
    add up (200 rows instead of one per member and topic); the report needs every
    member's status per topic."""
    from studyplan.domain.cohort import member_progress, plan_steps, summary_progress
    from studyplan.errors import NotFoundError

    store = st.store(create=False)
    if not store.exists:
        raise NotFoundError(f"no cohort '{name}': there is no database yet")
    info = store.cohort(name)
    if info.plan is None:
        raise NotFoundError(
            f"cohort '{name}' has no plan yet", f"its lead assigns one: cohort assign {name} PLAN"
        )
    catalog = st.catalog()
    topics = catalog.topics

    def checkpoint(tid: str) -> bool:
        return tid in topics and topics.is_milestone(tid)

    if store.dialect == "postgresql" and not per_topic:
        steps = plan_steps(info.plan, catalog.resolve, checkpoint)
        sums = store.member_summary(name, steps, catalog.aliases)
        progress = summary_progress(info.plan, steps, sums, date.today())
        statuses = None  # the server counts the reviews due too
    else:
        statuses = store.member_statuses(name)
        rows = [(r.learner, r.topic_id, r.status, r.recorded) for r in statuses]
        progress = member_progress(
            info.plan, info.members, rows, date.today(), catalog.resolve, checkpoint
        )
    ids = topics.ids()
    milestones = [ids[k] for k in topics.milestones()]
    due = store.member_reviews_due(name, datetime.now(UTC), catalog.aliases, milestones, statuses)
    return info, [dataclasses.replace(p, reviews_due=due.get(p.learner, 0)) for p in progress]


@cohort_app.command("status")
def cmd_status(ctx: typer.Context, name: NameArg, as_json: JsonOption = False) -> None:
    """Each learner on the assigned plan: hours done, ahead or behind, topic in progress,
    last mark (the lead; members too with --share-progress)."""
    from studyplan.domain.plan_data import pace_text

    info, progress = _progress(state(ctx), name)
    if as_json:
        print_json(
            {
                "cohort": info.name,
                "lead": info.lead,
                "plan": info.plan_name,
                "learners": [p.json() for p in progress],
            }
        )
        return
    if not progress:
        say(f"cohort '{name}' has no learners yet: cohort add {name} LEARNER...")
        return
    emit_table(
        ("learner", "done", "pace", "in progress", "last mark", "reviews due"),
        [
            (
                p.learner,
                f"{p.hours_done:g}/{p.hours_total:g} h",
                "no schedule" if p.ahead_hours is None else pace_text(p.ahead_hours),
                p.in_progress or "",
                p.last_activity.date().isoformat() if p.last_activity else "never",
                "—" if p.reviews_due is None else str(p.reviews_due),
            )
            for p in progress
        ],
        title=f"cohort {info.name} · plan {info.plan_name} · lead {info.lead}",
    )


@cohort_app.command("report")
def cmd_report(
    ctx: typer.Context,
    name: NameArg,
    output: PageOption,
    force: ForceOption = False,
) -> None:
    """One self-contained HTML page: a row per learner with a progress bar, and a topics ×
    learners grid coloured by status."""
    from studyplan import __version__
    from studyplan.adapters.files import write_atomic
    from studyplan.views.cohort_report import render_cohort_report

    st = state(ctx)
    info, progress = _progress(st, name, per_topic=True)
    topics = st.catalog().topics
    titles = {
        tid: topics.title(tid) for tid in (progress[0].steps if progress else ()) if tid in topics
    }
    page = render_cohort_report(
        info.name, info.lead, info.plan_name, progress, titles, date.today(), __version__
    )
    write_atomic(output, page, overwrite=force)
    say(f"wrote {output}: {len(progress)} learners, {len(titles)} topics")


def register(app: typer.Typer) -> None:
    app.add_typer(cohort_app, name="cohort")
