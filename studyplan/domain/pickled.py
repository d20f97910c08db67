"""A mapping kept pickled until first read (part of the cached catalog). Pure: no I/O."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")


class PickledMapping(Mapping[str, V]):
    """Values kept pickled until first read. The catalog keeps its reference summaries
    so: a large personal library costs more to unpickle than a command like ``topics``
    takes to run (benchmarks/RESULTS.md).

    Two blobs: ``first``, the few entries commands look up (the built-in references and
    whatever a core reading cites), and ``whole``, every entry in order. A look-up tries
    ``first``; only a miss or a walk over all of them opens ``whole``, which may also be
    a function that reads it (the workspace keeps it in a file of its own beside the
    cached catalog, so that a warm start does not even read it)."""

    __slots__ = ("_first", "_first_blob", "_whole", "_whole_blob")

    def __init__(self, whole: bytes | Callable[[], bytes], first: bytes | None = None) -> None:
        self._whole_blob = whole
        self._first_blob = first
        self._whole: dict[str, V] | None = None
        self._first: dict[str, V] | None = None

    @staticmethod
    def dump(data: Mapping[str, object]) -> bytes:
        return pickle.dumps(dict(data), pickle.HIGHEST_PROTOCOL)

    @classmethod
    def of(cls, data: Mapping[str, V], first: Iterable[str]) -> PickledMapping[V]:
        keys = set(first)
        head = {k: v for k, v in data.items() if k in keys}
        return cls(cls.dump(data), cls.dump(head))

    def blobs(self) -> tuple[bytes, bytes | None]:
        whole = self._whole_blob
        return (whole if isinstance(whole, bytes) else whole()), self._first_blob

    def first_blob(self) -> bytes | None:
        return self._first_blob

    def _opened(self) -> dict[str, V]:
        if self._whole is None:
            self._whole = pickle.loads(self.blobs()[0])
        return self._whole

    def __getitem__(self, key: str) -> V:
        if self._whole is None and self._first_blob is not None:
            if self._first is None:
                self._first = pickle.loads(self._first_blob)
            if key in self._first:
                return self._first[key]
        return self._opened()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._opened())

    def __len__(self) -> int:
        return len(self._opened())
