"""The catalog's reference summaries as they live in the cache: pickled, opened lazily."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyplan.domain.catalog import BibSummary


class PickledMapping(Mapping[str, "BibSummary"]):
    """Reference summaries kept pickled until first read: with a personal library of 10k
    entries they cost more to unpickle than a command like ``topics`` takes to run.

    Two blobs: ``first``, the few entries commands look up (the built-in references and
    whatever a core reading cites), and ``whole``, every entry in order. A look-up tries
    ``first``; only a miss or a walk over all of them opens ``whole``."""

    __slots__ = ("_first", "_first_blob", "_whole", "_whole_blob")

    def __init__(self, whole: bytes, first: bytes | None = None) -> None:
        self._whole_blob = whole
        self._first_blob = first
        self._whole: dict[str, BibSummary] | None = None
        self._first: dict[str, BibSummary] | None = None

    @staticmethod
    def dump(data: Mapping[str, BibSummary]) -> bytes:
        return pickle.dumps(dict(data), pickle.HIGHEST_PROTOCOL)

    @classmethod
    def of(cls, data: Mapping[str, BibSummary], first: Iterable[str]) -> PickledMapping:
        keys = set(first)
        head = {k: v for k, v in data.items() if k in keys}
        return cls(cls.dump(data), cls.dump(head))

    def blobs(self) -> tuple[bytes, bytes | None]:
        return self._whole_blob, self._first_blob

    def _opened(self) -> dict[str, BibSummary]:
        if self._whole is None:
            self._whole = pickle.loads(self._whole_blob)
        return self._whole

    def __getitem__(self, key: str) -> BibSummary:
        if self._whole is None and self._first_blob is not None:
            if self._first is None:
                self._first = pickle.loads(self._first_blob)
            found = self._first.get(key)
            if found is not None:
                return found
        return self._opened()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._opened())

    def __len__(self) -> int:
        return len(self._opened())
