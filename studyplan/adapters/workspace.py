"""Find the curricula and bibliography this run uses and build the catalog, cached.

Parsing and validating YAML (and the bibliography) costs far more than a command should
pay on every run, so the validated ``Catalog`` is pickled under ``<home>/cache`` keyed by a
hash of the *contents* of every source file, the references and the user's library: any
edit makes a new key and a full re-validation. Invalid curricula are never cached. The
files' hashes are themselves remembered by their ``stat`` (``DigestIndex``), so a warm
start reads no curriculum file at all.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from studyplan import __version__
from studyplan.adapters import paths
from studyplan.adapters.curriculum import loader
from studyplan.adapters.curriculum.loader import (
    Parsed,
    ParseResult,
    Source,
    discover_real,
    load,
    read_problem,
    read_source,
    read_sources,
    validate,
)
from studyplan.adapters.details_file import attach_details, write_details
from studyplan.adapters.files import write_cache
from studyplan.domain.catalog import CACHE_LAYOUT, BibSummary, Catalog
from studyplan.domain.digest import blake2b
from studyplan.domain.layout import record_layout
from studyplan.domain.pickled import PickledMapping
from studyplan.errors import Problem

# The per-file parse results pickle ``loader.Parsed`` records around the catalog's.
PARSED_LAYOUT = record_layout(loader.Parsed)

_CACHE_PREFIX = "catalog-"
# The files of one cached catalog: its pickle, edge list, references and topics' details.
_SUFFIXES = (".pickle", ".edges", ".refs", ".details")


class Inputs:
    """Everything a catalog is built from (a plain class, for the reason ``Source`` is)."""

    __slots__ = ("library", "read_problems", "references", "sources")

    def __init__(
        self,
        sources: list[Source],
        read_problems: list[Problem],
        references: Source | None,
        library: Mapping[str, BibSummary] | None = None,
    ) -> None:
        self.sources = sources
        self.read_problems = read_problems
        self.references = references
        self.library: Mapping[str, BibSummary] = library if library is not None else {}

    def fingerprint(self) -> str:
        digest = blake2b(digest_size=20)
        digest.update(f"studyplan {__version__} layout {CACHE_LAYOUT}\0".encode())
        for source in _stable(self.sources):
            digest.update(f"{source.label}\0{source.digest}\0".encode())
        digest.update(f"\0references\0{self.references.digest if self.references else ''}".encode())
        library_digest = getattr(self.library, "digest", None)
        if callable(library_digest):  # the personal library: keys and exact text
            digest.update(f"\0lib\0{library_digest()}".encode())
        else:
            for key in sorted(self.library):
                digest.update(f"\0lib\0{key}".encode())
        return digest.hexdigest()

    def content_hash(self) -> str:
        """A hash of the curricula's and the references' contents only (no program
        version or layout): what a saved plan remembers of the catalog it was made from."""
        digest = blake2b(digest_size=10)
        for source in self.sources:
            digest.update(f"{source.label}\0{source.digest}\0".encode())
        digest.update(f"\0references\0{self.references.digest if self.references else ''}".encode())
        return digest.hexdigest()

    def read_all(self) -> list[Problem]:
        """Read every file whose bytes were not needed so far; problems for those that
        can no longer be read (they are dropped)."""
        problems: list[Problem] = []
        kept: list[Source] = []
        for source in self.sources:
            try:
                source.data  # noqa: B018 - reads and keeps the bytes
                kept.append(source)
            except OSError as exc:
                problems.append(read_problem(source.label, exc))
        self.sources = kept
        if self.references is not None:
            try:
                self.references.data  # noqa: B018
            except OSError as exc:
                problems.append(read_problem(self.references.label, exc))
                self.references = None
        self.read_problems += problems
        return problems


class StoredLibrary(Mapping[str, BibSummary]):
    """The personal library as the catalog sees it, read from the store only when a
    value is needed (a cold build): a warm run needs just ``digest()``, the store's
    ``library_version`` token, one row instead of every entry's text."""

    def __init__(
        self,
        version: str,
        rows: Callable[[], Sequence[Any]],
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.version = version
        self._rows = rows
        self._warn = warn  # quarantine: a stored block that does not parse is named once
        self._inner: Mapping[str, BibSummary] | None = None

    def digest(self) -> str:
        return self.version

    def _mapping(self) -> Mapping[str, BibSummary]:
        if self._inner is None:
            from studyplan.adapters.bibliography import library_summaries

            self._inner = library_summaries(self._rows(), warn=self._warn)
        return self._inner

    def __getitem__(self, key: str) -> BibSummary:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())

    def __contains__(self, key: object) -> bool:
        return key in self._mapping()

    def items(self) -> Any:
        # The parsed entries only: a quarantined key is not yielded and then missing.
        return self._mapping().items()


