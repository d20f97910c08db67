"""Saved plans and the active plan. The planner owns the JSON payload; we keep it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.adapters.store.types import CohortInfo
from studyplan.errors import ConflictError, NotFoundError, did_you_mean

ACTIVE_PLAN = "active_plan"
#: How a learner names a cohort's assigned plan (``plans``, ``plan show``, ``--plan``).
ASSIGNED_PREFIX = "@"


class PlansMixin(StoreBase):
    def save_plan(self, name: str, payload: dict[str, Any], *, replace: bool = False) -> None:
        """Store ``payload`` under ``name``; an existing name needs ``replace=True``."""
        text = json.dumps(payload, ensure_ascii=False)
        stamp = to_db(now_utc())
        with self._write() as conn:
            me = self.learner
            exists = conn.execute(
                'SELECT 1 FROM "plan" WHERE name = ? AND learner = ?', (name, me)
            ).fetchone()
            if exists and not replace:
                raise ConflictError(
                    f"a plan named '{name}' already exists",
                    "choose another name, or replace it explicitly",
                )
            if exists:
                conn.execute(
                    'UPDATE "plan" SET payload = ?, updated = ? WHERE name = ? AND learner = ?',
                    (text, stamp, name, me),
                )
            else:
                conn.execute(
                    'INSERT INTO "plan" (name, payload, created, updated, learner) '
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, text, stamp, stamp, me),
                )

    def get_plan(self, name: str) -> dict[str, Any] | None:
        """A saved plan's payload; ``@COHORT`` is the plan a cohort's lead assigned."""
        if name.startswith(ASSIGNED_PREFIX):
            for shown, cohort in self._assigned():
                if shown == name:
                    return cohort.plan_payload
            return None
        rows = self._rows(
            'SELECT payload FROM "plan" WHERE name = ? AND learner = ?', (name, self.learner)
        )
        return _load(rows[0][0]) if rows else None

    def list_plans(self) -> list[tuple[str, datetime, dict[str, Any]]]:
        """Every saved plan, by name: (name, when last saved, payload); then the plans
        assigned by cohorts' leads, as ``@COHORT``."""
        rows = self._rows(
            'SELECT name, updated, payload FROM "plan" WHERE learner = ? ORDER BY name',
            (self.learner,),
        )
        own = [(name, from_db(updated), _load(payload)) for name, updated, payload in rows]
        return own + [
            (shown, c.created, c.plan_payload)
            for shown, c in self._assigned()
            if c.plan_payload is not None
        ]

    def _assigned(self) -> list[tuple[str, CohortInfo]]:
        if self._conn is None:
            return []
        return self.assigned_plans()  # type: ignore[attr-defined,no-any-return]

    def delete_plan(self, name: str) -> bool:
        """Remove a plan (and un-set it if it was active); False if there was none."""
        if name.startswith(ASSIGNED_PREFIX) and self.get_plan(name) is not None:
            raise ConflictError(
                f"'{name}' is a cohort's assigned plan: it is not yours to remove",
                "its lead changes it; 'plan use' another plan to stop following it",
            )
        if self._conn is None:
            return False
        me = self.learner
        with self._write() as conn:
            deleted = conn.execute('DELETE FROM "plan" WHERE name = ? AND learner = ?', (name, me))
            gone = bool(deleted.rowcount > 0)
            conn.execute(
                "DELETE FROM setting WHERE key = ? AND value = ? AND learner = ?",
                (ACTIVE_PLAN, name, me),
            )
        return gone

    def active_plan(self) -> str | None:
        rows = self._rows(
            "SELECT value FROM setting WHERE key = ? AND learner = ?", (ACTIVE_PLAN, self.learner)
        )
        return str(rows[0][0]) if rows else None

    def set_active_plan(self, name: str | None) -> None:
        """Make ``name`` the active plan (None: no active plan); it must be saved."""
        me = self.learner
        assigned = name is not None and self.get_plan(name) is not None
        with self._write() as conn:
            if name is None:
                conn.execute("DELETE FROM setting WHERE key = ? AND learner = ?", (ACTIVE_PLAN, me))
                return
            if (
                not assigned
                and not conn.execute(
                    'SELECT 1 FROM "plan" WHERE name = ? AND learner = ?', (name, me)
                ).fetchone()
            ):
                names = [
                    r[0] for r in conn.execute('SELECT name FROM "plan" WHERE learner = ?', (me,))
                ]
                raise NotFoundError(
                    f"no saved plan named '{name}'",
                    did_you_mean(name, names) or "see 'studyplan plans'",
                )
            conn.execute(
                'INSERT INTO setting ("key", value, learner) VALUES (?, ?, ?) '
                'ON CONFLICT("key", learner) DO UPDATE SET value = excluded.value',
                (ACTIVE_PLAN, name, me),
            )


def _load(text: str) -> dict[str, Any]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError("a saved plan's payload must be a JSON object")
    return data
