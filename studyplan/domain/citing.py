"""A plan for a paper: match its reference list to the curricula's readings and find the
topics that teach what it cites. Pure: no I/O (the CLI parses the .bib file).

An entry matches a reference of the catalog by DOI, else by arXiv id, else by its
normalized title and year (case, accents, punctuation and TeX braces ignored). Only
references that some topic reads count: a matched reference names the topics whose
readings (core or further) cite it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from studyplan.domain.catalog import BibSummary, Catalog

_ARXIV_NEW = re.compile(r"(?<!\d)(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)")
_ARXIV_OLD = re.compile(r"\b([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")
_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)


def normal_doi(text: str) -> str:
    found = _DOI.search(text or "")
    return found.group(0).rstrip(".,;}").casefold() if found else ""


def arxiv_id(*texts: str) -> str:
    """An arXiv id in any of ``texts`` (an eprint field, a URL, a journal field such as
    ``arXiv preprint arXiv:2401.10774``, a DataCite DOI), without its version."""
    for text in texts:
        if not text:
            continue
        lowered = text.casefold()
        if "arxiv" not in lowered and not re.fullmatch(r"\s*\d{4}\.\d{4,5}(v\d+)?\s*", text):
            continue
        found = _ARXIV_NEW.search(text) or _ARXIV_OLD.search(text)
        if found:
            return found.group(1)
    return ""


def normal_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title.replace("{", "").replace("}", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True, slots=True)
class Match:
    entry: str  # the key in the paper's .bib
    title: str
    reference: str  # the catalog's citation key
    by: str  # "doi", "arxiv" or "title+year"
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unmatched:
    entry: str
    title: str
    year: str
    near: str = ""  # a catalog reference with the same title but another year


@dataclass(slots=True)
class Citing:
    total: int
    matched: list[Match]
    unmatched: list[Unmatched]
    goals: list[str]
    # Goal topic -> the .bib entries that put it there ("paper" for the paper itself).
    cited_by: dict[str, list[str]]


def readers(catalog: Catalog) -> dict[str, list[str]]:
    """Citation key -> the topics whose readings cite it, in declared order."""
    found: dict[str, list[str]] = {}
    for topic in catalog.topics.values():
        for reading in topic.readings:
            tids = found.setdefault(reading.key, [])
            if topic.id not in tids:
                tids.append(topic.id)
    return found


class _Index:
    def __init__(self, references: Mapping[str, BibSummary], keys: Iterable[str]) -> None:
        self.doi: dict[str, str] = {}
        self.arxiv: dict[str, str] = {}
        self.title: dict[tuple[str, str], str] = {}
        self.title_only: dict[str, str] = {}
        for key in keys:
            ref = references.get(key)
            if ref is None:
                continue
            if doi := normal_doi(ref.doi):
                self.doi.setdefault(doi, key)
            if arxiv := arxiv_id(ref.eprint, ref.url, ref.venue, ref.doi):
                self.arxiv.setdefault(arxiv, key)
            if title := normal_title(ref.title):
                self.title.setdefault((title, ref.year.strip()), key)
                self.title_only.setdefault(title, key)

    def find(self, entry: BibSummary) -> tuple[str, str] | None:
        doi = normal_doi(entry.doi)
        if doi and doi in self.doi:
            return self.doi[doi], "doi"
        arxiv = arxiv_id(entry.eprint, entry.url, entry.venue, entry.doi)
        if arxiv and arxiv in self.arxiv:
            return self.arxiv[arxiv], "arxiv"
        key = (normal_title(entry.title), entry.year.strip())
        if key[0] and key in self.title:
            return self.title[key], "title+year"
        return None


def match_references(
    catalog: Catalog, entries: Sequence[BibSummary], paper: str | None = None
) -> Citing:
    """Match ``entries`` (a paper's reference list) to the curricula's readings; the goals
    are the topics citing a matched reference, and, with ``paper`` (the citation key of
    the paper itself, already resolved), the topics reading the paper."""
    cited = readers(catalog)
    index = _Index(catalog.references, cited)
    matched: list[Match] = []
    unmatched: list[Unmatched] = []
    cited_by: dict[str, list[str]] = {}
    for entry in entries:
        found = index.find(entry)
        if found is None:
            near = index.title_only.get(normal_title(entry.title), "") if entry.title else ""
            unmatched.append(Unmatched(entry.key, entry.title, entry.year, near))
            continue
        key, by = found
        topics = tuple(cited[key])
        matched.append(Match(entry.key, entry.title, key, by, topics))
        for tid in topics:
            cited_by.setdefault(tid, []).append(entry.key)
    if paper is not None:
        for tid in cited.get(paper, []):
            cited_by.setdefault(tid, []).insert(0, "paper")
    goals = [t for t in catalog.topics if t in cited_by]
    return Citing(len(entries), matched, unmatched, goals, cited_by)


def find_paper(catalog: Catalog, text: str) -> str | None:
    """The citation key of a reference the curricula read, named by its key, DOI or arXiv
    id; None if none is."""
    cited = readers(catalog)
    if text in cited:
        return text
    index = _Index(catalog.references, cited)
    if doi := normal_doi(text):
        return index.doi.get(doi)
    if arxiv := arxiv_id(text if "arxiv" in text.casefold() else f"arXiv:{text}"):
        return index.arxiv.get(arxiv)
    return None
