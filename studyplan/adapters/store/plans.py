"""Saved plans and the active plan. The planner owns the JSON payload; we keep it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.errors import ConflictError, NotFoundError, StoreError, clip, command, did_you_mean

ACTIVE_PLAN = "active_plan"


class PlansMixin(StoreBase):
    def save_plan(self, name: str, payload: dict[str, Any], *, replace: bool = False) -> None:
        """Store ``payload`` under ``name``; an existing name needs ``replace=True``.
        A payload ``SavedPlan.from_json`` would not read back is ``SavedPlanFormatError``."""
        from studyplan.domain.saved_plan import SavedPlan

        SavedPlan.from_json(payload)
        text = json.dumps(payload, ensure_ascii=False)
        stamp = to_db(now_utc())
        with self._write() as conn:
            exists = conn.execute('SELECT 1 FROM "plan" WHERE name = ?', (name,)).fetchone()
            if exists and not replace:
                raise ConflictError(
                    f"a plan named '{clip(name)}' already exists",
                    "choose another name, or replace it explicitly",
                )
            if exists:
                conn.execute(
                    'UPDATE "plan" SET payload = ?, updated = ? WHERE name = ?',
                    (text, stamp, name),
                )
            else:
                conn.execute(
                    'INSERT INTO "plan" (name, payload, created, updated) VALUES (?, ?, ?, ?)',
                    (name, text, stamp, stamp),
                )

    def get_plan(self, name: str) -> dict[str, Any] | None:
        """A saved plan's payload; ``StoreError`` naming the problem (and how to remove
        the plan) when the stored row is not one the planner can load."""
        rows = self._rows('SELECT payload FROM "plan" WHERE name = ?', (name,))
        return _load(name, rows[0][0]) if rows else None

    def plan_names(self) -> list[str]:
        return [str(r[0]) for r in self._rows('SELECT name FROM "plan" ORDER BY name')]

    def list_plans(self) -> list[tuple[str, datetime, dict[str, Any] | StoreError]]:
        """Every saved plan, by name: (name, when last saved, payload), the payload
        replaced by its ``StoreError`` when the row is damaged (one bad row must not
        stop the listing)."""
        rows = self._rows('SELECT name, updated, payload FROM "plan" ORDER BY name')
        result: list[tuple[str, datetime, dict[str, Any] | StoreError]] = []
        for name, updated, payload in rows:
            try:
                result.append((name, from_db(updated), _load(name, payload)))
            except StoreError as exc:
                result.append((name, from_db(updated), exc))
        return result

    def delete_plan(self, name: str) -> bool:
        """Remove a plan (and un-set it if it was active); False if there was none."""
        if self._conn is None:
            return False
        with self._write() as conn:
            gone = conn.execute('DELETE FROM "plan" WHERE name = ?', (name,)).rowcount > 0
            conn.execute("DELETE FROM setting WHERE key = ? AND value = ?", (ACTIVE_PLAN, name))
        return gone

    def active_plan(self) -> str | None:
        rows = self._rows("SELECT value FROM setting WHERE key = ?", (ACTIVE_PLAN,))
        return str(rows[0][0]) if rows else None

    def set_active_plan(self, name: str | None) -> None:
        """Make ``name`` the active plan (None: no active plan); it must be saved."""
        with self._write() as conn:
            if name is None:
                conn.execute("DELETE FROM setting WHERE key = ?", (ACTIVE_PLAN,))
                return
            if not conn.execute('SELECT 1 FROM "plan" WHERE name = ?', (name,)).fetchone():
                names = [r[0] for r in conn.execute('SELECT name FROM "plan"')]
                raise NotFoundError(
                    f"no saved plan named '{clip(name)}'",
                    did_you_mean(name, names) or "see 'studyplan plans'",
                )
            conn.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (ACTIVE_PLAN, name),
            )


def _load(name: str, text: str) -> dict[str, Any]:
    from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError

    try:
        data = json.loads(text)
        SavedPlan.from_json(data)
    except (ValueError, RecursionError) as exc:
        problems = exc.problems if isinstance(exc, SavedPlanFormatError) else [str(exc)]
        raise StoreError(
            f"saved plan '{clip(name)}' is damaged ({clip('; '.join(problems[:3]), 200)})",
            f"remove it with: {command('plan', 'rm', name)}",
        ) from None
    assert isinstance(data, dict)
    return data
