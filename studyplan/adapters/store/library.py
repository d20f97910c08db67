"""The personal BibTeX library: each block kept as its exact text, in import order.

The BibTeX layer parses and writes; this table only keeps ``(key, kind, bibtex, source,
added, position)``. ``kind`` is ``entry`` unless the BibTeX layer stores ``@string``,
``@preamble`` or ``@comment`` blocks under synthetic keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studyplan.adapters.store.base import StoreBase
from studyplan.adapters.store.rows import LibraryBlock
from studyplan.adapters.store.sqlite import from_db, now_utc, to_db
from studyplan.errors import ConflictError, NotFoundError, clip, did_you_mean

if TYPE_CHECKING:
    from studyplan.adapters.store.types import LibraryEntry

_COLUMNS = 'SELECT "key", bibtex, source, added, position, kind FROM library'


class LibraryMixin(StoreBase):
    def library(self) -> list[LibraryEntry]:
        """Every library block in import order."""
        sql = f"{_COLUMNS} WHERE learner = ? ORDER BY position, {self._tiebreak}"
        return [_entry(row) for row in self._rows(sql, (self.learner,))]

    @property
    def _tiebreak(self) -> str:
        return "rowid" if self.url is None else '"key"'  # PostgreSQL has no rowid

    def library_blocks(self) -> list[LibraryBlock]:
        """Every library block's key, text, source and kind, in import order."""
        sql = (
            'SELECT "key", bibtex, source, kind FROM library WHERE learner = ? '
            f"ORDER BY position, {self._tiebreak}"
        )
        return [LibraryBlock._make(row) for row in self._rows(sql, (self.learner,))]

    def library_version(self) -> str:
        """A token that changes whenever the library changes (set by triggers, migration
        0008); ``""`` for a library that never had a row. What the catalog cache is
        keyed by, instead of every row's text."""
        rows = self._rows(
            "SELECT value FROM setting WHERE \"key\" = 'library_version' AND learner = ?",
            (self.learner,),
        )
        return str(rows[0][0]) if rows else ""

    def library_entry(self, key: str) -> LibraryEntry | None:
        rows = self._rows(f'{_COLUMNS} WHERE "key" = ? AND learner = ?', (key, self.learner))
        return _entry(rows[0]) if rows else None

    def add_library(
        self, entries: Sequence[tuple[str, str, str] | tuple[str, str, str, str]], *, replace: bool
    ) -> tuple[int, int]:
        """Add ``(key, bibtex, source[, kind])`` blocks atomically; return (added, replaced).

        A key already present with identical text is left alone; with different text it
        is replaced only when ``replace`` is true, else ``ConflictError`` names the keys
        and nothing is written. (In bulk: the batch's keys are looked up a few hundred at
        a time and the rows written by ``executemany``, one statement per kind of change:
        a 10k-entry import made 20k statements before.)
        """
        added = replaced = 0
        conflicts: list[str] = []
        stamp = to_db(now_utc())
        me = self.learner
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        with self._write() as conn:
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(position), 0) FROM library WHERE learner = ?", (me,)
            ).fetchone()
            held = _held(conn, me, list(dict.fromkeys(item[0] for item in entries)))
            for item in entries:
                key, text, source = item[0], item[1], item[2]
                kind = item[3] if len(item) > 3 else "entry"
                row = held.get(key)
                if row is None:
                    last += 1
                    inserts.append((key, kind, text, source, stamp, last, me))
                    added += 1
                elif row == (text, kind):
                    continue
                elif replace:
                    updates.append((text, source, kind, key, me))
                    replaced += 1
                elif key not in conflicts:
                    conflicts.append(key)
                held[key] = (text, kind)  # a key twice in one batch: the later one sees it
            if conflicts:
                shown = ", ".join(f"'{k}'" for k in conflicts[:5])
                more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
                noun = "citation key" if len(conflicts) == 1 else "citation keys"
                raise ConflictError(
                    f"{noun} {shown}{more} already in your library with different "
                    "content; nothing imported",
                    "pass --replace to overwrite",
                )
            if inserts:
                conn.executemany(
                    'INSERT INTO library ("key", kind, bibtex, source, added, position, '
                    "learner) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    inserts,
                )
            if updates:
                conn.executemany(
                    "UPDATE library SET bibtex = ?, source = ?, kind = ? "
                    'WHERE "key" = ? AND learner = ?',
                    updates,
                )
        return added, replaced

    def remove_library(self, keys: Sequence[str], *, command: str = "") -> tuple[int, list[str]]:
        """Remove library blocks by key, all or nothing, as one undoable action (kind
        ``unlibrary``; the blocks are kept with it in ``library_removed``). Returns the
        action id and the keys removed; an unknown key is ``NotFoundError``."""
        wanted = list(dict.fromkeys(keys))
        with self._write() as conn:
            rows = []
            for key in wanted:
                row = conn.execute(
                    'SELECT "key", kind, bibtex, source, added, position FROM library '
                    'WHERE "key" = ? AND learner = ?',
                    (key, self.learner),
                ).fetchone()
                if row is None:
                    pool = [
                        r[0]
                        for r in conn.execute(
                            'SELECT "key" FROM library WHERE learner = ?', (self.learner,)
                        )
                    ]
                    raise NotFoundError(
                        f"'{clip(key)}' is not in your library; nothing removed",
                        did_you_mean(key, pool) or "see 'studyplan bib list'",
                    )
                rows.append(row)
            action = self._new_action(conn, "unlibrary", now_utc(), command)
            conn.executemany(
                'INSERT INTO library_removed (action_id, "key", kind, bibtex, source, added, '
                "position, learner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(action, *row, self.learner) for row in rows],
            )
            conn.executemany(
                'DELETE FROM library WHERE "key" = ? AND learner = ?',
                [(k, self.learner) for k in wanted],
            )
        return action, wanted

    def _put_back(self, conn: Any, action_id: int) -> tuple[str, ...]:
        """Undo of a removal: its blocks back where they were (a key imported again
        since keeps the newer block). Returns the keys put back."""
        rows = conn.execute(
            'SELECT "key", kind, bibtex, source, added, position FROM library_removed '
            "WHERE action_id = ? AND learner = ? ORDER BY id",
            (action_id, self.learner),
        ).fetchall()
        back = []
        for row in rows:
            if conn.execute(
                'SELECT 1 FROM library WHERE "key" = ? AND learner = ?', (row[0], self.learner)
            ).fetchone():
                continue
            conn.execute(
                'INSERT INTO library ("key", kind, bibtex, source, added, position, learner) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*row, self.learner),
            )
            back.append(str(row[0]))
        return tuple(back)


def _entry(row: tuple[object, ...]) -> LibraryEntry:
    from studyplan.adapters.store.types import LibraryEntry

    key, bibtex, source, added, position, kind = row
    return LibraryEntry(
        key=str(key),
        bibtex=str(bibtex),
        source=str(source),
        added=from_db(str(added)),
        position=int(str(position)),
        kind=str(kind),
    )


# Keys per lookup: well under SQLite's limit on bound parameters (32,766).
_KEYS_PER_LOOKUP = 500


def _held(conn: Any, learner: str, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Key -> (bibtex, kind) of the ``keys`` the learner's library already holds."""
    held: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), _KEYS_PER_LOOKUP):
        chunk = keys[start : start + _KEYS_PER_LOOKUP]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f'SELECT "key", bibtex, kind FROM library WHERE learner = ? AND "key" IN ({marks})',
            (learner, *chunk),
        ).fetchall()
        held.update((key, (text, kind)) for key, text, kind in rows)
    return held
