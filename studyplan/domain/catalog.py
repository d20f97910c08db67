"""The merged, validated set of curricula as plain immutable data (no I/O).

A ``Catalog`` is what every command works on. It is built by the loader from pydantic
specs, pickled into the cache, and loaded back without importing pydantic or YAML.
Topics, prerequisites and readings are named tuples rather than frozen dataclasses: as
immutable, and much faster to unpickle, which is most of a warm start on a large
catalog (figures: benchmarks/RESULTS.md).

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each string
annotation (a ``ForwardRef``), which doubled the cost of these classes on every start.
"""

import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, NamedTuple

from studyplan.domain import columns
from studyplan.domain.layout import record_layout
from studyplan.domain.pickled import PickledChunks, PickledMapping
from studyplan.domain.positions import index_of, sorted_order


class Prerequisite(NamedTuple):
    """An edge of the graph: the topic ``id`` must be learnt first, and ``reason`` says
    what for (shown in why-chains)."""

    id: str
    reason: str


class Part(NamedTuple):
    """One part of a reading whose ``where`` names several chapters or sections."""

    where: str
    hours: float | None = None


class Reading(NamedTuple):
    """A reading of a topic: a citation ``key`` (in references.bib or the library), the
    place in it (``where``), whether it is ``core`` or optional, how to get it
    (``access``) and an optional ``url``."""

    key: str
    where: str
    core: bool
    access: str
    url: str | None = None
    hours: float | None = None
    pages: int | None = None
    # Core readings of a topic sharing a label are alternatives (any one teaches it).
    one_of: str | None = None
    parts: tuple[Part, ...] = ()


class Pointer(NamedTuple):
    """A place in a reading: an exercise set, or where a check comes from."""

    key: str
    where: str


class Check(NamedTuple):
    """A self-check question and its short answer."""

    q: str
    answer: str
    q_zh: str | None = None
    source: Pointer | None = None


class Project(NamedTuple):
    title: str
    task: str
    deliverable: str


MILESTONE = "milestone"


class Topic(NamedTuple):
    """One learnable unit with its estimated ``hours``, prerequisites, readings, checks and
    exercises; ``id`` is ``<curriculum>.<name>`` and never changes once published
    (``aliases`` are retired ids that now mean this topic). A ``milestone`` has no hours
    or readings: its prerequisites are its parts. ``source``/``line`` locate it."""

    id: str
    curriculum: str
    title: str
    title_zh: str
    summary: str
    hours: float
    prerequisites: tuple[Prerequisite, ...] = ()
    readings: tuple[Reading, ...] = ()
    tags: tuple[str, ...] = ()
    level: str | None = None
    goal: bool = False
    source: str = ""
    line: int | None = None
    kind: str = "topic"  # or MILESTONE: no hours or readings; its prerequisites are its parts
    aliases: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    exercises: tuple[Pointer, ...] = ()
    project: Project | None = None

    @property
    def is_milestone(self) -> bool:
        return self.kind == MILESTONE

    @property
    def core_readings(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.core)

    @property
    def core_groups(self) -> tuple[tuple[Reading, ...], ...]:
        """The core readings as what the topic needs: one group per needed reading, and
        one per ``one_of`` label holding its alternatives (any one of them will do), in
        the order their first reading is declared."""
        from studyplan.domain.columns import core_groups

        return core_groups(self.core_readings)

    @property
    def prerequisite_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.prerequisites)


class Curriculum(NamedTuple):
    """One curriculum file: its id, titles, description and its topics' ids in declared
    order (``source`` is the file it came from)."""

    id: str
    title: str
    title_zh: str
    description: str
    topic_ids: tuple[str, ...]
    source: str = ""


class BibSummary(NamedTuple):
    """What commands need to show a reference without parsing BibTeX."""

    key: str
    entry_type: str
    title: str
    authors: str
    year: str
    venue: str = ""
    url: str = ""
    doi: str = ""
    eprint: str = ""


