"""Plan an import: which blocks of the given files become library rows, and why not.

Pure: the facade parses the files and the stored rows it needs to compare with, and
writes the plan's rows to the store. Every block keeps its exact text; an entry without
a key gets one (``keys``) written into its text. ``@string``, ``@preamble`` and comments
become rows too, under synthetic keys: ``@string:<name>``, ``@preamble:<hash>`` and
``@comment:<key of the next block>`` (so a comment travels with what it describes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from studyplan.adapters.bibtex import keys
from studyplan.adapters.bibtex.checks import Facts, Known, find_errors, plain_warnings, problem
from studyplan.adapters.bibtex.model import (
    COMMENT,
    COMMENT_PREFIX,
    ENTRY,
    PREAMBLE,
    STRING,
    Block,
    Item,
    ParsedFile,
    preamble_key,
    string_key,
)
from studyplan.adapters.bibtex.values import ValueSyntaxError, text_of
from studyplan.errors import Problem


@dataclass(frozen=True, slots=True)
class Row:
    """One library row to write."""

    kind: str
    key: str
    text: str
    source: str


@dataclass(slots=True)
class ImportPlan:
    rows: list[Row] = field(default_factory=list)  # new and replacing rows, in file order
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    generated: list[tuple[str, str]] = field(default_factory=list)  # (where, new key)
    bad: list[Problem] = field(default_factory=list)  # blocks that cannot be imported
    conflicts: list[Problem] = field(default_factory=list)  # same key, different content
    warnings: list[Problem] = field(default_factory=list)
    entries_read: int = 0


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import plan does, counted the way the user reads it: entries added,
    replaced and already present, and the other blocks (@string, @preamble, comments)."""

    added: list[str]
    replaced: list[str]
    unchanged: list[str]
    other_blocks: int

    @classmethod
    def of(cls, plan: ImportPlan) -> ImportSummary:
        entry_keys = {r.key for r in plan.rows if r.kind == "entry"}
        added = [k for k in plan.added if k in entry_keys]
        replaced = [k for k in plan.replaced if k in entry_keys]
        unchanged = [k for k in plan.unchanged if not k.startswith("@")]
        return cls(added, replaced, unchanged, len(plan.rows) - len(added) - len(replaced))


def plan_import(
    files: Sequence[ParsedFile],
    library: Sequence[Item],
    builtin: Sequence[Item],
    parse_items: Callable[[Sequence[Item]], list[Block]],
    *,
    skip_bad: bool = False,
) -> ImportPlan:
    """Check the files against each other, the library and the built-in references."""
    plan = ImportPlan()
    blocks: list[Block] = []
    file_of: list[int] = []
    for number, parsed in enumerate(files):
        plan.bad += parsed.failures
        blocks += parsed.blocks
        file_of += [number] * len(parsed.blocks)
    plan.entries_read = sum(1 for b in blocks if b.kind == ENTRY)
    known = _known(library, builtin, parse_items)
    errors, facts = _block_errors(blocks, known, skip_bad)
    for index in sorted(errors):
        plan.bad += errors[index]
    if plan.bad and not skip_bad:
        return plan
    excluded = frozenset(errors)
    strings = dict(known.strings)
    for i, block in enumerate(blocks):
        if i not in excluded and block.kind == STRING and block.fields:
            strings.setdefault(block.fields[0].name.lower(), block.fields[0].value)
    kept = _keyed_blocks(blocks, file_of, excluded, known, strings, library, parse_items, plan)
    candidates = _keyed(kept, [f.source for f in files], plan)
    _compare(candidates, library, builtin, parse_items, plan)
    present = {(blocks[i].source, blocks[i].line): p for i, p in facts.present.items()}
    _warn(plan, candidates, library, builtin, parse_items, strings, present)
    return plan


def _known(
    library: Sequence[Item],
    builtin: Sequence[Item],
    parse_items: Callable[[Sequence[Item]], list[Block]],
) -> Known:
    """The entry keys and @string macros already there (built-in and library)."""
    existing_strings = [i for i in (*builtin, *library) if i.kind == STRING]
    return Known(
        entries={i.key.casefold(): i.key for i in (*builtin, *library) if i.kind == ENTRY},
        strings={
            b.fields[0].name.lower(): b.fields[0].value
            for b in parse_items(existing_strings)
            if b.kind == STRING and b.fields
        },
    )


