"""``cohort report``: one self-contained page (inline CSS, no scripts, no network).

A row per learner with a progress bar (hours done of the assigned plan), then a grid of
the plan's topics (rows, in plan order) by learners (columns), each cell coloured by that
learner's status with the report's own palette and stylesheet (``style.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from studyplan.domain.cohort import MemberProgress
from studyplan.domain.plan_data import pace_text
from studyplan.views.model import STATUS_HELP, STATUS_LABEL, STATUSES

_CSS = """
table.cohort { border-collapse: collapse; width: 100%; font-size: 14px; }
table.cohort td, table.cohort th { border-bottom: 1px solid var(--line); padding: 6px 8px;
  text-align: left; vertical-align: middle; }
table.cohort .bar { width: 180px; }
.grid-wrap { overflow: auto; max-height: 85vh; border: 1px solid var(--line); border-radius: 8px; }
table.grid { border-collapse: separate; border-spacing: 2px; font-size: 12px; }
table.grid th { position: sticky; top: 0; background: var(--paper); font-weight: 600;
  writing-mode: vertical-rl; transform: rotate(180deg); padding: 4px 2px; }
table.grid th.topic, table.grid td.topic { writing-mode: horizontal-tb; transform: none;
  position: sticky; left: 0; background: var(--paper); text-align: left; padding-right: 8px;
  white-space: nowrap; font-family: var(--mono); }
table.grid td.c { width: 16px; height: 16px; border-radius: 3px;
  background: var(--st-fill); border: 1.5px solid var(--st-border); }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pace(row: MemberProgress) -> str:
    return "no schedule" if row.ahead_hours is None else pace_text(row.ahead_hours)


def render_cohort_report(
    name: str,
    lead: str,
    plan_name: str | None,
    rows: Sequence[MemberProgress],
    titles: Mapping[str, str],
    today: date,
    version: str,
) -> str:
    """The page as text; ``titles`` maps topic ids to titles (ids it lacks show as ids)."""
    from studyplan.views.style import CSS

    people = _people_rows(rows, titles)
    head, body = _grid(rows, titles)
    legend = _legend()
    plan = f"plan <b>{_e(plan_name)}</b>" if plan_name else "no plan assigned yet"
    main = (
        f"<h1>Cohort {_e(name)}</h1>"
        f'<p class="sub">lead {_e(lead)} · {plan} · {len(rows)} learners · {today.isoformat()}'
        f" · studyplan {_e(version)}</p>"
        "<h2>Learners</h2>"
        '<table class="cohort"><tr><th>learner</th><th>progress</th><th>hours</th>'
        "<th>pace</th><th>in progress</th><th>last mark</th><th>reviews due</th></tr>"
        f"{people}</table>"
        "<h2>Topics × learners</h2>"
        f'<ul class="legend">{legend}</ul>'
        f'<div class="grid-wrap"><table class="grid"><tr>{head}</tr>{body}</table></div>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Cohort {_e(name)} — studyplan</title>\n"
        f"<style>{CSS}{_CSS}</style>\n</head>\n<body>\n<main>{main}</main>\n</body>\n</html>\n"
    )


def _people_rows(rows: Sequence[MemberProgress], titles: Mapping[str, str]) -> str:
    """The learners' table rows: name, progress bar, hours and topics done, pace, the
    topic in progress, the last mark's day and the reviews due."""
    return "".join(
        "<tr>"
        f"<td><b>{_e(r.learner)}</b></td>"
        f'<td><div class="bar" role="img" aria-label="{r.fraction:.0%} of the hours">'
        f'<i style="width:{r.fraction * 100:.1f}%"></i></div></td>'
        f"<td>{r.hours_done:g} / {r.hours_total:g} h · {r.steps_done}/{r.steps_total} topics</td>"
        f"<td>{_e(_pace(r))}</td>"
        f"<td>{_e(titles.get(r.in_progress, r.in_progress) if r.in_progress else '—')}</td>"
        f"<td>{_e(r.last_activity.date().isoformat() if r.last_activity else 'never')}</td>"
        f"<td>{'—' if r.reviews_due is None else r.reviews_due}</td>"
        "</tr>"
        for r in rows
    )


def _grid(rows: Sequence[MemberProgress], titles: Mapping[str, str]) -> tuple[str, str]:
    """The topics × learners grid's header row and body: a row per plan topic, a cell per
    learner classed by that learner's status."""
    topics = list(rows[0].steps) if rows else []
    head = '<th class="topic">topic</th>' + "".join(f"<th>{_e(r.learner)}</th>" for r in rows)
    body = "".join(
        f'<tr><td class="topic" title="{_e(tid)}">{_e(titles.get(tid, tid))}</td>'
        + "".join(
            f'<td class="c st-{r.steps[tid]}" title="{_e(r.learner)}: '
            f'{_e(STATUS_LABEL[r.steps[tid]])}"></td>'
            for r in rows
        )
        + "</tr>"
        for tid in topics
    )
    return head, body


def _legend() -> str:
    """The grid's legend: a swatch, label and help per status (but "covered")."""
    return "".join(
        f'<li><span class="swatch st-{s}"></span>{_e(STATUS_LABEL[s])}'
        f' <span class="sub">({_e(STATUS_HELP[s])})</span></li>'
        for s in STATUSES
        if s != "covered"
    )
