"""Saved plans and the active plan. A plan is kept as ``SavedPlan.to_json()`` text and
read back through ``SavedPlan.from_json``: a row it refuses is a ``StoreError`` naming the
plan and the JSON path of each problem (exit 5), never a crash in a later command."""

from __future__ import annotations

import json
from datetime import datetime

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError
from studyplan.errors import ConflictError, NotFoundError, StoreError, clip, command, did_you_mean

ACTIVE_PLAN = "active_plan"


class PlansMixin(StoreBase):
    def save_plan(self, name: str, plan: SavedPlan, *, replace: bool = False) -> None:
        """Store ``plan`` under ``name``; an existing name needs ``replace=True``."""
        text = json.dumps(plan.to_json(), ensure_ascii=False)
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

    def get_plan(self, name: str) -> SavedPlan | None:
        """The plan saved as ``name`` (None if there is none); StoreError if unreadable."""
        rows = self._rows('SELECT payload FROM "plan" WHERE name = ?', (name,))
        return _load(name, rows[0][0]) if rows else None

    def plan_names(self) -> list[str]:
        """The saved plans' names, sorted; reads no plan (so a broken one can be removed)."""
        return [str(r[0]) for r in self._rows('SELECT name FROM "plan" ORDER BY name')]

    def list_plans(self) -> list[tuple[str, datetime, SavedPlan]]:
        """Every saved plan, by name: (name, when last saved, plan); StoreError on the
        first one that cannot be read."""
        rows = self._rows('SELECT name, updated, payload FROM "plan" ORDER BY name')
        return [(name, from_db(updated), _load(name, text)) for name, updated, text in rows]

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


def _load(name: str, text: str) -> SavedPlan:
    try:
        return SavedPlan.from_json(json.loads(text))
    except (ValueError, RecursionError, SavedPlanFormatError) as exc:
        detail = str(exc) if isinstance(exc, SavedPlanFormatError) else "$: not valid JSON"
        raise StoreError(
            f"saved plan '{clip(name)}' cannot be read: {clip(detail, 300)}",
            f"remove it with: {command('plan', 'rm', name)}; or save it again with --replace",
        ) from None
