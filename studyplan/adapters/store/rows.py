"""What every command's start reads from the store: the status rows and the library's
blocks as the catalog key needs them. Stdlib only, and small: the other records the
store hands out (``types``) are loaded by the commands that use them.

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each
field annotation given as a string (see ``studyplan.domain.catalog``).
"""

from datetime import datetime
from typing import NamedTuple

from studyplan.domain.status import MARKS as _MARKS
from studyplan.domain.status import RECORDED

#: The statuses a topic can have; ``reset`` is recordable but means "no status".
STATUSES = RECORDED
MARKS = _MARKS
#: Tables whose rows belong to one learner (row-level security on PostgreSQL).
LEARNER_TABLES = (
    "action",
    "event",
    "note",
    "plan",
    "setting",
    "library",
    "review",
    "library_removed",
    "reading_tick",
)


class TopicStatus(NamedTuple):
    """A topic's current status, derived from the live (not undone) events."""

    topic_id: str
    status: str
    updated: datetime
    minutes: int


class LibraryBlock(NamedTuple):
    """A library block as the catalog needs it: no dates, nothing parsed (a 10k-entry
    library is read on every catalog command to key the cache)."""

    key: str
    bibtex: str
    source: str
    kind: str
