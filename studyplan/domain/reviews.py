"""Spaced review, the parts that need no scheduler: which topics have cards, which are
due, and how a review's credit flows to prerequisites. Pure: no I/O, no ``fsrs`` (the
everyday commands count due reviews with this module alone; ``adapters/fsrs_cards.py``
does the scheduling).

- A topic gets a card when it is done. Until its first review its card is the one FSRS
  gives a new card rated *good* when the topic was done: due ``FIRST_INTERVAL_DAYS``
  later (a test holds this to what ``fsrs`` computes).
- **Credit flows to prerequisites** (Math Academy's fractional implicit repetition): a
  successful review (hard, good or easy) of a topic is also a fraction of a *good* review
  of each done prerequisite it exercises: ``CREDIT_BY_DEPTH`` by the number of
  prerequisite links between them (½ for a direct prerequisite, ¼ two links down,
  nothing further). Fractions are banked per topic; when a topic's bank reaches 1 it is
  reviewed *good* at that moment and the bank goes down by 1. A failed review (again)
  counts against that topic only: nothing flows.

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each
field annotation given as a string (see ``studyplan.domain.catalog``).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from studyplan.domain.graph import PrerequisiteGraph

RATINGS = ("again", "hard", "good", "easy")
#: A rating's number, as FSRS numbers them (1 again … 4 easy).
RATING_VALUE = {name: k for k, name in enumerate(RATINGS, start=1)}
GOOD = RATING_VALUE["good"]
#: The share of a successful review credited to a prerequisite, by links between them.
CREDIT_BY_DEPTH = {1: 0.5, 2: 0.25}
#: FSRS's first interval for a new card rated good (with no learning steps).
FIRST_INTERVAL_DAYS = 2


class CardState(NamedTuple):
    """A topic's card as the store last wrote it (the newest live review row)."""

    topic_id: str
    due: datetime
    card: str  # the FSRS card as JSON
    banked: float  # implicit credit carried towards its next implicit review
    reviews: int  # live review rows, implicit ones included


def due_of(done_at: datetime, state: CardState | None) -> datetime:
    """When a done topic's card is next due."""
    return state.due if state is not None else done_at + timedelta(days=FIRST_INTERVAL_DAYS)


def due_topics(
    done: Mapping[str, datetime], states: Mapping[str, CardState], now: datetime
) -> list[tuple[str, datetime]]:
    """Done topics whose card is due at ``now``, most overdue first (then by id)."""
    found = [(tid, due_of(at, states.get(tid))) for tid, at in done.items()]
    return sorted(((t, d) for t, d in found if d <= now), key=lambda x: (x[1], x[0]))


def upcoming(
    done: Mapping[str, datetime], states: Mapping[str, CardState]
) -> list[tuple[str, datetime]]:
    """Every done topic with its next due date, soonest first."""
    found = [(tid, due_of(at, states.get(tid))) for tid, at in done.items()]
    return sorted(found, key=lambda x: (x[1], x[0]))


def credit_targets(
    graph: "PrerequisiteGraph", topic_id: str, has_card: Iterable[str] | set[str]
) -> list[tuple[str, int, float]]:
    """(prerequisite, links down, credit) for every carded prerequisite a successful
    review of ``topic_id`` exercises, nearest first, each at its shortest distance."""
    cards = has_card if isinstance(has_card, set) else set(has_card)
    requires = graph.requires
    deepest = max(CREDIT_BY_DEPTH)
    seen = {topic_id}
    layer = [topic_id]
    found: list[tuple[str, int, float]] = []
    for depth in range(1, deepest + 1):
        below: list[str] = []
        for node in layer:
            for pre in requires.get(node, ()):
                if pre not in seen:
                    seen.add(pre)
                    below.append(pre)
        found += [(t, depth, CREDIT_BY_DEPTH[depth]) for t in below if t in cards]
        layer = below
    return found
