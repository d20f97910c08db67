"""The merged, validated set of curricula as plain immutable data (no I/O).

A ``Catalog`` is what every command works on. It is built by the loader from pydantic
specs, pickled into the cache, and loaded back without importing pydantic or YAML.
Topics, prerequisites and readings are named tuples rather than frozen dataclasses: as
immutable, but about ten times faster to unpickle, which is most of a warm start on a
100k-topic catalog (see benchmarks/bench_planner.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Prerequisite(NamedTuple):
    id: str
    reason: str


class Reading(NamedTuple):
    key: str
    where: str
    core: bool
    access: str
    url: str | None = None
    hours: float | None = None


class Topic(NamedTuple):
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

    @property
    def core_readings(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.core)

    @property
    def prerequisite_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.prerequisites)


@dataclass(frozen=True, slots=True)
class Curriculum:
    id: str
    title: str
    title_zh: str
    description: str
    topic_ids: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True, slots=True)
class BibSummary:
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


class TopicTable(Mapping[str, Topic]):
    """Topics by id, kept as plain tuples and turned into ``Topic`` on first access.

    Unpickling a hundred thousand named tuples costs far more than unpickling plain
    tuples, and most commands touch a handful of topics, so the cache holds rows.
    """

    __slots__ = ("_built", "_hours", "_rows")

    def __init__(self, rows: dict[str, tuple[Any, ...]]) -> None:
        self._rows = rows
        self._built: dict[str, Topic] = {}
        self._hours: list[float] | None = None

    @classmethod
    def from_topics(cls, topics: Mapping[str, Topic]) -> TopicTable:
        rows = {
            tid: (
                *t[:6],
                tuple(tuple(p) for p in t.prerequisites),
                tuple(tuple(r) for r in t.readings),
                *t[8:],
            )
            for tid, t in topics.items()
        }
        return cls(rows)

    def __getitem__(self, topic_id: str) -> Topic:
        topic = self._built.get(topic_id)
        if topic is None:
            row = self._rows[topic_id]
            topic = Topic._make(
                (
                    *row[:6],
                    tuple(Prerequisite._make(p) for p in row[6]),
                    tuple(Reading._make(r) for r in row[7]),
                    *row[8:],
                )
            )
            self._built[topic_id] = topic
        return topic

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def prerequisite_ids(self, topic_id: str) -> list[str]:
        """Without building the topic (the graph needs only this)."""
        return [p[0] for p in self._rows[topic_id][6]]

    def reasons(self, topic_id: str) -> dict[str, str]:
        """Prerequisite id -> reason, without building the topic."""
        return dict(self._rows[topic_id][6])

    def hours(self, topic_id: str) -> float:
        return float(self._rows[topic_id][5])

    def hours_column(self) -> list[float]:
        """Every topic's hours, in declared order (the prerequisite graph's index order)."""
        if self._hours is None:
            self._hours = [float(row[5]) for row in self._rows.values()]
        return self._hours

    def title(self, topic_id: str) -> str:
        return str(self._rows[topic_id][2])

    def brief(self, topic_id: str) -> tuple[str, str, tuple[Reading, ...]]:
        """(title, title_zh, core readings) without building the whole topic: what a
        plan prints for each of possibly tens of thousands of steps."""
        row = self._rows[topic_id]
        return row[2], row[3], tuple(Reading._make(r) for r in row[7] if r[2])

    def __getstate__(self) -> dict[str, tuple[Any, ...]]:
        return self._rows

    def __setstate__(self, rows: dict[str, tuple[Any, ...]]) -> None:
        self._rows = rows
        self._built = {}
        self._hours = None


@dataclass(slots=True)
class Catalog:
    """All curricula merged into one graph, in declared order (curricula in load order,
    topics in file order): the order every tie is broken by."""

    curricula: dict[str, Curriculum]
    topics: TopicTable
    references: dict[str, BibSummary] = field(default_factory=dict)
    _requires: dict[str, tuple[str, ...]] | None = None

    def __init__(
        self,
        curricula: dict[str, Curriculum],
        topics: Mapping[str, Topic],
        references: dict[str, BibSummary] | None = None,
    ) -> None:
        self.curricula = curricula
        self.topics = topics if isinstance(topics, TopicTable) else TopicTable.from_topics(topics)
        self.references = references or {}
        self._requires = None

    def topic(self, topic_id: str) -> Topic:
        from studyplan.errors import NotFoundError, did_you_mean

        if topic_id not in self.topics:
            raise NotFoundError(
                f"unknown topic '{topic_id}'",
                did_you_mean(topic_id, self.topics) or "see 'studyplan topics'",
            )
        return self.topics[topic_id]

    def curriculum(self, curriculum_id: str) -> Curriculum:
        from studyplan.errors import NotFoundError, did_you_mean

        found = self.curricula.get(curriculum_id)
        if found is None:
            raise NotFoundError(
                f"unknown curriculum '{curriculum_id}'",
                did_you_mean(curriculum_id, self.curricula) or "see 'studyplan curricula'",
            )
        return found

    def curriculum_hours(self, curriculum_id: str) -> float:
        return sum(self.topics[t].hours for t in self.curricula[curriculum_id].topic_ids)

    def prerequisite_map(self) -> dict[str, tuple[str, ...]]:
        """Topic id -> prerequisite ids naming a topic, in declared order; computed once
        and kept in the cached catalog."""
        if self._requires is None:
            from studyplan.graph import normalize

            table = self.topics
            index = {tid: i for i, tid in enumerate(table)}
            self._requires = normalize({tid: table.prerequisite_ids(tid) for tid in table}, index)
        return self._requires
