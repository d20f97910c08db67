"""The terminal's own rules, without rich: when to colour, how wide, how to wrap.

Colour is used only where it carries meaning (done green, in progress amber, behind red,
titles bold, explanations dim) and only on a terminal: never when stdout is piped or
redirected, never with ``NO_COLOR`` set (https://no-color.org: emphasis, bold and dim,
stays, as rich does) and nothing at all with ``TERM=dumb``. The meaning is always in the
words or glyphs too, so nothing is lost without it.

Long lines wrap with a hanging indent: a continuation starts under the text after the
line's label (``read``, ``why``, a bullet, a tree branch, a step number), not at column 0.
This module only uses the standard library, so ``status`` and ``done`` stay fast.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator

from studyplan.cli.output import cell_width as _cells
from studyplan.cli.output import plain

_CODES = re.compile(r"\x1b\[[0-9;]*m")


def cell_width(text: str) -> int:
    """Columns ``text`` takes on the screen: CJK characters two, escape codes none."""
    return _cells(_CODES.sub("", text) if "\x1b" in text else text)


# SGR parameters per style word; a style is words separated by spaces ("bold green").
_SGR = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


_EMPHASIS = frozenset({"bold", "dim", "italic"})


def styles() -> str:
    """What the output may carry: "colour" (a terminal), "emphasis" (a terminal with
    ``NO_COLOR``: bold and dim only) or "" (piped, redirected, ``TERM=dumb``)."""
    if os.environ.get("TERM") == "dumb" or plain():
        return ""
    return "emphasis" if os.environ.get("NO_COLOR") else "colour"


def colour() -> bool:
    """True when output may carry colour: a terminal, no ``NO_COLOR``, not ``TERM=dumb``."""
    return styles() == "colour"


def _sgr(word: str) -> str:
    if word == "amber":  # an orange amber where the terminal has 256 colours
        return "38;5;214" if "256" in os.environ.get("TERM", "") else "33"
    return _SGR.get(word, "")


def paint(text: str, style: str, allowed: str | None = None) -> str:
    """``text`` in ``style`` (e.g. "bold", "dim", "green", "bold red") as far as
    ``allowed`` (default: ``styles()``) lets it."""
    allowed = styles() if allowed is None else allowed
    if not style or not text or not allowed:
        return text
    words = style.split()
    if allowed != "colour":
        words = [w for w in words if w in _EMPHASIS]
    codes = ";".join(c for c in (_sgr(w) for w in words) if c)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def width() -> int:
    """The terminal's width in columns (``COLUMNS`` wins; 80 when unknown): what
    ``shutil.get_terminal_size((80, 24)).columns`` answers, without importing shutil
    (and the compression modules it loads) on every everyday command."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    stdout = sys.__stdout__
    if columns <= 0 and stdout is not None:
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return max(20, columns or 80)


# A line's label: tree branches, then a bullet, a status mark, a step number or a field
# name, then a week span. A continuation line starts under what follows it. Compiled on
# first use (only a line too long for the terminal needs it): not on every start.
_LABEL = (
    r"[ │├└─]*"
    r"(?:(?:[•✔▶↷·◆→↑*]|\d+\.|read|why|from|hand in:|→)[ ]+)?"
    r"(?:wk \d+(?:–\d+)?[ ]+)?"
)


def hanging_indent(line: str) -> int:
    """Columns a continuation of ``line`` is indented by."""
    lead = re.match(_LABEL, line)
    label = lead.group(0) if lead else ""
    if label.strip():
        return cell_width(label)
    spaces = len(line) - len(line.lstrip(" "))
    return spaces + 2 if spaces else 0


def _continuation(line: str, indent: int) -> str:
    """What a continuation line starts with: spaces, except that a tree's vertical
    guides go on (``│   ├── `` continues as ``│   │   ``)."""
    if not line.startswith(("│", "├", "└", " ")) or not any(c in line[:indent] for c in "│├└"):
        return " " * indent
    head = line[:indent]
    guides = "".join("│" if c in "│├" else " " for c in head)
    return guides + " " * (indent - cell_width(guides))


def wrap(line: str, columns: int) -> list[str]:
    """``line`` cut at spaces into pieces of at most ``columns`` cells, continuations
    indented by ``hanging_indent``; a word longer than a line is cut where it must be."""
    if cell_width(line) <= columns:
        return [line]
    indent = hanging_indent(line)
    if indent > columns // 2:
        indent = min(4, columns // 4)
    lead = _continuation(line, indent)
    out: list[str] = []
    current, used = "", 0
    limit = columns
    for word in _words(line):
        size = cell_width(word)
        if used + size > limit and current.strip():
            out.append(current.rstrip())
            current, used, limit = lead, indent, columns
            if word.isspace():
                continue
        while size > limit - used:  # longer than what is left of a fresh line
            head, word = _cut(word, limit - used)
            out.append(current + head)
            current, used = lead, indent
            size = cell_width(word)
        current += word
        used += size
    if current.strip():
        out.append(current.rstrip())
    return out


def _words(line: str) -> Iterator[str]:
    """Words and the runs of spaces between them, in order."""
    yield from (m.group(0) for m in re.finditer(r" +|[^ ]+", line))


def _cut(word: str, room: int) -> tuple[str, str]:
    room = max(1, room)
    used = 0
    for i, ch in enumerate(word):
        used += cell_width(ch)
        if used > room:
            return word[: max(1, i)], word[max(1, i) :]
    return word, ""


def wrap_fields(line: str, columns: int, indent: int, sep: str = " · ") -> list[str]:
    """``line`` broken only between its ``sep``-separated fields (``17/425 h`` stays
    whole), continuations indented by ``indent``; a field too long for a line is
    wrapped as words."""
    if cell_width(line) <= columns:
        return [line]
    if indent > columns * 2 // 3:
        indent = min(4, columns // 4)
    fields = line.split(sep)
    mark = sep.rstrip()  # what ends a line that continues: " ·"
    out: list[str] = []
    current = fields[0]
    for n, field in enumerate(fields[1:], 2):
        joined = current + sep + field
        room = columns - (cell_width(mark) if n < len(fields) else 0)
        if cell_width(joined) <= room:
            current = joined
            continue
        out.append(current + mark)
        current = " " * indent + field
    out.append(current)
    return [piece for line in out for piece in wrap(line, columns)]


def echo(line: str, indent: int | None = None) -> None:
    """One line that may already carry escape codes: on a terminal wrapped, between
    " · " fields at ``indent`` when given, else as words with a hanging indent."""
    if plain():
        sys.stdout.write(line + "\n")
        return
    columns = width()
    pieces = wrap(line, columns) if indent is None else wrap_fields(line, columns, indent)
    sys.stdout.write("\n".join(pieces) + "\n")


def write_styled(lines: Iterable[tuple[str, str]]) -> None:
    """Lines of (text, style) on a terminal: wrapped with a hanging indent, coloured
    when colour is on."""
    on = styles()
    columns = width()
    out: list[str] = []
    for text, style in lines:
        for piece in text.split("\n"):
            out += [paint(part, style, on) for part in wrap(piece, columns)] or [""]
    sys.stdout.write("\n".join(out) + "\n")
