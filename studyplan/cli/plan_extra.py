"""``plan --books`` (the reading list by work) and ``plan --for-bib`` (a plan for a
paper's reference list): their parsing and rendering, kept out of ``plan.py``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyplan.cli.output import emit_text, print_json, say
from studyplan.cli.state import State

if TYPE_CHECKING:
    from studyplan.domain.books import Choice
    from studyplan.domain.catalog import Catalog
    from studyplan.domain.citing import Citing
    from studyplan.domain.planner import Plan


def render_books(catalog: Catalog, plan: Plan, choice: Choice) -> None:
    """The plan as a reading list: each work with its chapters in plan order."""
    from studyplan.domain.books import reading_list
    from studyplan.views.render import reference_head

    works = reading_list(choice, plan.topic_ids)
    sched = plan.schedule
    head = (
        f"{len(works)} works ({choice.paid_works} paid) for {len(plan.topic_ids)} steps · "
        f"{plan.total_hours:g} h"
    )
    if sched and plan.topic_ids:
        head += (
            f" · {sched.weeks} weeks at {sched.hours_per_week:g} h/week · done by {sched.finish}"
        )
    lines = [head]
    if choice.note:
        lines.append(f"note: {choice.note}")
    width = len(str(len(plan.topic_ids)))
    for work in works:
        access = "paid" if work.paid else "free"
        count = len(work.chapters)
        lines.append("")
        lines.append(
            f"{reference_head(catalog, work.key)}  [{access}] · {count} "
            f"reading{'s' if count != 1 else ''} · {work.hours:g} h"
        )
        for chapter in work.chapters:
            hours = "" if chapter.hours is None else f"  {chapter.hours:g} h"
            lines.append(
                f"  step {str(chapter.step + 1).rjust(width)}  {chapter.reading.where}"
                f"  [{chapter.topic_id}]{hours}"
            )
    emit_text(lines)


# -- for a paper -----------------------------------------------------------------------


def citing_goals(st: State, path: Path, paper: str | None) -> Citing:
    """Parse the paper's reference list (the errors of ``bib import``) and match it."""
    from studyplan.adapters.bibliography import parse_file_text, read_bib, summaries
    from studyplan.adapters.bibtex.model import ENTRY
    from studyplan.adapters.bibtex.service import require_bibtex
    from studyplan.domain.citing import find_paper, match_references
    from studyplan.errors import BibProblemsError, NotFoundError

    parsed = parse_file_text(read_bib(path), str(path))
    require_bibtex(parsed)
    if parsed.failures:
        count = len(parsed.failures)
        raise BibProblemsError(
            parsed.failures,
            f"{count} bad block{'s' if count != 1 else ''} in {path}; nothing planned",
            "fix them (the same checks as 'studyplan bib import')",
        )
    found = summaries(parsed.blocks)
    entries = [found[b.key] for b in parsed.blocks if b.kind == ENTRY and b.key in found]
    catalog = st.catalog()
    key = None
    if paper is not None:
        key = find_paper(catalog, paper)
        if key is None:
            raise NotFoundError(
                f"--paper '{paper}' is not a reference the curricula read",
                "give its citation key, DOI or arXiv id, or leave --paper out",
            )
    return match_references(catalog, entries, key)


def render_nothing_cited(citing: Citing, path: Path, as_json: bool) -> None:
    if as_json:
        print_json({"goals": [], "steps": [], "for_bib": citing_json(citing, None, str(path))})
        return
    n = citing.total
    say(f"none of the {n} reference{'s' if n != 1 else ''} in {path} is in the curricula")


def render_citing_head(citing: Citing, path: Path) -> None:
    by: dict[str, int] = {}
    for match in citing.matched:
        by[match.by] = by.get(match.by, 0) + 1
    how = ", ".join(f"{n} by {_BY[b]}" for b, n in sorted(by.items()))
    lines = [
        f"{path}: {citing.total} references, {len(citing.matched)} in the curricula ({how}), "
        f"{len(citing.unmatched)} not",
    ]
    if "paper" in {e for v in citing.cited_by.values() for e in v}:
        papers = [t for t, v in citing.cited_by.items() if "paper" in v]
        lines.append(f"the paper itself is read in {', '.join(papers)}")
    for match in citing.matched:
        lines.append(f"  {match.entry} → {', '.join(match.topics)}  (by {_BY[match.by]})")
    lines.append("")
    emit_text(lines)


_BY = {"doi": "DOI", "arxiv": "arXiv id", "title+year": "title and year"}


def _step_entries(citing: Citing, plan: Plan) -> dict[str, list[str]]:
    """Each step -> the .bib entries that put it there: its own, if it is a cited
    topic, else those of the goal its why-chain leads to."""
    tree = plan.why_tree()
    ids = tree.ids
    found: dict[str, list[str]] = {}
    for position, tid in zip(plan.positions, plan.topic_ids, strict=True):
        own = citing.cited_by.get(tid)
        if own:
            found[tid] = own
            continue
        goal = tree.goal[position]
        if goal >= 0:
            found[tid] = citing.cited_by.get(ids[goal], [])
    return found


def cited_lines(citing: Citing, plan: Plan) -> dict[str, str]:
    titles = {m.entry: m.title for m in citing.matched}
    lines: dict[str, str] = {}
    for tid, entries in _step_entries(citing, plan).items():
        shown = [
            "the paper itself" if e == "paper" else f"{e} ({titles.get(e, '')})"
            for e in entries[:3]
        ]
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        if shown:
            lines[tid] = "; ".join(shown) + more
    return lines


def render_unmatched(citing: Citing) -> None:
    lines = ["", f"not in the curricula ({len(citing.unmatched)}):"]
    for item in citing.unmatched:
        near = f"  (same title as {item.near}, another year)" if item.near else ""
        lines.append(f"  {item.entry}: {item.title} ({item.year or 'no year'}){near}")
    emit_text(lines)


def citing_json(citing: Citing, plan: Plan | None, path: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": path,
        "references": citing.total,
        "matched": [
            {
                "entry": m.entry,
                "title": m.title,
                "key": m.reference,
                "by": m.by,
                "topics": list(m.topics),
            }
            for m in citing.matched
        ],
        "unmatched": [
            {"entry": u.entry, "title": u.title, "year": u.year, "same_title_as": u.near or None}
            for u in citing.unmatched
        ],
        "goals": citing.goals,
    }
    if plan is not None:
        data["cited_by"] = _step_entries(citing, plan)
    return data
