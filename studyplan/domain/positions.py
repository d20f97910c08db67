"""Topic id -> position for a cached catalog, without hashing every id on a warm start.
Pure: no I/O.

Building the ``dict`` of 100k ids costs a warm ``plan`` about 10 ms, and the plan looks up
a handful of ids (its goals, the learner's marks). So a ``TopicTable`` loaded from the
cache answers its first look-ups by binary search over the ids in sorted order (the
order is pickled with the table, one small array), and builds the ``dict`` once it has
been asked often enough for the searches to cost a share of what building it does. A
table built from the curricula (a cold start), or of fewer than ``MIN_IDS`` topics (the
built-in set: its ``dict`` costs ~30 µs, and ``next`` asks some 600 times), keeps a
``dict``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence

#: Searches answered before the ``dict`` is built: at least ``FEW``, else one per
#: ``SEARCHES_PER`` ids (a search of 100k ids is ~1.5 µs, the ``dict`` ~0.12 µs per id:
#: a command that ends up building it has spent at most ~20% more on the way).
FEW = 32
SEARCHES_PER = 64
MIN_IDS = 4096


def index_of(
    ids: Sequence[str], order: Sequence[int], built: Callable[[dict[str, int]], None]
) -> Mapping[str, int]:
    """Id -> position: a ``PositionIndex`` from ``MIN_IDS`` ids (``built`` is given its
    ``dict`` once it is made), else the ``dict``."""
    if len(ids) >= MIN_IDS:
        return PositionIndex(ids, order, built)
    return dict(zip(ids, range(len(ids)), strict=True))


def sorted_order(ids: Sequence[str]) -> array[int]:
    """The positions of ``ids`` in the order of the ids (what ``PositionIndex`` searches)."""
    return array("l", sorted(range(len(ids)), key=ids.__getitem__))


class PositionIndex(Mapping[str, int]):
    """Topic id -> its position in ``ids``; ``order`` is ``sorted_order(ids)``.

    A read-only mapping: searches ``order`` until ``len(ids) / SEARCHES_PER`` look-ups
    (or ``FEW``) have been made, then builds a ``dict`` and asks it from then on (and
    hands it to ``built``, so that its owner can use it directly). Ids are unique; a key
    that is not a string is in no table."""

    __slots__ = ("_built", "_dict", "_ids", "_left", "_order")

    def __init__(
        self,
        ids: Sequence[str],
        order: Sequence[int],
        built: Callable[[dict[str, int]], None] | None = None,
    ) -> None:
        if len(order) != len(ids):
            raise ValueError("the sorted order does not match the ids")
        self._ids = ids
        self._order = order
        self._built = built
        self._dict: dict[str, int] | None = None
        self._left = max(FEW, len(ids) // SEARCHES_PER)

    def find(self, key: object) -> int | None:
        """The position of ``key``, or None when no id is ``key``."""
        found = self._dict
        if found is not None:
            return found.get(key) if isinstance(key, str) else None
        if not isinstance(key, str):
            return None
        self._left -= 1
        if self._left < 0:
            return self.as_dict().get(key)
        from bisect import bisect_left

        ids, order = self._ids, self._order
        at = bisect_left(order, key, key=ids.__getitem__)
        if at < len(order) and ids[order[at]] == key:
            return order[at]
        return None

    def as_dict(self) -> dict[str, int]:
        """The plain ``dict`` (built now if it was not yet; later look-ups use it)."""
        if self._dict is None:
            ids = self._ids
            self._dict = dict(zip(ids, range(len(ids)), strict=True))
            if self._built is not None:
                self._built(self._dict)
        return self._dict

    def built(self) -> bool:
        """Whether the ``dict`` has been built."""
        return self._dict is not None

    def __getitem__(self, key: str) -> int:
        if self._dict is not None:  # (the one test, once built: as near the dict as can be)
            return self._dict[key]
        position = self.find(key)
        if position is None:
            raise KeyError(key)
        return position

    def __contains__(self, key: object) -> bool:
        if self._dict is not None:
            return key in self._dict
        return self.find(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
