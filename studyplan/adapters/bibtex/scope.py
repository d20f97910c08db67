"""Which topics and citation keys an export holds, in what order, and the note
``--annotate`` adds: the ``bib export`` options checked together (``Request``) and what
they select (``select``). Pure: the CLI passes the catalog, the statuses and (for
``--plan``) the ``SavedPlan`` it read from the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from studyplan.domain.catalog import Catalog, Topic
from studyplan.domain.saved_plan import SavedPlan
from studyplan.domain.status import RECORDED, Status
from studyplan.errors import InputError, clip


def cited_keys(topics: Iterable[Topic], core_only: bool = False) -> list[str]:
    """Each topic's reading keys in order, first appearance wins."""
    keys: dict[str, None] = {}
    for topic in topics:
        for reading in topic.readings:
            if reading.core or not core_only:
                keys.setdefault(reading.key)
    return list(keys)


def notes(
    topics: Sequence[Topic], statuses: Mapping[str, str], core_only: bool = False
) -> dict[str, str]:
    """Key -> ``Cited by Entropy [mini.entropy], read Ch. 2 (core), status: done; ...``."""
    parts: dict[str, list[str]] = {}
    for topic in topics:
        for reading in topic.readings:
            if core_only and not reading.core:
                continue
            status = statuses.get(topic.id, "not started")
            kind = "core" if reading.core else "optional"
            parts.setdefault(reading.key, []).append(
                f"{topic.title} [{topic.id}], read {reading.where} ({kind}), status: {status}"
            )
    return {key: "Cited by " + "; ".join(found) for key, found in parts.items()}


STATUSES = RECORDED
SORTS = ("plan", "key", "year")


@dataclass(frozen=True, slots=True)
class Request:
    """The scope options of ``bib export``: at most one of them."""

    everything: bool = False
    library: bool = False
    curriculum: str | None = None
    goals: tuple[str, ...] = ()
    plan: str | None = None
    topics: tuple[str, ...] = ()
    status: str | None = None
    core_only: bool = False
    sort: str = "plan"
    done: bool = False  # --done: the same as --status done
    books: bool = False  # with --plan or --goal: only the works chosen for the fewest works
    annotate: bool = False  # a note on each entry: who cites it, where to read, status

    def checked(self) -> Request:
        """The request (``--done`` folded into ``status``), or ``InputError`` for options
        that do not go together."""
        if self.done and self.status not in (None, Status.DONE):
            raise InputError("--done and --status are one scope", "use one of them")
        if self.books and self.plan is None and not self.goals:
            raise InputError("--books goes with --plan or --goal", "e.g. --plan bitdelta --books")
        if self.done:
            return replace(self, done=False, status=Status.DONE).checked()
        if self.status is not None and self.status not in STATUSES:
            raise InputError(
                f"--status: unknown status '{clip(self.status)}'", "one of " + ", ".join(STATUSES)
            )
        if self.sort not in SORTS:
            raise InputError(
                f"--sort: unknown order '{clip(self.sort)}'", "one of " + ", ".join(SORTS)
            )
        chosen = [
            name
            for name, on in (
                ("--all", self.everything),
                ("--library", self.library),
                ("--curriculum", self.curriculum is not None),
                ("--goal", bool(self.goals)),
                ("--plan", self.plan is not None),
                ("--topic", bool(self.topics)),
                ("--done/--status", self.status is not None),
            )
            if on
        ]
        if len(chosen) > 1:
            raise InputError(
                f"choose one scope, not {' and '.join(chosen)}", "see 'bib export --help'"
            )
        if self.core_only and not self.of_topics:
            raise InputError(
                "--core-only needs a scope of topics", "e.g. --curriculum ID or --goal GOAL"
            )
        return self

    @property
    def of_topics(self) -> bool:
        """False for the whole-library scopes (--all, --library, none)."""
        return bool(
            self.curriculum or self.goals or self.plan is not None or self.topics or self.status
        )

    @property
    def needs_catalog(self) -> bool:
        """A whole-library export without notes reads no curriculum."""
        return self.of_topics or self.annotate

    @property
    def needs_statuses(self) -> bool:
        return bool(self.annotate or self.goals or self.status)


