"""What a picture of the prerequisite graph shows, as plain data. Pure: no I/O.

A ``GraphView`` holds the topics to draw (each with its display status), the prerequisite
edges between them with their reasons, and the curricula that group them. Every output
format (DOT, Mermaid, the HTML report) renders the same view, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studyplan.domain.catalog import Catalog
from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.status import SATISFIED, Status

#: Display statuses, in legend order. ``covered`` is a topic the learner has not marked
#: but has got all the same, because a done or known topic requires it.
STATUSES = (
    Status.DONE,
    Status.STARTED,
    Status.KNOWN,
    Status.COVERED,
    Status.NOT_KNOWN,
    Status.SKIPPED,
    Status.TODO,
)
STATUS_LABEL: dict[str, str] = {
    Status.DONE: "done",
    Status.STARTED: "in progress",
    Status.KNOWN: "known",
    Status.COVERED: "covered",
    Status.NOT_KNOWN: "not known",
    Status.SKIPPED: "skipped",
    Status.TODO: "to do",
}
STATUS_HELP: dict[str, str] = {
    Status.DONE: "finished",
    Status.STARTED: "in progress",
    Status.KNOWN: "already known",
    Status.COVERED: "implied by a done or known topic that requires it",
    Status.NOT_KNOWN: "marked not known: stays in plans, covers nothing below it",
    Status.SKIPPED: "skipped on purpose",
    Status.TODO: "still to learn",
}


@dataclass(frozen=True, slots=True)
class Style:
    fill: str
    border: str
    text: str
    dashed: bool = False


#: One palette for every format: readable in print, distinct for common colour blindness
#: (blue / amber / green differ in lightness too), and every status is also spelt out in
#: the node's label, so nothing depends on colour alone.
PALETTE: dict[str, Style] = {
    Status.DONE: Style("#c8e6c9", "#2e7d32", "#1b3d1d"),
    Status.STARTED: Style("#ffe08a", "#b26a00", "#4a2c00"),
    Status.KNOWN: Style("#bbdefb", "#1565c0", "#0d2f57"),
    Status.COVERED: Style("#e3f0fb", "#1565c0", "#0d2f57", dashed=True),
    Status.NOT_KNOWN: Style("#fde0dc", "#c62828", "#5a1010"),
    Status.SKIPPED: Style("#eeeeee", "#8a8a8a", "#555555", dashed=True),
    Status.TODO: Style("#ffffff", "#455a64", "#1f2a30"),
}
GOAL_BORDER = "#6a1b9a"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    title: str
    title_zh: str
    curriculum: str
    hours: float
    status: str
    goal: bool
    summary: str = ""
    covered_by: str | None = None
    milestone: bool = False  # a checkpoint: no hours of its own, its parts lead to it

    @property
    def meta(self) -> str:
        """``6 h · done · goal``: hours (``◆ checkpoint`` for a milestone), status (unless
        to do), goal."""
        parts = ["◆ checkpoint" if self.milestone else f"{self.hours:g} h"]
        if self.status != Status.TODO:
            parts.append(STATUS_LABEL[self.status])
        if self.goal:
            parts.append("goal")
        return " · ".join(parts)

    @property
    def caption(self) -> str:
        """The label's second line: ``熵 · 6 h · done · goal``."""
        return " · ".join(p for p in (self.title_zh, self.meta) if p)

    @property
    def tooltip(self) -> str:
        text = f"{self.id} — {STATUS_HELP[self.status]}"
        if self.covered_by and self.status == Status.COVERED:
            text += f" (by {self.covered_by})"
        return f"{text}. {self.summary}" if self.summary else text


@dataclass(frozen=True, slots=True)
class Edge:
    """``source`` is a prerequisite of ``target`` because ``reason``."""

    source: str
    target: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    title: str
    title_zh: str
    node_ids: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.title} · {self.title_zh}" if self.title_zh else self.title


@dataclass(frozen=True, slots=True)
class GraphView:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]
    _by_id: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One index for every lookup by id: a view can hold tens of thousands of nodes.
        object.__setattr__(self, "_by_id", {n.id: n for n in self.nodes})

    def node(self, topic_id: str) -> Node:
        return self._by_id[topic_id]

    def edge_tooltip(self, edge: Edge) -> str:
        by_id = self._by_id
        return f"{by_id[edge.source].title} → {by_id[edge.target].title}: {edge.reason}"

    def statuses_used(self) -> list[str]:
        used = {n.status for n in self.nodes}
        return [s for s in STATUSES if s in used]

    def json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "nodes": [
                {
                    "id": n.id,
                    "title": n.title,
                    "title_zh": n.title_zh,
                    "curriculum": n.curriculum,
                    "hours": n.hours,
                    "status": n.status,
                    "goal": n.goal,
                    "covered_by": n.covered_by,
                }
                for n in self.nodes
            ],
            "edges": [{"from": e.source, "to": e.target, "reason": e.reason} for e in self.edges],
            "clusters": [
                {"id": c.id, "title": c.title, "title_zh": c.title_zh, "topics": list(c.node_ids)}
                for c in self.clusters
            ],
        }


