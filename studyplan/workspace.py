"""Find the curricula and bibliography this run uses and build the catalog, cached.

Parsing and validating YAML (and the bibliography) costs far more than a command should
pay on every run, so the validated ``Catalog`` is pickled under ``<home>/cache`` keyed by a
hash of the *contents* of every source file, the references and the user's library: any
edit makes a new key and a full re-validation. Invalid curricula are never cached.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studyplan import __version__, paths
from studyplan.curriculum.catalog import CACHE_LAYOUT, BibSummary, Catalog
from studyplan.curriculum.loader import Source, discover, load, read_sources, validate
from studyplan.errors import Problem

_CACHE_PREFIX = "catalog-"


@dataclass(slots=True)
class Inputs:
    """Everything a catalog is built from."""

    sources: list[Source]
    read_problems: list[Problem]
    references: bytes
    library: Mapping[str, BibSummary] = field(default_factory=dict)

    def fingerprint(self) -> str:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"studyplan {__version__} layout {CACHE_LAYOUT}\0".encode())
        for source in self.sources:
            digest.update(f"{source.label}\0{len(source.data)}\0".encode())
            digest.update(source.data)
        digest.update(b"\0references\0")
        digest.update(self.references)
        library_digest = getattr(self.library, "digest", None)
        if callable(library_digest):  # the personal library: keys and exact text
            digest.update(f"\0lib\0{library_digest()}".encode())
        else:
            for key in sorted(self.library):
                digest.update(f"\0lib\0{key}".encode())
        return digest.hexdigest()


def gather(
    user_dirs: Sequence[Path] = (),
    extra_paths: Sequence[Path] = (),
    library: Mapping[str, BibSummary] | None = None,
) -> Inputs:
    """Built-in curricula, then user directories, then explicitly named files."""
    candidates = [paths.builtin_curricula_dir(), *paths.user_curricula_dirs(list(user_dirs))]
    found = discover([p for p in candidates if p.is_dir()])
    found += [p for p in discover(extra_paths) if p.resolve() not in {f.resolve() for f in found}]
    missing_dirs = [p for p in candidates[1:] if not p.is_dir()]
    sources, problems = read_sources(found)
    problems = [
        Problem(
            str(p), "curricula directory does not exist", "check --curricula / STUDYPLAN_CURRICULA"
        )
        for p in missing_dirs
    ] + problems
    bib = paths.builtin_bibliography()
    references = bib.read_bytes() if bib.is_file() else b""
    # Not copied: the library's mapping parses its BibTeX only when a value is read, and a
    # warm run needs just its keys (the fingerprint).
    return Inputs(sources, problems, references, library if library is not None else {})


def _references(inputs: Inputs) -> dict[str, BibSummary]:
    from studyplan.bibliography import summaries_from_text

    refs = summaries_from_text(inputs.references.decode("utf-8")) if inputs.references else {}
    for key, summary in inputs.library.items():
        refs.setdefault(key, summary)
    return refs


def check(inputs: Inputs) -> list[Problem]:
    """Every problem in the inputs (for ``studyplan validate``); never cached."""
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
        try:
            with cache_file.open("rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, Catalog):
                return cached
        except Exception:  # a missing, stale or broken cache is rebuilt below
            pass
    refs = _references(inputs)
    built = load(inputs.sources, frozenset(refs))
    built.references = refs
    if use_cache:
        _store(cache_file, built)
    return built


def _store(cache_file: Path, built: Catalog) -> None:
    """Write atomically and drop older catalogs; a cache that cannot be written is skipped."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_file)
        for old in cache_file.parent.glob(f"{_CACHE_PREFIX}*.pickle"):
            if old != cache_file:
                old.unlink(missing_ok=True)
    except OSError:
        pass