# Bump only for a change of the pickled layout that no record's fields show (say, a
# column's meaning); added, removed, renamed or retyped fields change the key by
# themselves (``record_layout``, in ``domain/layout.py``).
_LAYOUT_REVISION = 10  # 10: the edge list's node 0 kept for the root (native.ROOT, SHIFT)
#: Topics per pickled chunk of details (``show`` opens one, ``next`` a few; all was half a
#: ``show``), at most ``DETAIL_CHUNKS`` chunks (each repeats strings its topics share).
DETAIL_CHUNK = 32
DETAIL_CHUNKS = 64


class TopicTable(Mapping[str, Topic]):
    """Topics by id, stored as columns in declared order; a ``Topic`` is made on access.

    What planning and listing read for every topic (id, curriculum, titles, hours, core
    readings, the prerequisite links by position) is kept as plain lists and arrays. The
    rest (summary, every reading, reasons, tags, where it was declared) is pickled in
    chunks of ``DETAIL_CHUNK`` topics, each opened on first use (``show`` opens one), and
    the cache keeps them in a file of their own (``stored_apart``): a warm ``plan`` on a
    100k-topic catalog never reads them (benchmarks/bench_planner.py). A loaded table
    finds ids with a ``PositionIndex``. Milestones are few: their positions and their
    parts' positions are kept as one small mapping.
    """

    __slots__ = (
        "_built",
        "_chunks",
        "_core",
        "_curriculum",
        "_details",
        "_hours",
        "_ids",
        "_milestones",
        "_position",
        "_sources",
        "_targets",
        "_title",
        "_title_zh",
    )

    def __init__(self, topics: Mapping[str, Topic]) -> None:
        text = sys.intern
        ids = [text(t) for t in topics]
        position = {tid: i for i, tid in enumerate(ids)}
        self._set_core(
            ids,
            [text(t.curriculum) for t in topics.values()],
            [t.title for t in topics.values()],
            [text(t.title_zh) for t in topics.values()],
            array("d", [t.hours for t in topics.values()]),
            columns.core_columns_of(topics),
            *columns.links_of(topics, position),
        )
        self._position: Mapping[str, int] = position
        self._milestones = columns.milestone_parts(topics, position)
        # (summary, prerequisites, readings, *the fields from tags on) per topic, the
        # records as plain tuples: named tuples pickle through a Python call each. The
        # loader interns the strings many topics share (ids, reasons, keys, tags).
        self._details: list[tuple[Any, ...]] | None = [
            (t[4], tuple(map(tuple, t[6])), tuple(map(tuple, t[7])), *t[8:])
            for t in topics.values()
        ]
        self._chunks: PickledChunks | None = None  # made when pickled

    def _set_core(
        self,
        ids: list[str],
        curriculum: list[str],
        title: list[str],
        title_zh: list[str],
        hours: "array[float]",
        core: columns.CoreColumns,
        sources: "array[int]",
        targets: "array[int]",
    ) -> None:
        self._ids = ids
        self._curriculum = curriculum
        self._title = title
        self._title_zh = title_zh
        self._hours = hours
        self._core = core
        self._sources = sources
        self._targets = targets
        self._built: dict[str, Topic] = {}

    # -- pickling: the hot columns as they are, the details as opaque chunks -------------

    def pickled_details(self) -> PickledChunks:
        """The details as pickled chunks (made now on a table built from topics)."""
        if self._chunks is None:
            self._chunks = PickledChunks.of(self._details or [], DETAIL_CHUNK, DETAIL_CHUNKS)
        return self._chunks

    def __getstate__(self) -> tuple[Any, ...]:
        join = columns.joined  # (one string each: split back faster than unpickled)
        texts = (join(self._ids), self._curriculum, join(self._title), join(self._title_zh))
        rest = (self._hours, self._core, self._sources, self._targets, self._milestones)
        return (*texts, *rest, sorted_order(self._ids), self.pickled_details().state())

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        *core, milestones, order, details = state
        ids, curriculum, title, title_zh, *rest = core
        split = columns.split
        self._set_core(split(ids), curriculum, split(title), split(title_zh), *rest)
        self._milestones = milestones
        self._position = index_of(self._ids, order, self._use_dict)
        self._details = None
        self._chunks = PickledChunks.from_state(details)

    def _use_dict(self, position: dict[str, int]) -> None:
        self._position = position  # (the PositionIndex built it: no more Python calls)

    def stored_apart(self, token: bytes) -> tuple["TopicTable", bytes]:
        """A twin pickling ``token`` for its details, and the details' bytes to keep apart."""
        chunks, blob = self.pickled_details().apart(token)
        twin = TopicTable.__new__(TopicTable)
        for name in TopicTable.__slots__:
            setattr(twin, name, getattr(self, name))
        twin._details, twin._chunks = None, chunks
        return twin, blob

    def _detail(self, position: int) -> tuple[Any, ...]:
        if self._details is not None:
            return self._details[position]
        return self.pickled_details().row(position)

    # -- the mapping -------------------------------------------------------------------

    def __getitem__(self, topic_id: str) -> Topic:
        topic = self._built.get(topic_id)
        if topic is None:
            i = self._position[topic_id]
            summary, pres, readings, *rest = self._detail(i)
            # The records made as tuples of their fields (as pickle would; the rows hold
            # every field): the named tuples' own ``__new__`` is a Python call each.
            new = tuple.__new__
            topic = new(
                Topic,
                (
                    topic_id,
                    self._curriculum[i],
                    self._title[i],
                    self._title_zh[i],
                    summary,
                    self._hours[i],
                    tuple(map(new, repeat(Prerequisite), pres)),
                    tuple(map(new, repeat(Reading), readings)),
                    *rest,
                ),
            )
            self._built[topic_id] = topic
        return topic

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    # -- single fields, without building the topic -------------------------------------

    def position(self, topic_id: str) -> int:
        """The topic's place in declared order (its index in the prerequisite graph)."""
        return self._position[topic_id]

    def positions(self) -> Mapping[str, int]:
        """Topic id -> position (a loaded table's ``PositionIndex``, or the ``dict``)."""
        return self._position

    def ids(self) -> Sequence[str]:
        """Every topic id, in declared order (do not modify)."""
        return self._ids

    def prerequisite_ids(self, topic_id: str) -> list[str]:
        return [p[0] for p in self._detail(self._position[topic_id])[1]]

    def reasons(self, topic_id: str) -> dict[str, str]:
        """Prerequisite id -> reason."""
        return dict(self._detail(self._position[topic_id])[1])

    def is_milestone(self, topic_id: str) -> bool:
        return self._position[topic_id] in self._milestones

    def milestones(self) -> Mapping[int, tuple[int, ...]]:
        """Milestone position -> its parts' positions (its prerequisites), in declared order."""
        return self._milestones

    def hours(self, topic_id: str) -> float:
        return self._hours[self._position[topic_id]]

    def title(self, topic_id: str) -> str:
        return self._title[self._position[topic_id]]

    def curriculum_of(self, topic_id: str) -> str:
        return self._curriculum[self._position[topic_id]]

    # -- whole columns, by position -----------------------------------------------------

    def hours_column(self) -> Sequence[float]:
        return self._hours

    def titles(self) -> Sequence[str]:
        return self._title

    def titles_zh(self) -> Sequence[str]:
        return self._title_zh

    def core_columns(self) -> columns.CoreColumns:
        """Every core reading as columns (key, where, access, url, hours, one_of), topic by topic:
        topic ``i``'s are rows ``at[i]`` to ``at[i + 1]``. Returns ``(at, *columns)``."""
        return self._core

    def links(self) -> tuple[Sequence[int], Sequence[int]]:
        """Every prerequisite link that names a topic, once, as (topic position,
        prerequisite position) columns in declared order: the prerequisite graph."""
        return self._sources, self._targets