def display_statuses(
    graph: PrerequisiteGraph,
    statuses: Mapping[str, str],
    ids: Iterable[str],
    milestones: Mapping[int, Sequence[int]] | None = None,
) -> dict[str, tuple[str, str | None]]:
    """Topic -> (display status, what covers it). A topic marked done or known shows as
    such; one that a done/known topic requires shows as covered (as the planner treats
    it), whatever else it is marked; then in progress, skipped, and to do."""
    from studyplan.domain.planner import satisfied_closure

    covered_by = satisfied_closure(graph, statuses, milestones)
    result: dict[str, tuple[str, str | None]] = {}
    for tid in ids:
        mark = statuses.get(tid, Status.TODO)
        if mark in SATISFIED:
            result[tid] = (mark, None)
        elif tid in covered_by:
            result[tid] = (Status.COVERED, covered_by[tid])
        elif mark in (Status.STARTED, Status.SKIPPED, Status.NOT_KNOWN):
            result[tid] = (mark, None)
        else:
            result[tid] = (Status.TODO, None)
    return result


def maximal(graph: PrerequisiteGraph, topic_ids: Sequence[str]) -> list[str]:
    """The topics of ``topic_ids`` that no other of them requires (the real goals when a
    whole curriculum is named)."""
    inner = graph.closure(p for t in topic_ids for p in graph.requires.get(t, ()))
    return [t for t in topic_ids if t not in inner]


def build_view(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    topic_ids: Iterable[str],
    statuses: Mapping[str, str],
    goals: Iterable[str],
    title: str,
) -> GraphView:
    """The view of ``topic_ids`` (drawn in declared order) and the edges among them."""
    wanted = set(topic_ids)
    ordered = [t for t in graph.ids if t in wanted]
    goal_set = set(goals)
    shown = display_statuses(graph, statuses, ordered, catalog.topics.milestones())
    nodes: list[Node] = []
    edges: list[Edge] = []
    for tid in ordered:
        topic = catalog.topics[tid]
        status, by = shown[tid]
        nodes.append(
            Node(
                tid,
                topic.title,
                topic.title_zh,
                topic.curriculum,
                topic.hours,
                status,
                tid in goal_set,
                topic.summary,
                by,
                topic.is_milestone,
            )
        )
        edges.extend(Edge(p.id, tid, p.reason) for p in topic.prerequisites if p.id in wanted)
    by_curriculum: dict[str, list[str]] = {}
    for node in nodes:
        by_curriculum.setdefault(node.curriculum, []).append(node.id)
    order = {cid: i for i, cid in enumerate(catalog.curricula)}
    clusters = tuple(
        Cluster(
            cid,
            catalog.curricula[cid].title if cid in catalog.curricula else cid,
            catalog.curricula[cid].title_zh if cid in catalog.curricula else "",
            tuple(members),
        )
        for cid, members in sorted(by_curriculum.items(), key=lambda kv: order.get(kv[0], 1 << 30))
    )
    return GraphView(title, tuple(nodes), tuple(edges), clusters)


def goals_view(
    catalog: Catalog,
    graph: PrerequisiteGraph,
    goals: Sequence[str],
    statuses: Mapping[str, str],
    title: str,
) -> GraphView:
    """Everything the (resolved) goals need, done or not, so that progress shows."""
    return build_view(catalog, graph, graph.closure(goals), statuses, maximal(graph, goals), title)


def curriculum_view(
    catalog: Catalog, graph: PrerequisiteGraph, curriculum_id: str, statuses: Mapping[str, str]
) -> GraphView:
    """A curriculum's topics, and the topics of other curricula they directly require."""
    curriculum = catalog.curriculum(curriculum_id)
    own = list(curriculum.topic_ids)
    outside = [
        p for t in own for p in graph.requires[t] if catalog.topics[p].curriculum != curriculum.id
    ]
    marked = [t for t in own if catalog.topics[t].goal] or maximal(graph, own)
    return build_view(
        catalog,
        graph,
        [*own, *outside],
        statuses,
        marked,
        f"{curriculum.title} · {curriculum.title_zh}",
    )


def _cells(char: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap(text: str, width: int = 26) -> list[str]:
    """``text`` broken into lines of at most ``width`` terminal cells (a CJK character
    counts two): at spaces for Western text, between any two characters for CJK."""
    import re

    tokens = re.findall(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|\S+|\s+", text)
    lines: list[str] = []
    line = ""
    used = 0
    for token in tokens:
        size = sum(_cells(c) for c in token)
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    # No orphan: a last line of a letter or two joins the line above when that fits.
    if len(lines) > 1 and sum(_cells(c) for c in lines[-1]) <= 3:
        wider = wrap(text, width + 6)
        if len(wider) < len(lines):
            return wider
    return lines