def _stable(sources: Sequence[Source]) -> list[Source]:
    """The sources named by absolute path, for what is cached: a label relative to the
    working directory (as messages use) would make every directory its own cache key,
    and a catalog cached in one directory would carry paths relative to another."""
    return [
        s if s.label == str(s.path.absolute()) else s.relabelled(str(s.path.absolute()))
        for s in sources
    ]


class DigestIndex:
    """Hashes of source files by what their ``stat`` looked like when hashed, kept in
    ``<home>/cache/sources.pickle``: as in git's index, a file whose size, times and inode
    are unchanged is not read again, so a warm start on 35 MB of curricula reads none of
    it. The catalog stays keyed by content: these are the contents' hashes.

    A file changed within ``RACY_NS`` of being hashed could change again without its
    timestamp moving, so it is trusted only once it is older than that ("racily clean"
    in git); until then it is hashed on every run.
    """

    RACY_NS = 2_000_000_000
    # Pickled, not JSON: the json module would be one more import on every start.
    FILE = "sources.pickle"

    def __init__(self, folder: Path) -> None:
        self.file = folder / self.FILE
        self.changed = False
        try:
            entries = pickle.loads(self.file.read_bytes())
            self.entries: dict[str, list[Any]] = entries if isinstance(entries, dict) else {}
        except Exception:  # missing or broken: every file is hashed again
            self.entries = {}

    @staticmethod
    def _shape(stat: os.stat_result) -> list[int]:
        return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]

    def known(self, path: Path, stat: os.stat_result) -> str | None:
        entry = self.entries.get(str(path))
        if not (isinstance(entry, list) and len(entry) == 3):
            return None
        shape, hashed_at, digest = entry
        if shape != self._shape(stat):
            return None
        if stat.st_mtime_ns >= hashed_at - self.RACY_NS:
            return None
        return str(digest)

    def record(self, sources: Sequence[Source | None]) -> None:
        now = time.time_ns()
        for source in sources:
            if source is not None and source.was_read and source.stat is not None:
                self.entries[str(source.path)] = [self._shape(source.stat), now, source.digest]
                self.changed = True

    def save(self) -> None:
        """Write atomically; an index that cannot be written is skipped."""
        if not self.changed:
            return
        self.entries = {k: v for k, v in self.entries.items() if os.path.exists(k)}
        write_cache(self.file, pickle.dumps(self.entries, pickle.HIGHEST_PROTOCOL))


def builtin_set_in(path: Path) -> Path | None:
    """The data folder (``curricula/`` and ``references.bib``) that ``path`` holds, when
    ``path`` is a copy of the built-in set (a checkout's ``curricula/``, or the checkout
    itself, or one file of it): ``references.bib`` beside the folder and at least one
    built-in file name in it."""
    if path.is_file():
        path = path.parent
    folder = path / "curricula" if (path / "curricula").is_dir() else path
    if not folder.is_dir() or not (folder.parent / "references.bib").is_file():
        return None
    builtin = paths.builtin_curricula_dir()
    names = {p.name for p in builtin.iterdir()} if builtin.is_dir() else set()
    if not any(p.name in names for p in folder.iterdir() if p.suffix in loader.YAML_SUFFIXES):
        return None
    return folder.parent


def gather(
    user_dirs: Sequence[Path] = (),
    extra_paths: Sequence[Path] = (),
    library: Mapping[str, BibSummary] | None = None,
    *,
    builtin_root: Path | None = None,
) -> Inputs:
    """Built-in curricula, then user directories, then explicitly named files.

    ``builtin_root`` (a folder with ``curricula/`` and ``references.bib``, see
    ``builtin_set_in``) stands in for the built-in set: ``validate`` on a checkout's own
    curricula checks them and its references instead of reporting every id twice."""
    builtin_dir = builtin_root / "curricula" if builtin_root else paths.builtin_curricula_dir()
    candidates = [builtin_dir, *paths.user_curricula_dirs(list(user_dirs))]
    present = [p.is_dir() for p in candidates]
    dirs = [p for p, there in zip(candidates, present, strict=True) if there]
    # The directories' files, then the files named that they do not already hold.
    found = discover_real([*dirs, *extra_paths])
    missing_dirs = [p for p, there in zip(candidates[1:], present[1:], strict=True) if not there]
    index = DigestIndex(paths.cache_dir())
    sources, problems = read_sources([p for p, _ in found], index.known, [r for _, r in found])
    problems = [
        Problem(
            str(p), "curricula directory does not exist", "check --curricula / STUDYPLAN_CURRICULA"
        )
        for p in missing_dirs
    ] + problems
    bib = builtin_root / "references.bib" if builtin_root else paths.builtin_bibliography()
    references = None
    if bib.is_file():
        try:
            references = read_source(bib, bib.name, index.known)
        except OSError as exc:
            problems.append(read_problem(bib.name, exc))
    index.record([*sources, references])
    index.save()
    # Not copied: the library's mapping parses its BibTeX only when a value is read, and a
    # warm run needs just its keys (the fingerprint).
    return Inputs(sources, problems, references, library if library is not None else {})


