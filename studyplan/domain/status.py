"""The one status vocabulary: what a learner records about a topic, and what the views
show for it. Pure, stdlib only (imported on every command's start-up path).

``Status`` is a ``StrEnum``, so its members equal the words the database rows, backups
and JSON output hold (``Status.DONE == "done"``): nothing stored changes. To add a
status, add it here, to ``RECORDED`` if a learner can record it, to ``SATISFIED`` if it
counts as having the topic, and give it a label in ``views/model.py`` and a mark in
``views/render.py`` (the tests check that every status has both).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Status(StrEnum):
    """A topic's status. The first five are recorded; ``COVERED`` and ``TODO`` are only
    shown (implied by a satisfied topic that requires it / nothing recorded)."""

    STARTED = "started"
    DONE = "done"
    SKIPPED = "skipped"
    KNOWN = "known"
    #: The learner says they do not know it: it stays in plans, and what they know
    #: above it covers nothing through it.
    NOT_KNOWN = "not-known"
    COVERED = "covered"
    TODO = "todo"


#: What ``start``/``done``/``skip``/``know``/``dontknow`` record, in the order help and errors list them.
RECORDED: Final = (Status.STARTED, Status.DONE, Status.SKIPPED, Status.KNOWN, Status.NOT_KNOWN)

#: ``reset`` is recordable too, but means "no status".
RESET: Final = "reset"
MARKS: Final = (*RECORDED, RESET)

#: The recorded statuses that count as having a topic (and what it requires).
SATISFIED: Final = frozenset({Status.DONE, Status.KNOWN})

#: What the views count as having a topic: satisfied, or implied by a satisfied topic.
SATISFIED_SHOWN: Final = frozenset({*SATISFIED, Status.COVERED})