class Catalog:
    """All curricula merged into one graph, in declared order (curricula in load order,
    topics in file order): the order every tie is broken by. ``aliases``: retired id ->
    its survivor's id. ``planning_graph`` (set by the workspace on a cached catalog, never
    pickled) reads the planner's rustworkx graph from the cache (None: build it yourself).
    ``content_hash``: a hash of the curricula's and references' contents (not of the
    program), which saved plans keep so that ``plan diff`` tells a change of the curricula
    from one of the marks. A plain class, not a dataclass (docs/architecture.md)."""

    __slots__ = ("aliases", "content_hash", "curricula", "planning_graph", "references", "topics")

    curricula: dict[str, Curriculum]
    topics: TopicTable
    references: Mapping[str, BibSummary]
    aliases: dict[str, str]
    planning_graph: Callable[[], Any] | None
    content_hash: str

    def __init__(
        self,
        curricula: dict[str, Curriculum],
        topics: Mapping[str, Topic],
        references: Mapping[str, BibSummary] | None = None,
        aliases: Mapping[str, str] | None = None,
        content_hash: str = "",
    ) -> None:
        self.curricula = curricula
        self.topics = topics if isinstance(topics, TopicTable) else TopicTable(topics)
        self.references = references or {}
        self.aliases = dict(aliases or {})
        self.planning_graph = None
        self.content_hash = content_hash

    def _compared(self) -> tuple[Any, ...]:
        return self.curricula, self.topics, self.references, self.aliases, self.content_hash

    def __eq__(self, other: object) -> bool:  # (and so unhashable, as a dataclass with eq)
        if not isinstance(other, Catalog) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __getstate__(self) -> tuple[Any, ...]:
        refs = self.references
        blobs = (
            refs.blobs() if isinstance(refs, PickledMapping) else (PickledMapping.dump(refs), None)
        )
        curricula = columns.curricula_state(self.curricula, self.topics)
        return self.topics, curricula, blobs, self.aliases, self.content_hash

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.topics, curricula, blobs, self.aliases, self.content_hash = state
        self.curricula = columns.curricula_of(curricula, self.topics)
        self.references = PickledMapping[BibSummary](*blobs)
        self.planning_graph = None

    def resolve(self, topic_id: str) -> str:
        """The id a topic is known by now: a retired id (an alias) gives its survivor's
        id; any other id is returned as it is."""
        return self.aliases.get(topic_id, topic_id)

    def knows(self, topic_id: str) -> bool:
        """Whether the id names a topic, directly or as an alias."""
        return topic_id in self.topics or topic_id in self.aliases

    def resolve_statuses(self, statuses: Mapping[str, str]) -> dict[str, str]:
        """Recorded statuses with rows on retired ids moved to their survivors; where both
        have a row, the survivor's own wins (callers that know recording order merge
        before, see ``ProgressStore.statuses``)."""
        if not self.aliases or not any(t in self.aliases for t in statuses):
            return dict(statuses)
        merged = {t: s for t, s in statuses.items() if t not in self.aliases}
        for tid, status in statuses.items():
            survivor = self.aliases.get(tid)
            if survivor is not None:
                merged.setdefault(survivor, status)
        return merged

    def topic(self, topic_id: str) -> Topic:
        """The topic of an id or of an alias (its survivor); ``NotFoundError`` otherwise."""
        from studyplan.errors import NotFoundError, clip, did_you_mean

        topic_id = self.resolve(topic_id)
        if topic_id not in self.topics:
            raise NotFoundError(
                f"unknown topic '{clip(topic_id)}'",
                did_you_mean(topic_id, self.topics) or "see 'studyplan topics'",
            )
        return self.topics[topic_id]

    def curriculum(self, curriculum_id: str) -> Curriculum:
        from studyplan.errors import NotFoundError, clip, did_you_mean

        found = self.curricula.get(curriculum_id)
        if found is None:
            raise NotFoundError(
                f"unknown curriculum '{clip(curriculum_id)}'",
                did_you_mean(curriculum_id, self.curricula) or "see 'studyplan curricula'",
            )
        return found

    def learnable_ids(self, curriculum_id: str) -> list[str]:
        """The curriculum's topics that are not milestones, in declared order."""
        milestone = self.topics.is_milestone
        return [t for t in self.curricula[curriculum_id].topic_ids if not milestone(t)]

    def curriculum_hours(self, curriculum_id: str) -> float:
        hours = self.topics.hours
        return sum(hours(t) for t in self.curricula[curriculum_id].topic_ids)


def _own_records() -> tuple[type, ...]:
    """Every class defined in this module, and the lazy mapping it holds: each one can
    end up in the pickled catalog."""
    module = sys.modules[__name__]
    own = tuple(
        obj
        for _, obj in sorted(vars(module).items())
        if isinstance(obj, type) and obj.__module__ == __name__
    )
    return (*own, PickledMapping)


CACHE_LAYOUT = f"{_LAYOUT_REVISION}-{record_layout(*_own_records())}"
