"""``studyplan doctor``: integrity, foreign keys, migrations and schema drift."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studyplan.adapters.store import migrations, schema
from studyplan.adapters.store.sqlite import translate
from studyplan.errors import Problem, ProblemCode

_LIMIT = 20


def check(conn: sqlite3.Connection, path: Path) -> list[Problem]:
    """Every problem in the database file (orphaned topics are checked by the caller)."""
    source = str(path)

    def problem(code: ProblemCode, message: str) -> Problem:
        return Problem(source, message, code=code)

    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({_LIMIT})")]
    except sqlite3.DatabaseError as exc:  # damage bad enough that the check cannot run
        rows = [str(exc)]
    if rows != ["ok"]:
        return [
            problem(ProblemCode.INTEGRITY, f"integrity check: {line}")
            for r in rows
            for line in r.splitlines()
        ]
    problems: list[Problem] = []
    with translate(path):
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(
                problem(
                    ProblemCode.FOREIGN_KEY,
                    f"foreign key: {table} row {rowid} refers to a missing {parent} row",
                )
            )
        names = migrations.applied(conn)
        for name in migrations.NAMES:
            if name not in names:
                problems.append(
                    problem(ProblemCode.MIGRATION, f"migration '{name}' is not recorded as applied")
                )
        for name in names:
            if name not in migrations.NAMES:
                problems.append(
                    problem(
                        ProblemCode.MIGRATION,
                        f"unknown migration '{name}' (written by a newer studyplan?)",
                    )
                )
        version = migrations.user_version(conn)
        if version != len(names):
            problems.append(
                problem(
                    ProblemCode.MIGRATION,
                    f"schema version {version} does not match {len(names)} applied migrations",
                )
            )
        drift = schema.differences(schema.schema_of(conn), schema.expected())
        problems += [problem(ProblemCode.SCHEMA_DRIFT, text) for text in drift]
    return problems
