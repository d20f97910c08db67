"""The curriculum file format, defined as pydantic models.

These models are the single definition of what a curriculum file may contain; the JSON
Schema in ``docs/curriculum.schema.json`` is generated from them (``studyplan schema``).
They are used only while validating files: the rest of the program works on the plain
dataclasses of ``studyplan.domain.catalog``, which load faster from the cache.
"""

from __future__ import annotations

from sys import intern
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from studyplan.domain.catalog import Check, Part, Pointer, Prerequisite, Project, Reading, Topic

CURRICULUM_ID = r"^[a-z0-9][a-z0-9-]*$"
TOPIC_ID = r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$"
ALTERNATIVES_LABEL = r"^[a-z0-9][a-z0-9-]*$"

NonEmpty = Annotated[str, Field(min_length=1)]
TopicId = Annotated[str, Field(pattern=TOPIC_ID)]
# The fields a milestone may not have: it is a checkpoint, learnt through its parts.
MILESTONE_FORBIDS = ("hours", "readings", "checks", "exercises", "project")


class _Strict(BaseModel):
    # A typo in a field name must be reported, not silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrerequisiteSpec(_Strict):
    """A topic this one depends on, and why."""

    id: Annotated[
        str, Field(pattern=TOPIC_ID, description="Topic id, possibly in another curriculum")
    ]
    reason: NonEmpty = Field(description="What exactly the dependent topic uses from it")


class PartSpec(_Strict):
    """One part of a reading whose ``where`` names several chapters or sections: what
    ``studyplan read TOPIC KEY --part N`` ticks."""

    where: NonEmpty = Field(description="This part's chapter/section, as in the reading's where")
    hours: float | None = Field(default=None, gt=0, description="Hours for this part alone")


class ReadingSpec(_Strict):
    """A citation into references.bib (or the user's library) with an exact location."""

    key: NonEmpty = Field(description="Citation key in references.bib or the imported library")
    where: NonEmpty = Field(description='Chapter/section/pages, or "whole paper"')
    core: bool = Field(default=False, description="True for the reading that teaches the topic")
    access: Literal["free", "paid"] = Field(description="Can it be read legally at no cost?")
    url: str | None = Field(default=None, description="Where to read it")
    hours: float | None = Field(default=None, gt=0, description="Hours for this reading alone")
    pages: int | None = Field(
        default=None, gt=0, description="Pages of this reading (only when verified)"
    )
    one_of: Annotated[str, Field(pattern=ALTERNATIVES_LABEL)] | None = Field(
        default=None,
        description=(
            "Core readings of a topic that share this label are alternatives: any one of "
            "them teaches that part of the topic. A core reading without it is needed."
        ),
    )
    parts: list[PartSpec] = Field(
        default_factory=list,
        description="The reading's parts, in order, when its where names several (ticked "
        "one by one with 'studyplan read TOPIC KEY --part N')",
    )


class PointerSpec(_Strict):
    """A place in a reading: a citation key of this topic's readings and a location."""

    key: NonEmpty = Field(description="Citation key (one of this topic's readings)")
    where: NonEmpty = Field(description="Exercise numbers or section, as verified")


class CheckSpec(_Strict):
    """A self-check: a short question someone who has learnt the topic answers in a minute."""

    q: NonEmpty = Field(description="The question (English)")
    q_zh: NonEmpty | None = Field(default=None, description="The question in Chinese")
    answer: NonEmpty = Field(description="Short answer: a number, a formula, a sentence or two")
    source: PointerSpec | None = Field(
        default=None, description="Where the check comes from (a reading of this topic)"
    )


class ProjectSpec(_Strict):
    """Hands-on work for the topic, and what to hand in."""

    title: NonEmpty
    task: NonEmpty = Field(description="What to do")
    deliverable: NonEmpty = Field(description="What to hand in")


