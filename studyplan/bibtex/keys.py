"""Citation keys for entries that arrive without one: ``authorYEARword``.

The rule (also in docs/bibtex.md): the first author's last name (else the first editor's,
else ``anon``), von-particles dropped unless braced with the name, folded to ASCII lower
case letters and digits; then the first four-digit run of ``year`` (nothing if none);
then the first word of the title that is not a stop word, folded the same way. A key that
is taken (case-insensitively) gets the first free suffix b, c, ..., z, ba, bb, ...
Keys are made once, at import; a key in use is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from studyplan.bibtex.values import split_names

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "or",
        "to",
        "with",
        "from",
        "at",
        "by",
        "is",
        "are",
        "as",
        "via",
        "into",
        "its",
        "towards",
        "toward",
        "about",
        "over",
        "under",
        "some",
        "what",
        "why",
        "how",
        "do",
        "does",
        "can",
        "we",
    ]
)
_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "œ": "oe",
     "Œ": "oe", "đ": "d", "Đ": "d", "ı": "i", "þ": "th"}
)  # fmt: skip
_YEAR = re.compile(r"\d{4}")
_WORD = re.compile(r"[^\W_]+")


def latex_to_text(value: str) -> str:
    """LaTeX markup to Unicode text; bare '%' is a percent sign, not a comment."""
    if "\\" not in value and "{" not in value and "$" not in value:
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    value = re.sub(r"(?<!\\)%", r"\\%", value)
    text: str = LatexNodes2Text(math_mode="verbatim").latex_to_text(value)
    return text


def fold(text: str) -> str:
    """``Müller`` -> ``muller``: ASCII lower-case letters and digits only."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in text if c.isascii() and c.isalnum()).lower()


def _words(name: str) -> list[str]:
    """Whitespace-separated words outside braces (a braced group stays one word)."""
    words: list[str] = []
    depth = 0
    current: list[str] = []
    for char in name:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char.isspace() and depth == 0:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


def _is_von(word: str) -> bool:
    return word[:1].islower()


def last_name(name: str) -> str:
    """BibTeX's 'Last' part (von dropped): ``van der Berg, Jan`` -> ``Berg``,
    ``Ludwig van Beethoven`` -> ``Beethoven``, ``{van der Berg}`` -> ``van der Berg``."""
    depth = 0
    for i, char in enumerate(name):
        depth += (char == "{") - (char == "}")
        if char == "," and depth == 0:
            words = _words(name[:i])
            kept = [w for w in words if not _is_von(w)]
            return " ".join(kept or words[-1:])
    words = _words(name)
    if len(words) <= 1:
        return words[0] if words else ""
    von = [i for i, w in enumerate(words[:-1]) if _is_von(w)]
    return " ".join(words[von[-1] + 1 :] if von else words[-1:])


def base_key(author: str, year: str, title: str) -> str:
    """``authorYEARword`` from expanded (macro-free) field texts, LaTeX allowed."""
    names = split_names(author)
    who = fold(latex_to_text(last_name(names[0]))) if names else ""
    if names and names[0].strip().lower() == "others":
        who = ""
    found = _YEAR.search(year)
    word = next(
        (
            w
            for w in (fold(t) for t in _WORD.findall(latex_to_text(title)))
            if w and w not in STOP_WORDS
        ),
        "",
    )
    return f"{who or 'anon'}{found.group() if found else ''}{word}"


def suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters[1:]
    for first in letters[1:]:
        for second in letters:
            yield first + second


def unique_key(base: str, taken: set[str]) -> str:
    """``base`` or ``base`` + the first free suffix; ``taken`` holds casefolded keys."""
    if base.casefold() not in taken:
        return base
    for suffix in suffixes():
        candidate = base + suffix
        if candidate.casefold() not in taken:
            return candidate
    raise RuntimeError("no free key suffix")  # 26 * 26 + 25 keys with one base: unreachable
