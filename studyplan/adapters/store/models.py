"""The SQLModel tables: the one definition of the progress database's schema.

Importing this module imports SQLModel/SQLAlchemy (slow: benchmarks/RESULTS.md), so only the cold paths use
it: backup, restore, doctor and the schema tests. The hand-written migrations in
``migrations.py`` must produce exactly the schema described here; a test and ``doctor``
check that (``schema.py``). Every timestamp is a naive UTC ``DATETIME`` in SQLAlchemy's
SQLite text format, which the stdlib hot paths write and read too (``sqlite.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from studyplan.adapters.store.types import LEARNER_TABLES

__all__ = ["LEARNER_TABLES", "TABLES"]


class Migration(SQLModel, table=True):
    """One applied migration: name and when (UTC)."""

    __tablename__ = "_studyplan_migrations"

    name: str = Field(primary_key=True)
    applied_at: datetime


class Action(SQLModel, table=True):
    """One command that changed progress: a mark (one or more events), a note, or an undo.

    The log is append-only: undoing action N appends an ``undo`` action with
    ``undoes = N``; an action is *undone* when such a row exists (at most one, by the
    unique index). ``uid`` identifies the action across databases (backup/restore).
    """

    __tablename__ = "action"
    # The learner's newest action (recording order, on every write) is one index step.
    __table_args__ = (Index("ix_action_learner_created", "learner", "created"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    kind: str
    created: datetime = Field(index=True)
    command: str = Field(default="", sa_column_kwargs={"server_default": ""})
    undoes: int | None = Field(default=None, foreign_key="action.id", unique=True)
    learner: str = Field(default="", sa_column_kwargs={"server_default": ""})


class Event(SQLModel, table=True):
    """A topic's status as of ``at``; the newest live event per topic is its status."""

    __tablename__ = "event"
    # A learner's statuses: one pass over this index, already grouped by topic.
    __table_args__ = (Index("ix_event_learner_topic_id", "learner", "topic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    topic_id: str = Field(index=True)
    status: str
    at: datetime
    minutes: int | None = None
    note: str | None = None
    learner: str = Field(default="", sa_column_kwargs={"server_default": ""})


class Note(SQLModel, table=True):
    """A free-text note on a topic (``studyplan note``), undoable like any action."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    topic_id: str = Field(index=True)
    text: str
    learner: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})


class ReadingTick(SQLModel, table=True):
    """One reading of a topic (or one part of it, ``part`` from 1) ticked as read by
    ``studyplan read``; undoable like any action. Live ticks shrink the topic's hours."""

    __tablename__ = "reading_tick"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    topic_id: str = Field(index=True)
    key: str
    part: int | None = None
    learner: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})


class Plan(SQLModel, table=True):
    """A saved plan of one learner; ``payload`` is the planner's JSON, stored as text."""

    __tablename__ = "plan"

    name: str = Field(primary_key=True)
    payload: str
    created: datetime
    updated: datetime
    learner: str = Field(default="", primary_key=True, sa_column_kwargs={"server_default": ""})


class Setting(SQLModel, table=True):
    """Small key/value settings (``active_plan``)."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str
    learner: str = Field(default="", primary_key=True, sa_column_kwargs={"server_default": ""})


class LibraryEntry(SQLModel, table=True):
    """One block of the user's personal BibTeX library, kept as its exact text."""

    __tablename__ = "library"

    key: str = Field(primary_key=True)
    kind: str = Field(default="entry", sa_column_kwargs={"server_default": "entry"})
    bibtex: str
    source: str
    added: datetime
    position: int = Field(index=True)
    learner: str = Field(default="", primary_key=True, sa_column_kwargs={"server_default": ""})


class LibraryRemoval(SQLModel, table=True):
    """A library block ``bib rm`` removed, kept with its action so that ``undo`` can put
    it back as it was."""

    __tablename__ = "library_removed"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    key: str
    kind: str
    bibtex: str
    source: str
    added: datetime
    position: int
    learner: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})


class Review(SQLModel, table=True):
    """One review of a done topic, or a prerequisite's share of one (``credit`` < 1);
    ``card`` is the FSRS card afterwards (JSON) and ``due`` its next due date."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    topic_id: str = Field(index=True)
    rating: int
    credit: float
    banked: float
    at: datetime
    due: datetime
    card: str
    seconds: int | None = None
    learner: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})


class Cohort(SQLModel, table=True):
    """A group of learners led by ``lead`` (a role on PostgreSQL), with one assigned plan
    (a copy of the lead's saved plan, so the lead editing theirs changes nothing here)."""

    __tablename__ = "cohort"

    name: str = Field(primary_key=True)
    lead: str = Field(index=True)
    share_progress: bool
    plan_name: str | None = None
    plan_payload: str | None = None
    created: datetime


class CohortMember(SQLModel, table=True):
    """A learner in a cohort."""

    __tablename__ = "cohort_member"

    cohort: str = Field(primary_key=True, foreign_key="cohort.name")
    learner: str = Field(primary_key=True, index=True)
    added: datetime


TABLES: tuple[type[SQLModel], ...] = (
    Migration,
    Action,
    Event,
    Note,
    ReadingTick,
    Plan,
    Setting,
    LibraryEntry,
    LibraryRemoval,
    Review,
    Cohort,
    CohortMember,
)
