"""How a plan is printed: one block per step (number, weeks, topic, hours; what to read,
alternatives as ``or``; why it is there), as plain lines written from the plan's and the
catalog's columns, streamed (``plan_run`` and the fast dispatcher call it too)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from studyplan.cli.output import emit_lines, emit_text, plain
from studyplan.domain.status import Status
from studyplan.views.words import count

# Steps of a plain plan (no checkpoint, mark or citation) rendered into one string.
STEPS_PER_CHUNK = 2048
# A why-chain of more links is printed as its first two topics, "…" and its goal.
WHY_LINKS_SHOWN = 5

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.planner import Plan
    from studyplan.domain.ticks import TopicReading


def render_plan(
    catalog: Catalog,
    plan: Plan,
    show_covered: bool = False,
    reading: Mapping[str, TopicReading] | None = None,
    extra: Mapping[str, str] | None = None,
) -> None:
    """One block per step: number, weeks, topic, hours; what to read; why it is there.

    Written from the plan's and the catalog's columns as plain lines (styled only on a
    terminal), so that a plan of tens of thousands of steps prints in a moment; piped, the
    lines are streamed out in chunks, never held all at once (a 100k-step plan's text is
    ~17 MB, and as one list of lines it was half the peak memory).
    """
    pad = " " * (len(str(len(plan.topic_ids))) + 2)
    lines = _plan_lines(catalog, plan, show_covered, reading or {}, extra)
    if plain():
        emit_text(lines)
    else:
        text = [line.decode() if isinstance(line, bytes) else line for line in lines]
        emit_lines(_styled(text, pad))


def _plan_lines(
    catalog: Catalog,
    plan: Plan,
    show_covered: bool,
    reading: Mapping[str, TopicReading],
    extra: Mapping[str, str] | None,
) -> Iterator[str | bytes]:
    """The plan's head, one block per step, and (with ``show_covered``) what is covered."""
    yield from _head_lines(catalog, plan, show_covered)
    yield from _step_lines(catalog, plan, reading, extra)
    if show_covered and plan.covered:
        yield ""
        yield "already covered:"
        for item in plan.covered:
            by = "" if item.by == item.topic.id else f" (by {item.by})"
            yield f"  ✔ {item.topic.id} {item.topic.title} — {item.status}{by}"


def _head_lines(catalog: Catalog, plan: Plan, show_covered: bool) -> Iterator[str]:
    """Steps, hours, checkpoints, what is covered, the schedule; the pace; the deadline."""
    from studyplan.domain.planner import hours_needed_for

    sched = plan.schedule
    milestones = catalog.topics.milestones()
    checkpoints = sum(1 for i in plan.positions if i in milestones) if milestones else 0
    head = f"{count(len(plan.topic_ids) - checkpoints, 'step')} · {plan.total_hours:g} h"
    if checkpoints:
        head += f" · {count(checkpoints, 'checkpoint')}"
    covered = plan.covered_count()
    if covered:
        head += f" · {count(covered, 'topic')} covered by what you know"
        head += "" if show_covered else " (--all lists them)"
    if sched and plan.topic_ids:
        head += (
            f" · {count(sched.weeks, 'week')} at {sched.hours_per_week:g} h/week"
            f" · done by {sched.finish}"
        )
    yield head
    if plan.pace:
        yield f"at your pace: {'; '.join(plan.pace)} (--pace 1: the estimates)"
    if sched and sched.deadline:
        if sched.fits:
            yield f"fits the deadline {sched.deadline}"
        else:
            need = hours_needed_for(plan, sched.start, sched.deadline)
            yield f"does not fit the deadline {sched.deadline}: it needs {need:g} h/week"


def _step_lines(
    catalog: Catalog,
    plan: Plan,
    reading: Mapping[str, TopicReading],
    extra: Mapping[str, str] | None,
) -> Iterator[str | bytes]:
    """One block per step: number, weeks, title, hours, progress; its readings; why. A
    plan with no checkpoint, mark or citation comes as chunks of UTF-8 bytes
    (``_plain_chunks``)."""
    from studyplan.domain.planner import iter_why_texts

    table = catalog.topics
    milestones = table.milestones()
    started = {t for t, s in plan.statuses.items() if s == Status.STARTED}
    width = len(str(len(plan.topic_ids)))
    pad = " " * (width + 2)
    if not (milestones or started or reading or extra):
        yield from _plain_chunks(catalog, plan, width, pad)
        return
    titles, titles_zh = table.titles(), table.titles_zh()
    refs = _References(catalog)
    hours_text = {hours: f"{hours:g}" for hours in set(plan.hours)}
    whys = iter_why_texts(catalog, plan, WHY_LINKS_SHOWN)
    columns = (plan.positions, plan.topic_ids, plan.hours, whys)
    steps = zip(_week_spans(plan), *columns, strict=True)

    reads = _readings(table.core_columns(), pad, refs)

    for n, (when, i, tid, hours, why) in enumerate(steps, 1):
        number = f"{str(n).rjust(width)}. "
        if i in milestones:
            yield (
                f"\n{number}{when}◆ checkpoint: {titles[i]} · {titles_zh[i]}  [{tid}]"
                f"\n{pad}why   {why}"
            )
            continue
        mark = "  (in progress)" if tid in started else ""
        if tid in reading:
            text = reading[tid].text()
            mark = f"  (in progress · {text})" if mark else f"  ({text})"
        yield (
            f"\n{number}{when}{titles[i]} · {titles_zh[i]}  [{tid}]  {hours_text[hours]} h{mark}"
            f"{reads(i)}\n{pad}why   {why}"
        )
        if extra and tid in extra:
            yield f"{pad}cited {extra[tid]}"


