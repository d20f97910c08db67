"""Named, ordered schema migrations, recorded in the database, each in its own transaction.

As in ``llm`` and ``sqlite-utils``' ``sqlite-migrate``: a migration is applied once, in
order, and its name is written to ``_studyplan_migrations`` in the same transaction as its
DDL, so a crash leaves either all of it or none. ``PRAGMA user_version`` mirrors the
number applied, which lets the hot path check the schema with one header read.

A migration is frozen once released: never edit one, append a new one. The DDL is written
out by hand (it must describe the schema *as of that migration*, not today's models) and a
test proves that applying all of them yields exactly what the SQLModel tables in
``models.py`` describe.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studyplan.adapters.store.sqlite import now_utc, to_db, write_txn
from studyplan.errors import StoreError


def _learner_column(table: str, *index: str) -> tuple[str, ...]:
    columns = ("learner", *index)
    name = "_".join(("ix", table, *columns))
    return (
        f"ALTER TABLE {table} ADD COLUMN learner VARCHAR DEFAULT '' NOT NULL",
        f"UPDATE {table} SET learner = ?",
        f"CREATE INDEX {name} ON {table} ({', '.join(columns)})",
    )


def _learner_key(table: str, pkey: str, column: str) -> tuple[str, ...]:
    return (
        f"ALTER TABLE {table} ADD COLUMN learner VARCHAR DEFAULT '' NOT NULL",
        f"UPDATE {table} SET learner = ?",
        f"ALTER TABLE {table} DROP CONSTRAINT {pkey}",
        f"ALTER TABLE {table} ADD PRIMARY KEY ({column}, learner)",
    )


_COHORT_TABLES = (
    """CREATE TABLE cohort (
        name VARCHAR NOT NULL,
        lead VARCHAR NOT NULL,
        share_progress BOOLEAN NOT NULL,
        plan_name VARCHAR,
        plan_payload VARCHAR,
        created DATETIME NOT NULL,
        PRIMARY KEY (name)
    )""",
    "CREATE INDEX ix_cohort_lead ON cohort (lead)",
    """CREATE TABLE cohort_member (
        cohort VARCHAR NOT NULL,
        learner VARCHAR NOT NULL,
        added DATETIME NOT NULL,
        PRIMARY KEY (cohort, learner),
        FOREIGN KEY(cohort) REFERENCES cohort (name)
    )""",
    "CREATE INDEX ix_cohort_member_learner ON cohort_member (learner)",
)

MIGRATIONS_TABLE = "_studyplan_migrations"

_BOOTSTRAP = f"""
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    name VARCHAR NOT NULL,
    applied_at DATETIME NOT NULL,
    PRIMARY KEY (name)
)"""

MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_progress_log",
        (
            """CREATE TABLE action (
                id INTEGER NOT NULL,
                uid VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                created DATETIME NOT NULL,
                command VARCHAR DEFAULT '' NOT NULL,
                undoes INTEGER,
                PRIMARY KEY (id),
                UNIQUE (uid),
                UNIQUE (undoes),
                FOREIGN KEY(undoes) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_action_created ON action (created)",
            """CREATE TABLE event (
                id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                topic_id VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                at DATETIME NOT NULL,
                minutes INTEGER,
                note VARCHAR,
                PRIMARY KEY (id),
                FOREIGN KEY(action_id) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_event_topic_id ON event (topic_id)",
            "CREATE INDEX ix_event_action_id ON event (action_id)",
            """CREATE TABLE note (
                id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                topic_id VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                PRIMARY KEY (id),
                FOREIGN KEY(action_id) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_note_topic_id ON note (topic_id)",
            "CREATE INDEX ix_note_action_id ON note (action_id)",
        ),
    ),
    (
        "0002_saved_plans",
        (
            """CREATE TABLE "plan" (
                name VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                created DATETIME NOT NULL,
                updated DATETIME NOT NULL,
                PRIMARY KEY (name)
            )""",
            """CREATE TABLE setting (
                "key" VARCHAR NOT NULL,
                value VARCHAR NOT NULL,
                PRIMARY KEY ("key")
            )""",
        ),
    ),
    (
        "0003_personal_library",
        (
            """CREATE TABLE library (
                "key" VARCHAR NOT NULL,
                kind VARCHAR DEFAULT 'entry' NOT NULL,
                bibtex VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                added DATETIME NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY ("key")
            )""",
            "CREATE INDEX ix_library_position ON library (position)",
        ),
    ),
    (
        # 'bib rm' is undoable: the removed blocks are kept with the removing action
        # (kind 'unlibrary'), and 'undo' puts them back exactly as they were.
        "0004_library_removals",
        (
            """CREATE TABLE library_removed (
                id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                "key" VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                bibtex VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                added DATETIME NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (id),
                FOREIGN KEY(action_id) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_library_removed_action_id ON library_removed (action_id)",
        ),
    ),
    (
        # Spaced review: each review of a done topic (and each share of credit a review
        # passes to a prerequisite) is a row of an action, so ``undo`` takes a review
        # session back like a mark. ``card`` is the FSRS card after the row (JSON),
        # ``due`` its next due date (so counting due reviews needs no scheduler),
        # ``credit`` 1 for a review, less for a prerequisite's share, ``banked`` the
        # shares carried towards its next implicit review, ``seconds`` time spent.
        "0005_reviews",
        (
            """CREATE TABLE review (
                id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                topic_id VARCHAR NOT NULL,
                rating INTEGER NOT NULL,
                credit FLOAT NOT NULL,
                banked FLOAT NOT NULL,
                at DATETIME NOT NULL,
                due DATETIME NOT NULL,
                card VARCHAR NOT NULL,
                seconds INTEGER,
                PRIMARY KEY (id),
                FOREIGN KEY(action_id) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_review_topic_id ON review (topic_id)",
            "CREATE INDEX ix_review_action_id ON review (action_id)",
        ),
    ),
    (
        # Progress inside a topic: ``studyplan read TOPIC KEY [--part N]`` ticks one of a
        # topic's readings (or one part of it). A tick belongs to an action like a mark,
        # so ``undo`` undoes it the same way; ``part`` is NULL for the whole reading.
        "0006_reading_ticks",
        (
            """CREATE TABLE reading_tick (
                id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                topic_id VARCHAR NOT NULL,
                "key" VARCHAR NOT NULL,
                part INTEGER,
                PRIMARY KEY (id),
                FOREIGN KEY(action_id) REFERENCES action (id)
            )""",
            "CREATE INDEX ix_reading_tick_topic_id ON reading_tick (topic_id)",
            "CREATE INDEX ix_reading_tick_action_id ON reading_tick (action_id)",
        ),
    ),
    (
        # Lab support: every row belongs to a learner (existing rows to the one running the
        # migration: the local user on SQLite, the connected role on PostgreSQL), and
        # cohorts. Plans, settings and library keys become per learner, which changes
        # their primary keys: SQLite cannot alter a key, so those three tables are rebuilt
        # (create, copy, drop, rename: SQLite's documented way), keeping every row.
        "0007_learners_and_cohorts",
        (
            *_learner_column("action", "created"),
            *_learner_column("event", "topic_id"),
            *_learner_column("note"),
            *_learner_column("review"),
            *_learner_column("library_removed"),
            *_learner_column("reading_tick"),
            """CREATE TABLE plan_0007 (
                name VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                created DATETIME NOT NULL,
                updated DATETIME NOT NULL,
                learner VARCHAR DEFAULT '' NOT NULL,
                PRIMARY KEY (name, learner)
            )""",
            'INSERT INTO plan_0007 SELECT name, payload, created, updated, ? FROM "plan"',
            'DROP TABLE "plan"',
            'ALTER TABLE plan_0007 RENAME TO "plan"',
            """CREATE TABLE setting_0007 (
                "key" VARCHAR NOT NULL,
                value VARCHAR NOT NULL,
                learner VARCHAR DEFAULT '' NOT NULL,
                PRIMARY KEY ("key", learner)
            )""",
            'INSERT INTO setting_0007 SELECT "key", value, ? FROM setting',
            "DROP TABLE setting",
            "ALTER TABLE setting_0007 RENAME TO setting",
            """CREATE TABLE library_0007 (
                "key" VARCHAR NOT NULL,
                kind VARCHAR DEFAULT 'entry' NOT NULL,
                bibtex VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                added DATETIME NOT NULL,
                position INTEGER NOT NULL,
                learner VARCHAR DEFAULT '' NOT NULL,
                PRIMARY KEY ("key", learner)
            )""",
            'INSERT INTO library_0007 SELECT "key", kind, bibtex, source, added, position, ? '
            "FROM library ORDER BY position, rowid",
            "DROP TABLE library",
            "ALTER TABLE library_0007 RENAME TO library",
            "CREATE INDEX ix_library_position ON library (position)",
            *_COHORT_TABLES,
        ),
    ),
    (
        # Why: every command keys its catalog cache by the personal library, and reading
        # every row for that key cost ~58 ms at 8k entries. Any change to the library,
        # by whatever code path, now sets a fresh random ``library_version`` setting in
        # the same transaction; the cache key reads that one row.
        # Comes after 0007, so the row is the changed row's learner's (NEW/OLD.learner).
        "0008_library_version",
        (
            *(
                f"""CREATE TRIGGER library_version_{event.lower()} AFTER {event} ON library
                BEGIN
                    INSERT OR REPLACE INTO setting ("key", value, learner)
                    VALUES ('library_version', lower(hex(randomblob(16))), {who}.learner);
                END"""
                for event, who in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
            ),
            """INSERT INTO setting ("key", value, learner)
            SELECT 'library_version', lower(hex(randomblob(16))), learner
            FROM library GROUP BY learner""",
        ),
    ),
)

