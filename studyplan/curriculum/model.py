"""The curriculum file format, defined as pydantic models.

These models are the single definition of what a curriculum file may contain; the JSON
Schema in ``docs/curriculum.schema.json`` is generated from them (``studyplan schema``).
They are used only while validating files: the rest of the program works on the plain
dataclasses of ``studyplan.curriculum.catalog``, which load faster from the cache.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CURRICULUM_ID = r"^[a-z0-9][a-z0-9-]*$"
TOPIC_ID = r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$"

NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    # A typo in a field name must be reported, not silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrerequisiteSpec(_Strict):
    """A topic this one depends on, and why."""

    id: Annotated[
        str, Field(pattern=TOPIC_ID, description="Topic id, possibly in another curriculum")
    ]
    reason: NonEmpty = Field(description="What exactly the dependent topic uses from it")


class ReadingSpec(_Strict):
    """A citation into references.bib (or the user's library) with an exact location."""

    key: NonEmpty = Field(description="Citation key in references.bib or the imported library")
    where: NonEmpty = Field(description='Chapter/section/pages, or "whole paper"')
    core: bool = Field(default=False, description="True for the reading that teaches the topic")
    access: Literal["free", "paid"] = Field(description="Can it be read legally at no cost?")
    url: str | None = Field(default=None, description="Where to read it")
    hours: float | None = Field(default=None, gt=0, description="Hours for this reading alone")


class TopicSpec(_Strict):
    """One node of the prerequisite graph."""

    id: Annotated[str, Field(pattern=TOPIC_ID, description="<curriculum>.<slug>; never changes")]
    title: NonEmpty
    title_zh: NonEmpty
    summary: NonEmpty = Field(description="What the learner can do after this topic")
    prerequisites: list[PrerequisiteSpec] = Field(default_factory=list)
    readings: list[ReadingSpec] = Field(default_factory=list)
    hours: float = Field(gt=0, description="Estimated hours for the whole topic")
    tags: list[NonEmpty] = Field(default_factory=list)
    level: Literal["intro", "intermediate", "advanced", "research"] | None = None
    goal: bool = Field(default=False, description="Marks a topic meant as a learning goal")


class CurriculumHeader(_Strict):
    """The fields of a curriculum file other than its topics."""

    id: Annotated[str, Field(pattern=CURRICULUM_ID, description="Lowercase id, e.g. infotheory")]
    title: NonEmpty
    title_zh: NonEmpty
    description: NonEmpty


class CurriculumSpec(CurriculumHeader):
    """One curriculum file."""

    topics: list[TopicSpec] = Field(min_length=1)


def json_schema() -> dict[str, object]:
    """The JSON Schema of a curriculum file, for editors and ``studyplan schema``."""
    schema = CurriculumSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "studyplan curriculum"
    return schema
