"""The HTML report: one self-contained page (inline CSS, inline SVG, no scripts, no network).

``render_report`` is pure (a ``Report`` in, a string out); every piece of data goes
through ``html.escape``. ``attach_graph`` draws the graph with Graphviz when it is
installed and otherwise leaves a note that says how to get it.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from studyplan.views import words
from studyplan.views.model import PALETTE, STATUS_HELP, STATUS_LABEL

if TYPE_CHECKING:
    from studyplan.domain.catalog import Catalog, Reading
    from studyplan.domain.planner import Step
    from studyplan.views.content import Report

#: Graphviz's layout time grows about cubically once edges cross (benchmarks/bench_visual.py:
#: on synthetic curricula, 5x the 136-topic time at 284 topics, 16x at 423, 70x at 563),
#: and such a picture is unreadable anyway; beyond this the report leaves the graph out
#: and says how to get it (``studyplan graph --format dot``) for a graph viewer.
MAX_DRAWN_NODES = 400


def attach_graph(report: Report, max_nodes: int | None = None) -> Report:
    """Draw the report's graph as inline SVG, or explain why there is none."""
    from studyplan.errors import MissingToolError
    from studyplan.views.dot import INSTALL_HINT, inline_svg, svg_from_dot, to_dot

    count = len(report.view.nodes)
    if count > (MAX_DRAWN_NODES if max_nodes is None else max_nodes):
        report.graph_note = (
            f"The graph has {count} topics, too many to draw legibly here; "
            "run 'studyplan graph … --format dot' to get it for a graph viewer."
        )
        return report
    links = {s.topic.id: f"#step-{s.topic.id}" for s in report.plan.steps}
    try:
        report.svg = inline_svg(svg_from_dot(to_dot(report.view, links, legend=False)))
    except MissingToolError:
        report.graph_note = (
            "The prerequisite graph is drawn by Graphviz, which is not installed: "
            + INSTALL_HINT.split(", or use")[0]
            + ", then run the same 'studyplan report' command again."
        )
    return report


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _hours(value: float) -> str:
    return f"{value:g} h"


def _badge(status: str) -> str:
    return f'<span class="badge st-{status}" title="{_e(STATUS_HELP[status])}">{_e(STATUS_LABEL[status])}</span>'


def _weeks(step: Step) -> str:
    if step.week is None:
        return ""
    if step.week == step.end_week:
        return f"week {step.week}"
    return f"weeks {step.week}–{step.end_week}"


def _dates(step: Step) -> str:
    if step.start is None or step.end is None:
        return ""
    return f"{step.start:%b %d} – {step.end:%b %d, %Y}"


def _cards(report: Report) -> str:
    plan, prog = report.plan, report.progress
    sched = plan.schedule
    cards = [
        (str(len(plan.steps)), f"{words.noun(len(plan.steps), 'step')} to go"),
        (_hours(plan.total_hours), "hours to go"),
    ]
    if sched and plan.steps:
        cards.append(
            (
                str(sched.weeks),
                f"{words.noun(sched.weeks, 'week')} at {sched.hours_per_week:g} h/week",
            )
        )
        cards.append((sched.finish.isoformat(), "finish date"))
    cards.append((f"{prog.fraction:.0%}", "done so far"))
    cells = "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in cards)
    return f'<section class="cards">{cells}</section>'


def _notes(report: Report) -> list[str]:
    plan, prog = report.plan, report.progress
    notes: list[str] = []
    sched = plan.schedule
    if not plan.steps:
        notes.append(
            '<p class="note">Nothing left to learn: you have every topic these goals need.</p>'
        )
    elif sched is None:
        notes.append(
            '<p class="note">No schedule: give a weekly budget (<code>--hours-per-week</code> / '
            "<code>-H</code>) to spread the steps over dated weeks.</p>"
        )
    if plan.pace and plan.steps:
        notes.append(
            f'<p class="note">Hours at your pace: {_e("; ".join(plan.pace))} '
            "(<code>--pace 1</code>: the curricula's estimates).</p>"
        )
    if sched and sched.deadline and plan.steps:
        if sched.fits:
            notes.append(f'<p class="note">Fits the deadline {_e(sched.deadline)}.</p>')
        else:
            notes.append(
                f'<p class="note warn">Does not fit the deadline {_e(sched.deadline)}: '
                f"it needs {report.needed_per_week:g} h/week.</p>"
            )
    if prog.ahead_hours is not None:
        from studyplan.domain.plan_data import pace_text

        ahead = prog.ahead_hours
        pace = pace_text(ahead).capitalize()
        finish = f" (saved finish {_e(prog.saved_finish)})" if prog.saved_finish else ""
        cls = "note warn" if ahead <= -0.5 else "note"
        notes.append(f'<p class="{cls}">{_e(pace)}{finish}.</p>')
    if prog.missing_ids:
        notes.append(
            '<p class="note warn">No longer in the curricula: '
            + ", ".join(f"<code>{_e(t)}</code>" for t in prog.missing_ids)
            + ".</p>"
        )
    return notes


