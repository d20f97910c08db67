"""The progress store: SQLite with the schema owned by SQLModel tables (``models.py``).

Importing this package is cheap (stdlib only); SQLModel is imported by backup, restore,
doctor and the schema tests, never by the everyday commands. See docs/architecture.md
for why and what it costs.
"""

from studyplan.adapters.store.core import ProgressStore, open_store
from studyplan.adapters.store.types import (
    MARKS,
    STATUSES,
    Event,
    LibraryEntry,
    Note,
    RestoreResult,
    TopicStatus,
    UndoResult,
)

__all__ = [
    "MARKS",
    "STATUSES",
    "Event",
    "LibraryEntry",
    "Note",
    "ProgressStore",
    "RestoreResult",
    "TopicStatus",
    "UndoResult",
    "open_store",
]
