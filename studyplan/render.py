"""Rich renderables built from domain objects. No I/O: callers print them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studyplan.curriculum.catalog import Catalog, Reading, Topic

STATUS_MARK = {
    "done": "✔",
    "known": "✔",
    "started": "▶",
    "skipped": "↷",
    "todo": "·",
}
STATUS_STYLE = {"done": "green", "known": "cyan", "started": "yellow", "skipped": "dim", "todo": ""}


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
    from studyplan.bibliography import short_authors

    return f"{short_authors(ref.authors)} ({ref.year}), {ref.title}"


def topic_panel(catalog: Catalog, topic: Topic, status: str | None = None) -> Any:
    from rich.console import Group
    from rich.markup import escape
    from rich.text import Text

    parts: list[Any] = []
    header = Text()
    header.append(topic.title, style="bold")
    header.append(f"  {topic.title_zh}")
    parts.append(header)
    meta = f"{topic.id} · {catalog.curricula[topic.curriculum].title} · {topic.hours:g} h"
    if topic.level:
        meta += f" · {topic.level}"
    if topic.goal:
        meta += " · goal"
    if status:
        meta += f" · {status}"
    parts.append(Text(meta, style="dim"))
    parts.append(Text(""))
    parts.append(Text(topic.summary))
    if topic.prerequisites:
        parts.append(Text("\nPrerequisites", style="bold"))
        for pre in topic.prerequisites:
            title = catalog.topics[pre.id].title if pre.id in catalog.topics else "?"
            parts.append(
                Text.from_markup(
                    f"  • [cyan]{escape(pre.id)}[/] {escape(title)} — {escape(pre.reason)}"
                )
            )
    if topic.readings:
        parts.append(Text("\nReadings", style="bold"))
        for r in topic.readings:
            tag = "core" if r.core else "optional"
            parts.append(Text(f"  • ({tag}) {reading_line(catalog, r)}"))
            if r.url:
                parts.append(Text(f"      {r.url}", style="dim"))
    unlocks = [t.id for t in catalog.topics.values() if topic.id in t.prerequisite_ids]
    if unlocks:
        parts.append(Text("\nUnlocks", style="bold"))
        parts.append(Text("  " + ", ".join(unlocks)))
    if topic.tags:
        parts.append(Text(f"\ntags: {', '.join(topic.tags)}", style="dim"))
    return Group(*parts)


def prerequisite_tree_data(
    catalog: Catalog, topic_id: str, status: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The prerequisite tree as nested JSON; a topic already expanded is not repeated."""
    status = status or {}
    seen: set[str] = set()

    def node(tid: str) -> dict[str, Any]:
        topic = catalog.topics[tid]
        data: dict[str, Any] = {"id": tid, "title": topic.title, "status": status.get(tid, "todo")}
        if tid in seen:
            data["repeated"] = True
            return data
        seen.add(tid)
        data["prerequisites"] = [node(p) for p in topic.prerequisite_ids]
        return data

    return node(topic_id)


def prerequisite_tree(
    catalog: Catalog, topic_id: str, status: Mapping[str, str] | None = None
) -> Any:
    from rich.markup import escape
    from rich.tree import Tree

    data = prerequisite_tree_data(catalog, topic_id, status)

    def label(item: dict[str, Any]) -> str:
        st = item["status"]
        style = STATUS_STYLE.get(st, "")
        text = f"{STATUS_MARK.get(st, '·')} {escape(item['id'])} {escape(item['title'])}"
        if item.get("repeated"):
            text += " [dim](see above)[/]"
        return f"[{style}]{text}[/]" if style else text

    def grow(branch: Tree, item: dict[str, Any]) -> None:
        for child in item.get("prerequisites", []):
            grow(branch.add(label(child)), child)

    root = Tree(label(data))
    grow(root, data)
    return root
