"""``studyplan review``: spaced review of done topics (FSRS), with credit flowing to
prerequisites; ``review --due`` lists what is due; ``review export --anki`` writes a deck.

Scheduling lives in ``adapters/fsrs_cards.py`` (the only importer of ``fsrs``), the
credit rule and due dates in ``domain/reviews.py``. A session is recorded as one action
at its end (one ``undo`` takes it back); stdin closing before the end records nothing.
"""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studyplan.cli.answers import Quit, ask_word, read_word, send
from studyplan.cli.groups import SUBCOMMAND_SETTINGS, DefaultGroup, group_with_default
from studyplan.cli.options import JsonOption
from studyplan.cli.state import State, state
from studyplan.errors import InputError

if TYPE_CHECKING:
    from studyplan.adapters.fsrs_cards import Session
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.reviews import CardState

WORDS = ("again", "hard", "good", "easy", "skip", "quit")
TERMINAL_WORDS = ("again", "hard", "good", "easy", "show", "skip", "quit")


def done_topics(st: State) -> dict[str, datetime]:
    """Done topics (learnable, still in the curricula) -> when they were done."""
    catalog = st.catalog()
    rows = st.store(create=False).statuses(catalog.aliases)
    table = catalog.topics
    return {
        tid: row.updated
        for tid, row in rows.items()
        if row.status == "done" and tid in table and not table.is_milestone(tid)
    }


def _when(moment: datetime, now: datetime) -> str:
    days = (moment - now).total_seconds() / 86400
    day = moment.astimezone().date().isoformat()
    if days <= 0:
        return f"{day} (due now)"
    return f"{day} (in {days:.0f} day{'s' if round(days) != 1 else ''})"


