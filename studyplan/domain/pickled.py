"""A mapping kept pickled until first read (part of the cached catalog). Pure: no I/O."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")


class PickledMapping(Mapping[str, V]):
    """Values kept pickled until first read. The catalog keeps its reference summaries
    so: a large personal library costs more to unpickle than a command like ``topics``
    takes to run (benchmarks/RESULTS.md)."""

    __slots__ = ("_blob", "_data")

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._data: dict[str, V] | None = None

    @staticmethod
    def dump(data: Mapping[str, object]) -> bytes:
        return pickle.dumps(dict(data), pickle.HIGHEST_PROTOCOL)

    def blob(self) -> bytes:
        return self._blob

    def _opened(self) -> dict[str, V]:
        if self._data is None:
            self._data = pickle.loads(self._blob)
        return self._data

    def __getitem__(self, key: str) -> V:
        return self._opened()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._opened())

    def __len__(self) -> int:
        return len(self._opened())
