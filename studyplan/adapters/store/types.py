"""Plain data the store hands out. Stdlib only. The rows every start reads are in
``rows`` (re-exported here); these are loaded by the commands that use them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from studyplan.adapters.store.rows import LEARNER_TABLES as LEARNER_TABLES
from studyplan.adapters.store.rows import MARKS as MARKS
from studyplan.adapters.store.rows import STATUSES as STATUSES
from studyplan.adapters.store.rows import LibraryBlock as LibraryBlock
from studyplan.adapters.store.rows import TopicStatus as TopicStatus

if TYPE_CHECKING:
    from studyplan.domain.saved_plan import SavedPlan


class Event(NamedTuple):
    """One recorded status change, as ``studyplan log`` shows it."""

    action_id: int
    topic_id: str
    status: str
    at: datetime
    recorded: datetime
    minutes: int | None
    note: str | None
    command: str
    undone: bool = False


class Note(NamedTuple):
    """A note on a topic: from ``studyplan note`` (``source == 'note'``) or a mark's
    ``--note`` (``source`` is that mark's status)."""

    topic_id: str
    text: str
    created: datetime
    action_id: int
    source: str


class UndoResult(NamedTuple):
    """What ``undo`` reverted, and each touched topic's status afterwards (None: none)."""

    action_id: int
    kind: str
    command: str
    created: datetime
    status: str | None
    topics: tuple[str, ...]
    now: dict[str, str | None]
    #: For an undone ``bib rm``: the keys put back into the library.
    library: tuple[str, ...] = ()

    def describe(self) -> str:
        when = self.created.astimezone().strftime("%Y-%m-%d %H:%M")
        what = self.command or (
            f"{self.status} {' '.join(self.topics)}"
            if self.kind == "mark"
            else f"{self.kind} {' '.join(self.topics)}"
        )
        after = ", ".join(f"{t} is now {s or 'not started'}" for t, s in self.now.items())
        if self.library:
            after = ", ".join(self.library) + " back in your library"
        # The command as it was typed (shell-quoted once, never quoted again around it).
        return f"undid: studyplan {what} (recorded {when})" + (f"; {after}" if after else "")


class LibraryEntry(NamedTuple):
    """One block of the personal BibTeX library, in import order."""

    key: str
    bibtex: str
    source: str
    added: datetime
    position: int
    kind: str = "entry"


class RestoreResult(NamedTuple):
    """What ``restore`` merged; restoring the same backup again adds nothing."""

    actions_added: int = 0
    actions_present: int = 0
    plans_added: int = 0
    plans_present: int = 0
    plans_conflicting: tuple[str, ...] = ()
    library_added: int = 0
    library_present: int = 0
    library_conflicting: tuple[str, ...] = ()
    active_plan_set: str | None = None
    #: With ``--skip-bad``: the JSON paths of the items left out, and why.
    skipped: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.actions_added or self.plans_added or self.library_added or self.active_plan_set
        )


class CohortInfo(NamedTuple):
    """A cohort as its lead and members see it."""

    name: str
    lead: str
    share_progress: bool
    plan_name: str | None
    #: The assigned plan (a copy of the lead's saved plan), None until one is assigned.
    plan: SavedPlan | None
    created: datetime
    members: tuple[str, ...] = ()


class MemberStatus(NamedTuple):
    """One member's newest live status of one topic (what ``cohort status`` reads)."""

    learner: str
    topic_id: str
    status: str
    at: datetime
    minutes: int
    recorded: datetime
