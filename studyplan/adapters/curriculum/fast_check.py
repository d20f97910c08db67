"""A fast, exact check of a file's topics, for the data the fast YAML parser gives.

``TopicSpec.model_validate`` and turning the spec into the catalog's ``Topic`` were most
of a cold build after the YAML itself (benchmarks/bench_planner.py): pydantic makes five
model instances for a typical topic, and the loader then copies them into tuples.
``topics_of`` checks each topic's plain data against the same rules as the models in
``model.py`` and builds the ``Topic`` straight from it.

It only ever *accepts* a topic pydantic accepts, with the same values: for anything it
is not certain of (a string with spaces around it, which pydantic strips; a value of
another type that pydantic might coerce; any rule broken) it answers ``None`` and the
loader validates the file through the models, which word the problems
(``tests/test_fast_check.py`` holds the two to the same result on every built-in file and
on generated topics at the edges of every rule).
"""

from __future__ import annotations

import math
import re
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

from studyplan.adapters.curriculum.spec_problems import pointer_problems
from studyplan.domain.catalog import (
    MILESTONE,
    Check,
    Part,
    Pointer,
    Prerequisite,
    Project,
    Reading,
    Topic,
)

if TYPE_CHECKING:
    from studyplan.adapters.curriculum.loader import Source

# The pattern of ``one_of`` (``model.py``), matched on the whole string.
_LABEL = r"[a-z0-9][a-z0-9-]*"

_TOPIC_KEYS = frozenset(
    (
        "id", "kind", "title", "title_zh", "summary", "prerequisites", "readings", "hours",
        "tags", "level", "goal", "aliases", "checks", "exercises", "project",
    )
)  # fmt: skip
_READING_KEYS = frozenset(
    ("key", "where", "core", "access", "url", "hours", "pages", "one_of", "parts")
)
_LEVELS = frozenset(("intro", "intermediate", "advanced", "research"))
_ACCESS = frozenset(("free", "paid"))


_NO_ITEMS: list[Any] = []
# Records made from a tuple in C (a named tuple's own ``__new__`` is a Python function).
_new_reading = partial(tuple.__new__, Reading)
_new_prerequisite = partial(tuple.__new__, Prerequisite)
_new_topic = partial(tuple.__new__, Topic)
intern = sys.intern


class _Unsure(Exception):
    """Not certainly what pydantic accepts: the models decide."""


# What ``str.strip`` removes and pydantic's (Rust's) trim keeps: the only difference.
_NOT_TRIMMED = frozenset("\x1c\x1d\x1e\x1f")


def _text(value: Any) -> str:
    """A ``NonEmpty`` string as pydantic keeps it (``str_strip_whitespace``): a block
    scalar's summary ends in a newline, which goes."""
    if type(value) is not str:
        raise _Unsure
    if value and not value[0].isspace() and not value[-1].isspace():
        return value
    left = value.lstrip()
    trimmed = left.rstrip()
    cut = value[: len(value) - len(left)] + left[len(trimmed) :]
    if not trimmed or not _NOT_TRIMMED.isdisjoint(cut):
        raise _Unsure
    return trimmed


def _maybe_text(value: Any) -> str | None:
    """``str | None`` (no minimum length): a string must need no stripping."""
    if value is None:
        return None
    if type(value) is not str or (value and (value[0].isspace() or value[-1].isspace())):
        raise _Unsure
    return value


def _hours(value: Any) -> float | None:
    """``float | None`` with ``gt=0``: a finite positive int or float (an int becomes a
    float, as pydantic makes it)."""
    if value is None:
        return None
    kind = type(value)
    if kind is int:
        if not 0 < value < 2**53:
            raise _Unsure
        return float(value)
    if kind is not float or not (value > 0 and math.isfinite(value)):
        raise _Unsure
    hours: float = value
    return hours


def _keys(raw: Any, allowed: frozenset[str], required: tuple[str, ...]) -> dict[str, Any]:
    if type(raw) is not dict or not raw.keys() <= allowed:
        raise _Unsure
    for name in required:
        if name not in raw:
            raise _Unsure
    return raw


def _pointer(raw: Any) -> Pointer:
    raw = _keys(raw, frozenset(("key", "where")), ("key", "where"))
    return Pointer(_text(raw["key"]), _text(raw["where"]))


def _reading(raw: Any, texts: list[str]) -> Reading:
    if type(raw) is not dict or not raw.keys() <= _READING_KEYS:
        raise _Unsure
    get = raw.get
    key, where, access = raw["key"], raw["where"], raw["access"]
    core = get("core", False)
    if type(core) is not bool or type(access) is not str or access not in _ACCESS:
        raise _Unsure
    url, hours, pages, one_of = get("url"), get("hours"), get("pages"), get("one_of")
    if url is not None:
        _maybe_text(url)
    if hours is not None:
        hours = _hours(hours)
    if pages is not None and (type(pages) is not int or pages <= 0):
        raise _Unsure
    if one_of is not None and (type(one_of) is not str or not re.fullmatch(_LABEL, one_of)):
        raise _Unsure
    parts = get("parts", _NO_ITEMS)
    if type(parts) is not list:
        raise _Unsure
    texts.append(key)
    texts.append(where)
    reading = (intern(key), intern(where), core, intern(access), url, hours, pages, one_of)
    return _new_reading((*reading, tuple([_part(p) for p in parts])))


def _part(raw: Any) -> Part:
    raw = _keys(raw, frozenset(("where", "hours")), ("where",))
    return Part(_text(raw["where"]), _hours(raw.get("hours")))


