"""What one invocation knows: global options, and the catalog loaded at most once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from studyplan.curriculum.catalog import Catalog


@dataclass(slots=True)
class State:
    curricula_dirs: list[Path] = field(default_factory=list)
    db: Path | None = None
    debug: bool = False
    _catalog: Catalog | None = None

    def catalog(self) -> Catalog:
        """The validated catalog (built-in + user curricula); raises on any problem."""
        if self._catalog is None:
            from studyplan import workspace

            self._catalog = workspace.catalog(workspace.gather(self.curricula_dirs))
        return self._catalog


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj
