"""YAML with line numbers: parse one curriculum file into nodes and data, find the line
of a pydantic error's location, and word that error for a person.

Two parsers. ``fast_data`` parses with rapidyaml (C++, ~18x PyYAML's C loader) and
hands over its JSON; it answers only when the result is certainly what PyYAML's safe
loader gives, and ``None`` otherwise (then PyYAML parses the file):

- the text has no tag, anchor, alias, merge key, directive, document marker,
  complex key or tab (``_unsafe``; a false alarm only costs speed);
- no string in the JSON is one that a plain YAML 1.1 scalar would resolve to a bool,
  int, float, null or timestamp (``_RESOLVABLE``: rapidyaml resolves by YAML 1.2 and
  JSON cannot say whether the string was quoted, so ``'yes'`` falls back as well);
- every JSON number is one PyYAML reads as the same number (``1e3`` is a string to
  PyYAML; ``_number``).

It gives no nodes, so no line numbers: a file with any problem is parsed again with
PyYAML (``loader.parse_one``) and its problems carry lines as before.
``tests/test_yaml_fast.py`` checks both parsers give the same data on every built-in
file and on generated documents full of YAML's awkward scalars.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studyplan.errors import Problem

if TYPE_CHECKING:
    from studyplan.adapters.curriculum.loader import Source


# Tags, anchors and aliases: a ``!``, ``&`` or ``*`` that starts a token.
_NODE_PROPERTY = r"(?<![^\s\[\]{},])[!&*][^\s,\[\]{}]"
_COMPLEX_KEY = r"(?m)^[ -]*\?(?:\s|$)"
_MARKERS = ("\t", "<<", "\n---", "\n...", "\n%")


def _unsafe(text: str) -> bool:
    """True when the text may use a YAML feature the fast path does not vouch for."""
    if text.startswith(("---", "...", "%")) or any(m in text for m in _MARKERS):
        return True
    if ("!" in text or "&" in text or "*" in text) and re.search(_NODE_PROPERTY, text):
        return True
    return "?" in text and re.search(_COMPLEX_KEY, text) is not None


# A JSON string (between quotes) that a plain YAML 1.1 scalar with the same text would
# not read as a string, after yaml.resolver.Resolver's implicit resolvers.
_RESOLVABLE = (
    # The look-ahead lets the many strings that cannot match ("title", "Topic 1") fail
    # on their first two characters.
    r'"(?=[yY][eE]|[nN][oOuU]|[tT][rR]|[fF][aA]|[oO][nNfF]|[~<=+.0-9-])(?:'
    r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|~|null|Null|NULL|<<|="
    r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
    r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:(?:[Tt]| +)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?: *(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?"
    r')"'
)
_FLOAT = r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
# The patterns are compiled on first use (``re`` caches them): a warm start imports
# this module but never parses.


class _NotCertain(Exception):
    """The fast parser cannot vouch for this file: PyYAML parses it."""


def _number(token: str) -> float:
    if not re.fullmatch(_FLOAT, token):
        raise _NotCertain
    return float(token)


def _constant(token: str) -> Any:
    raise _NotCertain


def fast_data(text: str) -> Any | None:
    """The file's data through rapidyaml, or ``None`` when only PyYAML can say."""
    emitted = fast_json(text)
    return load_json(emitted) if emitted is not None else None


def fast_json(text: str) -> str | None:
    """The file's data as JSON through rapidyaml (what ``fast_data`` loads), or ``None``
    when only PyYAML can say. The parse cache keeps it for a file whose data is valid."""
    if not text.strip() or _unsafe(text):
        return None
    try:
        import ryml

        tree = ryml.parse_in_arena(text.encode("utf-8"))
        out = ryml.emit_json_malloc(tree, tree.root_id())
        emitted = out if isinstance(out, str) else bytes(out).decode("utf-8")
    except Exception:  # a parse error, nothing emitted: PyYAML decides (and words it)
        return None
    return None if re.search(_RESOLVABLE, emitted) else emitted


def load_json(emitted: str) -> Any | None:
    """``fast_json``'s text as data; ``None`` for a number PyYAML reads otherwise."""
    import json

    try:
        return json.loads(emitted, parse_float=_number, parse_constant=_constant)
    except Exception:  # a number PyYAML reads otherwise, or not JSON: PyYAML decides
        return None


def compose(source: Source) -> tuple[Any, Any, list[Problem]]:
    """Parse one file with PyYAML into (yaml node tree, plain data); problems if it is
    not usable."""
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
    """The 1-based line of the YAML node at a pydantic error location (or its parent);
    ``None`` without a node (the fast parser's data)."""
    if node is None:
        return None
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