def cmd_review(
    ctx: typer.Context,
    topics: Annotated[
        list[str] | None,
        typer.Argument(metavar="TOPIC", help="Review these done topics (default: the due ones)."),
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="List what is due and when; review nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Review done topics that are due, one at a time, with their self-checks.

    Rate each again / hard / good / easy; FSRS schedules the next review. A success also
    credits the done prerequisites it exercises (½ one link down, ¼ two links down; two
    halves make a review); a failure counts against that topic only. The session is
    recorded as one action at the end ('undo' takes it back); quit keeps the ratings
    given so far, Ctrl-C or closed input records nothing. 'review export --anki FILE'
    writes the self-checks as an Anki deck.
    """
    from studyplan.cli.everyday import check_topics
    from studyplan.domain.reviews import due_topics, upcoming

    st = state(ctx)
    catalog = st.catalog()
    now = datetime.now(UTC)
    done = done_topics(st)
    states = st.store(create=False).review_states() if done else {}
    if due:
        _list_due(catalog, upcoming(done, states), now, as_json)
        return
    if topics:
        queue = check_topics(catalog, topics)
        for tid in queue:
            if tid not in done:
                raise InputError(
                    f"{tid} is not done: only done topics have review cards",
                    f"mark it done first ('studyplan done {tid}'), or see 'studyplan review --due'",
                )
    else:
        queue = [t for t, _ in due_topics(done, states, now)]
    if not queue:
        later = upcoming(done, states)
        if as_json:
            send({"done": True, "reviewed": [], "credited": [], "asked": 0, "recorded": False})
        elif later:
            tid, when = later[0]
            typer.echo(f"nothing to review: next is {tid}, {_when(when, now)}")
        else:
            typer.echo("nothing to review: done topics get review cards ('studyplan done TOPIC')")
        return
    _session(st, catalog, done, states, queue, as_json)


def _list_due(
    catalog: Catalog, cards: list[tuple[str, datetime]], now: datetime, as_json: bool
) -> None:
    if as_json:
        from studyplan.cli.output import print_json

        print_json(
            [
                {
                    "topic": tid,
                    "title": catalog.topics.title(tid),
                    "due": when.isoformat(),
                    "due_now": when <= now,
                }
                for tid, when in cards
            ]
        )
        return
    if not cards:
        typer.echo("no review cards yet: a topic gets one when it is done")
        return
    now_due = sum(1 for _, when in cards if when <= now)
    typer.echo(f"{now_due} review{'s' if now_due != 1 else ''} due now, {len(cards)} cards")
    width = max(len(t) for t, _ in cards)
    for tid, when in cards:
        typer.echo(f"  {tid:<{width}}  {_when(when, now)}  {catalog.topics.title(tid)}")


def _show(catalog: Catalog, tid: str, left: int) -> None:
    from studyplan.cli.output import emit_lines

    topic = catalog.topics[tid]
    lines = [
        ("", ""),
        (f"{topic.title} · {topic.title_zh}  [{tid}]  ({left} left)", "bold"),
        (f"  {topic.summary}", ""),
    ]
    lines += [(f"  {k}. {c.q}", "") for k, c in enumerate(topic.checks, 1)]
    emit_lines(lines)


def _ask(catalog: Catalog, tid: str, left: int) -> str:
    from studyplan.cli.output import emit_lines

    _show(catalog, tid, left)
    while True:
        word = ask_word(
            "How well did you recall it? again / hard / good / easy / show / skip / quit",
            TERMINAL_WORDS,
            "the review",
        )
        if word != "show":
            return word
        checks = catalog.topics[tid].checks
        emit_lines([(f"  {k}. {c.answer}", "cyan") for k, c in enumerate(checks, 1)])


def _session(
    st: State,
    catalog: Catalog,
    done: dict[str, datetime],
    states: dict[str, CardState],
    queue: list[str],
    as_json: bool,
) -> None:
    from studyplan.adapters.fsrs_cards import Session
    from studyplan.domain.planner import graph_of
    from studyplan.domain.reviews import RATING_VALUE

    session = Session(graph_of(catalog), done, states)
    reviewed: list[dict[str, Any]] = []
    credited: list[dict[str, Any]] = []
    asked = 0
    for position, tid in enumerate(queue):
        started = time.monotonic()
        if as_json:
            topic = catalog.topics[tid]
            send(
                {
                    "review": tid,
                    "title": topic.title,
                    "summary": topic.summary,
                    "checks": [{"q": c.q, "answer": c.answer} for c in topic.checks],
                    "due": session.due(tid).isoformat(),
                }
            )
            word = read_word(WORDS, "the review")
        else:
            try:
                word = _ask(catalog, tid, len(queue) - position)
            except Quit:
                typer.echo("left the review: nothing recorded")
                raise KeyboardInterrupt from None  # the one handler: exit 130
        asked += 1
        if word == "quit":
            break
        if word == "skip":
            continue
        seconds = max(1, round(time.monotonic() - started))
        now = datetime.now(UTC)
        shares = session.rate(tid, RATING_VALUE[word], now, seconds)
        when = session.due(tid)
        reviewed.append({"topic": tid, "rating": word, "due": when.isoformat()})
        credited += [{"topic": p, "credit": c, "by": tid} for p, c in shares]
        if not as_json:
            extra = "".join(f", {p} +{c:g}" for p, c in shares)
            typer.echo(
                f"  next review {_when(when, now)}" + (f"; credited{extra[1:]}" if extra else "")
            )
    _record(st, session, queue, reviewed, credited, asked, as_json)


def _record(
    st: State,
    session: Session,
    queue: list[str],
    reviewed: list[dict[str, Any]],
    credited: list[dict[str, Any]],
    asked: int,
    as_json: bool,
) -> None:
    action = None
    if session.rows:
        command = shlex.join(["review", *[r["topic"] for r in reviewed]])
        action = st.store(create=True).record_reviews(session.rows, command=command)
    if as_json:
        send(
            {
                "done": True,
                "reviewed": reviewed,
                "credited": credited,
                "asked": asked,
                "recorded": action is not None,
                "action": action,
            }
        )
        return
    typer.echo(
        f"\nreviewed {len(reviewed)} of {len(queue)}"
        + (f"; {len(credited)} prerequisite credit(s)" if credited else "")
        + ("; recorded ('studyplan undo' takes the session back)" if action else "")
    )


def cmd_review_export(
    ctx: typer.Context,
    anki: Annotated[
        Path, typer.Option("--anki", metavar="FILE.apkg", help="Write an Anki deck here.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --anki file if it exists.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Write the self-checks of your done topics as an Anki deck (stable note ids: a
    newer export updates the notes already imported)."""
    st = state(ctx)
    catalog = st.catalog()
    if anki.suffix != ".apkg":
        raise InputError(
            f"--anki {anki}: an Anki deck file ends in .apkg", "e.g. --anki checks.apkg"
        )
    if anki.exists() and not force:
        from studyplan.errors import ConflictError

        raise ConflictError(f"{anki} already exists", "pass --force to overwrite it")
    done = sorted(done_topics(st), key=catalog.topics.position)
    from studyplan.adapters.anki import write_deck

    notes = write_deck(catalog, done, anki)
    if as_json:
        from studyplan.cli.output import print_json

        print_json({"file": str(anki), "topics": len(done), "notes": notes})
        return
    typer.echo(f"wrote {anki}: {notes} self-checks from {len(done)} done topics")


class ReviewGroup(DefaultGroup):
    """``review [TOPIC...]`` reviews; ``review export`` is a subcommand."""

    DEFAULT = "session"


review_app = group_with_default("review", ReviewGroup, cmd_review)
review_app.command("export", context_settings=SUBCOMMAND_SETTINGS)(cmd_review_export)
