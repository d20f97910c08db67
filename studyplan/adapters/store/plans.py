"""Saved plans and the active plan. A plan is kept as ``SavedPlan.to_json()`` text and
read back through ``SavedPlan.from_json``: a row it refuses is a ``StoreError`` naming the
plan and the JSON path of each problem (exit 5), never a crash in a later command."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.errors import ConflictError, NotFoundError, StoreError, clip, command, did_you_mean

if TYPE_CHECKING:  # read only when a plan is (off the everyday commands' start-up path)
    from studyplan.adapters.store.types import CohortInfo
    from studyplan.domain.saved_plan import SavedPlan

ACTIVE_PLAN = "active_plan"
#: How a learner names a cohort's assigned plan (``plans``, ``plan show``, ``--plan``).
ASSIGNED_PREFIX = "@"


class PlansMixin(StoreBase):
    def save_plan(self, name: str, plan: SavedPlan, *, replace: bool = False) -> None:
        """Store ``plan`` under ``name``; an existing name needs ``replace=True``."""
        import json

        text = json.dumps(plan.to_json(), ensure_ascii=False)
        stamp = to_db(now_utc())
        with self._write() as conn:
            me = self.learner
            exists = conn.execute(
                'SELECT 1 FROM "plan" WHERE name = ? AND learner = ?', (name, me)
            ).fetchone()
            if exists and not replace:
                raise ConflictError(
                    f"a plan named '{clip(name)}' already exists",
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

    def get_plan(self, name: str) -> SavedPlan | None:
        """The plan saved as ``name`` (None if there is none); StoreError if unreadable.
        ``@COHORT`` is the plan a cohort's lead assigned to its members."""
        if name.startswith(ASSIGNED_PREFIX):
            for shown, cohort in self._assigned():
                if shown == name:
                    return cohort.plan
            return None
        rows = self._rows(
            'SELECT payload FROM "plan" WHERE name = ? AND learner = ?', (name, self.learner)
        )
        return _load(name, rows[0][0]) if rows else None

    def plan_names(self) -> list[str]:
        """The saved plans' names, sorted (then the assigned ones); reads no plan (so a
        broken one can be removed)."""
        rows = self._rows(
            'SELECT name FROM "plan" WHERE learner = ? ORDER BY name', (self.learner,)
        )
        return [str(r[0]) for r in rows] + [shown for shown, _ in self._assigned()]

    def list_plans(self) -> list[tuple[str, datetime, SavedPlan]]:
        """Every saved plan, by name: (name, when last saved, plan); then the plans
        assigned by cohorts' leads, as ``@COHORT``. StoreError on the first one that
        cannot be read."""
        rows = self._rows(
            'SELECT name, updated, payload FROM "plan" WHERE learner = ? ORDER BY name',
            (self.learner,),
        )
        own = [(name, from_db(updated), _load(name, text)) for name, updated, text in rows]
        return own + [
            (shown, c.created, c.plan) for shown, c in self._assigned() if c.plan is not None
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
                    f"no saved plan named '{clip(name)}'",
                    did_you_mean(name, names) or "see 'studyplan plans'",
                )
            conn.execute(
                'INSERT INTO setting ("key", value, learner) VALUES (?, ?, ?) '
                'ON CONFLICT("key", learner) DO UPDATE SET value = excluded.value',
                (ACTIVE_PLAN, name, me),
            )


def _load(name: str, text: str) -> SavedPlan:
    import json  # a saved plan's text, read only when a plan is

    try:
        return _from_data(name, json.loads(text))
    except (ValueError, RecursionError):
        raise StoreError(
            f"saved plan '{clip(name)}' cannot be read: $: not valid JSON",
            f"remove it with: {command('plan', 'rm', name)}; or save it again with --replace",
        ) from None


def _from_data(name: str, data: Any) -> SavedPlan:
    from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError

    try:
        return SavedPlan.from_json(data)
    except (ValueError, RecursionError, SavedPlanFormatError) as exc:
        detail = str(exc) if isinstance(exc, SavedPlanFormatError) else "$: not valid JSON"
        raise StoreError(
            f"saved plan '{clip(name)}' cannot be read: {clip(detail, 300)}",
            f"remove it with: {command('plan', 'rm', name)}; or save it again with --replace",
        ) from None
