"""The backup format, as pydantic models: what ``restore`` accepts is exactly what the
commands themselves would have written.

Types are strict (a ``"5"`` is not 5, ``true`` is not a number of minutes), ranges are
the ones ``studyplan.domain.limits`` checks on the command line, statuses and kinds are
the known ones, a plan's payload must be one ``SavedPlan.from_json`` reads, and a library
block must parse as the one BibTeX block of its kind. Every problem is reported with its
JSON path (``actions[3].events[0].minutes``).

The document is checked item by item, so that ``restore --skip-bad`` can leave out the
bad actions, plans and library blocks and merge the rest; without it, one problem
anywhere means nothing is written. Cold path: imported by ``restore`` only.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from studyplan.domain import limits, status
from studyplan.domain.saved_plan import SavedPlan, SavedPlanFormatError
from studyplan.errors import InputError, NotFoundError, clip

FORMAT = "studyplan-backup"
VERSION = 1
#: The largest backup read: 62k library entries make ~67 MB, so this is far beyond use.
MAX_BYTES = 1 << 30
#: The deepest nesting the format has is 5 (a plan step inside a payload inside a plan);
#: anything much deeper is not a backup and is refused before it is walked.
MAX_DEPTH = 20
#: How many problems are listed before "and N more".
SHOWN = 20

TOPIC_ID = r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$"
MARKS = tuple(str(m) for m in status.MARKS)  # the one vocabulary (domain/status.py)
KINDS = ("mark", "note", "read", "undo", "review", "unlibrary")
BLOCK_KINDS = ("entry", "string", "preamble", "comment")


def _timestamp(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO timestamp") from None
    if not limits.MIN_YEAR <= moment.year <= limits.MAX_YEAR:
        raise ValueError(
            f"year {moment.year} is out of range ({limits.MIN_YEAR}-{limits.MAX_YEAR})"
        )
    return text


def _mark(text: str) -> str:
    if text not in MARKS:
        raise ValueError(f"'{clip(text)}' is not a status ({', '.join(MARKS)})")
    return text


def _no_nul(text: str) -> str:
    if "\0" in text:
        raise ValueError("contains a NUL byte")
    return text


def _plan_name(text: str) -> str:
    try:
        limits.check_plan_name(text, "name")
    except InputError as exc:
        raise ValueError(exc.message) from None
    return text


Timestamp = Annotated[str, AfterValidator(_timestamp)]
Text = Annotated[str, AfterValidator(_no_nul)]
TopicId = Annotated[str, Field(pattern=TOPIC_ID, max_length=limits.MAX_NAME)]
PlanName = Annotated[str, AfterValidator(_plan_name)]
Minutes = Annotated[int, Field(ge=0, le=limits.MAX_MINUTES)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EventRow(_Strict):
    topic_id: TopicId
    status: Annotated[str, AfterValidator(_mark)]
    at: Timestamp
    minutes: Minutes | None = None
    note: Text | None = None


class NoteRow(_Strict):
    topic_id: TopicId
    text: Text

    @model_validator(mode="after")
    def _not_blank(self) -> NoteRow:
        if not self.text.strip():
            raise ValueError("a note's text cannot be empty")
        return self


class LibraryRow(_Strict):
    """A library block as a backup carries it: in the library, or removed by ``bib rm``."""

    key: Annotated[Text, Field(min_length=1, max_length=1000)]
    kind: Literal["entry", "string", "preamble", "comment"]
    bibtex: Text
    source: Text
    added: Timestamp
    position: Annotated[int, Field(ge=0)]


def _card(text: str) -> str:
    try:
        card = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("not a card (JSON text)") from None
    if not isinstance(card, dict):
        raise ValueError("not a card (a JSON object)")
    return text


class ReviewRowModel(_Strict):
    """A review, or a prerequisite's share of one (credit below 1)."""

    topic_id: TopicId
    rating: Annotated[int, Field(ge=1, le=4)]
    credit: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
    banked: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
    at: Timestamp
    due: Timestamp
    card: Annotated[str, AfterValidator(_card)]
    seconds: Annotated[int, Field(ge=0, le=limits.MAX_MINUTES * 60)] | None = None

    model_config = ConfigDict(extra="forbid", strict=True)


