"""What ``studyplan cohort init`` runs on PostgreSQL, as plain SQL an admin can read.

``docs/lab.md`` prints exactly ``init_sql()`` (a test holds the two together). It runs in
one transaction after the migrations, and every statement is idempotent (``IF NOT
EXISTS``, ``CREATE OR REPLACE``, policies dropped and re-created), so running it again
changes nothing. ``{schema}`` is the schema the tables live in (the connection's
``current_schema()``, usually ``public``).

The model:

- ``studyplan_learner`` (NOLOGIN) may read and write studyplan's tables; row-level
  security then limits every row to ``learner = current_user``: the server itself refuses
  a learner reading or writing another learner's progress, notes, plans or library.
- ``studyplan_lead`` (NOLOGIN) may create cohorts. A cohort's lead alone may change it,
  add or remove members and assign its plan (the policies check ``lead = current_user``).
- Nobody reads another learner's rows. The lead, and the members when the cohort was
  created with ``--share-progress``, read the cohort's *status* (each member's newest
  status per topic, minutes and date: no notes, no commands) through
  ``studyplan_cohort_progress(cohort)``, a ``SECURITY DEFINER`` function that checks
  ``session_user`` (who logged in) before returning anything; ``studyplan_cohort_summary``
  and ``studyplan_cohort_reviews_due`` add those statuses up on the server (and count the
  members' due review cards, never showing them) under the same check.
- The tables' owner (the role that ran ``cohort init``) and superusers bypass row-level
  security, as PostgreSQL always lets them: run it as an admin role, not as a learner.
"""

from __future__ import annotations

from studyplan.adapters.store.types import LEARNER_TABLES

LEARNER_ROLE = "studyplan_learner"
LEAD_ROLE = "studyplan_lead"
SEQUENCES = (
    "action_id_seq",
    "event_id_seq",
    "note_id_seq",
    "review_id_seq",
    "library_removed_id_seq",
    "reading_tick_id_seq",
)

_ROLES = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEARNER_ROLE}') THEN
        CREATE ROLE {LEARNER_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD_ROLE}') THEN
        CREATE ROLE {LEAD_ROLE} NOLOGIN;
    END IF;
