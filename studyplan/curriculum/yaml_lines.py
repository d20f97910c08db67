"""YAML with line numbers: parse one curriculum file into nodes and data, find the line
of a pydantic error's location, and word that error for a person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studyplan.errors import Problem

if TYPE_CHECKING:
    from studyplan.curriculum.loader import Source


def compose(source: Source) -> tuple[Any, Any, list[Problem]]:
    """Parse one file into (yaml node tree, plain data); problems if it is not usable."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = source.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            None,
            None,
            [Problem(source.label, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")],
        )
    if not text.strip():
        return None, None, [_empty(source)]
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return (
            None,
            None,
            [Problem(source.label, f"YAML syntax error: {what}", "fix the YAML syntax", line=line)],
        )
    except yaml.YAMLError as exc:
        return None, None, [Problem(source.label, f"YAML error: {exc}", "fix the YAML syntax")]
    finally:
        loader.dispose()
    if data is None:  # only comments or a bare document marker
        return None, None, [_empty(source)]
    if not isinstance(data, dict):
        return (
            None,
            None,
            [
                Problem(
                    source.label,
                    f"expected a mapping with id, title, topics; found a {type(data).__name__}",
                    "see docs/curricula.md",
                    line=1,
                )
            ],
        )
    return node, data, []


def _empty(source: Source) -> Problem:
    return Problem(
        source.label, "empty file", "add a curriculum (see docs/curricula.md) or delete the file"
    )


def line_of(node: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location (or its parent)."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def describe(error: dict[str, Any], loc: Sequence[str | int]) -> tuple[str, str]:
    """A one-line message and hint for one pydantic error; ``loc`` is how to name the field."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    kind = error["type"]
    value = error.get("input")
    field = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return f"missing field '{where}'", "add it (see docs/curricula.md)"
    if kind == "extra_forbidden":
        return f"unknown field '{where}'", "remove it or fix its spelling (see docs/curricula.md)"
    if kind in ("greater_than", "greater_than_equal") and field == "hours":
        return (
            f"{where} must be greater than 0 (got {value!r})",
            "give a positive estimate in hours",
        )
    if kind == "string_pattern_mismatch" and field == "id":
        rule = "<curriculum>.<slug>" if len(error["loc"]) > 1 or "topics" in loc else "<slug>"
        return (
            f"{where} {value!r} is not a valid id",
            f"use {rule} in lowercase letters, digits and '-'",
        )
    return (
        f"{where}: {error['msg'][0].lower()}{error['msg'][1:]} (got {value!r})",
        "see docs/curricula.md",
    )
