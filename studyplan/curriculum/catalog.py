"""The merged, validated set of curricula as plain immutable data (no I/O).

A ``Catalog`` is what every command works on. It is built by the loader from pydantic
specs, pickled into the cache, and loaded back without importing pydantic or YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Prerequisite:
    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Reading:
    key: str
    where: str
    core: bool
    access: str
    url: str | None = None
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class Topic:
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


@dataclass(slots=True)
class Catalog:
    """All curricula merged into one graph, in declared order.

    ``order`` gives every topic's position (curricula in load order, topics in file order):
    the planner's tie-break.
    """

    curricula: dict[str, Curriculum]
    topics: dict[str, Topic]
    references: dict[str, BibSummary] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.order:
            self.order = {tid: i for i, tid in enumerate(self.topics)}

    def topic(self, topic_id: str) -> Topic:
        from studyplan.errors import NotFoundError, did_you_mean

        found = self.topics.get(topic_id)
        if found is None:
            raise NotFoundError(
                f"unknown topic '{topic_id}'",
                did_you_mean(topic_id, self.topics) or "see 'studyplan topics'",
            )
        return found

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

    def dependents(self) -> dict[str, list[str]]:
        """Topic id -> the topics that list it as a prerequisite, in declared order."""
        result: dict[str, list[str]] = {tid: [] for tid in self.topics}
        for topic in self.topics.values():
            for pre in topic.prerequisites:
                if pre.id in result:
                    result[pre.id].append(topic.id)
        return result