def _progress(catalog: Catalog, report: Report) -> str:
    prog = report.progress
    width = max(0.0, min(1.0, prog.fraction)) * 100
    parts = [
        '<section id="progress"><h2>Progress so far</h2>',
        f'<div class="bar" role="img" aria-label="{width:.0f}% done"><i style="width:{width:.1f}%"></i></div>',
        f"<p>{prog.hours_done:g} of {prog.hours_total:g} h done "
        f"({prog.topics_done} of {words.count(prog.topics_total, 'topic')}).</p>",
    ]
    reading = report.reading
    if prog.started_ids:
        started = ", ".join(
            _e(catalog.topics[t].title) + (f" ({_e(reading[t])})" if t in reading else "")
            for t in prog.started_ids
        )
        parts.append(f"<p>In progress: {started}.</p>")
    others = [t for t in reading if t not in prog.started_ids and t in catalog.topics]
    if others:
        shown = ", ".join(f"{_e(catalog.topics[t].title)} ({_e(reading[t])})" for t in others)
        parts.append(f"<p>Reading: {shown}.</p>")
    parts.append("</section>")
    return "".join(parts)


def _schedule(catalog: Catalog, report: Report) -> str:
    steps = report.plan.steps
    if not steps:
        return ""
    timed = report.plan.schedule is not None
    head = "<tr><th class=num>#</th>" + ("<th>when</th><th>dates</th>" if timed else "")
    head += "<th>topic</th><th class=num>hours</th><th>status</th></tr>"
    rows = []
    for n, step in enumerate(steps, 1):
        topic = step.topic
        goal = ' <span class="badge goal">goal</span>' if step.goal else ""
        when = (
            f'<td class="when">{_e(_weeks(step))}</td><td class="when">{_e(_dates(step))}</td>'
            if timed
            else ""
        )
        rows.append(
            f'<tr><td class="num">{n}</td>{when}'
            f'<td><a href="#step-{_e(topic.id)}">{_e(topic.title)}</a> '
            f'<span class="zh">{_e(topic.title_zh)}</span>{goal}</td>'
            f'<td class="num">{"◆" if topic.is_milestone else f"{topic.hours:g}"}</td>'
            f"<td>{_badge(step.status)}</td></tr>"
        )
    return (
        '<section id="schedule"><h2>Schedule</h2>'
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _graph(report: Report) -> str:
    view = report.view
    legend = "".join(
        f'<li><span class="swatch st-{s}{" dashed" if PALETTE[s].dashed else ""}"></span>'
        f"{_e(STATUS_LABEL[s])}</li>"
        for s in view.statuses_used()
    )
    if any(n.goal for n in view.nodes):
        legend += '<li><span class="swatch goal"></span>goal</li>'
    if report.svg:
        body = f'<figure class="graph">{report.svg}</figure>'
    else:
        body = f'<p class="note warn">{_e(report.graph_note or "No graph.")}</p>'
    return (
        '<section id="graph"><h2>Prerequisite graph</h2>'
        "<p class=sub>Each arrow points from a prerequisite to the topic that needs it; "
        "hover over an arrow for the reason, click a topic to jump to its step.</p>"
        f'{body}<ul class="legend">{legend}</ul></section>'
    )


def _readings(catalog: Catalog, step: Step, chosen: frozenset[Reading] | None = None) -> str:
    from studyplan.views.content import reading_view

    if not step.topic.readings:
        return "<p class=tag>No readings listed.</p>"
    items = []
    ordered = sorted(step.topic.readings, key=lambda r: not r.core)
    for reading in ordered:
        if chosen is not None and reading.core and reading not in chosen:
            continue  # an alternative --books did not choose
        view = reading_view(catalog, reading)
        cite = _e(view.citation)
        if view.url:
            cite = f'<a href="{_e(view.url)}">{cite}</a>'
        kind = "core" if view.core else "optional"
        if view.core and reading.one_of is not None and chosen is None:
            kind = "core, one of the alternatives"
        tag = f"{kind} · {view.access}"
        items.append(
            f'<li>{cite} — <span class="where">{_e(view.where)}</span> <span class="tag">({tag})</span></li>'
        )
    return f'<ul class="readings">{"".join(items)}</ul>'


def _why(catalog: Catalog, step: Step) -> str:
    from studyplan.domain.planner import WHY_LINKS_IN_FULL, why_text

    plan = step.plan
    tree = plan.why_tree()
    length = tree.links(step.topic_id)
    if length <= 0:
        return '<p class="chain">This is one of your goals.</p>' if step.goal else ""
    shown = plan.why(step.topic_id, WHY_LINKS_IN_FULL if length > WHY_LINKS_IN_FULL else None)
    items = "".join(
        f"<li>needed by <b>{_e(catalog.topics[link.needed_by].title)}</b>: "
        f'<span class="reason">{_e(link.reason)}</span></li>'
        for link in shown
    )
    if length > len(shown):
        goal = catalog.topics[tree.goal_of(step.topic_id) or step.topic_id].title
        items += f"<li>… {length - len(shown)} more links up to <b>{_e(goal)}</b></li>"
    longest = WHY_LINKS_IN_FULL + 1 if length > WHY_LINKS_IN_FULL else None
    chain = why_text(catalog, step, longest)
    return f'<p class="chain">{_e(chain)}</p><ol class="why">{items}</ol>'


def _steps(catalog: Catalog, report: Report) -> str:
    if not report.plan.steps:
        return ""
    chosen = report.chosen
    cards = []
    for n, step in enumerate(report.plan.steps, 1):
        topic = step.topic
        when = " · ".join(p for p in (_weeks(step), _dates(step)) if p)
        size = "◆ checkpoint" if topic.is_milestone else _hours(step.hours)
        if topic.id in report.reading:
            size += f" · {report.reading[topic.id]}"
        meta = " · ".join(p for p in (when, size) if p)
        goal = ' <span class="badge goal">goal</span>' if step.goal else ""
        cards.append(
            f'<li class="step st-{step.status}{" is-goal" if step.goal else ""}" id="step-{_e(topic.id)}">'
            f'<header><span class="n">{n}.</span><h3>{_e(topic.title)}</h3>'
            f'<span class="zh">{_e(topic.title_zh)}</span>{goal} {_badge(step.status)}'
            f'<span class="meta">{_e(meta)}</span></header>'
            f'<div class="id">{_e(topic.id)}</div>'
            f'<p class="summary">{_e(topic.summary)}</p>'
            f"<h4>Read</h4>{_readings(catalog, step, chosen.get(topic.id) if chosen else None)}"
            f"<h4>Why it is here</h4>{_why(catalog, step)}</li>"
        )
    return f'<section id="steps"><h2>Steps</h2><ol class="steps">{"".join(cards)}</ol></section>'


def _done(catalog: Catalog, report: Report) -> str:
    done = report.progress.done_ids
    if not done:
        return ""
    statuses = {n.id: n.status for n in report.view.nodes}
    items = "".join(
        f'<li>{_e(catalog.topics[t].title)} <span class="zh">{_e(catalog.topics[t].title_zh)}</span> '
        f"{_badge(statuses.get(t, 'done'))}</li>"
        for t in done
        if t in catalog.topics
    )
    return f'<section id="done"><h2>Already covered</h2><ul class="done">{items}</ul></section>'


def render_report(catalog: Catalog, report: Report, version: str) -> str:
    """The whole page as one string."""
    from studyplan.views.style import CSS

    goals = " ".join(report.goals)
    origin = f"saved plan ‘{report.plan_name}’ · " if report.plan_name else ""
    toc = "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("progress", "Progress"),
            ("schedule", "Schedule"),
            ("graph", "Graph"),
            ("steps", "Steps"),
            ("done", "Already covered"),
        )
        if anchor not in ("schedule", "steps") or report.plan.steps
        if anchor != "done" or report.progress.done_ids
    )
    body = "".join(
        [
            f"<header><h1>Study plan: {_e(report.title)}</h1>",
            f'<p class="sub">{_e(origin)}goals <code>{_e(goals)}</code> · '
            f"as of {_e(report.today.isoformat())}</p></header>",
            _cards(report),
            *_notes(report),
            f'<nav class="toc">{toc}</nav>',
            _progress(catalog, report),
            _schedule(catalog, report),
            _graph(report),
            _steps(catalog, report),
            _done(catalog, report),
            f"<footer>Made by studyplan {_e(version)} on {_e(report.today.isoformat())}.</footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Study plan: {_e(report.title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>{body}</main>\n</body>\n</html>\n"
    )