class ReadingTickRow(_Strict):
    """A reading of a topic (or part ``part`` of it, from 1) ticked by ``read``."""

    topic_id: TopicId
    key: Annotated[Text, Field(min_length=1, max_length=1000)]
    part: Annotated[int, Field(ge=1, le=10_000)] | None = None


class ActionRow(_Strict):
    uid: Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")]
    kind: Literal["mark", "note", "read", "undo", "review", "unlibrary"]
    created: Timestamp
    command: Text
    undoes: Annotated[str, Field(max_length=64)] | None = None
    events: list[EventRow]
    notes: list[NoteRow]
    removed: list[LibraryRow] = Field(default_factory=list)
    reviews: list[ReviewRowModel] = Field(default_factory=list)
    readings: list[ReadingTickRow] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> ActionRow:
        expected = {
            "mark": "a mark has events and no notes",
            "note": "a note action has one note and no events",
            "undo": "an undo names the action it undoes and has no events or notes",
            "review": "a review session has reviews and no events or notes",
            "read": "a read action has ticked readings and no events or notes",
            "unlibrary": "a library removal has removed blocks and no events or notes",
        }[self.kind]
        plain = not self.events and not self.notes and not self.undoes
        ok = {
            "mark": bool(self.events) and not self.notes and not self.undoes,
            "note": len(self.notes) == 1 and not self.events and not self.undoes,
            "undo": bool(self.undoes) and not self.events and not self.notes,
            "review": bool(self.reviews) and plain,
            "read": bool(self.readings) and plain,
            "unlibrary": bool(self.removed) and plain,
        }[self.kind]
        if self.removed and self.kind != "unlibrary":
            ok = False
        if self.reviews and self.kind != "review":
            ok = False
        if self.readings and self.kind != "read":
            ok = False
        if not ok:
            raise ValueError(expected)
        return self


class PlanRow(_Strict):
    name: PlanName
    created: Timestamp
    updated: Timestamp
    payload: dict[str, Any]


def _payload_problems(payload: dict[str, Any], where: str) -> list[str]:
    """Why a plan payload is not one the planner can load, each with its JSON path: what
    ``SavedPlan.from_json`` refuses, and any key it would not write back (unknown)."""
    try:
        known = SavedPlan.from_json(payload).to_json()
    except SavedPlanFormatError as exc:
        return [where + p.removeprefix("$") for p in exc.problems]
    problems: list[str] = []
    extra = sorted(set(payload) - set(known))
    if extra:
        problems.append(f"{where}: unknown keys {', '.join(clip(k) for k in extra[:5])}")
    for i, (step, kept) in enumerate(zip(payload.get("steps") or [], known["steps"], strict=False)):
        if isinstance(step, dict) and (bad := sorted(set(step) - set(kept))):
            keys = ", ".join(clip(k) for k in bad[:5])
            problems.append(f"{where}.steps[{i}]: unknown keys {keys}")
    return problems


class Header(BaseModel):
    """The top level; the lists' items are checked one by one (``--skip-bad``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["studyplan-backup"]
    version: Literal[1]
    exported: Timestamp | None = None
    schema_: list[Annotated[str, Field(max_length=200)]] | None = Field(None, alias="schema")
    actions: list[Any]
    plans: list[Any]
    active_plan: PlanName | None = None
    library: list[Any]


@dataclass(slots=True)
class Checked:
    """The valid part of a backup, and every problem found (JSON path: what is wrong)."""

    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: The top level itself is wrong: nothing can be restored, even with --skip-bad.
    fatal: bool = False


def read(path: Path) -> Any:
    """The JSON of a backup file: a regular file, at most ``MAX_BYTES``, nested at most
    ``MAX_DEPTH`` deep; anything else is one line (exit 2, or 4 for a missing file)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file", "check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise InputError(f"{path} is {kind}, not a backup", "give a file from 'studyplan backup'")
    if info.st_size > MAX_BYTES:
        raise InputError(f"{path}: {info.st_size:,} bytes is too large for a backup")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 text", "is this a file from 'studyplan backup'?"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep(path) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg})",
            "is this a file written by 'studyplan backup'?",
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise _too_deep(path)
    return data