@dataclass(slots=True)
class Selection:
    """What an export holds: its label, the entry ``keys`` in scope order (None: the
    whole library), the ``--annotate`` notes, and the lines to show on stderr first."""

    label: str
    keys: list[str] | None
    notes: dict[str, str] | None = None
    messages: list[str] = field(default_factory=list)


def select(
    request: Request,
    catalog: Catalog | None,
    statuses: Mapping[str, str],
    saved_plan: SavedPlan | None = None,
) -> Selection:
    """The keys, label and notes of a checked request; ``catalog`` may be None when the
    request does not ``needs_catalog``."""
    if request.needs_catalog and catalog is None:
        raise TypeError("this scope needs the catalog")
    label = "your library" if request.library else "everything"
    if not request.of_topics:
        topics = list(catalog.topics.values()) if catalog is not None and request.annotate else []
        return Selection(label, None, _notes_of(request, topics, statuses))
    assert catalog is not None
    resolved = resolve(request, catalog, statuses, saved_plan)
    messages = [f"warning: {warning}" for warning in resolved.warnings]
    label, topics = resolved.label, resolved.topics
    keys = cited_keys(topics, request.core_only)
    if request.books:
        from studyplan.domain.books import choose, chosen_keys, groups_of

        choice = choose(groups_of(catalog, [t.id for t in topics]))
        keys = chosen_keys(choice)
        label += ", fewest works"
        if choice.note:
            messages.append(f"note: {choice.note}")
    return Selection(label, keys, _notes_of(request, topics, statuses), messages)


def _notes_of(
    request: Request, topics: Sequence[Topic], statuses: Mapping[str, str]
) -> dict[str, str] | None:
    return notes(topics, statuses, request.core_only) if request.annotate else None


@dataclass(slots=True)
class Resolved:
    label: str
    topics: list[Topic]
    warnings: list[str] = field(default_factory=list)


def resolve(
    request: Request,
    catalog: Catalog,
    statuses: Mapping[str, str],
    saved_plan: SavedPlan | None = None,
) -> Resolved:
    """The topics of a topic scope, in scope order (``saved_plan``: the --plan plan)."""
    from studyplan.domain.planner import build_plan, resolve_goals

    if request.curriculum is not None:
        ids = catalog.curriculum(request.curriculum).topic_ids
        return Resolved(f"curriculum {request.curriculum}", [catalog.topics[t] for t in ids])
    if request.goals:
        plan = build_plan(catalog, resolve_goals(catalog, request.goals), statuses)
        return Resolved(f"plan for {' '.join(request.goals)}", [s.topic for s in plan.steps])
    if request.plan is not None:
        if saved_plan is None:
            raise TypeError("a --plan scope needs the saved plan")
        return _saved(request.plan, catalog, statuses, saved_plan)
    if request.topics:
        unique = dict.fromkeys(request.topics)
        return Resolved(f"topics {' '.join(unique)}", [catalog.topic(t) for t in unique])
    status = request.status
    return Resolved(
        f"status {status}", [t for tid, t in catalog.topics.items() if statuses.get(tid) == status]
    )


def _saved(name: str, catalog: Catalog, statuses: Mapping[str, str], saved: SavedPlan) -> Resolved:
    """A saved plan's steps as saved (rebuilt from its goals if it kept none)."""
    from studyplan.domain.planner import build_plan, resolve_goals

    steps = [catalog.resolve(s.topic_id) for s in saved.steps]
    if not steps and saved.goals:
        goals = resolve_goals(catalog, list(saved.goals))
        steps = [s.topic.id for s in build_plan(catalog, goals, statuses).steps]
    gone = [t for t in steps if t not in catalog.topics]
    warnings = (
        [f"saved plan '{name}' has topics no longer in the curricula: {', '.join(gone)}"]
        if gone
        else []
    )
    topics = [catalog.topics[t] for t in steps if t in catalog.topics]
    return Resolved(f"saved plan {name}", topics, warnings)
