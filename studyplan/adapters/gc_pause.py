"""Pausing Python's cyclic garbage collector around work that makes many objects and no
garbage cycles (parsing a BibTeX library, building a catalog): the collector would only
walk them again and again. Reference counting still frees everything meanwhile."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector off inside the block and back on after it, if it was on before.
    ``freeze``: what the block made lives as long as the process, so it is frozen out of
    every later collection too (garbage from before is collected first, so that none of
    it is frozen with it)."""
    enabled = gc.isenabled()
    if enabled and freeze:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()
