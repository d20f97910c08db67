"""Terminal output: styled on a terminal, plain text when piped, JSON for scripts.

On a terminal, tables go through rich; lines of text are wrapped with a hanging indent
and coloured by ``studyplan.cli.term`` (standard library only; colour honours
``NO_COLOR``). When stdout is not a terminal the same data is written as plain, aligned,
colourless text without importing rich at all: piped output stays greppable and the
everyday commands start faster (see benchmarks/bench_startup.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def plain() -> bool:
    """True when output should carry no decoration (stdout is not a terminal)."""
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):
        return True


def cell_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def echo(text: str = "", *, err: bool = False) -> None:
    """One line on stdout (or stderr), flushed, as ``typer.echo`` writes it for plain text;
    the everyday commands use this so that they need no CLI framework."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def emit_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> None:
    """A table: rich on a terminal, aligned plain text otherwise."""
    if not plain():
        grid = table(*columns, title=title)
        for row in rows:
            grid.add_row(*(esc(cell) for cell in row))
        console().print(grid)
        return
    lines = [title] if title else []
    widths = [
        max([cell_width(c), *(cell_width(r[i]) for r in rows)]) for i, c in enumerate(columns)
    ]

    def fmt(cells: Sequence[str]) -> str:
        padded = [
            cell + " " * (w - cell_width(cell)) for cell, w in zip(cells, widths, strict=True)
        ]
        return "  ".join(padded).rstrip()

    lines.append(fmt(columns))
    lines.append("  ".join("-" * w for w in widths))
    lines += [fmt(row) for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def emit_lines(lines: Sequence[tuple[str, str]]) -> None:
    """Lines of (text, style): on a terminal wrapped with a hanging indent and coloured
    (``studyplan.cli.term``), plain otherwise. A style is words such as "bold", "dim",
    "green", "amber"."""
    if plain():
        sys.stdout.write("\n".join(text for text, _ in lines) + "\n")
        return
    from studyplan.cli.term import write_styled

    write_styled(lines)


def emit_text(lines: Iterable[str | bytes], chunk: int = 2048, size: int = 1 << 18) -> None:
    """Unstyled lines, written straight out when piped (a plan can run to 100k lines),
    ``chunk`` lines or ``size`` characters at a time (a "line" may be many, see
    ``plan_render``) so that a generator of lines is never held whole. A line given as
    bytes is UTF-8 text, written as it is when stdout takes UTF-8 (else decoded)."""
    if not plain():
        emit_lines([(line.decode() if isinstance(line, bytes) else line, "") for line in lines])
        return
    write = sys.stdout.write
    write_bytes = _utf8_writer()
    batch: list[str] = []
    held = 0
    wrote = False
    for line in lines:
        if isinstance(line, bytes):
            if batch:
                write("\n".join(batch) + "\n")
                batch.clear()
                held = 0
            if write_bytes is None:
                write(line.decode() + "\n")
            else:
                write_bytes(line + b"\n")
            wrote = True
            continue
        batch.append(line)
        held += len(line)
        if len(batch) >= chunk or held >= size:
            write("\n".join(batch) + "\n")
            batch.clear()
            held = 0
            wrote = True
    if batch or not wrote:
        write("\n".join(batch) + "\n")


def _utf8_writer() -> Callable[[bytes], object] | None:
    """A function that writes UTF-8 bytes to stdout in order with its text, or None when
    stdout has no byte stream or another encoding."""
    import codecs

    buffer = getattr(sys.stdout, "buffer", None)
    encoding = getattr(sys.stdout, "encoding", None)
    if buffer is None or not encoding:
        return None
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None
    except LookupError:
        return None

    def write(data: bytes) -> object:
        sys.stdout.flush()  # what was written as text goes first
        return buffer.write(data)

    return write


def _dumps(data: Any) -> str:
    import json  # only for --json: not on every start

    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def print_json(data: Any) -> None:
    """JSON, indented. An iterator anywhere in nested dicts is written item by item, one
    item per line, so that a long list (a plan's steps) is never held in memory as one
    document and is written by the json module's C encoder (the indenting one is pure
    Python, far slower on a long plan: benchmarks/RESULTS.md); ``grep`` finds a step on
    its own line."""
    _write_json(data, "", sys.stdout.write)
    sys.stdout.write("\n")


def _streams(value: Any) -> bool:
    return isinstance(value, Iterator) or (
        isinstance(value, dict) and any(_streams(v) for v in value.values())
    )


def _write_json(value: Any, indent: str, write: Callable[[str], object]) -> None:
    import json

    inner = indent + "  "
    if isinstance(value, Iterator):
        opening = "[\n" + inner
        for item in value:
            write(opening + json.dumps(item, ensure_ascii=False, default=str))
            opening = ",\n" + inner
        write("[]" if opening.startswith("[") else "\n" + indent + "]")
    elif _streams(value):
        separator = "{\n"
        for key, item in value.items():
            write(f"{separator}{inner}{json.dumps(key, ensure_ascii=False)}: ")
            _write_json(item, inner, write)
            separator = ",\n"
        write("\n" + indent + "}")
    else:
        write(_dumps(value).replace("\n", "\n" + indent))


def table(*columns: str, title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    result = Table(title=title, box=box.ASCII if plain() else box.SIMPLE_HEAVY, show_edge=False)
    for n, col in enumerate(columns):
        # The first column is an id, to be read and copied whole; the others wrap, and an
        # id in them breaks rather than being cut off with "…".
        result.add_column(col, no_wrap=n == 0, overflow="fold")
    return result


def esc(text: str) -> str:
    """Escape rich markup in data (titles may contain '[')."""
    from rich.markup import escape

    return escape(text)


def say(text: str, style: str = "") -> None:
    """One line of output."""
    emit_lines([(text, style)])
