"""Counted nouns for messages: "1 topic", "2 topics", "1 entry", "3 entries"."""

from __future__ import annotations

_IRREGULAR = {"is": "are", "exists": "exist", "was": "were", "has": "have"}


def plural_of(word: str) -> str:
    """The English plural of a noun of this tool's vocabulary (and of a few verbs)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def count(n: float, word: str, many: str | None = None) -> str:
    """``count(1, "topic")`` → "1 topic"; ``count(2, "entry")`` → "2 entries"."""
    number = str(n) if isinstance(n, int) else f"{n:g}"  # 1000000, not 1e+06
    return f"{number} {word if n == 1 else (many or plural_of(word))}"


def noun(n: float, word: str, many: str | None = None) -> str:
    """The word alone, agreeing with ``n``: ``noun(1, "topic")`` → "topic"."""
    return word if n == 1 else (many or plural_of(word))
