"""Field values as BibTeX reads them: pieces joined by '#', macro references, names.

bibtexparser splits blocks but accepts some values that BibTeX rejects (two pieces without
'#', ``2020a``, a ``\\{`` that BibTeX counts as a brace); ``check_value`` catches those so
that exports never make ``bibtex`` complain. The common shapes take a fast path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# A bare token: a number, or a macro name (which must not start with a digit).
_BARE = re.compile(r"[^\s\"#%'(),={}]+")
_MACRO = re.compile(r"[^\d\s\"#%'(),={}][^\s\"#%'(),={}]*")
_BRACES = re.compile(r"[{}]")
_QUOTE_MARKS = re.compile(r'[{}"]')
_SPACE = re.compile(r"\s*")
_INNERMOST = re.compile(r"\{[^{}]*\}")


def _one_braced(value: str) -> bool:
    """True if ``value`` is a single ``{...}`` group (as BibTeX counts braces)."""
    if value[:1] != "{" or value[-1:] != "}":
        return False
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner:
        return True
    while True:
        reduced = _INNERMOST.sub("", inner)
        if reduced == inner:
            return "{" not in inner and "}" not in inner
        inner = reduced


class ValueSyntaxError(Exception):
    """A field value BibTeX would reject; the message says why."""


def check_value(value: str) -> tuple[str, ...]:
    """The macro names (lower case) a value references; raises ``ValueSyntaxError``."""
    if _one_braced(value):
        return ()
    if value.isdigit():
        return ()
    if _MACRO.fullmatch(value):
        return (value.lower(),)
    return tuple(name for kind, name in pieces(value) if kind == "macro")


def pieces(value: str) -> list[tuple[str, str]]:
    """``(kind, text)`` for each '#'-joined piece: kind is braced, quoted, number or macro;
    text is the content without delimiters (the name, for a macro)."""
    result: list[tuple[str, str]] = []
    n = len(value)
    pos = _SPACE.match(value, 0).end()  # type: ignore[union-attr]
    if pos >= n:
        raise ValueSyntaxError("empty value")
    while True:
        char = value[pos]
        if char == "{":
            end = _close_brace(value, pos)
            result.append(("braced", value[pos + 1 : end - 1]))
        elif char == '"':
            end = _close_quote(value, pos)
            result.append(("quoted", value[pos + 1 : end - 1]))
        else:
            match = _BARE.match(value, pos)
            if match is None:
                raise ValueSyntaxError(f"unexpected '{char}' in value")
            token, end = match.group(), match.end()
            if token[0].isdigit():
                if not token.isdigit():
                    raise ValueSyntaxError(
                        f"'{token}' is neither a number nor a macro name (put it in braces)"
                    )
                result.append(("number", token))
            else:
                result.append(("macro", token.lower()))
        pos = _SPACE.match(value, end).end()  # type: ignore[union-attr]
        if pos >= n:
            return result
        if value[pos] != "#":
            raise ValueSyntaxError(_joined_hint(value))
        pos = _SPACE.match(value, pos + 1).end()  # type: ignore[union-attr]
        if pos >= n:
            raise ValueSyntaxError("nothing after '#'")


def _joined_hint(value: str) -> str:
    if "\\{" in value or "\\}" in value:
        return "unbalanced braces: BibTeX counts \\{ and \\} as braces too"
    return "value has pieces not joined by '#' (put the whole value in braces)"


def _close_brace(value: str, start: int) -> int:
    depth = 0
    for match in _BRACES.finditer(value, start):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end()
    raise ValueSyntaxError("unbalanced braces" + _escaped_note(value))


def _close_quote(value: str, start: int) -> int:
    depth = 0
    for match in _QUOTE_MARKS.finditer(value, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise ValueSyntaxError("unbalanced braces in quoted value" + _escaped_note(value))
        elif depth == 0:
            return match.end()
    raise ValueSyntaxError('unterminated "quoted" value' + _escaped_note(value))


def _escaped_note(value: str) -> str:
    return " (BibTeX counts \\{ and \\} as braces too)" if "\\{" in value or "\\}" in value else ""


def text_of(value: str, strings: Mapping[str, str]) -> str:
    """Like ``expand`` with a fast path for the usual ``{...}``, number and macro values."""
    if _one_braced(value):
        return value[1:-1]
    if value.isdigit():
        return value
    return expand(value, strings)


def expand(value: str, strings: Mapping[str, str], _depth: int = 0) -> str:
    """The text a value stands for: pieces joined, macros replaced by their definitions
    (``strings`` maps lower-case names to raw values); undefined macros stay as names."""
    out: list[str] = []
    for kind, text in pieces(value):
        if kind == "macro":
            raw = strings.get(text)
            out.append(text if raw is None or _depth > 20 else expand(raw, strings, _depth + 1))
        else:
            out.append(text)
    return "".join(out)


def split_names(text: str) -> list[str]:
    """The names of an author/editor list: split on 'and' outside braces."""
    names: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif (
            depth == 0
            and char.isspace()
            and text[i + 1 : i + 4].lower() == "and"
            and (i + 4 >= n or text[i + 4].isspace())
        ):
            names.append(text[start:i].strip())
            i += 4
            start = i
            continue
        i += 1
    names.append(text[start:].strip())
    return [n for n in names if n]


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _top_level(text: str) -> str:
    """``text`` with every braced group replaced by ``x`` (what BibTeX parses names on)."""
    while "{" in text or "}" in text:
        reduced = _INNERMOST.sub("x", text)
        if reduced == text:
            return text.replace("{", "").replace("}", "")  # unbalanced: checked elsewhere
        text = reduced
    return text


def name_problem(text: str) -> str | None:
    """BibTeX's 'too many commas in name' error, for an expanded author/editor value."""
    if text.count(",") <= 2:
        return None
    for number, name in enumerate(_AND.split(_top_level(text).strip()), 1):
        if name.count(",") > 2:
            original = split_names(text)
            shown = original[number - 1] if number <= len(original) else name
            return f"too many commas in name {number} ('{shown}')"
    return None
