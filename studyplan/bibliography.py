"""BibTeX adapter: the only module that imports bibtexparser.

For the catalog it turns a library's text into ``BibSummary`` records (title, authors,
year, venue, links) for display; the import/export machinery builds on the same parser.
"""

from __future__ import annotations

import re
from typing import Any

from studyplan.curriculum.catalog import BibSummary

_VENUE_FIELDS = ("journal", "booktitle", "publisher", "school", "institution", "howpublished")


def _plain(value: str) -> str:
    """LaTeX to readable Unicode for the terminal (``{\\AA}str{\\"o}m`` -> Åström)."""
    if "\\" in value or "{" in value or "$" in value:
        from pylatexenc.latex2text import LatexNodes2Text

        value = LatexNodes2Text(math_mode="verbatim").latex_to_text(value)
    return re.sub(r"\s+", " ", value).strip()


def short_authors(authors: str) -> str:
    """``Cover, Thomas M. and Thomas, Joy A.`` -> ``Cover & Thomas``; 3+ -> ``Cover et al.``."""
    names = [n.strip() for n in re.split(r"\s+and\s+", authors) if n.strip()]

    def last(name: str) -> str:
        if "," in name:
            return name.split(",", 1)[0].strip()
        return name.split()[-1] if name.split() else name

    if not names:
        return ""
    if names[-1] == "others" or len(names) > 2:
        return f"{last(names[0])} et al."
    return " & ".join(last(n) for n in names)


def summaries_from_text(text: str) -> dict[str, BibSummary]:
    """Parse BibTeX text and summarise each entry (first definition wins on duplicates)."""
    from bibtexparser.entrypoint import parse_string

    library: Any = parse_string(text)
    result: dict[str, BibSummary] = {}
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        if entry.key in result:
            continue
        venue = next((fields[f] for f in _VENUE_FIELDS if fields.get(f)), "")
        result[entry.key] = BibSummary(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            title=_plain(fields.get("title", "")),
            authors=_plain(fields.get("author", fields.get("editor", ""))),
            year=fields.get("year", ""),
            venue=_plain(venue),
            url=fields.get("url", ""),
            doi=fields.get("doi", ""),
            eprint=fields.get("eprint", ""),
        )
    return result
