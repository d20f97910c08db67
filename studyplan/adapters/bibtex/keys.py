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
from functools import cache
from typing import Any

from studyplan.adapters.bibtex.values import split_names

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


_ACCENT = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
_LETTER = {
    "aa": "å", "AA": "Å", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_ACCENT_RE = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"
    r"|\\([uvHckr])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_LETTER_RE = re.compile(r"\\(aa|AA|ss|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\s*\{\})?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_TEXT_COMMAND = re.compile(
    r"\\(?:textit|textbf|textrm|textsc|textsf|texttt|textup|textsl|emph|mbox|text|url)\s*(?=\{)"
)
_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")


def _accent(match: re.Match[str]) -> str:
    mark, base = (
        (match.group(1), match.group(2) or match.group(3))
        if match.group(1)
        else (
            match.group(4),
            match.group(5) or match.group(6),
        )
    )
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + _ACCENT[mark])


def _fast_text(value: str) -> str | None:
    """The common LaTeX of bibliographies (accents, escapes, case braces, font commands)
    as text; None when something else is left for the full converter."""
    value = _ACCENT_RE.sub(_accent, value)
    value = _LETTER_RE.sub(lambda m: _LETTER[m.group(1)], value)
    value = _TEXT_COMMAND.sub("", value)
    value = _ESCAPED.sub(lambda m: "\x00" + m.group(1), value)
    if "\\" in value:
        return None
    value = value.replace("{", "").replace("}", "").replace("---", "—").replace("--", "–")
    return value.replace("~", " ").replace("\x00", "")


def latex_to_text(value: str) -> str:
    """LaTeX markup to Unicode text; math stays as written; a bare '%' is a percent sign."""
    if "\\" not in value and "{" not in value and "$" not in value and "-" not in value:
        return value
    parts: list[str] = []
    start = 0
    for math in _MATH.finditer(value):
        parts += [value[start : math.start()], math.group()]
        start = math.end()
    parts.append(value[start:])
    texts = [p if i % 2 else _fast_text(p) for i, p in enumerate(parts)]
    if all(t is not None for t in texts):
        return "".join(t or "" for t in texts)
    return _full_converter().latex_to_text(re.sub(r"(?<!\\)%", r"\\%", value))  # type: ignore[no-any-return]


@cache
def _full_converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


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
