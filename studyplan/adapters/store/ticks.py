"""Readings ticked inside a topic (``studyplan read``): one ``read`` action per tick, so
that ``undo`` takes it back like a mark. Stdlib ``sqlite3`` only (``plan``, ``next`` and
``status`` read the ticks on their start-up path)."""

from __future__ import annotations

from collections.abc import Mapping

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import now_utc

_LIVE_TICKS = """
SELECT t.topic_id, t."key", t.part FROM reading_tick t JOIN action a ON a.id = t.action_id
WHERE t.learner = ? AND a.id NOT IN (SELECT undoes FROM action WHERE undoes IS NOT NULL)
ORDER BY t.id
"""


class TicksMixin(StoreBase):
    def tick_reading(self, topic_id: str, key: str, part: int | None, *, command: str = "") -> int:
        """Tick one reading (``part`` None) or one part (from 1) of a topic; return the
        action id. The CLI checks the topic, key and part against the catalog first."""
        with self._write() as conn:
            action = self._new_action(conn, "read", now_utc(), command)
            conn.execute(
                'INSERT INTO reading_tick (action_id, topic_id, "key", part, learner) '
                "VALUES (?, ?, ?, ?, ?)",
                (action, topic_id, key, part, self.learner),
            )
        return action

    def ticks(
        self, aliases: Mapping[str, str] | None = None
    ) -> dict[str, set[tuple[str, int | None]]]:
        """Topic id -> its live ticks as (key, part); rows on a retired id count as its
        survivor's."""
        found: dict[str, set[tuple[str, int | None]]] = {}
        for topic, key, part in self._rows(_LIVE_TICKS, (self.learner,)):
            topic = aliases.get(topic, topic) if aliases else topic
            found.setdefault(topic, set()).add((key, part))
        return found