END $$;
GRANT {LEARNER_ROLE} TO {LEAD_ROLE};
GRANT USAGE ON SCHEMA {{schema}} TO {LEARNER_ROLE};
GRANT SELECT ON _studyplan_migrations TO {LEARNER_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON {", ".join(f'"{t}"' for t in LEARNER_TABLES)},
    cohort, cohort_member TO {LEARNER_ROLE};
GRANT USAGE, SELECT ON SEQUENCE {", ".join(SEQUENCES)} TO {LEARNER_ROLE};
"""

_OWN_ROWS = "".join(
    f"""
ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS studyplan_own_rows ON "{t}";
CREATE POLICY studyplan_own_rows ON "{t}"
    USING (learner = current_user) WITH CHECK (learner = current_user);"""
    for t in LEARNER_TABLES
)

# Helpers for the cohort policies: SECURITY DEFINER so that a policy on ``cohort`` may
# look at ``cohort_member`` and the other way round without recursing into each other's
# policies. They answer yes/no for the role the policy passes (``current_user``).
_HELPERS = f"""
CREATE OR REPLACE FUNCTION studyplan_is_lead(c varchar, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM cohort WHERE name = c AND lead = who) $$;
CREATE OR REPLACE FUNCTION studyplan_is_member(c varchar, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM cohort_member WHERE cohort = c AND learner = who) $$;
CREATE OR REPLACE FUNCTION studyplan_may_see_progress(c varchar, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM cohort WHERE name = c AND (lead = who
          OR (share_progress AND studyplan_is_member(c, who)))) $$;
REVOKE ALL ON FUNCTION studyplan_is_lead(varchar, name), studyplan_is_member(varchar, name),
    studyplan_may_see_progress(varchar, name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studyplan_is_lead(varchar, name), studyplan_is_member(varchar, name),
    studyplan_may_see_progress(varchar, name) TO {LEARNER_ROLE};
"""

_COHORT_POLICIES = f"""
ALTER TABLE cohort ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS studyplan_cohort_read ON cohort;
CREATE POLICY studyplan_cohort_read ON cohort FOR SELECT
    USING (lead = current_user OR studyplan_is_member(name, current_user));
DROP POLICY IF EXISTS studyplan_cohort_create ON cohort;
CREATE POLICY studyplan_cohort_create ON cohort FOR INSERT
    WITH CHECK (lead = current_user AND pg_has_role(current_user, '{LEAD_ROLE}', 'MEMBER'));
DROP POLICY IF EXISTS studyplan_cohort_change ON cohort;
CREATE POLICY studyplan_cohort_change ON cohort FOR UPDATE
    USING (lead = current_user) WITH CHECK (lead = current_user);
DROP POLICY IF EXISTS studyplan_cohort_drop ON cohort;
CREATE POLICY studyplan_cohort_drop ON cohort FOR DELETE USING (lead = current_user);
ALTER TABLE cohort_member ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS studyplan_member_read ON cohort_member;
CREATE POLICY studyplan_member_read ON cohort_member FOR SELECT
    USING (learner = current_user OR studyplan_may_see_progress(cohort, current_user));
DROP POLICY IF EXISTS studyplan_member_add ON cohort_member;
CREATE POLICY studyplan_member_add ON cohort_member FOR INSERT
    WITH CHECK (studyplan_is_lead(cohort, current_user));
DROP POLICY IF EXISTS studyplan_member_remove ON cohort_member;
CREATE POLICY studyplan_member_remove ON cohort_member FOR DELETE
    USING (studyplan_is_lead(cohort, current_user));
"""

# Each member's newest live status per topic (as ``ProgressStore.statuses`` computes a
# learner's own), for the lead and, with --share-progress, the members; nothing else.
# An undo counts only when the same learner recorded it. The permission check runs once
# (an uncorrelated subquery), undone actions are one hashed set, and the sort stays in
# memory (work_mem): 60,000 events in ~0.1-0.3 s here.
_PROGRESS = f"""
CREATE OR REPLACE FUNCTION studyplan_cohort_progress(c varchar)
    RETURNS TABLE (learner varchar, topic_id varchar, status varchar, at timestamp,
                   minutes bigint, newest timestamp)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    SET work_mem = '64MB'
    AS $$
    SELECT s.learner, s.topic_id, s.status, s.at, s.total, s.newest FROM (
        SELECT DISTINCT ON (e.learner COLLATE "C", e.topic_id COLLATE "C")
               e.learner, e.topic_id, e.status, e.at, a.created AS newest,
               SUM(COALESCE(e.minutes, 0)) OVER (PARTITION BY e.learner, e.topic_id) AS total
        FROM event e
        JOIN action a ON a.id = e.action_id AND a.learner = e.learner
        WHERE e.learner IN (SELECT m.learner FROM cohort_member m WHERE m.cohort = c)
          AND (a.learner, a.id) NOT IN
              (SELECT u.learner, u.undoes FROM action u WHERE u.undoes IS NOT NULL)
          AND (SELECT studyplan_may_see_progress(c, session_user))  -- once, not per row
        ORDER BY e.learner COLLATE "C", e.topic_id COLLATE "C", a.created DESC, e.id DESC
    ) s WHERE s.status <> 'reset'
    $$;
REVOKE ALL ON FUNCTION studyplan_cohort_progress(varchar) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studyplan_cohort_progress(varchar) TO {LEARNER_ROLE};
"""

# ``cohort status`` on the server: per member, from the newest live mark per topic (retired
# ids mapped to their survivors by ``old_ids``/``new_ids``), the hours and steps finished
# of the plan's ``steps`` (deduplicated, in plan order, with their ``hours``), the first
# step in progress, and the newest mark. 200 rows instead of 100,000 for 200 learners on a
# 500-topic plan. Same gate as studyplan_cohort_progress; the "C" collation sorts bytes.
_SUMMARY = f"""
CREATE OR REPLACE FUNCTION studyplan_cohort_summary(c varchar, steps varchar[],
        hours float8[], old_ids varchar[], new_ids varchar[])
    RETURNS TABLE (learner varchar, hours_done float8, steps_done bigint,
                   in_progress varchar, newest timestamp)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    SET work_mem = '64MB'
    AS $$
    WITH live AS (
        SELECT e.learner, COALESCE(al.new, e.topic_id) AS topic_id, e.status, a.created, e.id
        FROM event e
        JOIN action a ON a.id = e.action_id AND a.learner = e.learner
        LEFT JOIN unnest(old_ids, new_ids) AS al(old, new) ON al.old = e.topic_id
        WHERE e.learner IN (SELECT m.learner FROM cohort_member m WHERE m.cohort = c)
          AND (a.learner, a.id) NOT IN
              (SELECT u.learner, u.undoes FROM action u WHERE u.undoes IS NOT NULL)
          AND (SELECT studyplan_may_see_progress(c, session_user))
    ), latest AS (
        SELECT DISTINCT ON (learner COLLATE "C", topic_id COLLATE "C")
               learner, topic_id, status, created
        FROM live
        ORDER BY learner COLLATE "C", topic_id COLLATE "C", created DESC, id DESC
    ), plan AS (
        SELECT * FROM unnest(steps, hours) WITH ORDINALITY AS p(topic_id, hours, pos)
    )
    SELECT m.learner,
           COALESCE(SUM(p.hours) FILTER (WHERE l.status IN ('done', 'known', 'skipped')), 0),
           COUNT(p.pos) FILTER (WHERE l.status IN ('done', 'known', 'skipped')),
           (array_agg(l.topic_id ORDER BY p.pos) FILTER (WHERE l.status = 'started'
                                                           AND p.pos IS NOT NULL))[1],
           MAX(l.created) FILTER (WHERE l.status <> 'reset')
    FROM cohort_member m
    LEFT JOIN latest l ON l.learner = m.learner
    LEFT JOIN plan p ON p.topic_id = l.topic_id
    WHERE m.cohort = c AND (SELECT studyplan_may_see_progress(c, session_user))
    GROUP BY m.learner
    ORDER BY m.learner
    $$;
REVOKE ALL ON FUNCTION studyplan_cohort_summary(varchar, varchar[], float8[], varchar[],
    varchar[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studyplan_cohort_summary(varchar, varchar[], float8[], varchar[],
    varchar[]) TO {LEARNER_ROLE};
"""


def _newest(table: str, t: str, columns: str) -> str:
    """Each member's newest live row of ``table`` (aliased ``t``) per topic, retired ids
    counted as their survivors: the marks and the cards of ``_REVIEWS_DUE`` alike."""
    topic = f"COALESCE(al.new, {t}.topic_id)"
    return f"""
        SELECT DISTINCT ON ({t}.learner COLLATE "C", {topic} COLLATE "C")
               {t}.learner, {topic} AS topic_id, {columns}
        FROM {table} {t}
        JOIN action a ON a.id = {t}.action_id AND a.learner = {t}.learner
        LEFT JOIN unnest(old_ids, new_ids) AS al(old, new) ON al.old = {t}.topic_id
        WHERE {t}.learner IN (SELECT m.learner FROM cohort_member m WHERE m.cohort = c)
          AND (a.learner, a.id) NOT IN (SELECT * FROM undone)
          AND (SELECT studyplan_may_see_progress(c, session_user))
        ORDER BY {t}.learner COLLATE "C", {topic} COLLATE "C",
                 a.created DESC, {t}.id DESC"""


# ``cohort status``'s reviews due, on the server: per member, the done topics (newest live
# mark per topic, retired ids mapped to survivors, checkpoints in ``skip`` left out) whose
# card is due at ``now_at``: the newest live review's due date, else the mark's date plus
# ``first_days`` (``domain.reviews.due_of``). Counts only, no cards; same gate as above.
_REVIEWS_DUE = f"""
CREATE OR REPLACE FUNCTION studyplan_cohort_reviews_due(c varchar, now_at timestamp,
        first_days integer, old_ids varchar[], new_ids varchar[], skip varchar[])
    RETURNS TABLE (learner varchar, due bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp
    SET work_mem = '64MB'
    AS $$
    WITH undone AS (
        SELECT u.learner, u.undoes FROM action u WHERE u.undoes IS NOT NULL
    ), latest AS ({_newest("event", "e", "e.status, e.at")}
    ), cards AS ({_newest("review", "r", "r.due")}
    )
    SELECT m.learner,
           COUNT(l.topic_id) FILTER (WHERE COALESCE(k.due,
                 l.at + make_interval(days => first_days)) <= now_at)
    FROM cohort_member m
    LEFT JOIN latest l ON l.learner = m.learner AND l.status = 'done'
                      AND NOT (l.topic_id = ANY(skip))
    LEFT JOIN cards k ON k.learner = l.learner AND k.topic_id = l.topic_id
    WHERE m.cohort = c AND (SELECT studyplan_may_see_progress(c, session_user))
    GROUP BY m.learner
    ORDER BY m.learner
    $$;
REVOKE ALL ON FUNCTION studyplan_cohort_reviews_due(varchar, timestamp, integer, varchar[],
    varchar[], varchar[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studyplan_cohort_reviews_due(varchar, timestamp, integer, varchar[],
    varchar[], varchar[]) TO {LEARNER_ROLE};
"""


def init_sql(schema: str = "public") -> str:
    """The whole of ``cohort init``'s SQL for tables in ``schema`` (after the migrations)."""
    quoted = '"' + schema.replace('"', '""') + '"'
    body = _ROLES + _OWN_ROWS + "\n" + _HELPERS + _COHORT_POLICIES + _PROGRESS + _SUMMARY
    body += _REVIEWS_DUE
    return "BEGIN;" + body.replace("{schema}", quoted) + "COMMIT;\n"


def grant_sql(role: str, lead: bool) -> str:
    """Let a login role use studyplan (as a learner, or as a lead who may make cohorts)."""
    quoted = '"' + role.replace('"', '""') + '"'
    return f"GRANT {LEAD_ROLE if lead else LEARNER_ROLE} TO {quoted}"
