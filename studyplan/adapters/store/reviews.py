"""Review rows: each topic's newest card, and a review session written as one action.

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each
field annotation given as a string (see ``studyplan.domain.catalog``).
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db

if TYPE_CHECKING:  # imported when cards are read: the store is on every start-up path
    from studyplan.domain.reviews import CardState

_LIVE = "a.id NOT IN (SELECT undoes FROM action WHERE undoes IS NOT NULL)"


class ReviewRow(NamedTuple):
    """One row to write: a review (``credit`` 1) or a prerequisite's share of one."""

    topic_id: str
    rating: int
    credit: float
    banked: float
    at: datetime
    due: datetime
    card: str
    seconds: int | None = None


class ReviewsMixin(StoreBase):
    # ``ProgressStore._new_action``: every action is stamped by the one rule there.
    _new_action: Callable[..., int]

    def review_states(self) -> "dict[str, CardState]":
        """Topic id -> its card as of the newest live review row (by recording order)."""
        if not self._has_reviews():
            return {}
        from studyplan.domain.reviews import CardState

        rows = self._rows(
            "SELECT topic_id, due, card, banked, n FROM ("
            "  SELECT r.topic_id, r.due, r.card, r.banked,"
            "         ROW_NUMBER() OVER (PARTITION BY r.topic_id"
            "                            ORDER BY a.created DESC, r.id DESC) AS k,"
            "         COUNT(*) OVER (PARTITION BY r.topic_id) AS n"
            "  FROM review r JOIN action a ON a.id = r.action_id"
            f"  WHERE r.learner = ? AND {_LIVE}"
            ") x WHERE k = 1 ORDER BY topic_id",
            (self.learner,),
        )
        return {
            tid: CardState(tid, from_db(due), card, float(banked), int(n))
            for tid, due, card, banked, n in rows
        }

    def review_log(
        self, topic_id: str | None = None
    ) -> list[tuple[str, int, float, datetime, int | None]]:
        """Live review rows, oldest first: (topic, rating, credit, at, seconds)."""
        if not self._has_reviews():
            return []
        where = f"WHERE r.learner = ? AND {_LIVE}" + (" AND r.topic_id = ?" if topic_id else "")
        rows = self._rows(
            "SELECT r.topic_id, r.rating, r.credit, r.at, r.seconds FROM review r "
            f"JOIN action a ON a.id = r.action_id {where} ORDER BY a.created, r.id",
            (self.learner, topic_id) if topic_id else (self.learner,),
        )
        return [(t, int(g), float(c), from_db(at), s) for t, g, c, at, s in rows]

    def record_reviews(self, rows: Sequence[ReviewRow], *, command: str = "") -> int:
        """A review session as one action (one ``undo`` takes it back)."""
        with self._write() as conn:
            action = int(self._new_action(conn, "review", now_utc(), command))
            conn.executemany(
                "INSERT INTO review (action_id, topic_id, rating, credit, banked, at, due, "
                "card, seconds, learner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        action,
                        r.topic_id,
                        r.rating,
                        r.credit,
                        r.banked,
                        to_db(r.at),
                        to_db(r.due),
                        r.card,
                        r.seconds,
                        self.learner,
                    )
                    for r in rows
                ],
            )
        return action

    def _has_reviews(self) -> bool:
        """False without a file, or for a read-only snapshot of a file from before
        ``0005_reviews`` (a snapshot is never migrated)."""
        if self.url is not None:  # PostgreSQL: always migrated before use
            return self._conn is not None
        return bool(
            self._rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review'")
        )
