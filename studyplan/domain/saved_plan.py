"""A saved plan as a typed, versioned value: what ``plan --save`` keeps, read back as
strictly as it is written. Pure: no I/O.

The JSON form (``to_json``/``from_json``) is what the store keeps in ``plan.payload`` and
what backups carry. Version 1 is the first release's layout, unchanged, and still read.
Version 2 adds what ``plan diff`` needs to say why a step came or went: the catalog's
content hash (``catalog_hash``), each step's prerequisites as they were (``requires``),
the topics the goals needed that the learner already had (``covered``: id, what vouched
for it, its status) and whether the readings were chosen with ``--books``. ``from_json``
refuses anything the commands would not have written (a wrong type, a negative hour, a
date out of range, a step without an id) with the JSON path of every problem, so that a
bad backup or a hand-edited row is reported once instead of crashing later commands.
Plain code rather than pydantic, because ``status`` and ``next`` read saved plans on
their start-up path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from studyplan.domain.limits import MAX_HOURS_PER_WEEK, MAX_YEAR, MIN_YEAR

VERSION = 2
VERSIONS = (1, 2)


class SavedPlanFormatError(ValueError):
    """A saved plan's JSON is not one the commands would have written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SavedStep:
    """One step of the schedule as it was saved."""

    topic_id: str
    hours: float
    week: int | None = None
    end_week: int | None = None
    start: date | None = None
    end: date | None = None
    # Version 2: the step's prerequisites (topic ids) when the plan was saved.
    requires: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SavedCovered:
    """A topic the goals needed that the learner had when the plan was saved."""

    topic_id: str
    by: str
    status: str


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A plan as it was saved: the goals as typed and as resolved, the parameters and the
    schedule. ``goal_ids`` are the resolved topic ids (the JSON's ``"topics"`` key)."""

    goals: tuple[str, ...]
    goal_ids: tuple[str, ...]
    created: date
    steps: tuple[SavedStep, ...]
    total_hours: float
    hours_per_week: float | None = None
    start: date | None = None
    deadline: date | None = None
    weeks: int | None = None
    finish_date: date | None = None
    version: int = VERSION
    catalog_hash: str | None = None
    covered: tuple[SavedCovered, ...] = ()
    books: bool = False
    #: The learner's paces its hours were scaled by, as text (absent: the estimates).
    pace: tuple[str, ...] = ()

    @property
    def step_ids(self) -> list[str]:
        return [s.topic_id for s in self.steps]

    @property
    def scheduled(self) -> bool:
        """Saved with a weekly budget, so every step has its dates."""
        return bool(self.hours_per_week) and all(
            s.start is not None and s.end is not None for s in self.steps
        )

    def to_json(self) -> dict[str, Any]:
        """The stored form (key order and values as each version wrote them)."""
        data = self._v1_json()
        if self.version >= 2:
            for step, saved in zip(data["steps"], self.steps, strict=True):
                step["requires"] = list(saved.requires or ())
            data["catalog_hash"] = self.catalog_hash
            data["covered"] = [
                {"id": c.topic_id, "by": c.by, "status": c.status} for c in self.covered
            ]
            data["books"] = self.books
        return data

    def _v1_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "goals": list(self.goals),
            "topics": list(self.goal_ids),
            "created": self.created.isoformat(),
            "hours_per_week": self.hours_per_week,
            "start": _iso(self.start),
            "deadline": _iso(self.deadline),
            "total_hours": self.total_hours,
            "weeks": self.weeks,
            "finish_date": _iso(self.finish_date),
            **({"pace": list(self.pace)} if self.pace else {}),
            "steps": [
                {
                    "id": s.topic_id,
                    "hours": s.hours,
                    "week": s.week,
                    "end_week": s.end_week,
                    "start": _iso(s.start),
                    "end": _iso(s.end),
                }
                for s in self.steps
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> SavedPlan:
        """Read a stored plan; ``SavedPlanFormatError`` lists every problem by JSON path."""
        reader = _Reader()
        plan = reader.plan(data)
        if reader.problems or plan is None:
            raise SavedPlanFormatError(reader.problems or ["$: not a saved plan"])
        return plan


def iso(day: date | None) -> str | None:
    """A date as the JSON keeps it (None stays None)."""
    return day.isoformat() if day is not None else None


_iso = iso


def _or_zero(value: float | None) -> float:
    """A refused number reads as 0 (the problem is reported); 0 keeps its JSON type."""
    return 0.0 if value is None else value


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, path: str, what: str) -> None:
        self.problems.append(f"{path}: {what}")

    def plan(self, data: Any) -> SavedPlan | None:
        if not isinstance(data, Mapping):
            self.bad("$", "must be an object")
            return None
        version = data.get("version", 1)
        if version not in VERSIONS or isinstance(version, bool):
            self.bad("$.version", f"version {version!r} is not 1 or 2")
            version = VERSION
        goals = self.ids(data.get("goals"), "$.goals")
        goal_ids = self.ids(data.get("topics", data.get("goals")), "$.topics")
        hours_per_week = self.number(data.get("hours_per_week"), "$.hours_per_week", True)
        if hours_per_week is not None and not 0 < hours_per_week <= MAX_HOURS_PER_WEEK:
            self.bad("$.hours_per_week", f"must be more than 0 and at most {MAX_HOURS_PER_WEEK:g}")
        raw_steps = data.get("steps", [])
        if not isinstance(raw_steps, list):
            self.bad("$.steps", "must be a list")
            raw_steps = []
        steps = tuple(
            s
            for i, item in enumerate(raw_steps)
            if (s := self.step(item, f"$.steps[{i}]", version))
        )
        total = self.number(data.get("total_hours", 0), "$.total_hours", False)
        start = self.day(data.get("start"), "$.start")
        created = self.day(data.get("created"), "$.created") or start or date(MIN_YEAR, 1, 1)
        if hours_per_week is not None and start is None:
            self.bad("$.start", "a plan with hours per week needs its start date")
        return SavedPlan(
            goals=goals,
            goal_ids=goal_ids,
            created=created,
            steps=steps,
            total_hours=total if total is not None else 0.0,
            hours_per_week=hours_per_week,
            start=start,
            deadline=self.day(data.get("deadline"), "$.deadline"),
            weeks=self.whole(data.get("weeks"), "$.weeks"),
            finish_date=self.day(data.get("finish_date"), "$.finish_date"),
            version=version,
            catalog_hash=self.text(data.get("catalog_hash"), "$.catalog_hash", version),
            covered=self.covered(data.get("covered", []), version),
            books=self.flag(data.get("books", False), "$.books"),
            pace=self.texts(data.get("pace", []), "$.pace"),
        )

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(path, "must be a list of texts")
            return ()
        return tuple(value)

    def text(self, value: Any, path: str, version: int) -> str | None:
        if version < 2 or value is None:
            return None
        if not isinstance(value, str) or not value:
            self.bad(path, "must be a text or null")
            return None
        return value

    def flag(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.bad(path, "must be true or false")
            return False
        return value

    def covered(self, value: Any, version: int) -> tuple[SavedCovered, ...]:
        if version < 2:
            return ()
        if not isinstance(value, list):
            self.bad("$.covered", "must be a list")
            return ()
        found: list[SavedCovered] = []
        for i, item in enumerate(value):
            path = f"$.covered[{i}]"
            if not isinstance(item, Mapping) or not all(
                isinstance(item.get(k), str) and item.get(k) for k in ("id", "by", "status")
            ):
                self.bad(path, "must be an object with id, by and status")
                continue
            found.append(SavedCovered(item["id"], item["by"], item["status"]))
        return tuple(found)

    def step(self, item: Any, path: str, version: int = 1) -> SavedStep | None:
        if not isinstance(item, Mapping):
            self.bad(path, "must be an object")
            return None
        topic = item.get("id")
        if not isinstance(topic, str) or not topic:
            self.bad(f"{path}.id", "must be a topic id")
            return None
        return SavedStep(
            topic_id=topic,
            hours=_or_zero(self.number(item.get("hours", 0), f"{path}.hours", False)),
            week=self.whole(item.get("week"), f"{path}.week"),
            end_week=self.whole(item.get("end_week"), f"{path}.end_week"),
            start=self.day(item.get("start"), f"{path}.start"),
            end=self.day(item.get("end"), f"{path}.end"),
            requires=(
                self.ids(item.get("requires", []), f"{path}.requires", empty=True)
                if version >= 2
                else None
            ),
        )

    def ids(self, value: Any, path: str, empty: bool = True) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.bad(path, "must be a list of topic or curriculum ids")
            return ()
        return tuple(value)

    def number(self, value: Any, path: str, optional: bool) -> float | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.bad(path, "must be a number")
            return None
        if not math.isfinite(value if isinstance(value, float) else 0.0) or value < 0:
            self.bad(path, "must be a finite number, not negative")
            return None
        return float(value) if isinstance(value, float) else value

    def whole(self, value: Any, path: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.bad(path, "must be a whole number, not negative")
            return None
        return value

    def day(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            self.bad(path, "must be a date, YYYY-MM-DD")
        elif not MIN_YEAR <= day.year <= MAX_YEAR:
            self.bad(path, f"{day} is out of range ({MIN_YEAR}-{MAX_YEAR})")
            return None
        return day
