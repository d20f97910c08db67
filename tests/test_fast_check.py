"""The fast topic check (``fast_check.topics_of``) accepts only what the pydantic models
accept, and gives exactly the topics the loader makes from the models' specs; anything
else it leaves to the models (``None``), which word the problems."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from helpers import ROOT
from studyplan.adapters.curriculum import fast_check
from studyplan.adapters.curriculum.model import (
    CheckSpec,
    PartSpec,
    PointerSpec,
    PrerequisiteSpec,
    ProjectSpec,
    ReadingSpec,
    TopicSpec,
)
from studyplan.adapters.curriculum.model import catalog_topic as _topic
from studyplan.adapters.curriculum.yaml_lines import fast_data
from studyplan.domain.catalog import Topic

CURRICULA = sorted((ROOT / "curricula").rglob("*.yaml"))


def _by_models(raw_topics: list[Any], curriculum: str, label: str) -> list[Topic] | None:
    """What the loader makes of the topics through the models (None if one is refused)."""
    try:
        specs = [TopicSpec.model_validate(raw) for raw in raw_topics]
    except ValidationError:
        return None
    return [_topic(spec, curriculum, label, None) for spec in specs]


def _same(fast: list[Topic], slow: list[Topic] | None) -> None:
    # repr tells 5 from 5.0 and True from 1, which == does not.
    assert slow is not None, "the fast check took a topic the models refuse"
    assert repr(fast) == repr(slow)


def test_the_field_names_are_the_models() -> None:
    level = TopicSpec.model_fields["level"].annotation
    assert set(TopicSpec.model_fields) == fast_check._TOPIC_KEYS
    assert set(ReadingSpec.model_fields) == fast_check._READING_KEYS
    assert set(level.__args__[0].__args__) == fast_check._LEVELS  # type: ignore[union-attr]
    for spec, keys in [
        (PrerequisiteSpec, {"id", "reason"}),
        (PartSpec, {"where", "hours"}),
        (PointerSpec, {"key", "where"}),
        (CheckSpec, {"q", "q_zh", "answer", "source"}),
        (ProjectSpec, {"title", "task", "deliverable"}),
    ]:
        assert set(spec.model_fields) == keys, spec


@pytest.mark.parametrize("path", CURRICULA, ids=lambda p: p.name)
def test_same_topics_as_the_models_on_every_builtin_file(path: Path) -> None:
    data = fast_data(path.read_text("utf-8"))
    if not isinstance(data, dict):
        pytest.skip("the fast parser leaves this file to PyYAML")
    fast = fast_check.topics_of(data["topics"], data["id"], path.name)
    if fast is not None:
        _same(fast, _by_models(data["topics"], data["id"], path.name))


def test_the_fast_check_takes_most_builtin_files() -> None:
    taken = 0
    for path in CURRICULA:
        data = fast_data(path.read_text("utf-8"))
        if isinstance(data, dict) and fast_check.topics_of(data["topics"], data["id"], "x"):
            taken += 1
    assert taken >= 0.7 * len(CURRICULA)


BASE: dict[str, Any] = {
    "id": "c.topic",
    "title": "A topic",
    "title_zh": "主题",
    "summary": "What it teaches.",
    "hours": 3,
    "tags": ["t"],
    "prerequisites": [{"id": "c.base", "reason": "uses it"}],
    "readings": [
        {"key": "k1", "where": "Ch. 1", "core": True, "access": "free", "one_of": "a"},
        {"key": "k2", "where": "Ch. 2", "core": True, "access": "paid", "one_of": "a"},
        {"key": "k3", "where": "§3", "access": "free", "url": "https://x", "hours": 1.5,
         "pages": 12, "parts": [{"where": "§3.1", "hours": 1}, {"where": "§3.2"}]},
    ],
    "checks": [{"q": "Why?", "answer": "Because.", "q_zh": "为什么", "source": {"key": "k1", "where": "p. 3"}}],
    "exercises": [{"key": "k2", "where": "Ex. 1"}],
    "project": {"title": "P", "task": "Do it", "deliverable": "A note"},
    "aliases": ["old.topic"],
    "level": "intro",
    "goal": True,
}  # fmt: skip

# Values at the edge of some rule: what pydantic strips, coerces or refuses.
AWKWARD: list[Any] = [
    None, "", " ", "x", " x", "x ", "\u3000x", "x\x1f", "a\x00b", "\n", "x\n", "\x1cx\n", " a b\n",
    "c.ok", "C.bad", "c.",
    "c.a b", "c.ok\n", "old.topic", "free", "paid", "Free", "intro", "milestone", "topic",
    "yes", "true", 0, 1, -1, 2, 5, 2**53, 2**64, 0.0, -0.5, 1.5, math.inf, math.nan, True, False,
    [], ["x"], [""], [" x"], [1], ["c.ok"], {}, {"key": "k1", "where": "w"}, {"id": "c.ok"},
    {"id": "c.ok", "reason": "r"}, {"id": "c.ok", "reason": ""}, {"id": "c.ok", "reason": "r", "x": 1},
    [{"id": "c.ok", "reason": "r"}], [{"where": "w"}], [{"where": "w", "hours": 0}],
]  # fmt: skip
PATHS: list[tuple[Any, ...]] = [
    (k,) for k in [*BASE, "kind", "unknown"]
] + [
    ("prerequisites", 0, "id"), ("prerequisites", 0, "reason"), ("prerequisites", 0, "extra"),
    ("readings", 0, "key"), ("readings", 0, "core"), ("readings", 0, "access"),
    ("readings", 0, "one_of"), ("readings", 1, "one_of"), ("readings", 2, "url"),
    ("readings", 2, "hours"), ("readings", 2, "pages"), ("readings", 2, "parts"),
    ("readings", 2, "parts", 0, "hours"), ("readings", 2, "parts", 1, "where"),
    ("checks", 0, "q"), ("checks", 0, "q_zh"), ("checks", 0, "source"),
    ("checks", 0, "source", "key"), ("exercises", 0, "key"), ("project", "task"),
    ("project", "extra"), ("tags", 0), ("aliases", 0),
]  # fmt: skip


def _base(milestone: bool) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    if milestone:
        for name in ("hours", "readings", "checks", "exercises", "project"):
            raw.pop(name)
        raw["kind"] = "milestone"
    return raw


def _set(raw: dict[str, Any], path: tuple[Any, ...], value: Any, drop: bool) -> None:
    *head, last = path
    node: Any = raw
    for part in head:
        node = node[part]
    if drop:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(AWKWARD), st.booleans()), max_size=3
    ),
    st.booleans(),
)
def test_what_the_fast_check_takes_the_models_take_alike(
    edits: list[tuple[tuple[Any, ...], Any, bool]], milestone: bool
) -> None:
    raw = _base(milestone)
    for path, value, drop in edits:
        try:
            _set(raw, path, copy.deepcopy(value), drop)
        except (KeyError, IndexError, TypeError):
            continue  # a path through something an earlier edit replaced
    fast = fast_check.topics_of([raw], "c", "file.yaml")
    if fast is not None:
        _same(fast, _by_models([raw], "c", "file.yaml"))
    if not edits:
        assert fast is not None  # the unedited topic is plainly valid


@pytest.mark.parametrize("milestone", [False, True], ids=["topic", "milestone"])
def test_every_single_edit_the_fast_check_takes_the_models_take_alike(milestone: bool) -> None:
    # Every field set to every awkward value (and dropped), one at a time.
    taken = 0
    for path in PATHS:
        for value, drop in [*((v, False) for v in AWKWARD), (None, True)]:
            raw = _base(milestone)
            try:
                _set(raw, path, copy.deepcopy(value), drop)
            except (KeyError, IndexError, TypeError):
                continue  # a milestone has no readings to edit
            fast = fast_check.topics_of([raw], "c", "file.yaml")
            if fast is not None:
                taken += 1
                _same(fast, _by_models([raw], "c", "file.yaml"))
    assert taken > len(PATHS)  # the valid edits are taken, not all left to the models


def test_a_topic_the_models_refuse_is_left_to_them() -> None:
    for bad in ({**BASE, "hours": 0}, {**BASE, "title": " padded"}, {**BASE, "extra": 1}):
        assert _by_models([bad], "c", "f") is None or bad["title"] != BASE["title"]
        assert fast_check.topics_of([bad], "c", "f") is None
    assert fast_check.topics_of([BASE, {**BASE, "goal": "yes"}], "c", "f") is None
    assert fast_check.topics_of([], "c", "f") is None
