"""Row-level security, shown by the server itself: learners connect with plain SQL
(psycopg, not studyplan) and try to read or change another learner's rows.

To alice, bob's rows do not exist: a SELECT returns none of them and an UPDATE or DELETE
changes nothing (the rows stay as they were, checked as the admin); writing a row in
bob's name is refused with an error. Cohorts: only the lead changes one, and the cohort's
status comes only from the progress function, for the lead or (``--share-progress``) its
members. Passwords: never printed, never accepted on the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers.pg import PgServer
from studyplan.cli import app
from studyplan.errors import EXIT_STORE, EXIT_USAGE


def run(server: PgServer, db: str, who: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, ["--db", server.url(who, db), *args], env=env)


@pytest.fixture
def lab(pg_server: PgServer) -> Iterator[tuple[PgServer, str]]:
    """lead leads 'ml' (alice, bob); each has marked and noted something."""
    db = pg_server.new_database("sec")
    for role in ("lead", "alice", "bob", "mallory"):
        pg_server.role(role)
    steps = [
        (
            "postgres",
            "cohort",
            "init",
            "--lead",
            "lead",
            "--learner",
            "alice",
            "--learner",
            "bob",
            "--learner",
            "mallory",
        ),
        ("lead", "plan", "mini.ib", "-H", "5", "--save", "ib"),
        ("lead", "cohort", "create", "ml"),
        ("lead", "cohort", "add", "ml", "alice", "bob"),
        ("lead", "cohort", "assign", "ml", "ib"),
        ("alice", "done", "mini.probability"),
        ("bob", "done", "mini.entropy", "--minutes", "90"),
        ("bob", "note", "mini.entropy", "bob's private note"),
    ]
    for who, *args in steps:
        result = run(pg_server, db, who, *args)
        assert result.exit_code == 0, (who, args, result.output, result.stderr)
    yield pg_server, db


def as_role(server: PgServer, db: str, role: str) -> Any:
    return server.connect(role, db)


def test_a_learner_cannot_read_another_learners_notes_or_progress(lab: Any) -> None:
    server, db = lab
    with as_role(server, db, "alice") as alice:
        assert alice.execute("SELECT text FROM note").fetchall() == []
        assert alice.execute("SELECT text FROM note WHERE learner = 'bob'").fetchall() == []
        assert alice.execute("SELECT note FROM event WHERE learner = 'bob'").fetchall() == []
        assert [r[0] for r in alice.execute("SELECT DISTINCT learner FROM event")] == ["alice"]
        assert alice.execute("SELECT count(*) FROM action WHERE learner <> 'alice'").fetchone() == (
            0,
        )
        # Not even the plans or settings of others.
        assert alice.execute("SELECT name FROM plan").fetchall() == []
    # The rows are there: the admin (table owner) sees them.
    assert server.sql("SELECT text FROM note WHERE learner = 'bob'", db) == [
        ("bob's private note",)
    ]


def test_the_server_refuses_changing_another_learners_rows(lab: Any) -> None:
    import psycopg

    server, db = lab
    before = server.sql("SELECT id, status, minutes, learner FROM event ORDER BY id", db)
    with as_role(server, db, "alice") as alice:
        cur = alice.execute(
            "UPDATE event SET status = 'skipped', minutes = 0 WHERE learner = 'bob'"
        )
        assert cur.rowcount == 0  # bob's rows are invisible to alice: nothing to update
        assert alice.execute("DELETE FROM note WHERE learner = 'bob'").rowcount == 0
        # Moving one of her own rows to bob, or writing one as bob, is refused outright.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            alice.execute("UPDATE event SET learner = 'bob' WHERE learner = 'alice'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            alice.execute(
                "INSERT INTO note (action_id, topic_id, text, learner) "
                "SELECT id, 'mini.kl', 'forged', 'bob' FROM action LIMIT 1"
            )
        # The tables themselves: no DDL, no disabling the policies.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute("ALTER TABLE event DISABLE ROW LEVEL SECURITY")
    assert server.sql("SELECT id, status, minutes, learner FROM event ORDER BY id", db) == before


def test_only_the_lead_changes_a_cohort_even_in_plain_sql(lab: Any) -> None:
    import psycopg

    server, db = lab
    with as_role(server, db, "alice") as alice:
        assert alice.execute("UPDATE cohort SET share_progress = true").rowcount == 0
        assert alice.execute("DELETE FROM cohort_member WHERE learner = 'bob'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            alice.execute(
                "INSERT INTO cohort_member (cohort, learner, added) VALUES ('ml', 'mallory', now())"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            alice.execute(  # only a studyplan_lead may lead a cohort
                "INSERT INTO cohort (name, lead, share_progress, created) "
                "VALUES ('mine', 'alice', true, now())"
            )
        # Without --share-progress a member gets no one's status, not even from the function.
        assert alice.execute("SELECT * FROM studyplan_cohort_progress('ml')").fetchall() == []
    with as_role(server, db, "mallory") as mallory:  # not in the cohort at all
        assert mallory.execute("SELECT * FROM cohort").fetchall() == []
        assert mallory.execute("SELECT * FROM studyplan_cohort_progress('ml')").fetchall() == []
    with as_role(server, db, "lead") as lead:
        rows = lead.execute(
            "SELECT learner, topic_id, status, minutes FROM studyplan_cohort_progress('ml') "
            "ORDER BY learner"
        ).fetchall()
        assert rows == [
            ("alice", "mini.probability", "done", 0),
            ("bob", "mini.entropy", "done", 90),
        ]
        # The lead gets status, not the learners' rows: notes stay private.
        assert lead.execute("SELECT text FROM note").fetchall() == []
    assert server.sql("SELECT learner FROM cohort_member ORDER BY learner", db) == [
        ("alice",),
        ("bob",),
    ]


def test_share_progress_lets_members_read_the_status_only(lab: Any) -> None:
    server, db = lab
    for args in (
        ("cohort", "create", "open", "--share-progress"),
        ("cohort", "add", "open", "alice", "bob"),
    ):
        assert run(server, db, "lead", *args).exit_code == 0
    with as_role(server, db, "alice") as alice:
        rows = alice.execute(
            "SELECT learner, status FROM studyplan_cohort_progress('open') ORDER BY learner"
        ).fetchall()
        assert rows == [("alice", "done"), ("bob", "done")]
        assert alice.execute("SELECT text FROM note").fetchall() == []


def test_passwords_never_on_the_command_line_nor_in_messages(
    pg_server: PgServer, tmp_path: Any
) -> None:
    db = pg_server.new_database("pw")
    pg_server.role("alice")
    secret = "s3cr3t-w0rd"
    url = pg_server.url("alice", db).replace("alice@", f"alice:{secret}@")
    result = CliRunner().invoke(app, ["--db", url, "status"])
    assert result.exit_code == EXIT_USAGE
    assert secret not in result.output + result.stderr and "~/.pgpass" in result.stderr
    # From the environment a URL with a password is accepted, and masked in messages.
    wrong = tmp_path / "wrong-pgpass"
    wrong.write_text("", encoding="utf-8")
    env = {"STUDYPLAN_DB": url, "PGPASSFILE": str(wrong)}
    result = CliRunner().invoke(app, ["done", "mini.kl"], env=env)
    assert result.exit_code == EXIT_STORE
    assert secret not in result.output + result.stderr
    assert "alice:***@" in result.stderr and result.stderr.count("\n") == 1
