"""``studyplan doctor``: integrity, foreign keys, migrations and schema drift."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studyplan.adapters.store import migrations, schema
from studyplan.adapters.store.sqlite import translate

_LIMIT = 20


def check(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Every problem in the database file (orphaned topics are checked by the caller)."""
    problems: list[str] = []
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({_LIMIT})")]
    except sqlite3.DatabaseError as exc:  # damage bad enough that the check cannot run
        rows = [str(exc)]
    if rows != ["ok"]:
        return [f"integrity check: {line}" for r in rows for line in r.splitlines()]
    with translate(path):
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent} row")
        names = migrations.applied(conn)
        for name in migrations.NAMES:
            if name not in names:
                problems.append(f"migration '{name}' is not recorded as applied")
        for name in names:
            if name not in migrations.NAMES:
                problems.append(f"unknown migration '{name}' (written by a newer studyplan?)")
        version = migrations.user_version(conn)
        if version != len(names):
            problems.append(
                f"schema version {version} does not match {len(names)} applied migrations"
            )
        problems += schema.differences(schema.schema_of(conn), schema.expected())
    return problems
