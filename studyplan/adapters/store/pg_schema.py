"""Opening a PostgreSQL store: what the database holds, the same named migrations, and
(cold path) its schema compared with the SQLModel tables.

The migrations are ``migrations.MIGRATIONS`` in PostgreSQL's dialect
(``migrations.statements_for``), each in its own transaction with its name recorded in
``_studyplan_migrations``, as on SQLite. PostgreSQL has no ``user_version``: the recorded
names are the version. Concurrent first opens queue on an advisory lock, so each
migration runs once.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store import migrations, pg
from studyplan.adapters.store.sqlite import now_utc, to_db
from studyplan.errors import StoreError

if TYPE_CHECKING:
    from studyplan.adapters.store.core import ProgressStore
    from studyplan.errors import Problem

Schema = dict[str, dict[str, Any]]
_MIGRATE_LOCK = "studyplan:migrate"


def inspect(conn: pg.PgConnection) -> tuple[str, list[str] | None, list[str]]:
    """(the connected role, the applied migration names or None when the table is
    missing, the schema's other tables when it is missing)."""
    row = conn.execute(
        "SELECT current_user, to_regclass(?) IS NOT NULL", (migrations.MIGRATIONS_TABLE,)
    ).fetchone()
    assert row is not None
    learner, present = row
    if present:
        names = [r[0] for r in conn.execute(f"SELECT name FROM {migrations.MIGRATIONS_TABLE}")]
        return str(learner), names, []
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]
    return str(learner), None, tables


def check(url: str, names: list[str] | None, tables: list[str]) -> int:
    """How many migrations are applied; refuses a newer schema and another application's
    database (``StoreError``, exit 5, nothing written)."""
    where = pg.mask(url)
    if names is None:
        if tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"{where} is a PostgreSQL database but not a studyplan one (tables: {shown}); "
                "left untouched",
                "point --db or STUDYPLAN_DB at the lab's studyplan database",
            )
        return 0
    unknown = sorted(set(names) - set(migrations.NAMES))
    if unknown:
        raise StoreError(
            f"{where} was written by a newer studyplan (migrations {', '.join(unknown)}); "
            "left untouched",
            "upgrade studyplan (pip install -U 'studyplan[postgres]')",
        )
    return len(names)


def migrate(conn: pg.PgConnection, learner: str, upto: int | None = None) -> list[str]:
    """Apply the pending migrations, each in its own transaction; return their names."""
    import psycopg

    done: list[str] = []
    for name, statements in migrations.MIGRATIONS[:upto]:
        with pg.translate(conn.url):
            conn.execute("BEGIN")
            try:
                if _apply(conn, name, statements, learner):
                    done.append(name)
            except psycopg.errors.InsufficientPrivilege:
                _rollback(conn)
                raise StoreError(
                    f"{pg.mask(conn.url)} needs studyplan's tables (migration {name}) and "
                    f"role '{learner}' may not create them",
                    "ask the lab's admin to run 'studyplan cohort init' on it",
                ) from None
            except BaseException:
                _rollback(conn)
                raise
            conn.execute("COMMIT")
    return done


def _apply(conn: pg.PgConnection, name: str, statements: tuple[str, ...], learner: str) -> bool:
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (_MIGRATE_LOCK,))
    table = migrations.MIGRATIONS_TABLE
    missing = conn.execute("SELECT to_regclass(?) IS NULL", (table,)).fetchone()
    if missing is None or missing[0]:
        conn.execute(migrations.bootstrap("postgresql"))
    if name in {r[0] for r in conn.execute(f"SELECT name FROM {table}")}:
        return False
    for statement in migrations.statements_for(name, statements, "postgresql"):
        conn.execute(statement, (learner,) if "?" in statement else ())
    conn.execute(f"INSERT INTO {table} (name, applied_at) VALUES (?, ?)", (name, to_db(now_utc())))
    return True


def _rollback(conn: pg.PgConnection) -> None:
    if not conn.raw.closed:
        with contextlib.suppress(Exception):  # a lost connection was rolled back already
            conn.execute("ROLLBACK")


