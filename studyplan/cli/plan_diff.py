"""``plan diff NAME``: what changed in a saved plan since it was saved, and why; and the
one-line form at the top of ``plan show``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from studyplan.cli.options import JsonOption
from studyplan.cli.output import emit_lines, print_json
from studyplan.cli.state import State, state

if TYPE_CHECKING:
    from studyplan.domain.plan_diff import PlanDiff
    from studyplan.domain.saved_plan import SavedPlan

_KINDS = {
    "marks": "your marks",
    "prerequisites": "new or changed prerequisites",
    "curriculum": "curriculum change",
    "unknown": "curriculum or marks (cannot tell)",
}


def plan_diff(st: State, name: str, saved: SavedPlan | None = None) -> PlanDiff:
    """The diff of the plan saved as ``name`` (read here unless given)."""
    from studyplan.domain.plan_diff import diff_saved_plan

    if saved is None:
        saved = st.saved_plan(name)
    return diff_saved_plan(st.catalog(), name, saved, st.statuses(), date.today(), st.hours_left())


def summary_line(diff: PlanDiff) -> str | None:
    """``since saved: +2 −5 steps (5 your marks, 2 new or changed prerequisites); …``."""
    if not diff.added and not diff.removed and not diff.hours:
        return None
    counts = ", ".join(f"{n} {_KINDS[k]}" for k, n in sorted(diff.counts().items()))
    if diff.added or diff.removed:
        head = f"since saved: +{len(diff.added)} −{len(diff.removed)} steps"
        if counts:
            head += f" ({counts})"
    else:
        head = "since saved: no step added or removed"
    if diff.hours:
        n = len(diff.hours)
        head += f"; hours of {n} step{'s' if n != 1 else ''} changed"
    if diff.curricula == "changed":
        head += "; the curricula changed"
    elif diff.curricula == "unknown":
        head += "; saved before plans remembered the curricula"
    return head + f" — 'studyplan plan diff {diff.name}'"


def diff_json(diff: PlanDiff) -> dict[str, Any]:
    def change(c: Any) -> dict[str, str]:
        return {"id": c.topic_id, "kind": c.kind, "why": c.why}

    return {
        "name": diff.name,
        "saved_version": diff.saved.version,
        "curricula": diff.curricula,
        "catalog_hash_then": diff.saved.catalog_hash,
        "added": [change(c) for c in diff.added],
        "removed": [change(c) for c in diff.removed],
        "hours_changed": [
            {"id": h.topic_id, "then": h.then, "now": h.now, "why": h.why} for h in diff.hours
        ],
        "hours_then": diff.hours_then,
        "hours_now": diff.hours_now,
        "finish_then": diff.finish_then.isoformat() if diff.finish_then else None,
        "finish_now": diff.finish_now.isoformat() if diff.finish_now else None,
        "counts": diff.counts(),
    }


def cmd_plan_diff(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="A saved plan."),
    as_json: JsonOption = False,
) -> None:
    """What changed since a plan was saved: steps added and removed, and why (curricula,
    prerequisites, your marks); hours and finish then and now."""
    st = state(ctx)
    diff = plan_diff(st, name)
    if as_json:
        print_json(diff_json(diff))
        return
    catalog = st.catalog()
    title = catalog.topics.title
    saved = diff.saved
    lines: list[tuple[str, str]] = [(f"plan '{name}', saved {saved.created}", "bold")]
    if diff.curricula == "unknown":
        lines.append(
            (
                "saved before plans remembered the catalog: a change of the curricula "
                "cannot be told from a change of your marks",
                "yellow",
            )
        )
    else:
        lines.append((f"curricula {diff.curricula} since then", ""))
    lines.append(
        (
            f"hours {diff.hours_then:g} then, {diff.hours_now:g} now · finish "
            f"{diff.finish_then or '—'} then, {diff.finish_now or '—'} now",
            "",
        )
    )
    if not diff.added and not diff.removed and not diff.hours:
        lines.append(("no steps added or removed", ""))
    for sign, changes, style in (("+", diff.added, "yellow"), ("−", diff.removed, "green")):
        if changes:
            lines.append(("", ""))
            lines.append((f"{'added' if sign == '+' else 'removed'} ({len(changes)}):", "bold"))
        for c in changes:
            known = title(c.topic_id) if c.topic_id in catalog.topics else "(gone)"
            lines.append((f"  {sign} {c.topic_id} {known} — {_KINDS[c.kind]}: {c.why}", style))
    if diff.hours:
        lines.append(("", ""))
        lines.append((f"hours changed ({len(diff.hours)}):", "bold"))
        for h in diff.hours:
            lines.append((f"  ~ {h.topic_id} {h.then:g} → {h.now:g} h — {h.why}", ""))
    emit_lines(lines)
