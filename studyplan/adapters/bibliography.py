"""BibTeX adapter: the only module that imports bibtexparser.

For the catalog it turns a library's text into ``BibSummary`` records (title, authors,
year, venue, links) for display. For import, export and check it parses text into
``studyplan.adapters.bibtex.model.Block`` records — structure, line numbers and each block's exact
text — and hands them to the pure engine in ``studyplan/bibtex/``. bibtexparser's
middleware is never used on that path: it would decode LaTeX, strip case-protecting braces
and resolve macros, and the engine keeps every block's text as written.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.adapters.bibtex.keys import latex_to_text
from studyplan.adapters.bibtex.model import (
    COMMENT,
    ENTRY,
    PREAMBLE,
    STRING,
    Block,
    Field,
    Item,
    ParsedFile,
    kind_of_key,
    preamble_key,
    string_key,
)
from studyplan.adapters.bibtex.values import ValueSyntaxError, text_of
from studyplan.domain.catalog import BibSummary
from studyplan.errors import BibError, Problem, command

if TYPE_CHECKING:
    from studyplan.adapters.store.types import LibraryBlock, LibraryEntry

_VENUE_FIELDS = ("journal", "booktitle", "publisher", "school", "institution", "howpublished")
# bibtexparser starts a block at '@type{' or '@type(' at a line start even inside a value;
# cutting a file there for progress reports therefore changes nothing it parses.
_BLOCK_LINE = re.compile(r"(?m)^[ \t]*@\w*[ \t]*[{(]")
_CHUNK_BLOCKS = 500

Progress = Callable[[int], None]


def _plain(value: str) -> str:
    """LaTeX to readable Unicode for the terminal (``{\\AA}str{\\"o}m`` -> Åström).

    A bare ``%`` is a percent sign here, not a LaTeX comment eating the rest of the value.
    """
    return re.sub(r"\s+", " ", latex_to_text(value)).strip()


def summaries_from_text(text: str) -> dict[str, BibSummary]:
    """Parse BibTeX text and summarise each entry (first definition wins on duplicates).

    Macros (``@string``, ``#`` concatenation) are expanded and LaTeX is rendered as text.
    """
    return summaries(parse_text(text, "").blocks)


def summaries(blocks: Sequence[Block]) -> dict[str, BibSummary]:
    """``BibSummary`` of each entry block, macros from the string blocks among them."""
    strings: dict[str, str] = {}
    for block in blocks:
        if block.kind == STRING and block.fields:
            strings.setdefault(block.fields[0].name.lower(), block.fields[0].value)
    texts: dict[str, dict[str, str]] = {}
    for block in blocks:
        if block.kind != ENTRY or block.key.casefold() in texts:
            continue
        fields: dict[str, str] = {}
        for fld in block.fields:
            try:
                fields.setdefault(fld.name.lower(), text_of(fld.value, strings))
            except ValueSyntaxError:
                fields.setdefault(fld.name.lower(), fld.value)
        texts[block.key.casefold()] = fields
    result: dict[str, BibSummary] = {}
    for block in blocks:
        if block.kind != ENTRY or block.key in result:
            continue
        fields = dict(texts[block.key.casefold()])
        parent = texts.get(fields.get("crossref", "").strip().casefold())
        for name, value in (parent or {}).items():  # BibTeX's crossref inheritance
            fields.setdefault(name, value)
        venue = next((fields[f] for f in _VENUE_FIELDS if fields.get(f)), "")
        result[block.key] = BibSummary(
            key=block.key,
            entry_type=block.entry_type.lower(),
            title=_plain(fields.get("title", "")),
            authors=_plain(fields.get("author", fields.get("editor", ""))),
            year=fields.get("year", "").strip(),
            venue=_plain(venue),
            url=fields.get("url", "").strip(),
            doi=fields.get("doi", "").strip(),
            eprint=fields.get("eprint", "").strip(),
        )
    return result


class _quiet:
    """bibtexparser logs each failed block as a warning; we report them ourselves."""

    def __enter__(self) -> None:
        import logging

        self.logger = logging.getLogger("bibtexparser")
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        self.logger.setLevel(self.level)


# ---- parsing into blocks -------------------------------------------------------------


def parse_text(text: str, source: str, first_line: int = 1) -> ParsedFile:
    """Every block of ``text`` with its exact text and 1-based lines; failures as problems.

    Duplicate fields and keys are *not* failures here: the engine reports them (case-
    insensitively, as BibTeX compares them) with both lines.
    """
    from bibtexparser import model
    from bibtexparser.splitter import Splitter

    with _quiet():
        library: Any = Splitter(text).split()
    offset = first_line  # the splitter counts lines from 0
    blocks: list[Block] = []
    failures: list[Problem] = []
    entry_class, make_field = model.Entry, Field
    for raw in library.blocks:
        if type(raw) is entry_class:  # the common case, first and lean
            fields = tuple([make_field(f.key, f.value, f.start_line + offset) for f in raw.fields])
            line = (raw.start_line or 0) + offset
            blocks.append(
                Block(ENTRY, raw.key, raw.raw or "", source, line, raw.entry_type, fields)
            )
            continue
        block = raw
        if isinstance(raw, model.DuplicateFieldKeyBlock | model.DuplicateBlockKeyBlock):
            block = raw.ignore_error_block
        line = (block.start_line or 0) + offset
        if isinstance(block, model.Entry):
            fields = tuple(
                Field(f.key, f.value, (f.start_line or 0) + offset) for f in block.fields
            )
            blocks.append(
                Block(ENTRY, block.key, block.raw or "", source, line, block.entry_type, fields)
            )
        elif isinstance(block, model.String):
            fld = (Field(block.key, block.value, line),)
            blocks.append(Block(STRING, "", block.raw or "", source, line, "string", fld))
        elif isinstance(block, model.Preamble):
            blocks.append(Block(PREAMBLE, "", block.raw or "", source, line))
        elif isinstance(block, model.ExplicitComment | model.ImplicitComment):
            blocks.append(Block(COMMENT, "", block.raw or "", source, line))
        elif isinstance(block, model.ParsingFailedBlock):
            failures.append(_failure(block, source, line))
    return ParsedFile(source, blocks, failures)


def _failure(block: Any, source: str, line: int) -> Problem:
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    head = (block.raw or "").lstrip().split("\n", 1)[0][:60]
    return Problem(
        source,
        f"cannot parse '{head}': {reason.strip().rstrip('.')}",
        "fix the block (an unclosed brace or quote, or a missing comma, is the usual cause)",
        line,
    )


#: The largest .bib file read (a real library of 60k entries is ~50 MB).
MAX_BIB_BYTES = 1 << 30


def read_bib(path: Path) -> str:
    """A .bib file's text. Only a regular file is read (a FIFO would block and a device
    never ends), at most ``MAX_BIB_BYTES``; a NUL byte (which LaTeX rejects) is refused
    with its line."""
    import stat

    from studyplan.errors import InputError, NotFoundError

    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file", "check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}", "check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a folder, not a .bib file", "give the .bib files in it")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} is not a regular file (a pipe or device)", "give a .bib file")
    if info.st_size > MAX_BIB_BYTES:
        raise BibError(f"{path}: {info.st_size:,} bytes is too large for a .bib file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise BibError(
            f"{path}:{line}: not UTF-8 text", "convert the file to UTF-8 first"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise BibError(f"{path}:{line}: a NUL byte", "remove it: BibTeX and LaTeX cannot use it")
    return text


def count_blocks(text: str) -> int:
    return len(_BLOCK_LINE.findall(text))


def parse_file_text(text: str, source: str, progress: Progress | None = None) -> ParsedFile:
    """``parse_text`` in chunks of a few hundred blocks, reporting each to ``progress``."""
    starts = [m.start() for m in _BLOCK_LINE.finditer(text)]
    cuts = [0, *starts[_CHUNK_BLOCKS::_CHUNK_BLOCKS], len(text)]
    blocks: list[Block] = []
    failures: list[Problem] = []
    line = 1
    for number, (start, end) in enumerate(itertools.pairwise(cuts)):
        chunk = text[start:end]
        part = parse_text(chunk, source, line)
        blocks += part.blocks
        failures += part.failures
        line += chunk.count("\n")
        if progress:
            progress(min(_CHUNK_BLOCKS, len(starts) - number * _CHUNK_BLOCKS))
    return ParsedFile(source, blocks, failures)


class StoredBlockError(BibError):
    """Stored blocks (the personal library's) that no longer parse; ``keys`` names them
    all, so that a caller can leave them out and carry on (``quarantine``)."""

    def __init__(self, items: Sequence[Item]) -> None:
        first = items[0]
        more = f" and {len(items) - 1} more" if len(items) > 1 else ""
        super().__init__(
            f"stored BibTeX of '{first.key[:60]}' ({first.origin}){more} cannot be parsed",
            f"remove it with: {command('bib', 'rm', first.key)}; or re-import it with --replace",
        )
        self.keys = [i.key for i in items]


def parse_items(items: Sequence[Item]) -> list[Block]:
    """Parse stored items (not comments) back into blocks, one per item, in order;
    ``StoredBlockError`` names every item that does not parse as one block."""
    if not items:
        return []
    parsed = parse_text("\n\n".join(i.text for i in items), "library")
    blocks = [b for b in parsed.blocks if b.kind != COMMENT]
    if parsed.failures or len(blocks) != len(items):
        bad = [i for i in items if len(_own_blocks(i.text)) != 1]
        raise StoredBlockError(bad or [items[0]])
    return [
        Block(b.kind, i.key, i.text, i.source or i.origin, 0, b.entry_type, b.fields)
        for i, b in zip(items, blocks, strict=True)
    ]


def _own_blocks(text: str) -> list[Block]:
    parsed = parse_text(text, "")
    return [] if parsed.failures else [b for b in parsed.blocks if b.kind != COMMENT]


def quarantine(
    rows: Sequence[Any], work: Callable[[Sequence[Any]], Any], warn: Callable[[str], None]
) -> Any:
    """``work(rows)``, leaving out the library rows whose BibTeX does not parse (each
    named once through ``warn``): one bad stored block never stops a command. Costs
    nothing while every block parses."""
    left_out: set[str] = set()
    while True:
        try:
            return work([r for r in rows if r.key not in left_out] if left_out else rows)
        except StoredBlockError as exc:
            new = [k for k in exc.keys if k not in left_out]
            stored = {r.key for r in rows}
            if not new or not all(k in stored for k in new):
                raise
            for key in new:
                warn(quarantine_warning(key))
            left_out.update(new)


def quarantine_warning(key: str) -> str:
    return (
        f"warning: your library's '{key[:60]}' does not parse as BibTeX and is left out "
        f"(remove it with: {command('bib', 'rm', key)}; or re-import it with --replace)"
    )


def block_problems(rows: Sequence[Any]) -> list[str | None]:
    """For each ``(key, kind, bibtex)`` row (attributes), why its text is not exactly one
    BibTeX block of that kind under that key; None when it is. One parse of everything
    when all is well (a 60k-entry backup), row by row only when something is not."""
    if not rows:
        return []
    whole = parse_text("\n\n".join(r.bibtex for r in rows if r.kind != COMMENT), "backup")
    found = [b for b in whole.blocks if b.kind != COMMENT]
    wanted = [r for r in rows if r.kind != COMMENT]
    pairs = zip(found, wanted, strict=False)
    same = not whole.failures and len(found) == len(wanted)
    if same and all(_block_key(b) == r.key and b.kind == r.kind for b, r in pairs):
        return [_comment_problem(r) if r.kind == COMMENT else None for r in rows]
    return [_comment_problem(r) if r.kind == COMMENT else _row_problem(r) for r in rows]


def _block_key(block: Block) -> str:
    if block.kind == STRING and block.fields:
        return string_key(block.fields[0].name)
    if block.kind == PREAMBLE:
        return preamble_key(block.text)
    return block.key


def _row_problem(row: Any) -> str | None:
    parsed = parse_text(row.bibtex, "backup")
    if parsed.failures:
        return parsed.failures[0].message
    blocks = [b for b in parsed.blocks if b.kind != COMMENT]
    if len(blocks) != 1:
        return f"holds {len(blocks)} BibTeX blocks, not one"
    (block,) = blocks
    if block.kind != row.kind:
        return f"is a {block.kind} block, not a {row.kind} one"
    if row.kind == PREAMBLE:
        return None if row.key.startswith("@preamble:") else "a @preamble's key must be @preamble:…"
    if _block_key(block) != row.key:
        return f"is the block of '{_block_key(block)[:60]}', not of '{row.key[:60]}'"
    return None


def _comment_problem(row: Any) -> str | None:
    if kind_of_key(row.key) != COMMENT:
        return "a comment's key must start with @comment:"
    if any(b.kind != COMMENT for b in parse_text(row.bibtex, "backup").blocks):
        return "a comment block holds BibTeX"
    return None


def builtin_items(path: Path | None = None) -> list[Item]:
    """The built-in references.bib as items (comments left out)."""
    from studyplan.adapters import paths

    path = path or paths.builtin_bibliography()
    if not path.is_file():
        return []
    parsed = parse_text(read_bib(path), str(path))
    items = []
    for block in parsed.blocks:
        if block.kind == ENTRY:
            items.append(Item(ENTRY, block.key, block.text, "builtin", str(path)))
        elif block.kind == STRING:
            key = string_key(block.fields[0].name)
            items.append(Item(STRING, key, block.text, "builtin", str(path)))
        elif block.kind == PREAMBLE:
            key = preamble_key(block.text)
            items.append(Item(PREAMBLE, key, block.text, "builtin", str(path)))
    return items


def library_items(rows: Sequence[LibraryEntry | LibraryBlock]) -> list[Item]:
    """The store's library rows (in import order) as items."""
    return [
        Item(getattr(r, "kind", None) or kind_of_key(r.key), r.key, r.bibtex, "library", r.source)
        for r in rows
    ]


class LibrarySummaries(Mapping[str, BibSummary]):
    """The personal library's entries as ``BibSummary``, for ``workspace.gather(library=)``.

    Keys come straight from the rows; the BibTeX is parsed only when a value is first
    needed (the catalog cache is keyed by ``digest()``, so a warm run never parses).
    """

    def __init__(
        self,
        rows: Sequence[LibraryEntry | LibraryBlock],
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._rows = rows
        self._keys = [
            r.key for r in rows if (getattr(r, "kind", None) or kind_of_key(r.key)) == ENTRY
        ]
        self._key_set = set(self._keys)
        self._parsed: dict[str, BibSummary] | None = None
        self._warn = warn

    def digest(self) -> str:
        """A hash of every row's key and exact text: replacing an entry's text (``bib
        import --replace``) changes it, so the cached summaries are rebuilt."""
        import hashlib

        hasher = hashlib.blake2b(digest_size=20)
        for row in self._rows:
            hasher.update(f"{row.key}\0{row.bibtex}\0".encode())
        return hasher.hexdigest()

    def _summaries(self) -> dict[str, BibSummary]:
        if self._parsed is None:

            def parse(rows: Sequence[Any]) -> dict[str, BibSummary]:
                items = [i for i in library_items(rows) if i.kind != COMMENT]
                return summaries(parse_items(items))

            if self._warn is None:
                self._parsed = parse(self._rows)
            else:  # quarantine: a block that does not parse is left out, with a warning
                self._parsed = quarantine(self._rows, parse, self._warn)
            self._keys = [k for k in self._keys if k in self._parsed]
            self._key_set = set(self._keys)
        return self._parsed

    def __getitem__(self, key: str) -> BibSummary:
        if key not in self._key_set:
            raise KeyError(key)
        found = self._summaries().get(key)
        if found is None:
            raise KeyError(key)
        return found

    def items(self) -> Any:
        parsed = self._summaries()
        return [(k, parsed[k]) for k in self._keys if k in parsed]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._key_set


def library_summaries(
    rows: Sequence[LibraryEntry | LibraryBlock], warn: Callable[[str], None] | None = None
) -> Mapping[str, BibSummary]:
    """What ``State.catalog()`` passes to ``workspace.gather(..., library=...)``; with
    ``warn``, blocks that do not parse are left out (and named) instead of failing."""
    return LibrarySummaries(rows, warn)


def summary_of(item: Item, strings: Sequence[Item] = (), parent: Item | None = None) -> BibSummary:
    """One entry's summary (macros resolved from ``strings``, gaps filled from ``parent``)."""
    found = summaries(parse_items([*strings, item, *([parent] if parent else [])]))
    return found.get(item.key) or BibSummary(item.key, "", "", "", "")


def strings_of(items: Sequence[Item]) -> Mapping[str, str]:
    """Lower-case @string name -> raw value."""
    blocks = parse_items([i for i in items if i.kind == STRING])
    return {b.fields[0].name.lower(): b.fields[0].value for b in blocks if b.fields}