def _references(inputs: Inputs) -> dict[str, BibSummary]:
    return _references_split(inputs)[0]


def _references_split(inputs: Inputs) -> tuple[dict[str, BibSummary], set[str]]:
    """The references by key (built-in first, then the library) and the built-in keys."""
    from studyplan.adapters.bibliography import summaries_from_text

    refs = summaries_from_text(inputs.references.data.decode("utf-8")) if inputs.references else {}
    builtin = set(refs)
    for key, summary in inputs.library.items():
        refs.setdefault(key, summary)
    return refs, builtin


def check(inputs: Inputs) -> list[Problem]:
    """Every problem in the inputs (for ``studyplan validate``); never cached."""
    inputs.read_all()
    refs = _references(inputs)
    _, problems = validate(inputs.sources, frozenset(refs))
    return inputs.read_problems + problems


def catalog(inputs: Inputs, use_cache: bool = True) -> Catalog:
    """The validated catalog; raises ``CurriculumError`` listing every problem."""
    from studyplan.errors import CurriculumError

    if inputs.read_problems:
        raise CurriculumError(check(inputs))
    key = inputs.fingerprint()
    cache_file = paths.cache_dir() / f"{_CACHE_PREFIX}{key}.pickle"
    if use_cache:
        cached = cached_catalog(inputs)
        if cached is not None:
            return cached
    if inputs.read_all():
        raise CurriculumError(check(inputs))
    refs, builtin = _references_split(inputs)
    stable = _stable(inputs.sources)
    # The build makes millions of objects and no garbage cycles: the cyclic collector
    # would walk them again and again (half the cold 100k build; benchmarks/). They live
    # as long as the command: frozen, no later collection walks them either.
    from studyplan.adapters.gc_pause import collector_paused

    try:
        with collector_paused(freeze=True):
            if use_cache:
                parses = ParseCache(paths.cache_dir())
                built = load(stable, frozenset(refs), parses.parse)
                parses.prune()
            else:
                built = load(stable, frozenset(refs))
    except CurriculumError:
        raise CurriculumError(check(inputs)) from None  # named as the user named them
    # Commands look up the built-in references and what core readings cite; the rest of
    # a large library is unpickled only when something walks all of them.
    built.references = PickledMapping.of(refs, builtin | set(built.topics.core_columns()[1]))
    built.content_hash = inputs.content_hash()
    if use_cache:
        _store(cache_file, built)
    return built


def cached_catalog(inputs: Inputs) -> Catalog | None:
    """The catalog from the cache, or None when it is not there (missing, stale or
    broken): never parses or validates anything (shell completion must not lag)."""
    if inputs.read_problems:
        return None
    cache_file = paths.cache_dir() / f"{_CACHE_PREFIX}{inputs.fingerprint()}.pickle"
    try:
        with cache_file.open("rb") as fh:
            cached = pickle.load(fh)
    except Exception:  # a missing, stale or broken cache is no catalog
        return None
    refs_file = _refs_file(cache_file)
    if not isinstance(cached, Catalog) or not refs_file.is_file():
        return None
    if not attach_details(_details_file(cache_file), cached.topics):
        return None
    cached.planning_graph = _planning_graph_reader(_edges_file(cache_file), cached)
    first = cached.references
    if isinstance(first, PickledMapping) and first.first_blob() is not None:
        # The whole library's references are read from their own file on a miss only.
        cached.references = PickledMapping(refs_file.read_bytes, first.first_blob())
    return cached


