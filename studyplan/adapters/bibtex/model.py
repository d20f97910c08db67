"""Plain records for BibTeX blocks and the facts every module shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from studyplan.errors import Problem

ENTRY = "entry"
STRING = "string"
PREAMBLE = "preamble"
COMMENT = "comment"
KINDS = (ENTRY, STRING, PREAMBLE, COMMENT)

# Synthetic keys of non-entry blocks in the library table: '@string:jan',
# '@preamble:<hash>', '@comment:<key of the block it precedes>'.
STRING_PREFIX = "@string:"
PREAMBLE_PREFIX = "@preamble:"
COMMENT_PREFIX = "@comment:"

# Fields whose values are data, not LaTeX: never encoded, never decoded.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urldate"})

# plain.bst defines these twelve macros; everything else must be an @string.
MONTH_MACROS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)


class Field(NamedTuple):
    """One field of an entry (a named tuple: 95k of them are made per 10k entries)."""

    name: str  # as written
    value: str  # the raw value text, delimiters and '#' included
    line: int  # 1-based line of the '='


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level BibTeX block with its exact text.

    ``key`` is the entry key for entries and a synthetic key for the other kinds.
    ``fields`` holds an entry's fields in order (a string's single definition).
    """

    kind: str
    key: str
    text: str
    source: str = ""
    line: int = 0
    entry_type: str = ""
    fields: tuple[Field, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def field(self, name: str) -> Field | None:
        lname = name.lower()
        return next((f for f in self.fields if f.name.lower() == lname), None)

    def signature(self) -> tuple[object, ...]:
        """What makes two blocks 'the same content' (layout and field-name case aside)."""
        if self.kind == ENTRY:
            return (
                self.kind,
                self.entry_type.lower(),
                self.key,
                tuple((f.name.lower(), f.value) for f in self.fields),
            )
        if self.kind == STRING:
            return (self.kind, self.key.lower(), tuple(f.value for f in self.fields))
        return (self.kind, self.text.strip())


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file's blocks in order, and the blocks the parser could not read."""

    source: str
    blocks: list[Block]
    failures: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Item:
    """A block as stored or shipped: the personal library's rows and references.bib."""

    kind: str
    key: str
    text: str
    origin: str  # 'builtin' or 'library'
    source: str = ""


def kind_of_key(key: str) -> str:
    """The kind a synthetic library key stands for (entries have plain keys)."""
    for prefix, kind in (
        (STRING_PREFIX, STRING),
        (PREAMBLE_PREFIX, PREAMBLE),
        (COMMENT_PREFIX, COMMENT),
    ):
        if key.startswith(prefix):
            return kind
    return ENTRY


def string_key(name: str) -> str:
    return STRING_PREFIX + name.lower()


def preamble_key(text: str) -> str:
    import hashlib

    return PREAMBLE_PREFIX + hashlib.sha1(text.strip().encode()).hexdigest()[:12]
