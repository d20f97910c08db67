"""What BibTeX would reject (errors) and what plain.bst would warn about (warnings).

Errors make a block *bad*: it is not imported (``--skip-bad`` leaves it out, otherwise
nothing is). Warnings are reported but do not stop an import; ``bib check`` lists both.
The warning rules follow plain.bst (the style the export is tested with).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from studyplan.adapters.bibtex.model import COMMENT, ENTRY, MONTH_MACROS, STRING, Block
from studyplan.adapters.bibtex.values import (
    ValueSyntaxError,
    check_value,
    expand,
    name_problem,
    text_of,
)
from studyplan.errors import Problem

# Characters BibTeX (and LaTeX's \cite) cannot have in a key; ':' and '/' are fine.
_KEY = re.compile(r"[^\s\"#%'(),={}\\~]+")
_FIELD_NAME = re.compile(r"[A-Za-z][\w.:+/-]*")
_NAME_FIELDS = ("author", "editor")
# Outside entries BibTeX reads every '@' as a command; only '@comment' is harmless there
# (and an @comment{...} block does not hide an '@' inside it).
_STRAY_AT = re.compile(r"@(?!\s*comment\b)", re.IGNORECASE)


@dataclass(slots=True)
class Known:
    """What already exists outside the batch: entry keys and @string definitions."""

    entries: dict[str, str] = field(default_factory=dict)  # casefolded key -> key
    strings: dict[str, str] = field(default_factory=dict)  # lower name -> raw value


def problem(block: Block, message: str, hint: str = "") -> Problem:
    return Problem(block.source, message, hint, block.line or None)


@dataclass(slots=True)
class Facts:
    """What ``find_errors`` learns on its way, for the warnings that follow it."""

    present: dict[int, dict[str, str]] = field(default_factory=dict)  # non-empty fields
    crossref: dict[int, str] = field(default_factory=dict)  # entry index -> target key


def find_errors(
    blocks: Sequence[Block],
    known: Known,
    excluded: frozenset[int] = frozenset(),
    facts: Facts | None = None,
) -> dict[int, list[Problem]]:
    """Index of each bad block -> its problems. ``excluded`` blocks count as absent."""
    facts = facts if facts is not None else Facts()
    live = [(i, b) for i, b in enumerate(blocks) if i not in excluded]
    batch_strings: dict[str, tuple[int, str]] = {}
    batch_entries: dict[str, int] = {}
    errors: dict[int, list[Problem]] = {}
    for i, block in live:
        if block.kind == STRING and block.fields:
            batch_strings.setdefault(block.fields[0].name.lower(), (i, block.fields[0].value))
        elif block.kind == ENTRY and block.key:
            batch_entries.setdefault(block.key.casefold(), i)
    values = {name: value for name, (_, value) in batch_strings.items()}
    values.update(known.strings)
    all_strings = set(values) | MONTH_MACROS
    for i, block in live:
        found: list[Problem] = []
        if block.kind == ENTRY:
            found = _entry_errors(
                block, i, blocks, batch_entries, known, values, all_strings, facts
            )
        elif block.kind == STRING:
            found = _string_errors(block, i, batch_strings, known)
        elif block.kind == COMMENT and "@" in block.text:
            found = _comment_errors(block)
        if found:
            errors[i] = found
    for i, message in _crossref_cycles(blocks, facts.crossref, batch_entries):
        errors.setdefault(i, []).append(problem(blocks[i], message))
    return errors


def _entry_errors(
    block: Block,
    index: int,
    blocks: Sequence[Block],
    batch_entries: Mapping[str, int],
    known: Known,
    values: Mapping[str, str],
    strings: set[str],
    facts: Facts,
) -> list[Problem]:
    """Every problem of one entry: its key, then each field once."""
    present: dict[str, str] = {}
    facts.present[index] = present
    out = _key_errors(block, index, blocks, batch_entries, known)
    seen: dict[str, int] = {}
    for name_as_written, value, line in block.fields:
        name = name_as_written.lower()
        if name in seen:
            out.append(
                problem(
                    block,
                    f"entry '{block.key}': field '{name}' appears twice "
                    f"(lines {seen[name]} and {line})",
                    "keep one",
                )
            )
            continue
        if not (name.isalpha() or _FIELD_NAME.fullmatch(name_as_written)):
            out.append(problem(block, f"'{name_as_written}' is not a valid field name"))
            continue
        seen[name] = line
        macros = _value_errors(block, name, value, line, values, strings, present, out)
        if macros is None:
            continue
        if name == "crossref":
            out += _crossref_errors(block, index, value, values, batch_entries, known, facts)
        elif name in _NAME_FIELDS and (value.count(",") > 2 or macros):
            bad = name_problem(expand(value, values))
            if bad:
                out.append(problem(block, f"entry '{block.key}', field '{name}': {bad}"))
    return out


def _key_errors(
    block: Block,
    index: int,
    blocks: Sequence[Block],
    batch_entries: Mapping[str, int],
    known: Known,
) -> list[Problem]:
    """A key BibTeX cannot read, or one that clashes (case-insensitively) with another."""
    out: list[Problem] = []
    key = block.key
    if not key:
        return out
    if not _KEY.fullmatch(key):
        out.append(
            problem(
                block,
                f"entry key '{key}' is not a valid BibTeX key",
                "no spaces or any of \" # % ' ( ) , = { } \\ ~",
            )
        )
    first = batch_entries.get(key.casefold())
    if first is not None and first != index:
        other = blocks[first]
        if other.signature() != block.signature():
            what = "duplicate key" if other.key == key else "key differs only in case from"
            out.append(
                problem(block, f"{what} '{other.key}' (first at {other.where})", "rename one")
            )
    existing = known.entries.get(key.casefold())
    if existing is not None and existing != key:
        out.append(
            problem(
                block,
                f"key '{key}' differs only in case from existing '{existing}'",
                "BibTeX treats keys case-insensitively; use the existing key",
            )
        )
    return out


def _value_errors(
    block: Block,
    name: str,
    value: str,
    line: int,
    values: Mapping[str, str],
    strings: set[str],
    present: dict[str, str],
    out: list[Problem],
) -> tuple[str, ...] | None:
    """Check one field's value (appending to ``out``); the macros it uses, or None when
    the value does not parse (nothing more can be said about the field)."""
    if (
        value[:1] == "{" and value[-1] == "}" and value.count("{") == 1 and value.count("}") == 1
    ) or value.isdigit():  # the usual shapes: no macros, nothing to check
        if value.strip('{}" \t\n'):
            present[name] = value
        return ()
    if _present(value, values):
        present[name] = value
    try:
        macros = check_value(value)
    except ValueSyntaxError as exc:
        out.append(problem(block, f"entry '{block.key}', field '{name}' (line {line}): {exc}"))
        return None
    for macro in macros:
        if macro not in strings:
            out.append(
                problem(
                    block,
                    f"entry '{block.key}', field '{name}' uses undefined @string '{macro}'",
                    "import the file defining it first, or together with this one",
                )
            )
    return macros


def _crossref_errors(
    block: Block,
    index: int,
    value: str,
    values: Mapping[str, str],
    batch_entries: Mapping[str, int],
    known: Known,
    facts: Facts,
) -> list[Problem]:
    target = expand(value, values).strip()
    facts.crossref[index] = target
    key = block.key
    if target.casefold() not in batch_entries and target.casefold() not in known.entries:
        return [problem(block, f"entry '{key}' has crossref to unknown key '{target}'")]
    if target.casefold() == key.casefold():
        return [problem(block, f"entry '{key}' has crossref to itself")]
    return []


def _comment_errors(block: Block) -> list[Problem]:
    match = _STRAY_AT.search(block.text)
    if match is None:
        return []
    line = block.line + block.text.count("\n", 0, match.start())
    snippet = block.text[match.start() : match.start() + 20].split("\n")[0]
    return [
        Problem(
            block.source,
            f"'{snippet}' in a comment: BibTeX reads '@' outside an entry as the start of one",
            "remove the '@' (e.g. write 'at')",
            line,
        )
    ]


def _string_errors(
    block: Block, index: int, batch_strings: Mapping[str, tuple[int, str]], known: Known
) -> list[Problem]:
    if not block.fields:
        return [problem(block, "malformed @string")]
    fld = block.fields[0]
    name = fld.name.lower()
    if not _KEY.fullmatch(fld.name) or fld.name[0].isdigit():
        return [problem(block, f"'{fld.name}' is not a valid @string name")]
    first, value = batch_strings[name]
    if first != index and value != fld.value:
        return [problem(block, f"@string '{name}' is defined twice with different values")]
    try:
        macros = check_value(fld.value)
    except ValueSyntaxError as exc:
        return [problem(block, f"@string '{name}': {exc}")]
    for macro in macros:
        before = batch_strings.get(macro)
        if macro in known.strings or macro in MONTH_MACROS or (before and before[0] < index):
            continue
        return [problem(block, f"@string '{name}' uses '{macro}' before it is defined")]
    return []


def _crossref_cycles(
    blocks: Sequence[Block], crossref: Mapping[int, str], batch_entries: Mapping[str, int]
) -> list[tuple[int, str]]:
    parent: dict[int, int] = {}
    for i, target_key in crossref.items():
        target = batch_entries.get(target_key.casefold())
        if target is not None and target != i:
            parent[i] = target
    out: list[tuple[int, str]] = []
    for start in parent:
        seen = {start}
        node = parent[start]
        while node in parent:
            if node == start:
                out.append((start, f"entry '{blocks[start].key}' is part of a crossref cycle"))
                break
            if node in seen:
                break
            seen.add(node)
            node = parent[node]
    return out


# ---- plain.bst warnings -------------------------------------------------------------

_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    # each inner tuple: at least one of these fields must be non-empty
    "article": (("author",), ("title",), ("journal",), ("year",)),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "booklet": (("title",),),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",), ("year",)),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year",)),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year",)),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school",), ("year",)),
    "misc": (),
    "phdthesis": (("author",), ("title",), ("school",), ("year",)),
    "proceedings": (("title",), ("year",)),
    "techreport": (("author",), ("title",), ("institution",), ("year",)),
    "unpublished": (("author",), ("title",), ("note",)),
}
_REQUIRED["conference"] = _REQUIRED["inproceedings"]
# With a crossref, plain.bst takes these from the parent and stops requiring them.
_CROSSREF_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",)),
    "book": (("author", "editor"), ("title",), ("year",)),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("year",)),
    "incollection": (("author",), ("title",)),
    "inproceedings": (("author",), ("title",)),
    "conference": (("author",), ("title",)),
}
_SORT_NEED = {
    "book": ("author", "editor", "key"),
    "inbook": ("author", "editor", "key"),
    "proceedings": ("editor", "organization", "key"),
    "manual": ("author", "organization", "key"),
}
_BVOLUME_TYPES = frozenset({"book", "inbook", "incollection", "inproceedings", "conference"})
ENTRY_TYPES = frozenset(_REQUIRED)


def _present(value: str, strings: Mapping[str, str]) -> bool:
    """Whether a raw value stands for non-empty text (as BibTeX's ``empty$`` sees it)."""
    if not value.strip('{}" \t\n'):
        return False
    first = value[0]
    if first == "{" or first == '"' or first.isdigit():
        return True
    macro = value.lower()  # a bare macro, or a concatenation: look inside
    if macro in MONTH_MACROS:
        return True
    if macro in strings:
        return bool(strings[macro].strip('{}" \t\n'))
    return _expands_to_text(value, strings)


def _nonempty(block: Block, strings: Mapping[str, str]) -> dict[str, str]:
    """Field name -> raw value, for fields whose value is not empty."""
    out: dict[str, str] = {}
    for fld in block.fields:
        if _present(fld.value, strings):
            out.setdefault(fld.name.lower(), fld.value)
    return out


def _expands_to_text(value: str, strings: Mapping[str, str]) -> bool:
    try:
        return bool(text_of(value, strings).strip('{}" \t\n'))
    except ValueSyntaxError:
        return True


def plain_warnings(
    block: Block,
    parent_of: Callable[[str], Block | None],
    strings: Mapping[str, str],
    present: Mapping[str, str] | None = None,
) -> list[str]:
    """The warnings ``bibtex`` with plain.bst would print for this entry (``present``:
    its non-empty fields, if ``find_errors`` has already worked them out)."""
    etype = block.entry_type.lower()
    key = block.key
    if etype not in _REQUIRED:
        return [f"entry type '@{etype}' of '{key}' is not known to plain.bst (it becomes @misc)"]
    have = dict(present) if present is not None else _nonempty(block, strings)
    crossref = have.get("crossref")
    if crossref:
        with contextlib.suppress(ValueSyntaxError):
            crossref = text_of(crossref, strings).strip()
    parent = parent_of(crossref) if crossref else None
    if parent is not None:
        for name, value in _nonempty(parent, strings).items():
            have.setdefault(name, value)
    out: list[str] = []
    rules = _CROSSREF_REQUIRED.get(etype) if crossref else None
    for need in rules if rules is not None else _REQUIRED[etype]:
        if not any(n in have for n in need):
            out.append(f"'{key}' lacks {' or '.join(need)}")
    volume, number = "volume" in have, "number" in have
    if not crossref:
        if etype in ("book", "inbook") and "author" in have and "editor" in have:
            out.append(f"'{key}' has both author and editor")
        if etype in _BVOLUME_TYPES or etype == "proceedings":
            if volume and number:
                out.append(f"'{key}' has both volume and number")
            elif number and not volume and "series" not in have:
                out.append(f"'{key}' has a number but no series")
        if etype == "article" and number and not volume:
            out.append(f"'{key}' has a number but no volume")
    else:
        out += _crossref_warnings(etype, key, have, crossref)
    if "month" in have and "year" not in have:
        out.append(f"'{key}' has a month but no year")
    need_sort = _SORT_NEED.get(etype, ("author", "key"))
    if not any(n in have for n in need_sort):
        out.append(f"'{key}' needs {', '.join(need_sort[:-1])} or key to be sorted")
    return out


def _crossref_warnings(etype: str, key: str, have: Mapping[str, str], parent: str) -> list[str]:
    editor_usable = "editor" in have and have.get("editor") != have.get("author")  # raw values
    if etype == "article" and "key" not in have and "journal" not in have:
        return [f"'{key}' needs key or journal to crossref '{parent}'"]
    if etype in ("book", "inbook"):
        out = [] if "volume" in have else [f"'{key}' has no volume for its crossref '{parent}'"]
        if not editor_usable and "key" not in have and "series" not in have:
            out.append(f"'{key}' needs editor, key or series to crossref '{parent}'")
        return out
    if etype in ("incollection", "inproceedings", "conference") and not (
        editor_usable or "key" in have or "booktitle" in have
    ):
        return [f"'{key}' needs editor, key or booktitle to crossref '{parent}'"]
    return []
