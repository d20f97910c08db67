"""Author names as a reading line shows them. Pure: no I/O, no BibTeX parser (the
everyday commands print these without loading the BibTeX modules)."""

from __future__ import annotations

import re


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