def _readings(
    core: Sequence[Sequence[Any]], pad: str, refs: Mapping[str, str], dash: str = " — "
) -> Callable[[int], str]:
    """Topic position -> its core readings' lines (``read`` or ``or`` for an alternative
    of a group), each starting with a line break, from the catalog's ``core_columns``
    (or the same columns ``_bytewise``); ``refs`` gives the heads by key."""
    at, keys, wheres, accesses, _, _, one_of = core

    def reads(i: int) -> str:
        first, end = at[i], at[i + 1]
        if end == first + 1:
            return f"\n{pad}read  {refs[keys[first]]}{dash}{wheres[first]} [{accesses[first]}]"
        verbs = _verbs(one_of, first, end)
        return "".join(
            [
                f"\n{pad}{verb}{refs[keys[k]]}{dash}{wheres[k]} [{accesses[k]}]"
                for verb, k in zip(verbs, range(first, end), strict=True)
            ]
        )

    return reads


def _plain_chunks(catalog: Catalog, plan: Plan, width: int, pad: str) -> Iterator[bytes]:
    """The steps of a plan with no checkpoint, mark or citation, at most
    ``STEPS_PER_CHUNK`` at a time, each chunk one piece of UTF-8 text (the steps joined
    as lines would be).

    This is most of printing a 100k-step plan (benchmarks/bench_planner.py), so:
    - the text is put together as UTF-8 *bytes held in one-byte strings* (one character
      per byte, ``_bytewise``): Python joins those twice as fast as the two-byte strings
      that a CJK title or an arrow turns the whole text into, and the bytes come out by
      a copy (``encode("latin-1")``) where real text needs a UTF-8 encoding;
    - a step with one core reading and a chain long enough to be shortened (most steps
      of a deep plan) is one f-string of plain look-ups, its chain spelt in place in the
      planner's shape (``planner.chain_speller`` spells every other step's chain, in
      ``block``; tests/test_plan_text.py holds the two to the same text);
    - each chunk's step numbers have the same number of digits, so the padding is one
      string per chunk.
    """
    from studyplan.domain.planner import CHAIN_MARKS, chain_speller

    table = catalog.topics
    at, keys, wheres, accesses, _, _, one_of = table.core_columns()
    titles = _bytewise_column(table.titles())
    titles_zh = _bytewise_column(table.titles_zh())
    where, access = _bytewise_column(wheres), _bytewise_column(accesses)
    heads = _References(catalog, _bytewise)
    dot, dash = _bytewise(" · "), _bytewise(" — ")
    arrow, cut_mark, goal_mark = map(_bytewise, CHAIN_MARKS)
    tree = plan.why_tree()
    up, depth, goal = tree.up, tree.depth, tree.goal
    cut = WHY_LINKS_SHOWN
    spell = chain_speller(catalog, plan, cut, (titles, arrow, cut_mark, goal_mark))
    hours_text = {hours: f"{hours:g}" for hours in set(plan.hours)}
    reads = _readings((at, keys, where, access, (), (), one_of), pad, heads, dash)
    weeks = _bytewise_column(list(_week_spans(plan)))
    positions, hours_column = plan.positions, plan.hours
    ids = _bytewise_column(plan.topic_ids)  # ASCII by the id rule: checked, not assumed
    # The constant runs of the one f-string below, joined beforehand (an f-string of more
    # than 30 parts is compiled to a slower ''.join of a list), and each goal's end of a
    # shortened chain.
    read, why = f" h\n{pad}read  ", f"]\n{pad}why   "
    goals = [tree.index[g] for g in plan.goals if g in tree.index]
    ends = {g: f"{arrow}{cut_mark}{arrow}{titles[g]}{goal_mark}" for g in goals}

    def block(number: str, when: str, i: int, tid: str, hours: float) -> str:
        return (
            f"\n{number}{when}{titles[i]}{dot}{titles_zh[i]}  [{tid}]  {hours_text[hours]} h"
            f"{reads(i)}\n{pad}why   {spell(i)}"
        )

    for first, end, lead in _number_runs(len(positions), width, STEPS_PER_CHUNK):
        lo, hi = first - 1, end - 1
        steps = zip(
            range(first, end),
            weeks[lo:hi],
            positions[lo:hi],
            ids[lo:hi],
            hours_column[lo:hi],
            strict=True,
        )
        text = "\n".join(
            [
                f"\n{lead}{n}. {when}{titles[i]}{dot}{titles_zh[i]}  [{tid}]  {hours_text[hours]}"
                f"{read}{heads[keys[k]]}{dash}{where[k]} [{access[k]}{why}"
                f"{titles[i]}{arrow}{titles[up[i]]}{ends[goal[i]]}"
                if at[i + 1] == (k := at[i]) + 1 and depth[i] >= cut
                else block(f"{lead}{n}. ", when, i, tid, hours)
                for n, when, i, tid, hours in steps
            ]
        )
        yield text.encode("latin-1")


