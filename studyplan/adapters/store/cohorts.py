"""Cohorts: a lead, members, one assigned plan, and the members' status.

The same tables on both backends. On PostgreSQL the server enforces who may do what
(row-level security, ``cohort_sql.py``); the checks here give the same answers on SQLite
(one file, no roles: the learner is the local user or ``$STUDYPLAN_LEARNER``) and a clear
message before the server would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.plans import ASSIGNED_PREFIX
from studyplan.adapters.store.plans import _load as _from_text
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.errors import ConflictError, InputError, NotFoundError, StoreError, did_you_mean

if TYPE_CHECKING:  # loaded by the cohort commands, not on every start
    from studyplan.adapters.store.types import CohortInfo, MemberStatus

_LIVE = (
    "a.id NOT IN (SELECT u.undoes FROM action u "
    "WHERE u.undoes IS NOT NULL AND u.learner = a.learner)"
)
_PROGRESS_SQLITE = f"""
SELECT learner, topic_id, status, at, total, newest FROM (
    SELECT e.learner, e.topic_id, e.status, e.at, MAX(a.created) AS newest,
           SUM(COALESCE(e.minutes, 0)) AS total
    FROM event e JOIN action a ON a.id = e.action_id AND a.learner = e.learner
    WHERE e.learner IN (SELECT learner FROM cohort_member WHERE cohort = ?) AND {_LIVE}
    GROUP BY e.learner, e.topic_id
) WHERE status != 'reset'
ORDER BY learner, topic_id
"""
# Each member's newest live review row per topic (its card's due date).
_CARDS_SQLITE = f"""
SELECT learner, topic_id, due, created FROM (
    SELECT r.learner, r.topic_id, r.due, a.created,
           ROW_NUMBER() OVER (PARTITION BY r.learner, r.topic_id
                              ORDER BY a.created DESC, r.id DESC) AS k
    FROM review r JOIN action a ON a.id = r.action_id AND a.learner = r.learner
    WHERE r.learner IN (SELECT learner FROM cohort_member WHERE cohort = ?) AND {_LIVE}
) WHERE k = 1
"""


class CohortMixin(StoreBase):
    # ``ReviewsMixin._has_reviews``: a read-only snapshot may predate the review table.
    _has_reviews: Callable[[], bool]

    # -- reading ------------------------------------------------------------------------

    def cohorts(self) -> list[CohortInfo]:
        """The cohorts this learner leads or belongs to, by name."""
        rows = self._rows(
            "SELECT name, lead, share_progress, plan_name, plan_payload, created FROM cohort "
            "WHERE lead = ? OR name IN (SELECT cohort FROM cohort_member WHERE learner = ?) "
            "ORDER BY name",
            (self.learner, self.learner),
        )
        return [_info(row) for row in rows]

    def cohort(self, name: str) -> CohortInfo:
        """One cohort with its members (those this learner may see); ``NotFoundError``."""
        for info in self.cohorts():
            if info.name == name:
                members = tuple(
                    r[0]
                    for r in self._rows(
                        "SELECT learner FROM cohort_member WHERE cohort = ? ORDER BY learner",
                        (name,),
                    )
                )
                return info._replace(members=members)
        names = [c.name for c in self.cohorts()]
        raise NotFoundError(
            f"no cohort '{name}' that you lead or belong to",
            did_you_mean(name, names) or "see 'studyplan cohort list'",
        )

    def assigned_plans(self) -> list[tuple[str, CohortInfo]]:
        """(``@cohort``, cohort) for each cohort of this learner that has a plan."""
        return [(ASSIGNED_PREFIX + c.name, c) for c in self.cohorts() if c.plan is not None]

    def _may_see(self, name: str) -> CohortInfo:
        info = self.cohort(name)
        if info.lead != self.learner and not info.share_progress:
            raise StoreError(
                f"cohort '{name}' does not share its progress with its members",
                f"ask its lead ({info.lead}) for the status",
            )
        return info

    def member_summary(
        self, name: str, steps: Sequence[tuple[str, float]], aliases: Mapping[str, str]
    ) -> list[tuple[str, float, int, str | None, datetime | None]]:
        """PostgreSQL only: per member, (learner, hours done, steps done, first step in
        progress, newest mark) of the plan ``steps`` (topic id, hours), computed by the
        server (``studyplan_cohort_summary``); same rules as ``domain.cohort``."""
        self._may_see(name)
        rows = self._rows(
            "SELECT learner, hours_done, steps_done, in_progress, newest FROM "
            "studyplan_cohort_summary(?, ?::varchar[], ?::float8[], ?::varchar[], ?::varchar[])",
            (
                name,
                [t for t, _ in steps],
                [float(h) for _, h in steps],
                list(aliases),
                list(aliases.values()),
            ),
        )
        return [
            (str(w), float(h), int(n), p, from_db(t) if t is not None else None)
            for w, h, n, p, t in rows
        ]

    def member_statuses(self, name: str) -> list[MemberStatus]:
        """Every member's newest live status per topic: for the lead, or for members when
        the cohort shares progress (otherwise ``StoreError``)."""
        from studyplan.adapters.store.types import MemberStatus

        self._may_see(name)
        if self.url is None:
            rows = self._rows(_PROGRESS_SQLITE, (name,))
        else:
            rows = self._rows(
                "SELECT learner, topic_id, status, at, minutes, newest "
                "FROM studyplan_cohort_progress(?) ORDER BY learner, topic_id",
                (name,),
            )
        return [
            MemberStatus(str(who), str(t), str(s), from_db(at), int(m), from_db(new))
            for who, t, s, at, m, new in rows
        ]

    def member_reviews_due(
        self,
        name: str,
        now: datetime,
        aliases: Mapping[str, str],
        checkpoints: Sequence[str],
        statuses: Sequence[MemberStatus] | None = None,
    ) -> dict[str, int]:
        """Per member, how many review cards are due at ``now`` (``domain.cohort``'s
        ``reviews_due_counts``; on PostgreSQL the server counts, in
        ``studyplan_cohort_reviews_due``, and no card leaves it). On SQLite ``statuses``
        are the ``member_statuses`` the caller already read (read here otherwise)."""
        from studyplan.domain.cohort import reviews_due_counts
        from studyplan.domain.reviews import FIRST_INTERVAL_DAYS

        info = self._may_see(name)
        if self.url is not None:
            rows = self._rows(
                "SELECT learner, due FROM studyplan_cohort_reviews_due("
                "?, ?, ?, ?::varchar[], ?::varchar[], ?::varchar[])",
                (
                    name,
                    to_db(now),
                    FIRST_INTERVAL_DAYS,
                    list(aliases),
                    list(aliases.values()),
                    list(checkpoints),
                ),
            )
            return {str(who): int(n) for who, n in rows}
        if statuses is None:
            statuses = self.member_statuses(name)
        marks = [(m.learner, m.topic_id, m.status, m.at, m.recorded) for m in statuses]
        cards = (
            [
                (str(w), str(t), from_db(d), from_db(c))
                for w, t, d, c in self._rows(_CARDS_SQLITE, (name,))
            ]
            if self._has_reviews()
            else []
        )
        skip = set(checkpoints)
        return reviews_due_counts(
            info.members, marks, cards, now, lambda t: aliases.get(t, t), skip.__contains__
        )

    # -- the lead's changes -------------------------------------------------------------

    def create_cohort(self, name: str, *, share_progress: bool) -> None:
        """A new cohort led by this learner."""
        if not name.strip() or name.startswith(ASSIGNED_PREFIX) or len(name) > 100:
            raise InputError(
                f"'{name[:60]}' is not a usable cohort name",
                f"1-100 characters, not starting with '{ASSIGNED_PREFIX}'",
            )
        with self._write() as conn:
            row = conn.execute("SELECT lead FROM cohort WHERE name = ?", (name,)).fetchone()
            if row is not None:
                raise ConflictError(
                    f"a cohort named '{name}' already exists", "choose another name"
                )
            self._may_lead(conn)
            conn.execute(
                "INSERT INTO cohort (name, lead, share_progress, plan_name, plan_payload, "
                "created) VALUES (?, ?, ?, NULL, NULL, ?)",
                (name, self.learner, share_progress, to_db(now_utc())),
            )

    def add_members(self, name: str, learners: Sequence[str]) -> list[str]:
        """Add learners (idempotent); return those that were not members yet."""
        wanted = list(dict.fromkeys(learners))
        with self._write() as conn:
            self._lead_only(conn, name, "add learners to")
            self._check_roles(conn, wanted)
            present = {
                r[0]
                for r in conn.execute(
                    "SELECT learner FROM cohort_member WHERE cohort = ?", (name,)
                ).fetchall()
            }
            new = [w for w in wanted if w not in present]
            stamp = to_db(now_utc())
            for who in new:
                conn.execute(
                    "INSERT INTO cohort_member (cohort, learner, added) VALUES (?, ?, ?)",
                    (name, who, stamp),
                )
        return new

    def remove_member(self, name: str, learner: str) -> None:
        with self._write() as conn:
            self._lead_only(conn, name, "remove learners from")
            gone = conn.execute(
                "DELETE FROM cohort_member WHERE cohort = ? AND learner = ?", (name, learner)
            ).rowcount
            if not gone:
                raise NotFoundError(f"'{learner}' is not in cohort '{name}'")

    def assign_plan(self, name: str, plan: str) -> None:
        """Give every member a copy of the lead's saved plan ``plan``."""
        with self._write() as conn:
            self._lead_only(conn, name, "assign plans to")
            row = conn.execute(
                'SELECT payload FROM "plan" WHERE name = ? AND learner = ?', (plan, self.learner)
            ).fetchone()
            if row is None:
                names = [
                    r[0]
                    for r in conn.execute(
                        'SELECT name FROM "plan" WHERE learner = ?', (self.learner,)
                    ).fetchall()
                ]
                raise NotFoundError(
                    f"you have no saved plan '{plan}'",
                    did_you_mean(plan, names) or "save one with 'studyplan plan GOAL --save NAME'",
                )
            conn.execute(
                "UPDATE cohort SET plan_name = ?, plan_payload = ? WHERE name = ?",
                (plan, row[0], name),
            )

    def init_lab(self, *, learners: Sequence[str], leads: Sequence[str]) -> list[str]:
        """``cohort init``: on PostgreSQL, ``cohort_sql.init_sql`` in one transaction, then
        the grants; returns what was granted. On SQLite the migrations are all there is."""
        if self.url is None or self._conn is None:
            return []
        from studyplan.adapters.store.cohort_sql import grant_sql, init_sql

        done = []
        with self._translate():
            (schema,) = self._conn.execute("SELECT current_schema()").fetchone()
            self._conn.raw.execute(init_sql(str(schema)))  # several statements: no params
            self._check_roles(self._conn, [*learners, *leads], granted=False)
            for role, lead in [*((r, False) for r in learners), *((r, True) for r in leads)]:
                self._conn.raw.execute(grant_sql(role, lead))
                done.append(f"{role} may {'lead cohorts' if lead else 'use studyplan'}")
        return done

    # -- internals ----------------------------------------------------------------------

    def _lead_only(self, conn: Any, name: str, what: str) -> None:
        row = conn.execute("SELECT lead FROM cohort WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"no cohort '{name}' that you lead or belong to")
        if row[0] != self.learner:
            raise StoreError(
                f"only the lead of cohort '{name}' ({row[0]}) may {what} it",
                "ask them to",
            )

    def _may_lead(self, conn: Any) -> None:
        if self.url is None:
            return
        from studyplan.adapters.store.cohort_sql import LEAD_ROLE

        (ok,) = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) "
            "AND pg_has_role(current_user, ?, 'MEMBER')",
            (LEAD_ROLE, LEAD_ROLE),
        ).fetchone()
        if not ok:
            raise StoreError(
                f"role '{self.learner}' may not lead cohorts on {self.label}",
                f"ask the admin: studyplan cohort init --lead {self.learner}",
            )

    def _check_roles(self, conn: Any, learners: list[str], granted: bool = True) -> None:
        """On PostgreSQL each learner is a role (that may use studyplan, if ``granted``)."""
        if self.url is None or not learners:
            return
        from studyplan.adapters.store.cohort_sql import LEARNER_ROLE

        known = {
            r[0]: bool(r[1])
            for r in conn.execute(
                "SELECT rolname, pg_has_role(oid, ?, 'MEMBER') FROM pg_roles "
                "WHERE rolname = ANY(?)",
                (LEARNER_ROLE, learners),
            ).fetchall()
        }
        missing = [w for w in learners if w not in known]
        if missing:
            raise NotFoundError(
                f"no role {', '.join(repr(m) for m in missing)} on {self.label}",
                "each learner connects as their own role; ask the admin to create it",
            )
        outside = [w for w in learners if not known[w]]
        if outside and granted:
            raise StoreError(
                f"role {', '.join(repr(m) for m in outside)} may not use studyplan yet",
                "ask the admin: studyplan cohort init "
                + " ".join(f"--learner {m}" for m in outside),
            )


def _info(row: tuple[Any, ...]) -> CohortInfo:
    from studyplan.adapters.store.types import CohortInfo

    name, lead, share, plan_name, payload, created = row
    return CohortInfo(
        name=str(name),
        lead=str(lead),
        share_progress=bool(share),
        plan_name=plan_name,
        plan=_from_text(ASSIGNED_PREFIX + str(name), str(payload)) if payload else None,
        created=from_db(created),
    )