# PostgreSQL runs the same migrations; ``to_postgresql`` translates the SQLite DDL above
# (DATETIME, INTEGER keys that SQLite numbers itself) and a migration listed here has its
# own PostgreSQL statements instead (PostgreSQL can alter a primary key in place).
PG_MIGRATIONS: dict[str, tuple[str, ...]] = {
    "0007_learners_and_cohorts": (
        *_learner_column("action", "created"),
        *_learner_column("event", "topic_id"),
        *_learner_column("note"),
        *_learner_column("review"),
        *_learner_column("library_removed"),
        *_learner_column("reading_tick"),
        *_learner_key('"plan"', "plan_pkey", "name"),
        *_learner_key("setting", "setting_pkey", '"key"'),
        *_learner_key("library", "library_pkey", '"key"'),
        *_COHORT_TABLES,
    ),
    # PostgreSQL has no ``randomblob`` nor trigger bodies in CREATE TRIGGER: one plpgsql
    # trigger function sets the changed row's learner's ``library_version``.
    "0008_library_version": (
        """CREATE FUNCTION studyplan_library_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            who varchar;
        BEGIN
            IF TG_OP = 'DELETE' THEN
                who := OLD.learner;
            ELSE
                who := NEW.learner;
            END IF;
            INSERT INTO setting ("key", value, learner)
            VALUES ('library_version', md5(random()::text), who)
            ON CONFLICT ("key", learner) DO UPDATE SET value = EXCLUDED.value;
            RETURN NULL;
        END
        $$""",
        """CREATE TRIGGER library_version AFTER INSERT OR UPDATE OR DELETE ON library
        FOR EACH ROW EXECUTE FUNCTION studyplan_library_version()""",
        """INSERT INTO setting ("key", value, learner)
        SELECT 'library_version', md5(random()::text), learner FROM library GROUP BY learner
        ON CONFLICT ("key", learner) DO NOTHING""",
    ),
}

