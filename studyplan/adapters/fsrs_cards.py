"""Scheduling reviews with FSRS (the ``fsrs`` package, the scheduler Anki adopted), and a
review session's rows with credit flowing to prerequisites (``domain/reviews.py``).

The only module that imports ``fsrs`` (an import contract holds it to that); only the
``review`` command loads it. The scheduler runs without learning steps (a topic is hours
of study, not a flash card seen for the first time: its first review is days later) and
without fuzz (the same answers give the same dates, which tests and undo rely on).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

from studyplan.adapters.store.reviews import ReviewRow
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.reviews import GOOD, CardState, credit_targets


def scheduler() -> Scheduler:
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def card_id(topic_id: str) -> int:
    """A stable card id per topic (FSRS would otherwise use the clock)."""
    return zlib.crc32(topic_id.encode("utf-8"))


def first_card(topic_id: str, done_at: datetime, fsrs: Scheduler | None = None) -> Any:
    """The card of a topic done at ``done_at``: a new card rated good then."""
    fsrs = fsrs or scheduler()
    card, _ = fsrs.review_card(Card(card_id=card_id(topic_id), due=done_at), Rating.Good, done_at)
    return card


@dataclass(slots=True)
class Session:
    """Ratings given in one ``studyplan review``, turned into review rows (nothing is
    written until the caller records ``rows`` as one action)."""

    graph: PrerequisiteGraph
    done: Mapping[str, datetime]  # done topic -> when it was done
    states: Mapping[str, CardState]
    fsrs: Scheduler = field(default_factory=scheduler)
    rows: list[ReviewRow] = field(default_factory=list)
    _cards: dict[str, Any] = field(default_factory=dict)
    _banked: dict[str, float] = field(default_factory=dict)

    def card(self, topic_id: str) -> Any:
        found = self._cards.get(topic_id)
        if found is None:
            state = self.states.get(topic_id)
            if state is not None:
                found = Card.from_json(state.card)
            else:
                found = first_card(topic_id, self.done[topic_id], self.fsrs)
            self._cards[topic_id] = found
        return found

    def banked(self, topic_id: str) -> float:
        if topic_id not in self._banked:
            state = self.states.get(topic_id)
            self._banked[topic_id] = state.banked if state is not None else 0.0
        return self._banked[topic_id]

    def rate(
        self, topic_id: str, rating: int, at: datetime, seconds: int | None = None
    ) -> list[tuple[str, float]]:
        """Review ``topic_id``; a success also banks credit on its done prerequisites.
        Returns the (prerequisite, credit) pairs credited."""
        card = self._review(topic_id, rating, at)
        self._banked[topic_id] = 0.0  # a real review supersedes the credit banked so far
        self.rows.append(
            ReviewRow(topic_id, rating, 1.0, 0.0, at, card.due, card.to_json(), seconds)
        )
        if rating == 1:  # again: a failure counts against this topic only
            return []
        credited: list[tuple[str, float]] = []
        for pre, _, credit in credit_targets(self.graph, topic_id, set(self.done)):
            bank = self.banked(pre) + credit
            pre_card = self.card(pre)
            if bank >= 1.0 - 1e-9:
                pre_card = self._review(pre, GOOD, at)
                bank -= 1.0
            self._banked[pre] = bank
            self.rows.append(
                ReviewRow(pre, GOOD, credit, bank, at, pre_card.due, pre_card.to_json())
            )
            credited.append((pre, credit))
        return credited

    def _review(self, topic_id: str, rating: int, at: datetime) -> Any:
        card, _ = self.fsrs.review_card(self.card(topic_id), Rating(rating), at)
        self._cards[topic_id] = card
        return card

    def due(self, topic_id: str) -> datetime:
        due: datetime = self.card(topic_id).due
        return due