class ParseCache:
    """Each file's own parse and checks (``loader.parse_one``), kept by the file's label
    and content hash: after an edit of one file in a hundred, only that one is parsed
    again, and the checks across files (ids, prerequisites, cycles, citations) run on
    all of them as before. Only problem-free results are kept."""

    FOLDER = "parsed"

    def __init__(self, cache: Path) -> None:
        self.folder = cache / self.FOLDER
        self.used: set[Path] = set()

    def _file(self, source: Source) -> Path:
        key = f"{__version__}\0{CACHE_LAYOUT}\0{PARSED_LAYOUT}\0{source.label}\0{source.digest}"
        name = blake2b(key.encode(), digest_size=20).hexdigest()
        return self.folder / f"{name}.pickle"

    def parse(self, source: Source) -> ParseResult:
        """The file's result from the cache, or parsed (and kept when problem-free). A
        file the fast parser and check took is kept as its data in JSON (``.json``):
        written as it is, far faster than its topics pickle, and checked again on the
        way back (``loader.parse_json``); any other as its pickled ``Parsed``."""
        file = self._file(source)
        as_json = file.with_suffix(".json")
        self.used.update((file, as_json))
        cached = self._cached(source, file, as_json)
        if cached is not None:
            return cached, []
        parsed, problems = loader.parse_one(source)
        if parsed is not None and not problems:
            if parsed.json:
                write_cache(as_json, parsed.json.encode("utf-8"))
                parsed.json = ""  # kept no longer than it takes to write it
            else:
                write_cache(file, pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL))
        return parsed, problems

    @staticmethod
    def _cached(source: Source, file: Path, as_json: Path) -> Parsed | None:
        try:
            text = as_json.read_text("utf-8")
        except (OSError, ValueError):  # missing or unreadable: the pickle, or parsed again
            pass
        else:
            parsed, problems = loader.parse_json(source, text)
            if parsed is not None and not problems:
                parsed.json = ""
                return parsed
        try:
            with file.open("rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, Parsed):
                return cached
        except Exception:  # missing or unreadable: parsed again
            pass
        return None

    def prune(self) -> None:
        """Drop the results of files no longer read (older versions of edited files)."""
        try:
            for old in self.folder.iterdir():
                if old.suffix in (".pickle", ".json") and old not in self.used:
                    old.unlink(missing_ok=True)
        except OSError:
            pass


def _edges_file(cache_file: Path) -> Path:
    return cache_file.with_suffix(".edges")


def _planning_graph_reader(edges_file: Path, catalog: Catalog) -> Callable[[], Any]:
    """The planner's rustworkx graph, read from the edge list kept beside the cached
    catalog (``native.edge_list``): rustworkx parses it in a third of the time Python
    takes to hand it the same 100k-topic graph (see docs/architecture.md). None when the
    file is missing or does not match the catalog, and the planner builds it itself."""

    def read() -> Any:
        import rustworkx

        from studyplan.domain import native

        try:
            graph = rustworkx.PyDiGraph.read_edge_list(str(edges_file))
        except Exception:  # missing or unreadable: built from the catalog instead
            return None
        links = len(catalog.topics.links()[0])
        return native.as_planning_graph(graph, len(catalog.topics), links)

    return read


def _details_file(cache_file: Path) -> Path:
    return cache_file.with_suffix(".details")


def _refs_file(cache_file: Path) -> Path:
    return cache_file.with_suffix(".refs")


def _store(cache_file: Path, built: Catalog) -> None:
    """Write the edge list, every reference (the whole library) and the topics' details,
    then the catalog with just the references commands look up and without the details,
    and drop older catalogs; a cache that cannot be written is skipped."""
    import copy

    from studyplan.domain import native

    links = native.edge_list(*built.topics.links())
    if not write_cache(_edges_file(cache_file), links.encode()):
        return
    refs = built.references
    whole, first = refs.blobs() if isinstance(refs, PickledMapping) else (b"", None)
    if not write_cache(_refs_file(cache_file), whole):
        return
    topics = write_details(_details_file(cache_file), built.topics)
    if topics is None:
        return
    light = copy.copy(built)
    light.topics = topics
    if first is not None:
        light.references = PickledMapping[BibSummary](b"", first)
    if not write_cache(cache_file, pickle.dumps(light, pickle.HIGHEST_PROTOCOL)):
        return
    try:
        for old in cache_file.parent.glob(f"{_CACHE_PREFIX}*"):
            if old.stem != cache_file.stem and old.suffix in _SUFFIXES:
                old.unlink(missing_ok=True)
    except OSError:
        pass