class TopicSpec(_Strict):
    """One node of the prerequisite graph: a learnable topic, or a milestone (a
    checkpoint with no hours or readings of its own whose prerequisites are its parts)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"kind": {"const": "milestone"}}, "required": ["kind"]},
                    "then": {
                        "not": {"anyOf": [{"required": [f]} for f in MILESTONE_FORBIDS]},
                        "required": ["prerequisites"],
                        "properties": {"prerequisites": {"minItems": 1}},
                    },
                    "else": {"required": ["hours"]},
                }
            ]
        },
    )

    id: Annotated[str, Field(pattern=TOPIC_ID, description="<curriculum>.<slug>; never changes")]
    kind: Literal["topic", "milestone"] = Field(
        default="topic", description="topic (learnable) or milestone (its prerequisites' sum)"
    )
    title: NonEmpty
    title_zh: NonEmpty
    summary: NonEmpty = Field(description="What the learner can do after this topic")
    prerequisites: list[PrerequisiteSpec] = Field(default_factory=list)
    readings: list[ReadingSpec] = Field(default_factory=list)
    hours: float | None = Field(
        default=None, gt=0, description="Estimated hours for the whole topic (learnable only)"
    )
    tags: list[NonEmpty] = Field(default_factory=list)
    level: Literal["intro", "intermediate", "advanced", "research"] | None = None
    goal: bool = Field(default=False, description="Marks a topic meant as a learning goal")
    aliases: list[TopicId] = Field(
        default_factory=list,
        description="Retired ids (merged duplicates) that now mean this topic",
    )
    checks: list[CheckSpec] = Field(default_factory=list)
    exercises: list[PointerSpec] = Field(
        default_factory=list, description="The readings' own exercises (verified locations)"
    )
    project: ProjectSpec | None = None

    @model_validator(mode="after")
    def _kind_rules(self) -> TopicSpec:
        problems = kind_problems(self)
        if problems:
            first = problems[0][1]
            raise PydanticCustomError("topic_kind", first, {"problems": problems})
        return self


def kind_problems(spec: TopicSpec) -> list[tuple[str, str, str]]:
    """What a topic's ``kind`` rules out, as (field, message, hint): a milestone has no
    hours, readings, checks, exercises or project and at least one prerequisite (its
    parts); a learnable topic has hours."""
    found: list[tuple[str, str, str]] = []
    if spec.kind == "milestone":
        given: dict[str, Any] = {
            "hours": spec.hours,
            "readings": spec.readings,
            "checks": spec.checks,
            "exercises": spec.exercises,
            "project": spec.project,
        }
        for name in MILESTONE_FORBIDS:
            if given[name]:
                found.append(
                    (
                        name,
                        f"a milestone has no {name} of its own",
                        "remove it, or move it to one of the milestone's parts",
                    )
                )
        if not spec.prerequisites:
            found.append(
                (
                    "prerequisites",
                    "a milestone needs at least one prerequisite (its parts)",
                    "list its parts as prerequisites",
                )
            )
    elif spec.hours is None:
        found.append(
            ("hours", "missing field 'hours'", "give an estimate in hours (see docs/curricula.md)")
        )
    return found


class CurriculumHeader(_Strict):
    """The fields of a curriculum file other than its topics."""

    id: Annotated[str, Field(pattern=CURRICULUM_ID, description="Lowercase id, e.g. infotheory")]
    title: NonEmpty
    title_zh: NonEmpty
    description: NonEmpty


class CurriculumSpec(CurriculumHeader):
    """One curriculum file."""

    topics: list[TopicSpec] = Field(min_length=1)


def catalog_topic(spec: TopicSpec, curriculum: str, label: str, line: int | None) -> Topic:
    """The catalog's topic for a valid ``TopicSpec``."""
    return Topic(
        id=spec.id,
        curriculum=curriculum,
        title=spec.title,
        title_zh=spec.title_zh,
        summary=spec.summary,
        hours=spec.hours if spec.hours is not None else 0.0,
        prerequisites=tuple(
            Prerequisite(intern(p.id), intern(p.reason)) for p in spec.prerequisites
        ),
        readings=tuple(
            Reading(
                intern(r.key),
                r.where,
                r.core,
                intern(r.access),
                r.url,
                r.hours,
                r.pages,
                r.one_of,
                tuple(Part(p.where, p.hours) for p in r.parts),
            )
            for r in spec.readings
        ),
        tags=tuple(intern(tag) for tag in spec.tags),
        level=spec.level,
        goal=spec.goal,
        source=label,
        line=line,
        kind=spec.kind,
        aliases=tuple(spec.aliases),
        checks=tuple(
            Check(
                c.q,
                c.answer,
                c.q_zh,
                Pointer(c.source.key, c.source.where) if c.source else None,
            )
            for c in spec.checks
        ),
        exercises=tuple(Pointer(e.key, e.where) for e in spec.exercises),
        project=(
            Project(spec.project.title, spec.project.task, spec.project.deliverable)
            if spec.project
            else None
        ),
    )


def json_schema() -> dict[str, object]:
    """The JSON Schema of a curriculum file, for editors and ``studyplan schema``."""
    schema = CurriculumSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "studyplan curriculum"
    return schema
