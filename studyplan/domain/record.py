"""Plain slotted classes that compare and print by their fields, as a dataclass does,
for the records of the commands' start-up path: ``dataclasses`` imports ``inspect``
(with ``ast``, ``dis`` and ``tokenize``) and each ``@dataclass`` compiles its methods
with ``exec``, together 10-20 ms of a warm ``plan`` (docs/architecture.md). Pure: no I/O.

A subclass lists its fields as ``__slots__``, in the order its constructor takes them,
and writes its own ``__init__`` (keyword arguments and defaults, typed)."""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Equal to a record of the same class with equal fields (unhashable, as a mutable
    dataclass); ``repr`` shows the fields but those in ``_hidden``."""

    __slots__ = ()
    _hidden: ClassVar[frozenset[str]] = frozenset()

    def _names(self) -> tuple[str, ...]:
        return self.__slots__  # a subclass's, in its constructor's order

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._fields() == other._fields()

    def __repr__(self) -> str:
        shown = [f"{n}={getattr(self, n)!r}" for n in self._names() if n not in self._hidden]
        return f"{type(self).__qualname__}({', '.join(shown)})"


class FrozenRecord(Record):
    """A record whose fields are declared ``Final`` (mypy holds them unchanged after
    ``__init__``, as a frozen dataclass is held at run time): hashable by its fields."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._fields())