CURRENT_VERSION = len(MIGRATIONS)
NAMES = tuple(name for name, _ in MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names recorded in the migrations table (empty if there is none)."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone():
        return []
    return [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")]


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    """The database's schema version; refuses newer schemas and foreign databases."""
    version = user_version(conn)
    if version > CURRENT_VERSION:
        raise StoreError(
            f"{path} was written by a newer studyplan (schema version {version}, this one "
            f"knows up to {CURRENT_VERSION}); left untouched",
            "upgrade studyplan (pip install -U studyplan)",
        )
    if version == 0:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        if tables and MIGRATIONS_TABLE not in tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"{path} is a SQLite database but not a studyplan one (tables: {shown}); "
                "left untouched",
                "point --db or STUDYPLAN_DB at your progress database",
            )
    return version


def to_postgresql(statement: str) -> str:
    """SQLite DDL as PostgreSQL's: DATETIME is TIMESTAMP, an INTEGER key is SERIAL."""
    sql = statement.replace("DATETIME", "TIMESTAMP WITHOUT TIME ZONE")
    if "PRIMARY KEY (id)" in sql:
        sql = sql.replace("id INTEGER NOT NULL", "id SERIAL NOT NULL", 1)
    return sql


def statements_for(name: str, statements: tuple[str, ...], dialect: str) -> tuple[str, ...]:
    """A migration's statements for ``dialect`` (``sqlite`` or ``postgresql``)."""
    if dialect == "sqlite":
        return statements
    return tuple(to_postgresql(s) for s in PG_MIGRATIONS.get(name) or statements)


def bootstrap(dialect: str) -> str:
    return _BOOTSTRAP if dialect == "sqlite" else to_postgresql(_BOOTSTRAP)


def migrate(
    conn: sqlite3.Connection, path: Path, upto: int | None = None, learner: str = ""
) -> list[str]:
    """Apply the pending migrations (the first ``upto`` only, for fixtures); return the
    names applied.

    Each runs in its own BEGIN IMMEDIATE transaction and re-reads what is applied inside
    it, so two processes opening a new database at once apply each migration once.
    """
    done: list[str] = []
    for index, (name, statements) in enumerate(MIGRATIONS[:upto], start=1):
        with write_txn(conn, path):
            conn.execute(_BOOTSTRAP)
            if name in applied(conn):
                continue
            unknown = sorted(set(applied(conn)) - {n for n, _ in MIGRATIONS})
            if unknown:
                raise StoreError(
                    f"{path} has migrations this studyplan does not know ({', '.join(unknown)})",
                    "upgrade studyplan",
                )
            for statement in statements:
                conn.execute(statement, (learner,) if "?" in statement else ())
            conn.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                (name, to_db(now_utc())),
            )
            conn.execute(f"PRAGMA user_version = {index}")
            done.append(name)
    return done