def _number_runs(total: int, width: int, size: int) -> Iterator[tuple[int, int, str]]:
    """Step numbers ``1..total`` in runs ``(first, end, lead)`` of at most ``size``
    numbers ``first..end - 1`` with the same number of digits; ``lead`` pads them to
    ``width``."""
    first = 1
    while first <= total:
        digits = len(str(first))
        end = min(total + 1, first + size, 10**digits)
        yield first, end, " " * (width - digits)
        first = end


def _bytewise(text: str) -> str:
    """``text``'s UTF-8 bytes as a string of one character per byte (ASCII: itself)."""
    return text if text.isascii() else text.encode().decode("latin-1")


def _bytewise_column(column: Sequence[str]) -> Sequence[str]:
    """``_bytewise`` of every value: the column itself when all of it is ASCII; each
    distinct value converted once when a sample shows them repeated; else
    the whole column at once (joined by a line break, which no value then holds, encoded,
    decoded as Latin-1 and split again: a few C passes, where converting 100k distinct
    CJK titles one by one took ~60 ms)."""
    joined = "\n".join(column)
    if joined.isascii():
        return column
    sample = column[:: max(1, len(column) // 256)]  # enough to tell repeated values
    if len(set(sample)) * 2 <= len(sample):
        seen = {text: _bytewise(text) for text in dict.fromkeys(column)}
        return list(map(seen.__getitem__, column))
    if joined.count("\n") == len(column) - 1:
        return joined.encode().decode("latin-1").split("\n")
    return [_bytewise(text) for text in column]


def _styled(lines: list[str], pad: str) -> list[tuple[str, str]]:
    """A rendered plan's lines with their terminal styles: the header and each step's
    title bold, the why-lines dim, a deadline that does not fit red."""
    why, read, alternative = pad + "why ", pad + "read ", pad + "or "
    out: list[tuple[str, str]] = []
    for n, chunk in enumerate(lines):
        for line in chunk.split("\n"):
            if n == 0:
                style = "bold"
            elif line.startswith(why):
                style = "dim"
            elif line.startswith((read, alternative)) or not line.strip():
                style = ""
            elif line.startswith("does not fit"):
                style = "red"
            elif line.startswith("fits the deadline"):
                style = "green"
            elif line.startswith("  ✔ "):
                style = "cyan"
            elif line.lstrip()[:1].isdigit():  # " 3. wk 2  Title · 标题  [id]  5 h"
                style = "bold"
            else:
                style = ""
            out.append((line, style))
    return out


def _verbs(one_of: Sequence[str | None], first: int, end: int) -> list[str]:
    """``read  `` per core reading, and ``or    `` for a later alternative of the same
    ``one_of`` group (alternatives are listed together)."""
    seen: set[str] = set()
    verbs: list[str] = []
    for k in range(first, end):
        label = one_of[k]
        verbs.append("or    " if label is not None and label in seen else "read  ")
        if label is not None:
            seen.add(label)
    return verbs


class _References(dict[str, str]):
    """Reference key -> ``Cover & Thomas (2006), Elements of …``, formatted on first use
    (and passed through ``spell``: ``_bytewise`` for ``_plain_chunks``)."""

    def __init__(self, catalog: Catalog, spell: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.spell = spell

    def __missing__(self, key: str) -> str:
        from studyplan.views.render import reference_head

        head = reference_head(self.catalog, key)
        self[key] = head = self.spell(head) if self.spell else head
        return head


def _week_spans(plan: Plan) -> Iterator[str]:
    """``wk 3  `` or ``wk 3–4  `` per step; blanks when the plan is not scheduled."""
    sched = plan.schedule
    if sched is None:
        return iter([""] * len(plan.topic_ids))
    return (
        f"wk {first + 1}  " if first == last else f"wk {first + 1}–{last + 1}  "
        for first, last in zip(sched.first_weeks, sched.last_weeks, strict=True)
    )