def _block_errors(
    blocks: Sequence[Block], known: Known, skip_bad: bool
) -> tuple[dict[int, list[Problem]], Facts]:
    """Each bad block's problems by index, and the facts of the last pass; with
    ``skip_bad`` the check is repeated without the bad blocks, since leaving one out can
    make blocks that need it bad too."""
    excluded: frozenset[int] = frozenset()
    errors: dict[int, list[Problem]] = {}
    while True:
        facts = Facts()
        found = find_errors(blocks, known, excluded, facts)
        errors.update(found)
        if not found or not skip_bad:
            return errors, facts
        excluded = excluded | frozenset(found)


def _keyed_blocks(
    blocks: Sequence[Block],
    file_of: Sequence[int],
    excluded: frozenset[int],
    known: Known,
    strings: dict[str, str],
    library: Sequence[Item],
    parse_items: Callable[[Sequence[Item]], list[Block]],
    plan: ImportPlan,
) -> list[tuple[int, Block]]:
    """The blocks kept, with their file's number; an entry without a key gets one (the
    key it was given when imported before with the same content, else a new one, named
    in ``plan.generated``)."""
    taken = set(known.entries) | {b.key.casefold() for b in blocks if b.kind == ENTRY and b.key}
    keyless = [i for i, b in enumerate(blocks) if b.kind == ENTRY and not b.key]
    same_content: dict[tuple[object, ...], str] = {}
    if keyless:
        stored = [i for i in library if i.kind == ENTRY]
        same_content = {_content(b): b.key for b in parse_items(stored)}
    kept: list[tuple[int, Block]] = []
    for i, block in enumerate(blocks):
        if i in excluded:
            continue
        if block.kind == ENTRY and not block.key:
            content = _content(block)
            if content in same_content:
                block = _with_key(block, same_content[content])
            else:
                block = _with_key(block, _new_key(block, strings, taken))
                taken.add(block.key.casefold())
                same_content[content] = block.key
                plan.generated.append((block.where, block.key))
        kept.append((file_of[i], block))
    return kept


def _content(block: Block) -> tuple[object, ...]:
    return (block.entry_type.lower(), tuple((f.name.lower(), f.value) for f in block.fields))


def _new_key(block: Block, strings: dict[str, str], taken: set[str]) -> str:
    def text(name: str) -> str:
        fld = block.field(name)
        if fld is None:
            return ""
        try:
            return text_of(fld.value, strings)
        except ValueSyntaxError:
            return ""

    base = keys.base_key(text("author") or text("editor"), text("year"), text("title"))
    return keys.unique_key(base, taken)


def _with_key(block: Block, key: str) -> Block:
    """The block with ``key`` written into its text, right after ``@type{``."""
    match = re.match(r"@\s*\w+\s*[{(]\s*", block.text)
    end = match.end() if match else len(block.text)
    return replace(block, key=key, text=block.text[:end] + key + block.text[end:])


def _keyed(kept: list[tuple[int, Block]], sources: list[str], plan: ImportPlan) -> list[Block]:
    """Synthetic keys for non-entries; comments join the next block; exact repeats go."""
    out: list[Block] = []
    seen: dict[str, Block] = {}
    pending: list[Block] = []

    def flush(next_key: str, file_number: int) -> None:
        if not pending:
            return
        key = COMMENT_PREFIX + next_key
        first = pending[0]
        text = "\n".join(b.text for b in pending)
        if key in seen:  # two comment groups with one anchor (e.g. two files' tails)
            previous = seen[key]
            merged = replace(previous, text=previous.text + "\n" + text)
            out[out.index(previous)] = merged
            seen[key] = merged
        else:
            block = replace(first, key=key, text=text)
            seen[key] = block
            out.append(block)
        pending.clear()

    for position, (number, block) in enumerate(kept):
        if block.kind == COMMENT:
            pending.append(block)
            following = kept[position + 1] if position + 1 < len(kept) else None
            if following is None or following[0] != number:
                flush(f"end:{PurePath(sources[number]).name}", number)
            continue
        if block.kind == STRING:
            block = replace(block, key=string_key(block.fields[0].name))
        elif block.kind == PREAMBLE:
            block = replace(block, key=preamble_key(block.text))
        flush(block.key, number)
        if block.key in seen:
            first = seen[block.key]
            if block.kind == ENTRY:  # an identical repeat: different ones were errors
                plan.warnings.append(
                    problem(block, f"'{block.key}' repeats {first.where} exactly; kept once")
                )
            continue
        seen[block.key] = block
        out.append(block)
    return out


