"""Compare a database's schema with the one the SQLModel tables describe.

Used by ``doctor`` and by the migration tests: apply every migration to an empty file and
the result must equal ``expected()`` (SQLModel's metadata created in memory), column for
column, index for index, foreign key for foreign key.
"""

from __future__ import annotations

import sqlite3
from typing import Any

Schema = dict[str, dict[str, Any]]


def schema_of(conn: sqlite3.Connection) -> Schema:
    """Tables -> columns (name, type, not null, default, pk), indexes, foreign keys."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    result: Schema = {}
    for table in tables:
        quoted = _quote(table)
        columns = [
            (name, ctype.upper(), bool(notnull), default, int(pk))
            for _, name, ctype, notnull, default, pk in conn.execute(f"PRAGMA table_info({quoted})")
        ]
        indexes = []
        for _, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list({quoted})"):
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({_quote(name)})"))
            # Auto-named indexes (UNIQUE / PRIMARY KEY constraints) compare by content.
            indexes.append((name if origin == "c" else "", bool(unique), origin, cols))
        fks = sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({quoted})"))
        result[table] = {"columns": columns, "indexes": sorted(indexes), "foreign_keys": fks}
    return result


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def expected() -> Schema:
    """The schema SQLModel's metadata describes, created in a throw-away memory database."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from studyplan.adapters.store.models import TABLES

    conn = sqlite3.connect(":memory:")
    try:
        dialect = sqlite.dialect()
        for model in TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            conn.execute(str(CreateTable(table).compile(dialect=dialect)))
            for index in table.indexes:
                conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
        return schema_of(conn)
    finally:
        conn.close()


def differences(actual: Schema, wanted: Schema) -> list[str]:
    """One line per difference; empty when the schemas are the same."""
    problems: list[str] = []
    for table in sorted(set(wanted) - set(actual)):
        problems.append(f"schema: table '{table}' is missing")
    for table in sorted(set(actual) - set(wanted)):
        problems.append(f"schema: unexpected table '{table}'")
    for table in sorted(set(actual) & set(wanted)):
        for part in wanted[table]:
            have, want = actual[table][part], wanted[table][part]
            if have != want:
                missing = [x for x in want if x not in have]
                extra = [x for x in have if x not in want]
                problems.append(
                    f"schema: table '{table}' {part.replace('_', ' ')} differ "
                    f"(missing {missing or 'none'}, unexpected {extra or 'none'})"
                )
    return problems