def _check(raw: Any) -> Check:
    raw = _keys(raw, frozenset(("q", "q_zh", "answer", "source")), ("q", "answer"))
    q_zh = _maybe_text(raw.get("q_zh"))
    if q_zh == "":
        raise _Unsure
    source = raw.get("source")
    return Check(
        _text(raw["q"]),
        _text(raw["answer"]),
        q_zh,
        _pointer(source) if source is not None else None,
    )


def _project(raw: Any) -> Project | None:
    if raw is None:
        return None
    raw = _keys(raw, frozenset(("title", "task", "deliverable")), ("title", "task", "deliverable"))
    return Project(_text(raw["title"]), _text(raw["task"]), _text(raw["deliverable"]))


def _items(raw: dict[str, Any], name: str) -> list[Any]:
    """A list field: absent is empty; anything else but a list (``null`` too) is not."""
    value = raw.get(name, _NO_ITEMS)
    if type(value) is not list:
        raise _Unsure
    return value


def _topic(raw: Any, curriculum: str, label: str, texts: list[str], ids: list[str]) -> Topic:
    """The topic, its strings that must need no stripping added to ``texts`` and its
    topic ids to ``ids`` (both checked at once for the whole file, by ``topics_of``)."""
    if type(raw) is not dict or not raw.keys() <= _TOPIC_KEYS:
        raise _Unsure
    get = raw.get
    kind = get("kind", "topic")
    level = get("level")
    goal = get("goal", False)
    if kind not in ("topic", MILESTONE) or type(kind) is not str or type(goal) is not bool:
        raise _Unsure
    if level is not None and (type(level) is not str or level not in _LEVELS):
        raise _Unsure
    hours = _hours(get("hours"))
    prerequisites = _prerequisites(get("prerequisites", _NO_ITEMS))
    readings = tuple([_reading(r, texts) for r in _items(raw, "readings")])
    checks = tuple([_check(c) for c in _items(raw, "checks")])
    exercises = tuple([_pointer(e) for e in _items(raw, "exercises")])
    project = _project(get("project"))
    # TopicSpec._kind_rules: any rule broken is worded by the models.
    if kind == MILESTONE:
        if hours is not None or readings or checks or exercises or project or not prerequisites:
            raise _Unsure
    elif hours is None:
        raise _Unsure
    aliases = tuple(_items(raw, "aliases"))
    tags = tuple([intern(tag) for tag in _items(raw, "tags")])
    summary = raw["summary"]
    topic = _new_topic(
        (
            raw["id"],
            curriculum,
            raw["title"],
            raw["title_zh"],
            intern(summary if summary[-1:] != "\n" else _text(summary)),
            hours if hours is not None else 0.0,
            prerequisites,
            readings,
            tags,
            level,
            goal,
            label,
            None,
            kind,
            aliases,
            checks,
            exercises,
            project,
        )
    )
    _note(topic, texts, ids)
    return topic


def _prerequisites(pres: Any) -> tuple[Prerequisite, ...]:
    """A topic's prerequisites, each exactly {id, reason} (two keys, both there, else a
    ``KeyError``); ``_Unsure`` for anything else."""
    if type(pres) is not list:
        raise _Unsure
    prerequisites = tuple(
        [
            _new_prerequisite((intern(p["id"]), intern(p["reason"])))
            for p in pres
            if type(p) is dict and len(p) == 2
        ]
    )
    if len(prerequisites) != len(pres):
        raise _Unsure
    return prerequisites


def _note(topic: Topic, texts: list[str], ids: list[str]) -> None:
    """Add the topic's ids (its own, its aliases', its prerequisites') to ``ids`` and its
    strings that must need no stripping to ``texts``, in ``_topic``'s order."""
    ids.append(topic.id)
    ids += topic.aliases
    texts += topic[2:5]
    texts += topic.tags
    for pre in topic.prerequisites:
        ids.append(pre.id)
        texts.append(pre.reason)


# Strings joined by NUL: each piece non-empty, not starting or ending with whitespace
# (a string holding a NUL is split into pieces, each held to that: stricter, never laxer).
_PIECE = r"[^\s\x00](?:[^\x00]*[^\s\x00])?"
_TEXTS = f"{_PIECE}(?:\x00{_PIECE})*"
_ID = r"[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*"
_IDS = f"{_ID}(?:\n{_ID})*"
# Compiled on first use (``re`` caches them): a warm start imports this module, never
# checks.


def topics_of(raw_topics: Any, curriculum: str, label: str) -> list[Topic] | None:
    """The file's topics as the catalog's, when every one of them is certainly valid as
    the models define it (then with the values pydantic would give); else ``None``. The
    topics have no line (the fast parser's data has none)."""
    if type(raw_topics) is not list or not raw_topics:
        return None
    texts: list[str] = []
    ids: list[str] = []
    try:
        topics = [_topic(raw, curriculum, label, texts, ids) for raw in raw_topics]
        # ``join`` refuses anything but strings (a number where a string goes).
        if not re.fullmatch(_TEXTS, "\x00".join(texts)) or not re.fullmatch(_IDS, "\n".join(ids)):
            return None
    except (_Unsure, KeyError, TypeError):
        return None
    return topics


def clean(source: Source, prefix: str, topics: list[Topic]) -> bool:
    """Whether the topics ``topics_of`` took pass the checks the loader runs after the
    models (id prefix, pointers, alternatives); if not, the models word the problems."""
    for topic in topics:
        if not topic.id.startswith(prefix + "."):
            return False
        pointers = topic.checks or topic.exercises or any(r.one_of for r in topic.readings)
        if pointers and pointer_problems(source, None, (), topic):
            return False
    return True
