"""Import, export and check, end to end except the store: files in, plans and text out.

The adapter between the CLI and the pure engine: it reads files, parses them through
``studyplan.adapters.bibliography`` (the bibtexparser boundary) and calls ``merge``, ``export`` and
``checks``. The CLI reads and writes the store and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.adapters import bibliography as bib
from studyplan.adapters.bibtex import checks, merge
from studyplan.adapters.bibtex.export import Corpus, Export, export
from studyplan.adapters.bibtex.model import COMMENT, ENTRY, STRING, Block, Item, ParsedFile
from studyplan.adapters.gc_pause import collector_paused
from studyplan.errors import BibError, NotFoundError, Problem, ProblemCode, clip, did_you_mean

if TYPE_CHECKING:
    from studyplan.adapters.store import ProgressStore
    from studyplan.adapters.store.types import LibraryEntry

Progress = Callable[[int], None]


def count_blocks(paths: Sequence[Path]) -> tuple[list[str], int]:
    """Each file's text, and how many blocks they hold together (for a progress bar)."""
    texts = [bib.read_bib(p) for p in paths]
    return texts, sum(bib.count_blocks(t) for t in texts)


def plan_import(
    paths: Sequence[Path],
    texts: Sequence[str],
    rows: Sequence[LibraryEntry],
    *,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> merge.ImportPlan:
    """What importing ``paths`` (read as ``texts``, in this order) would do."""
    with collector_paused():
        files: list[ParsedFile] = [
            bib.parse_file_text(text, str(path), progress)
            for path, text in zip(paths, texts, strict=True)
        ]
        for parsed in files:
            require_bibtex(parsed)
        return merge.plan_import(
            files, bib.library_items(rows), bib.builtin_items(), bib.parse_items, skip_bad=skip_bad
        )


def require_bibtex(parsed: ParsedFile) -> None:
    """A file with no entry, @string or @preamble (plain notes, say) is not silently
    stored as one comment block: it is refused as not being BibTeX."""
    if parsed.failures or any(b.kind != COMMENT for b in parsed.blocks):
        return
    raise BibError(
        f"{parsed.source}: no BibTeX entry, @string or @preamble in it",
        "is this a .bib file? nothing was imported",
    )


def write_file(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write an export to ``path`` atomically (``studyplan.adapters.files.write_atomic``)."""
    from studyplan.adapters.files import write_atomic

    write_atomic(path, text, overwrite=overwrite, stdout_dash=False)


def write_import(store: ProgressStore, plan: merge.ImportPlan, *, replace: bool) -> None:
    """Write a checked plan's rows into the library table, atomically."""
    with collector_paused():
        store.add_library([(r.key, r.text, r.source, r.kind) for r in plan.rows], replace=replace)


def export_text(
    rows: Sequence[LibraryEntry],
    keys: Sequence[str] | None,
    *,
    library_only: bool = False,
    sort: str = "plan",
    notes: Mapping[str, str] | None = None,
    header: str = "",
) -> Export:
    """An export of the library ``rows`` and the built-in references (``export.export``).

    A whole export parses every library block, so that one that no longer parses is
    named (``StoredBlockError``) instead of copied; once this very library (the same rows
    under the same bibtexparser) has been parsed whole, a marker in the cache says so and
    the next whole exports copy its blocks unparsed again."""
    corpus = Corpus(bib.builtin_items(), bib.library_items(rows))
    marker = _parsed_marker(rows) if keys is None and rows else None
    known = marker is not None and marker.exists()
    result = export(
        corpus,
        bib.parse_items,
        keys,
        library_only=library_only,
        sort=sort,
        notes=notes,
        header=header,
        library_parses=known,
    )
    if marker is not None and not known:
        _mark_parsed(marker)
    return result


_PARSED_PREFIX = "library-parses-"


def _parsed_marker(rows: Sequence[LibraryEntry]) -> Path:
    """The cache file that stands for "every one of these rows parses"."""
    import hashlib
    from importlib.metadata import version

    from studyplan.adapters import paths

    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(f"bibtexparser {version('bibtexparser')}\0".encode())
    for row in rows:
        hasher.update(f"{row.key}\0{row.kind}\0{row.bibtex}\0".encode())
    return paths.cache_dir() / f"{_PARSED_PREFIX}{hasher.hexdigest()}"


def _mark_parsed(marker: Path) -> None:
    """Best effort (a cache): the marker written, the markers of older libraries removed."""
    from studyplan.adapters.files import write_cache

    if write_cache(marker, b""):
        for old in marker.parent.glob(_PARSED_PREFIX + "*"):
            if old != marker:
                with suppress(OSError):
                    old.unlink()


def find(key: str, rows: Sequence[LibraryEntry]) -> tuple[Item, Corpus]:
    """The entry ``key`` (the library's version if it shadows a built-in one)."""
    corpus = Corpus(bib.builtin_items(), bib.library_items(rows))
    item = corpus.entries.get(key.casefold())
    if item is None:
        pool = [i.key for i in corpus.entries.values()]
        raise NotFoundError(
            f"unknown citation key '{clip(key)}'",
            did_you_mean(key, pool) or "see 'studyplan bib export --all'",
        )
    return item, corpus


def parent_of(item: Item, corpus: Corpus) -> Item | None:
    """The entry ``item`` names in its ``crossref`` field, if there is one."""
    (block,) = bib.parse_items([item])
    fld = block.field("crossref")
    if fld is None:
        return None
    return corpus.entries.get(fld.value.strip('{}" ').casefold())


@dataclass(slots=True)
class CheckReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    builtin_entries: int = 0
    library_entries: int = 0


def check(rows: Sequence[LibraryEntry]) -> CheckReport:
    """Problems of the built-in references and of the personal library."""
    from studyplan.adapters import paths

    report = CheckReport()
    path = paths.builtin_bibliography()
    builtin_blocks: list[Block] = []
    if path.is_file():
        parsed = bib.parse_text(bib.read_bib(path), str(path))
        report.errors += parsed.failures
        builtin_blocks = parsed.blocks
        for found in checks.find_errors(builtin_blocks, checks.Known()).values():
            report.errors += found
    library = _library_blocks(bib.library_items(rows), report)
    builtin_entries = [b for b in builtin_blocks if b.kind == ENTRY]
    shadowed = {b.key for b in library if b.kind == ENTRY}
    known = checks.Known(
        entries={b.key.casefold(): b.key for b in builtin_entries if b.key not in shadowed},
        strings=_strings(builtin_blocks),
    )
    for found in checks.find_errors(library, known).values():
        report.errors += found
    strings = {**_strings(builtin_blocks), **_strings(library)}
    everything = {b.key.casefold(): b for b in (*builtin_entries, *library) if b.kind == ENTRY}
    for block in everything.values():
        for message in checks.plain_warnings(
            block, lambda k: everything.get(k.casefold()), strings
        ):
            report.warnings.append(checks.problem(block, message))
    report.builtin_entries = len(builtin_entries)
    report.library_entries = sum(1 for b in library if b.kind == ENTRY)
    return report


def _strings(blocks: Sequence[Block]) -> dict[str, str]:
    return {
        b.fields[0].name.lower(): b.fields[0].value for b in blocks if b.kind == STRING and b.fields
    }


def _library_blocks(items: Sequence[Item], report: CheckReport) -> list[Block]:
    parseable = [i for i in items if i.kind != "comment"]
    try:
        blocks = bib.parse_items(parseable)
    except BibError:
        blocks = []
        for item in parseable:
            try:
                blocks += bib.parse_items([item])
            except BibError as exc:
                report.errors.append(Problem(f"your library ({item.source})", exc.message))
    return [
        Block(b.kind, b.key, b.text, f"your library ({b.source})", 0, b.entry_type, b.fields)
        for b in blocks
    ]


def missing_citations(
    curricula_dirs: Sequence[Path], rows: Sequence[LibraryEntry]
) -> list[Problem]:
    """Citation keys that curricula cite but neither references.bib nor the library has."""
    from studyplan.adapters import workspace

    inputs = workspace.gather(curricula_dirs, library=bib.library_summaries(rows))
    return [p for p in workspace.check(inputs) if p.code == ProblemCode.CITATION_KEY]
