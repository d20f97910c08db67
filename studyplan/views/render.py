"""Terminal text built from domain objects, as ``(text, style)`` pieces that the CLI
prints with rich (or plain). No I/O and no rich import here: callers print them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studyplan.domain.catalog import Catalog, Reading, Topic
from studyplan.domain.status import Status

#: The terminal's mark and style for each status a tree or plan line can have.
STATUS_MARK: dict[str, str] = {
    Status.DONE: "✔",
    Status.KNOWN: "✔",
    Status.STARTED: "▶",
    Status.SKIPPED: "↷",
    Status.NOT_KNOWN: "✘",
    Status.TODO: "·",
}
STATUS_STYLE: dict[str, str] = {
    Status.DONE: "green",
    Status.KNOWN: "cyan",
    Status.STARTED: "yellow",
    Status.SKIPPED: "dim",
    Status.NOT_KNOWN: "red",
    Status.TODO: "",
}


def reading_line(catalog: Catalog, reading: Reading) -> str:
    """``Cover & Thomas (2006), Elements of Information Theory — Ch. 2 [paid]``."""
    return f"{reference_head(catalog, reading.key)} — {reading.where} [{reading.access}]"


def reference_head(catalog: Catalog, key: str) -> str:
    """``Cover & Thomas (2006), Elements of Information Theory``, or the key itself."""
    ref = catalog.references.get(key)
    if ref is None:
        return key
    if not ref.authors:
        return f"{ref.title} ({ref.year})"
    from studyplan.domain.names import short_authors

    return f"{short_authors(ref.authors)} ({ref.year}), {ref.title}"


def topic_lines(
    catalog: Catalog, topic: Topic, status: str | None = None, *, answers: bool = False
) -> list[tuple[str, str]]:
    """Everything about a topic as (text, style) lines, for ``studyplan show``."""
    lines: list[tuple[str, str]] = [(f"{topic.title}  {topic.title_zh}", "bold")]
    size = "◆ checkpoint (its parts are its prerequisites)" if topic.is_milestone else None
    size = size or f"{topic.hours:g} h"
    meta = f"{topic.id} · {catalog.curricula[topic.curriculum].title} · {size}"
    if topic.level:
        meta += f" · {topic.level}"
    if topic.goal:
        meta += " · goal"
    if status:
        meta += f" · {status}"
    lines += [(meta, "dim"), ("", ""), (topic.summary, "")]
    if topic.prerequisites:
        lines += [("", ""), ("Parts" if topic.is_milestone else "Prerequisites", "bold")]
        for pre in topic.prerequisites:
            title = catalog.topics.title(pre.id) if pre.id in catalog.topics else "?"
            lines.append((f"  • {pre.id} {title} — {pre.reason}", ""))
    if topic.readings:
        lines += [("", ""), ("Readings", "bold")]
        for r in topic.readings:
            lines.append(
                (f"  • ({'core' if r.core else 'optional'}) {reading_line(catalog, r)}", "")
            )
            if r.url:
                lines.append((f"      {r.url}", "dim"))
    lines += _practice_lines(catalog, topic, answers)
    table = catalog.topics
    here, ids = table.position(topic.id), table.ids()
    unlocks = [ids[s] for s, t in zip(*table.links(), strict=True) if t == here]
    if unlocks:
        lines += [("", ""), ("Unlocks", "bold"), ("  " + ", ".join(unlocks), "")]
    if topic.tags:
        lines += [("", ""), (f"tags: {', '.join(topic.tags)}", "dim")]
    if topic.aliases:
        lines += [("", ""), (f"also known as (retired ids): {', '.join(topic.aliases)}", "dim")]
    return lines


def _practice_lines(catalog: Catalog, topic: Topic, answers: bool) -> list[tuple[str, str]]:
    """Self-checks (answers only when asked for), exercises and the project."""
    lines: list[tuple[str, str]] = []
    if topic.checks:
        hidden = "" if answers else " (answers: --answers)"
        lines += [("", ""), (f"Self-checks{hidden}", "bold")]
        for n, check in enumerate(topic.checks, 1):
            lines.append((f"  {n}. {check.q}", ""))
            if check.q_zh:
                lines.append((f"     {check.q_zh}", "dim"))
            if answers:
                lines.append((f"     → {check.answer}", "green"))
            if check.source is not None:
                head = reference_head(catalog, check.source.key)
                lines.append((f"     from {head} — {check.source.where}", "dim"))
    if topic.exercises:
        lines += [("", ""), ("Exercises", "bold")]
        lines += [
            (f"  • {reference_head(catalog, e.key)} — {e.where}", "") for e in topic.exercises
        ]
    if topic.project is not None:
        project = topic.project
        lines += [
            ("", ""),
            (f"Project: {project.title}", "bold"),
            (f"  {project.task.strip()}", ""),
            (f"  hand in: {project.deliverable.strip()}", ""),
        ]
    return lines


# How deep ``show --tree`` draws by default (the CLI allows up to 300: deeper is
# unreadable, and its JSON would nest past what the json module can encode).
TREE_DEPTH = 12


def prerequisite_tree_data(
    catalog: Catalog,
    topic_id: str,
    status: Mapping[str, str] | None = None,
    depth: int = TREE_DEPTH,
) -> dict[str, Any]:
    """The prerequisite tree as nested JSON, ``depth`` levels below the topic. A topic
    already expanded is marked ``repeated``; one whose prerequisites lie deeper than
    ``depth`` is marked ``truncated``. Built without recursion (trees can be deep)."""
    status = status or {}
    seen: set[str] = set()
    table = catalog.topics

    def node(tid: str) -> dict[str, Any]:
        return {"id": tid, "title": table.title(tid), "status": status.get(tid, Status.TODO)}

    root = node(topic_id)
    stack = [(root, 0)]
    while stack:
        data, level = stack.pop()
        tid = data["id"]
        if tid in seen:
            data["repeated"] = True
            continue
        pres = [p for p in table.prerequisite_ids(tid) if p in table]
        if pres and level >= depth:
            data["truncated"] = True  # not "seen": it may still be drawn higher up
            continue
        seen.add(tid)
        children = [node(p) for p in pres]
        data["prerequisites"] = children
        # Depth first in declared order: the first child is expanded first, so a topic's
        # subtree is drawn where it first appears.
        stack.extend((child, level + 1) for child in reversed(children))
    return root


def tree_lines(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A prerequisite tree (``prerequisite_tree_data``) drawn with box characters, each
    line styled by its status."""

    def label(item: dict[str, Any]) -> tuple[str, str]:
        st = item["status"]
        text = f"{STATUS_MARK.get(st, '·')} {item['id']} {item['title']}"
        if st not in (Status.TODO, ""):
            text += f" ({st})"
        if item.get("repeated"):
            text += " (see above)"
        if item.get("truncated"):
            text += " (… prerequisites below; --depth to see more)"
        return text, STATUS_STYLE.get(st, "")

    lines = [label(data)]
    stack = [(child, "", i == len(data.get("prerequisites", [])) - 1)
             for i, child in enumerate(data.get("prerequisites", []))][::-1]  # fmt: skip
    while stack:
        item, prefix, last = stack.pop()
        text, style = label(item)
        lines.append((f"{prefix}{'└── ' if last else '├── '}{text}", style))
        below = prefix + ("    " if last else "│   ")
        children = item.get("prerequisites", [])
        stack.extend(
            (child, below, i == len(children) - 1)
            for i, child in reversed(list(enumerate(children)))
        )
    return lines