def _compare(
    candidates: list[Block],
    library: Sequence[Item],
    builtin: Sequence[Item],
    parse_items: Callable[[Sequence[Item]], list[Block]],
    plan: ImportPlan,
) -> None:
    stored = {i.key: i for i in library}
    shipped = {i.key: i for i in builtin if i.kind == ENTRY}
    colliding = [
        stored.get(b.key) or shipped[b.key] for b in candidates if _collides(b, stored, shipped)
    ]
    before = {(item.origin, item.key): block for item, block in _parsed(colliding, parse_items)}
    for block in candidates:
        row = Row(block.kind, block.key, block.text, block.source)
        if block.key in stored:
            old = before.get(("library", block.key))
            if old is not None and old.signature() == block.signature():
                plan.unchanged.append(block.key)
                continue
            plan.conflicts.append(_conflict(block, f"your library ({stored[block.key].source})"))
            plan.replaced.append(block.key)
        elif block.key in shipped:
            old = before.get(("builtin", block.key))
            if old is None or old.signature() != block.signature():
                plan.conflicts.append(_conflict(block, "the built-in references.bib"))
                plan.replaced.append(block.key)
            else:
                plan.added.append(block.key)
        else:
            plan.added.append(block.key)
        plan.rows.append(row)


def _collides(block: Block, stored: dict[str, Item], shipped: dict[str, Item]) -> bool:
    return block.key in stored or (block.kind == ENTRY and block.key in shipped)


def _parsed(
    items: list[Item], parse_items: Callable[[Sequence[Item]], list[Block]]
) -> list[tuple[Item, Block]]:
    comments = [(i, Block(COMMENT, i.key, i.text)) for i in items if i.kind == COMMENT]
    others = [i for i in items if i.kind != COMMENT]
    return comments + list(zip(others, parse_items(others), strict=True))


def _conflict(block: Block, where: str) -> Problem:
    what = {ENTRY: "entry", STRING: "@string", COMMENT: "comment", PREAMBLE: "@preamble"}
    name = block.key.split(":", 1)[1] if block.kind == STRING else block.key
    return problem(
        block,
        f"{what[block.kind]} '{name}' differs from the one in {where}",
        "use --replace to overwrite it, or change the key in your file",
    )


def _warn(
    plan: ImportPlan,
    candidates: list[Block],
    library: Sequence[Item],
    builtin: Sequence[Item],
    parse_items: Callable[[Sequence[Item]], list[Block]],
    strings: dict[str, str],
    present: dict[tuple[str, int], dict[str, str]],
) -> None:
    writing = {r.key for r in plan.rows}
    batch = {b.key.casefold(): b for b in candidates if b.kind == ENTRY}
    wanted: set[str] = set()
    for block in candidates:
        fld = block.field("crossref") if block.kind == ENTRY else None
        if fld is not None and block.key in writing:
            target = text_of(fld.value, strings).strip().casefold()
            if target not in batch:
                wanted.add(target)
    outside = [i for i in (*library, *builtin) if i.kind == ENTRY and i.key.casefold() in wanted]
    parents = {b.key.casefold(): b for _, b in _parsed(outside, parse_items)} | batch

    def parent_of(key: str) -> Block | None:
        return parents.get(key.casefold())

    for block in candidates:
        if block.kind == ENTRY and block.key in writing:
            facts = present.get((block.source, block.line))
            for message in plain_warnings(block, parent_of, strings, facts):
                plan.warnings.append(problem(block, message))
