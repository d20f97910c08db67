"""Write an export: the chosen entries with exactly their stored text, plus what BibTeX
needs to read them without a warning (their ``@string`` macros, ``@preamble`` blocks and
``crossref`` parents, parents after their children).

Pure: the facade supplies the items and a parser for those it must look inside: a scope's
entries, and in a whole export the library's own unless they are known to parse (a stored
block that no longer parses is then named by the parser's error, and the caller's
quarantine leaves it out) and the built-in entries with a crossref.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from studyplan.adapters.bibtex.checks import plain_warnings
from studyplan.adapters.bibtex.model import (
    COMMENT,
    COMMENT_PREFIX,
    ENTRY,
    PREAMBLE,
    STRING,
    Block,
    Item,
)
from studyplan.adapters.bibtex.values import ValueSyntaxError, check_value, text_of
from studyplan.errors import NotFoundError, clip, did_you_mean

_CROSSREF_HINT = re.compile(r"crossref\s*=", re.IGNORECASE)
SORTS = ("plan", "key", "year")

Parser = Callable[[Sequence[Item]], list[Block]]


@dataclass(slots=True)
class Export:
    text: str
    keys: list[str]  # entry keys in written order (parents pulled in included)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Corpus:
    """The built-in references and the personal library; the library wins a shared key."""

    builtin: Sequence[Item]
    library: Sequence[Item]
    entries: dict[str, Item] = field(init=False)

    def __post_init__(self) -> None:
        self.entries = {}
        for item in (*self.builtin, *self.library):
            if item.kind == ENTRY:
                self.entries[item.key.casefold()] = item

    def entry(self, key: str) -> Item:
        found = self.entries.get(key.casefold())
        if found is None:
            raise NotFoundError(
                f"unknown citation key '{clip(key)}'",
                did_you_mean(key, [i.key for i in self.entries.values()])
                or "see 'studyplan bib check'",
            )
        return found

    def all_entries(self, library_only: bool = False) -> list[Item]:
        pool = self.library if library_only else (*self.builtin, *self.library)
        return [i for i in pool if i.kind == ENTRY and self.entries[i.key.casefold()] is i]

    def strings(self) -> list[Item]:
        last = {i.key: i for i in (*self.builtin, *self.library) if i.kind == STRING}
        return [i for i in (*self.builtin, *self.library) if i.kind == STRING and last[i.key] is i]


def export(
    corpus: Corpus,
    parse: Parser,
    keys: Sequence[str] | None = None,
    *,
    library_only: bool = False,
    sort: str = "plan",
    notes: Mapping[str, str] | None = None,
    header: str = "",
    library_parses: bool = False,
) -> Export:
    """``keys`` in order (a scope), or everything (``keys=None``); see the module doc.
    ``library_parses``: the library's blocks are known to parse (this very library was
    exported before), so a whole export need not look inside them again."""
    full = keys is None
    chosen = (
        corpus.all_entries(library_only)
        if full
        else list({corpus.entry(k).key: corpus.entry(k) for k in keys or ()}.values())
    )
    notes = notes or {}
    strings_items = corpus.strings()
    strings_blocks = parse(strings_items)
    strings = {b.fields[0].name.lower(): b.fields[0].value for b in strings_blocks if b.fields}
    # Looked inside: a scope's entries, all when sorting by year or adding notes, else the
    # library's own blocks (one that no longer parses must be named, not copied).
    must_parse = (
        chosen
        if not full or sort == "year" or notes
        else [
            i
            for i in chosen
            if (i.origin == "library" and not library_parses) or _CROSSREF_HINT.search(i.text)
        ]
    )
    parsed = {i.key: b for i, b in zip(must_parse, parse(must_parse), strict=True)}
    chosen, parsed = _with_parents(corpus, chosen, parsed, strings, parse)
    order = _sorted(chosen, parsed, strings, sort)
    order = _parents_last(order, parsed, strings)
    needed = None if full else _macros_needed(order, parsed, strings_items, strings_blocks)
    parts = _parts(corpus, order, parsed, strings_items, needed, notes, header, full=full)
    warnings: list[str] = []
    if not full:
        for item in order:
            warnings += plain_warnings(
                parsed[item.key], lambda k: parsed.get(_key_of(corpus, k)), strings
            )
    return Export(
        "\n\n".join(p.strip("\n") for p in parts) + "\n", [i.key for i in order], warnings
    )


def _parts(
    corpus: Corpus,
    order: Sequence[Item],
    parsed: Mapping[str, Block],
    strings_items: Sequence[Item],
    needed: set[str] | None,
    notes: Mapping[str, str],
    header: str,
    *,
    full: bool,
) -> list[str]:
    """The exported file's blocks in order: the header, the library's preambles (when any
    entry comes from it, or for a whole export), the ``@string`` macros (``needed`` ones,
    or all), the entries (with their notes), then the library's trailing comments; each
    block after the comment the library keeps above it."""
    parts: list[str] = [header] if header else []
    from_library = any(i.origin == "library" for i in order)
    comments = {i.key: i for i in corpus.library if i.kind == COMMENT} if full else {}
    if from_library or full:
        for item in corpus.library:
            if item.kind == PREAMBLE:
                parts += _with_comment(item, comments)
    for item in strings_items:
        if needed is None or item.key in needed:
            parts += _with_comment(item, comments)
    for item in order:
        text = item.text
        if item.key in notes:
            text = add_note(item, parsed[item.key], latex_escape(notes[item.key]))
        parts += _with_comment(Item(item.kind, item.key, text, item.origin), comments)
    parts += [
        c.text for k, c in comments.items() if k.startswith(COMMENT_PREFIX + "end:")
    ]  # a file's trailing comments
    return parts


def _key_of(corpus: Corpus, key: str) -> str:
    item = corpus.entries.get(key.casefold())
    return item.key if item else key


def _with_comment(item: Item, comments: Mapping[str, Item]) -> list[str]:
    comment = comments.get(COMMENT_PREFIX + item.key)
    return [comment.text, item.text] if comment else [item.text]


def _crossref(block: Block | None, strings: Mapping[str, str]) -> str | None:
    fld = block.field("crossref") if block is not None else None
    if fld is None:
        return None
    try:
        return text_of(fld.value, strings).strip()
    except ValueSyntaxError:
        return None


def _with_parents(
    corpus: Corpus,
    chosen: list[Item],
    parsed: dict[str, Block],
    strings: Mapping[str, str],
    parse: Parser,
) -> tuple[list[Item], dict[str, Block]]:
    """Add the crossref parents (and theirs) that the chosen entries need."""
    have = {i.key.casefold() for i in chosen}
    frontier = list(chosen)
    while frontier:
        extra: list[Item] = []
        for item in frontier:
            target = _crossref(parsed.get(item.key), strings)
            if target and target.casefold() not in have and target.casefold() in corpus.entries:
                parent = corpus.entries[target.casefold()]
                have.add(target.casefold())
                extra.append(parent)
        parsed.update({i.key: b for i, b in zip(extra, parse(extra), strict=True)})
        chosen += extra
        frontier = extra
    return chosen, parsed


def _sorted(
    items: list[Item], parsed: Mapping[str, Block], strings: Mapping[str, str], sort: str
) -> list[Item]:
    if sort == "key":
        return sorted(items, key=lambda i: (i.key.casefold(), i.key))
    if sort == "year":

        def year(item: Item) -> tuple[int, str, str]:
            fld = parsed[item.key].field("year")
            text = text_of(fld.value, strings) if fld else ""
            digits = re.search(r"\d{4}", text)
            return (int(digits.group()) if digits else 10_000, item.key.casefold(), item.key)

        return sorted(items, key=year)
    return items


def _parents_last(
    items: list[Item], parsed: Mapping[str, Block], strings: Mapping[str, str]
) -> list[Item]:
    """Move every crossref parent after all of its children, changing nothing else.

    Sort key (effective position, depth, position): a parent's effective position is the
    latest of its own and its children's; depth (longest chain of children below) breaks
    ties so that a parent follows a child with the same effective position.
    """
    index = {i.key.casefold(): n for n, i in enumerate(items)}
    children: dict[int, list[int]] = {}
    for n, item in enumerate(items):
        target = _crossref(parsed.get(item.key), strings)
        parent = index.get(target.casefold()) if target else None
        if parent is not None and parent != n:
            children.setdefault(parent, []).append(n)
    if not children:
        return items
    memo: dict[int, tuple[int, int]] = {}

    def rank(n: int, trail: frozenset[int] = frozenset()) -> tuple[int, int]:
        if n in memo:
            return memo[n]
        eff, depth = n, 0
        for child in children.get(n, []):
            if child in trail:  # a cycle (rejected at import); keep the order
                continue
            c_eff, c_depth = rank(child, trail | {n})
            eff, depth = max(eff, c_eff), max(depth, c_depth + 1)
        memo[n] = (eff, depth)
        return memo[n]

    return [items[n] for n in sorted(range(len(items)), key=lambda n: (*rank(n), n))]


def _macros_needed(
    order: Sequence[Item],
    parsed: Mapping[str, Block],
    string_items: Sequence[Item],
    string_blocks: Sequence[Block],
) -> set[str]:
    """Keys of the @string items the entries use, directly or through other strings."""
    by_name = {b.fields[0].name.lower(): b for b in string_blocks if b.fields}
    item_of = {
        b.fields[0].name.lower(): i.key
        for i, b in zip(string_items, string_blocks, strict=True)
        if b.fields
    }
    todo = [m for item in order for f in parsed[item.key].fields for m in _macros(f.value)]
    needed: set[str] = set()
    while todo:
        name = todo.pop()
        if name in by_name and item_of[name] not in needed:
            needed.add(item_of[name])
            todo += _macros(by_name[name].fields[0].value)
    return needed


def _macros(value: str) -> tuple[str, ...]:
    try:
        return check_value(value)
    except ValueSyntaxError:
        return ()


# ---- notes ----------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "§": r"\S{}",
    "–": "--",
    "—": "---",
    "@": r"{\char64}",
}


def latex_escape(text: str) -> str:
    """Plain text to LaTeX whose braces balance (BibTeX counts ``\\{`` as a brace)."""
    out: list[str] = []
    for char in text:
        if char in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[char])
        elif char.isascii():
            out.append(char)
        else:
            out.append(_encode_non_ascii(char))
    return "".join(out)


def _encode_non_ascii(char: str) -> str:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    encoded: str = UnicodeToLatexEncoder(
        non_ascii_only=True, unknown_char_policy="keep", replacement_latex_protection="braces-all"
    ).unicode_to_latex(char)
    return encoded if encoded.count("{") == encoded.count("}") else char


def add_note(item: Item, block: Block, note: str) -> str:
    """The entry's text with ``note`` added: a new ``note`` field, or appended to its own."""
    text = item.text.rstrip()
    existing = block.field("note")
    if existing is not None:
        pattern = re.compile(
            r"(?i)(?<![\w.:+/-])"
            + re.escape(existing.name)
            + r"\s*=\s*"
            + re.escape(existing.value)
        )
        match = pattern.search(text)
        if match is not None:
            return f"{text[: match.end()]} # {{. {note}}}{text[match.end() :]}"
    closer = text[-1]
    body = text[:-1].rstrip()
    comma = "" if body.endswith(",") else ","
    return f"{body}{comma}\n  note = {{{note}}}\n{closer}"