def open_pg(url: str, *, create: bool) -> ProgressStore:
    """A store on the PostgreSQL database at ``url`` (see ``core.open_store``)."""
    from studyplan.adapters.store.core import ProgressStore

    conn = pg.PgConnection(pg.connect(url), url)
    try:
        with pg.translate(url):
            learner, names, tables = inspect(conn)
        version = check(url, names, tables)
        if version == 0 and not create:
            conn.close()
            return ProgressStore(None, None, learner=learner, url=url)
        if version < migrations.CURRENT_VERSION:
            migrate(conn, learner)
    except BaseException:
        conn.close()
        raise
    return ProgressStore(None, conn, learner=learner, url=url)


def engine(url: str) -> Any:
    """A SQLAlchemy engine on the same server (cold paths), one connection at a time."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(
        "postgresql+psycopg://",
        creator=lambda: pg.connect(url, autocommit=False),
        poolclass=NullPool,
    )


def schema_of(connection: Any, schema: str | None = None) -> Schema:
    """Tables -> columns, indexes, foreign keys, primary key, as SQLAlchemy reflects them
    (``connection`` is a SQLAlchemy connection)."""
    from sqlalchemy import inspect as sa_inspect

    insp = sa_inspect(connection)
    result: Schema = {}
    for table in sorted(insp.get_table_names(schema=schema)):
        columns = []
        for c in insp.get_columns(table, schema=schema):
            default = c.get("default")
            if default and "nextval(" in str(default):
                default = "nextval"  # a SERIAL; its sequence's name carries the schema
            columns.append((c["name"], str(c["type"]), bool(c["nullable"]), default))
        indexes = sorted(
            (i["name"] or "", bool(i["unique"]), tuple(i["column_names"]))
            for i in insp.get_indexes(table, schema=schema)
        )
        fks = sorted(
            (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
            for f in insp.get_foreign_keys(table, schema=schema)
        )
        uniques = sorted(
            tuple(u["column_names"]) for u in insp.get_unique_constraints(table, schema=schema)
        )
        pk = tuple(insp.get_pk_constraint(table, schema=schema)["constrained_columns"])
        result[table] = {
            "columns": columns,
            "indexes": indexes,
            "foreign_keys": fks,
            "unique": uniques,
            "primary_key": pk,
        }
    return result


def expected(connection: Any) -> Schema:
    """The schema SQLModel's metadata describes, created in a scratch schema inside a
    transaction that is rolled back (PostgreSQL's DDL is transactional)."""
    from sqlalchemy import text

    from studyplan.adapters.store.models import TABLES

    scratch = "studyplan_expected_" + now_utc().strftime("%H%M%S%f")
    metadata = TABLES[0].metadata
    with connection.begin_nested() if connection.in_transaction() else connection.begin() as tx:
        connection.execute(text(f'CREATE SCHEMA "{scratch}"'))
        translated = connection.execution_options(schema_translate_map={None: scratch})
        metadata.create_all(translated)
        got = schema_of(connection, scratch)
        tx.rollback()
    return got


def doctor(url: str) -> list[Problem]:
    """Migrations recorded and schema drift on PostgreSQL (the server checks its pages)."""
    from sqlalchemy import text

    from studyplan.adapters.store import schema
    from studyplan.errors import Problem as Found
    from studyplan.errors import ProblemCode

    where = pg.mask(url)

    with pg.translate(url), engine(url).connect() as connection:
        names = [
            r[0]
            for r in connection.execute(text(f"SELECT name FROM {migrations.MIGRATIONS_TABLE}"))
        ]
        lines = [
            (ProblemCode.MIGRATION, f"migration '{n}' is not recorded as applied")
            for n in migrations.NAMES
            if n not in names
        ]
        lines += [
            (ProblemCode.MIGRATION, f"unknown migration '{n}' (written by a newer studyplan?)")
            for n in names
            if n not in migrations.NAMES
        ]
        wanted = expected(connection)
        actual = {t: v for t, v in schema_of(connection).items() if t in wanted}
        lines += [(ProblemCode.SCHEMA_DRIFT, d) for d in schema.differences(actual, wanted)]
        problems = [Found(where, message, code=code) for code, message in lines]
        connection.rollback()
    return problems
