"""Terminal output: one rich console for stdout, JSON for scripts.

Rich already drops colour when stdout is not a terminal or ``NO_COLOR`` is set; tables
then use plain ASCII borders so that piped output stays greppable.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def plain() -> bool:
    """True when output should carry no decoration (not a TTY)."""
    return not console().is_terminal


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(*columns: str, title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    result = Table(title=title, box=box.ASCII if plain() else box.SIMPLE_HEAVY, show_edge=False)
    for col in columns:
        result.add_column(col)
    return result


def esc(text: str) -> str:
    """Escape rich markup in data (titles may contain '[')."""
    from rich.markup import escape

    return escape(text)
