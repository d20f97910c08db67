"""Mermaid flowchart text for a ``GraphView`` (for Markdown in GitHub, GitLab, Obsidian).

Escaping: Mermaid decodes ``#name;`` and ``#number;`` entity codes in labels and renders
labels as HTML, so ``"``, ``<``, ``>``, ``&`` and ``#`` are written as entity codes and a
title can never close its quotes, open a tag or start an entity. Node ids are generated
(``t_<slug>``) because Mermaid ids may not hold dots or hyphens safely.

Mermaid has no edge tooltips: each edge's reason is written as a ``%%`` comment above it.
"""

from __future__ import annotations

import json
import re

from studyplan.visual.model import GOAL_BORDER, PALETTE, STATUS_LABEL, GraphView

_ENTITY = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "#": "#35;", "`": "#96;"}
_SPECIAL = re.compile(r'["<>&#`]')


def label(text: str) -> str:
    """``text`` as the inside of a Mermaid ``"..."`` label, drawn exactly as given."""
    escaped = _SPECIAL.sub(lambda m: _ENTITY[m.group(0)], text)
    return " ".join(escaped.split("\n"))


def comment(text: str) -> str:
    return " ".join(text.split())


def _ids(topic_ids: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    used: set[str] = set()
    for tid in topic_ids:
        base = "t_" + re.sub(r"[^A-Za-z0-9_]", "_", tid)
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        result[tid] = name
    return result


def to_mermaid(view: GraphView) -> str:
    ids = _ids([n.id for n in view.nodes])
    lines = [
        "---",
        # JSON strings are YAML double-quoted scalars: any title is safe in the front matter.
        f"title: {json.dumps(view.title, ensure_ascii=False)}",
        "---",
        "flowchart TB",
    ]
    for status in view.statuses_used():
        style = PALETTE[status]
        dash = ",stroke-dasharray:4 3" if style.dashed else ""
        lines.append(
            f"  classDef {status} fill:{style.fill},stroke:{style.border},color:{style.text}{dash}"
        )
    if any(n.goal for n in view.nodes):
        lines.append(f"  classDef goal stroke:{GOAL_BORDER},stroke-width:3px")
    for index, cluster in enumerate(view.clusters):
        lines.append(f'  subgraph c{index}["{label(cluster.label)}"]')
        for topic_id in cluster.node_ids:
            node = view.node(topic_id)
            text = f'"{label(node.title)}<br/>{label(node.caption)}"'
            shape = f"{{{{{text}}}}}" if node.milestone else f"[{text}]"  # {{…}}: hexagon
            lines.append(f"    {ids[node.id]}{shape}")
        lines.append("  end")
    for edge in view.edges:
        lines.append(f"  %% {comment(view.edge_tooltip(edge))}")
        lines.append(f"  {ids[edge.source]} --> {ids[edge.target]}")
    for status in view.statuses_used():
        members = [ids[n.id] for n in view.nodes if n.status == status]
        lines.append(f"  class {','.join(members)} {status}")
    goals = [ids[n.id] for n in view.nodes if n.goal]
    if goals:
        lines.append(f"  class {','.join(goals)} goal")
    lines.append(f"  %% legend: {', '.join(STATUS_LABEL[s] for s in view.statuses_used())}")
    return "\n".join(lines) + "\n"