def _too_deep(path: Path) -> InputError:
    return InputError(
        f"{path}: nested more than {MAX_DEPTH} levels deep: not a studyplan backup",
        "give a file written by 'studyplan backup'",
    )


def _depth(data: Any) -> int:
    """How deeply lists and objects nest (iterative: no recursion limit to hit)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Sequence[Any] = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "$"


def _errors(exc: ValidationError, prefix: str) -> list[str]:
    lines = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        where = _path([*_split(prefix), *loc]) if prefix else _path(loc)
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {clip(msg, 300)}")
    return lines


def _split(prefix: str) -> list[int | str]:
    parts: list[int | str] = []
    for chunk in prefix.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        parts.append(name)
        parts += [int(i) for i in indexes]
    return parts


def check(data: Any, parse_blocks: Callable[[list[LibraryRow]], list[str | None]]) -> Checked:
    """Check a backup item by item. ``parse_blocks`` says, for each library row, why its
    BibTeX is not the one block of its kind (None: it is)."""
    try:
        header = Header.model_validate(data)
    except ValidationError as exc:
        return Checked({}, _errors(exc, ""), fatal=True)
    result = Checked(
        {
            "actions": [],
            "plans": [],
            "library": [],
            "active_plan": header.active_plan,
        }
    )

    def take(kind: type[BaseModel], items: list[Any], part: str) -> list[tuple[int, Any, Any]]:
        good = []
        for i, item in enumerate(items):
            try:
                good.append((i, item, kind.model_validate(item)))
            except ValidationError as exc:
                result.problems += _errors(exc, f"{part}[{i}]")
                result.skipped.append(f"{part}[{i}]")
        return good

    uids: set[str] = set()
    for i, raw, action in take(ActionRow, header.actions, "actions"):
        if action.uid in uids:
            result.problems.append(f"actions[{i}].uid: '{action.uid}' appears twice")
            result.skipped.append(f"actions[{i}]")
            continue
        uids.add(action.uid)
        result.data["actions"].append(raw)
    names: set[str] = set()
    for i, raw, plan in take(PlanRow, header.plans, "plans"):
        if bad_payload := _payload_problems(plan.payload, f"plans[{i}].payload"):
            result.problems += bad_payload
            result.skipped.append(f"plans[{i}]")
            continue
        if plan.name in names:
            result.problems.append(f"plans[{i}].name: '{clip(plan.name)}' appears twice")
            result.skipped.append(f"plans[{i}]")
            continue
        names.add(plan.name)
        result.data["plans"].append(raw)
    rows = take(LibraryRow, header.library, "library")
    reasons = parse_blocks([row for _, _, row in rows])
    keys: set[str] = set()
    for (i, raw, row), reason in zip(rows, reasons, strict=True):
        if reason is not None:
            result.problems.append(f"library[{i}].bibtex: {clip(reason, 300)}")
        elif row.key in keys:
            result.problems.append(f"library[{i}].key: '{clip(row.key)}' appears twice")
        else:
            keys.add(row.key)
            result.data["library"].append(raw)
            continue
        result.skipped.append(f"library[{i}]")
    return result


class BackupProblems(InputError):
    """A backup with problems: one line per problem (JSON path: what is wrong)."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"{source}: {count} problem{'s' if count != 1 else ''}; nothing restored",
            "is this a file written by 'studyplan backup'? --skip-bad restores the rest",
        )
        self.source = source
        self.problems = list(problems)

    def lines(self) -> list[str]:
        shown = [f"{self.source}: {p}" for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            shown.append(f"{self.source}: … and {len(self.problems) - SHOWN} more")
        return shown + super().lines()
