"""Graphviz DOT for a ``GraphView``, and SVG from it through Graphviz's ``dot``.

Escaping: every string is a double-quoted DOT string in which ``\\`` and ``"`` are
backslash-escaped and line breaks become ``\\n``. Graphviz also decodes HTML entities in
ordinary labels (``&lt;`` would draw as ``<``), so ``&`` is written as ``&amp;``; Graphviz
then writes it back as ``&amp;`` in SVG, and draws it as ``&``.
"""

from __future__ import annotations

import shutil
import subprocess

from studyplan.errors import MissingToolError, StudyplanError
from studyplan.visual.model import GOAL_BORDER, PALETTE, STATUS_LABEL, GraphView, Node, wrap

FONT = "Helvetica,Arial,sans-serif"
INSTALL_HINT = (
    "install Graphviz ('apt-get install graphviz' on Debian/Ubuntu, 'brew install graphviz' "
    "on macOS), or use --format dot or --format mermaid, which need nothing"
)
DOT_TIMEOUT = 120.0


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string that Graphviz draws exactly as given."""
    body = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("&", "&amp;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )
    return f'"{body}"'


def _attrs(**values: str) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in values.items())


def _node(node: Node, link: str | None) -> str:
    style = PALETTE[node.status]
    attrs = {
        "label": "\n".join([*wrap(node.title), *wrap(node.title_zh), node.meta]),
        "tooltip": node.tooltip,
        "fillcolor": style.fill,
        "color": GOAL_BORDER if node.goal else style.border,
        "fontcolor": style.text,
        "style": "rounded,filled,dashed" if style.dashed else "rounded,filled",
        **({"shape": "hexagon"} if node.milestone else {}),
    }
    if node.goal:
        attrs.update(peripheries="2", penwidth="2")
    if link is not None:
        attrs["URL"] = link
        attrs["target"] = "_self"
    return f"    {quote(node.id)} [{_attrs(**attrs)}];"


def _legend(view: GraphView) -> str:
    """An HTML-like graph label under the drawing: one swatch per status shown."""
    cells = []
    for status in view.statuses_used():
        style = PALETTE[status]
        cells.append(
            f'<td bgcolor="{style.fill}" color="{style.border}" border="1">'
            f'<font color="{style.text}">{STATUS_LABEL[status]}</font></td>'
        )
    if any(n.goal for n in view.nodes):
        cells.append(f'<td color="{GOAL_BORDER}" border="2">goal</td>')
    row = "".join(cells)
    return f'<<table border="0" cellspacing="6" cellpadding="4"><tr>{row}</tr></table>>'


def to_dot(view: GraphView, links: dict[str, str] | None = None, legend: bool = True) -> str:
    """The view as a DOT digraph: prerequisites above what needs them, one cluster per
    curriculum, nodes filled by status, goals with a double border, edges whose tooltip
    is the reason, and a legend underneath (unless ``legend`` is false: the report has
    its own). ``links`` maps topic ids to URLs (the report links nodes to steps)."""
    links = links or {}
    lines = [
        f"digraph {quote('studyplan')} {{",
        f"  graph [{_attrs(rankdir='TB', newrank='true', nodesep='0.3', ranksep='0.45', fontname=FONT, fontsize='11', tooltip=view.title)}];",
        f"  node [{_attrs(shape='box', fontname=FONT, fontsize='11', margin='0.15,0.06', penwidth='1.2')}];",
        f"  edge [{_attrs(color='#78909c', arrowsize='0.7', penwidth='1.1')}];",
    ]
    for cluster in view.clusters:
        lines.append(f"  subgraph {quote('cluster_' + cluster.id)} {{")
        lines.append(
            f"    graph [{_attrs(label=cluster.label, tooltip=cluster.label, style='rounded,filled', fillcolor='#f7f9fa', color='#cfd8dc', fontcolor='#37474f', labeljust='l')}];"
        )
        for topic_id in cluster.node_ids:
            lines.append(_node(view.node(topic_id), links.get(topic_id)))
        lines.append("  }")
    for edge in view.edges:
        tip = view.edge_tooltip(edge)
        lines.append(f"  {quote(edge.source)} -> {quote(edge.target)} [{_attrs(tooltip=tip)}];")
    if view.nodes and legend:
        lines.append(f"  label={_legend(view)};")
        lines.append('  labelloc="b";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def find_dot() -> str | None:
    return shutil.which("dot")


def svg_from_dot(dot_text: str) -> str:
    """Run Graphviz ``dot -Tsvg``; MissingToolError (exit 7) when it is not installed."""
    exe = find_dot()
    if exe is None:
        raise MissingToolError(
            "Graphviz 'dot' is not installed, so no SVG can be drawn", INSTALL_HINT
        )
    try:
        proc = subprocess.run(
            [exe, "-Tsvg"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StudyplanError(
            f"Graphviz 'dot' took longer than {DOT_TIMEOUT:g} s",
            "draw a smaller selection (one goal or one curriculum), or use --format dot",
        ) from None
    except OSError as exc:
        raise MissingToolError(f"Graphviz 'dot' could not be run: {exc}", INSTALL_HINT) from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StudyplanError(
            f"Graphviz 'dot' failed: {detail[0] if detail else f'exit {proc.returncode}'}",
            "this is a bug in studyplan's DOT output: please report it (--format dot shows it)",
        )
    return proc.stdout.decode("utf-8")


def inline_svg(svg: str, min_scale: float = 0.75) -> str:
    """Graphviz's SVG document reduced to the ``<svg>`` element, to embed in HTML.

    The page shrinks a wide graph to its column, but never below ``min_scale`` of its
    natural size (the text would become unreadable): past that it scrolls sideways.
    """
    import re

    start = svg.find("<svg")
    element = svg[start:].strip() if start >= 0 else svg
    width = re.match(r'<svg width="([0-9.]+)pt"', element)
    if width:
        floor = float(width.group(1)) * min_scale
        element = element.replace("<svg ", f'<svg style="min-width:{floor:.0f}pt" ', 1)
    return element
