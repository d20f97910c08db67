"""A mapping, and rows in chunks, kept pickled until first read (parts of the cached
catalog). Pure: no I/O."""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

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


class PickledChunks:
    """Rows (tuples) pickled ``size`` at a time, each chunk unpickled on first use: what a
    ``TopicTable`` keeps of every topic's details (a warm ``plan`` reads none of them,
    ``show`` one chunk).

    The chunks are held as bytes, or kept apart: then only a ``token`` and where each
    chunk starts are held (and pickled), and the bytes are read through the reader that
    ``attach`` gives, ``read(offset, size)`` into the chunks laid one after another (the
    cache keeps them in a file of their own, read only when a topic's details are)."""

    __slots__ = ("_apart", "_chunks", "_opened", "_read", "size")

    def __init__(
        self,
        size: int,
        chunks: list[bytes],
        apart: tuple[bytes, Sequence[int]] | None = None,
    ) -> None:
        self.size = size
        self._chunks = chunks
        self._apart = apart
        self._read: Callable[[int, int], bytes] | None = None
        self._opened: dict[int, list[tuple[Any, ...]]] = {}

    @classmethod
    def of(cls, rows: Sequence[tuple[Any, ...]], size: int, most: int) -> PickledChunks:
        """``rows`` in chunks of ``size``, or of more when that makes more than ``most``."""
        size, top = max(size, -(-len(rows) // most)), pickle.HIGHEST_PROTOCOL
        return cls(size, [pickle.dumps(rows[i : i + size], top) for i in range(0, len(rows), size)])

    def state(self) -> tuple[int, list[bytes] | tuple[bytes, Sequence[int]]]:
        """What to pickle: the size and the chunks, or (apart and not attached) the token
        and where each starts."""
        if self._apart is not None and self._read is None:
            return self.size, self._apart
        return self.size, self.chunks()

    @classmethod
    def from_state(cls, state: tuple[int, Any]) -> PickledChunks:
        size, chunks = state
        if isinstance(chunks, list):
            return cls(size, chunks)
        token, starts = chunks
        return cls(size, [], (bytes(token), starts))

    def chunks(self) -> list[bytes]:
        if self._apart is None:
            return self._chunks
        return [self._chunk(k) for k in range(len(self._apart[1]) - 1)]

    def apart(self, token: bytes) -> tuple[PickledChunks, bytes]:
        """A twin keeping the chunks apart under ``token``, and the chunks' bytes."""
        from itertools import accumulate

        chunks = self.chunks()
        starts = array("q", accumulate(map(len, chunks), initial=0))
        return PickledChunks(self.size, [], (token, starts)), b"".join(chunks)

    def unattached(self) -> tuple[bytes, int] | None:
        """The token and total size of the chunks kept apart, while no reader is attached;
        None otherwise."""
        if self._apart is None or self._read is not None:
            return None
        token, starts = self._apart
        return token, starts[-1]

    def opened(self) -> list[int]:
        """The chunks unpickled so far, in order."""
        return sorted(self._opened)

    def attach(self, read: Callable[[int, int], bytes]) -> None:
        """Where the chunks kept apart are read from (the caller checked the token)."""
        self._read = read

    def _chunk(self, chunk: int) -> bytes:
        if self._apart is None:
            return self._chunks[chunk]
        if self._read is None:
            raise LookupError("the chunks are kept apart and no reader is attached")
        starts = self._apart[1]
        return self._read(starts[chunk], starts[chunk + 1] - starts[chunk])

    def row(self, position: int) -> tuple[Any, ...]:
        chunk, offset = divmod(position, self.size)
        rows = self._opened.get(chunk)
        if rows is None:
            rows = self._opened[chunk] = pickle.loads(self._chunk(chunk))
        row: tuple[Any, ...] = rows[offset]
        return row
