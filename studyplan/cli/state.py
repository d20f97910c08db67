"""What one invocation knows: global options, and the catalog loaded at most once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    from studyplan.adapters.store import ProgressStore
    from studyplan.domain.books import Choice
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.saved_plan import SavedPlan
    from studyplan.domain.ticks import TopicReading
    from studyplan.errors import NotFoundError


class State:
    """What one invocation knows. A plain class, not a dataclass: the everyday commands
    build no dataclass at start-up (docs/architecture.md)."""

    __slots__ = (
        "_catalog",
        "_reading",
        "_root",
        "_store",
        "books",
        "curricula_dirs",
        "db",
        "debug",
        "json",
    )

    def __init__(
        self,
        curricula_dirs: list[Path] | None = None,
        db: str | None = None,
        debug: bool = False,
        json: bool = False,
    ) -> None:
        self.curricula_dirs: list[Path] = curricula_dirs if curricula_dirs is not None else []
        self.db = db
        self.debug = debug
        #: The command was given ``--json``: errors are reported as JSON too (``cli.typer_app``).
        self.json = json
        self._catalog: Catalog | None = None
        self._store: ProgressStore | None = None
        self._root: Any = None  # the root click context: closes the store when the command ends
        self._reading: dict[str, TopicReading] | None = None
        # The readings chosen by ``plan --books`` (set by ``make_plan``), for rendering.
        self.books: Choice | None = None

    @classmethod
    def from_options(cls, curricula: list[Path] | None, db: str | None, debug: bool) -> State:
        """The state the root options describe (the Typer root callback and the fast
        dispatcher both make it here)."""
        return cls(curricula_dirs=list(curricula or []), db=db, debug=debug)

    def close(self) -> None:
        """Close the store if one was opened (the fast dispatcher's end of a command)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def catalog(self) -> Catalog:
        """The validated catalog (built-in + user curricula); raises on any problem."""
        if self._catalog is None:
            from studyplan.adapters import workspace

            self._catalog = workspace.catalog(self._inputs(warn=_warn))
        return self._catalog

    def _inputs(self, warn: Callable[[str], None] | None = None) -> Any:
        """What the catalog is built from; the personal library too (user curricula may
        cite its keys): the cache key is the store's library version, and the rows are
        read and parsed only to rebuild (with ``warn``, a stored block that does not
        parse is left out and named once)."""
        from studyplan.adapters import workspace

        store = self.store()
        library = workspace.StoredLibrary(store.library_version(), store.library_blocks, warn)
        return workspace.gather(self.curricula_dirs, library=library)

    def cached_catalog(self) -> Catalog | None:
        """The catalog if the cache holds it, else None; never validates (completion)."""
        if self._catalog is None:
            from studyplan.adapters import workspace

            self._catalog = workspace.cached_catalog(self._inputs())
        return self._catalog

    def statuses(self) -> dict[str, str]:
        """Topic id -> recorded status (started/done/skipped/known), read-only; rows on a
        retired id (an alias) count as its survivor's."""
        aliases = self.catalog().aliases
        rows = self.store(create=False).statuses(aliases)
        return {tid: row.status for tid, row in rows.items()}

    def reading(self) -> dict[str, TopicReading]:
        """Topic id -> reading progress, for topics with ticked readings (read-only)."""
        if self._reading is None:
            catalog = self.catalog()
            ticks = self.store(create=False).ticks(catalog.aliases)
            self._reading = {}
            if ticks:  # the module only when something was ticked
                from studyplan.domain.ticks import reading_progress

                self._reading = reading_progress(catalog, ticks)
        return self._reading

    def hours_left(self) -> dict[str, float]:
        """Topic id -> hours left, for topics whose ticked readings take hours off."""
        progress = self.reading()
        if not progress:
            return {}
        from studyplan.domain.ticks import hours_left

        return hours_left(progress, self.catalog())

    def saved_plan(self, name: str) -> SavedPlan:
        """The plan saved as ``name``, read once here; ``NotFoundError`` with a did-you-mean
        when there is none, ``StoreError`` naming the JSON path when it cannot be read."""
        store = self.store(create=False)
        saved = store.get_plan(name)
        if saved is None:
            raise self._no_plan(name)
        return saved

    def require_plan(self, name: str) -> None:
        """``NotFoundError`` unless a plan named ``name`` is saved (its content unread)."""
        if name not in self.store(create=False).plan_names():
            raise self._no_plan(name)

    def _no_plan(self, name: str) -> NotFoundError:
        from studyplan.errors import NotFoundError, clip, did_you_mean

        names = self.store(create=False).plan_names()
        return NotFoundError(
            f"no saved plan '{clip(name)}'", did_you_mean(name, names) or "see 'studyplan plans'"
        )

    def plan_name(self, plan: str | None, what: str) -> str:
        """The saved plan a command works on: ``--plan`` if given, else the active plan.

        The one place that decides it, so every command says the same when there is none
        (exit 4, like any other missing plan)."""
        if plan is not None:
            return plan
        name = self.store(create=False).active_plan()
        if name is None:
            from studyplan.errors import NotFoundError

            raise NotFoundError(
                f"nothing to {what}: there is no active plan",
                "name a goal or pass --plan NAME; save a plan with "
                "'studyplan plan GOAL -H 6 --save NAME'",
            )
        return name

    def store(self, *, create: bool = False) -> ProgressStore:
        """The progress database (``--db`` / ``$STUDYPLAN_DB`` / ``<home>/progress.db``).

        ``create=False`` (read-only commands) never creates the file: a missing database
        reads as empty. ``create=True`` (commands that record something) creates it.
        """
        if self._store is None or (create and not self._store.exists):
            from studyplan.adapters import paths
            from studyplan.adapters.store import open_store

            if self._store is not None:
                self._store.close()
            self._store = open_store(paths.db_target(self.db), create=create)
            # Close when the command ends: SQLite then checkpoints and removes the WAL.
            if self._root is not None:
                self._root.call_on_close(self._store.close)
        return self._store


def _warn(line: str) -> None:
    # Not typer.echo: the fast dispatcher runs without the CLI framework.
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    if obj._root is None:
        obj._root = ctx.find_root()
    return obj


def learner_paces(st: State, override: float | None = None) -> dict[str, Any]:
    """Each curriculum's pace (``domain/pace.py``): learnt from the minutes logged on done
    topics and the time spent reviewing them, or fixed by ``--pace``."""
    from studyplan.domain.pace import estimate, fixed

    catalog = st.catalog()
    if override is not None:
        from studyplan.domain.limits import check_pace

        return fixed(catalog.curricula, check_pace(override))
    store = st.store(create=False)
    rows = store.statuses(catalog.aliases)
    spent = {t: float(r.minutes) for t, r in rows.items() if r.status == "done"}
    if not any(spent.values()):
        return {}
    for topic, _, credit, _, seconds in store.review_log():
        if credit >= 1 and seconds and topic in spent:
            spent[topic] += seconds / 60
    table = catalog.topics
    return estimate(
        (table[t].curriculum, minutes, table.hours(t))
        for t, minutes in spent.items()
        if t in table and minutes > 0
    )
