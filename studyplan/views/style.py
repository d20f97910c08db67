"""The report's stylesheet, inlined into the page (no external files, fonts or CDNs).

System font stacks only (with the common CJK faces named so Chinese titles use a real
CJK font where one is installed); laptop-width layout; a print stylesheet that drops
shadows and navigation, keeps steps whole on a page and prints link targets.
"""

from __future__ import annotations

from studyplan.views.model import GOAL_BORDER, PALETTE

_STATUS_CSS = "\n".join(
    f".st-{name} {{ --st-fill: {s.fill}; --st-border: {s.border}; --st-text: {s.text}; }}"
    for name, s in PALETTE.items()
)

CSS = (
    """
:root {
  --ink: #1f2a30; --muted: #5f6d75; --line: #dde3e6; --paper: #ffffff; --bg: #f3f5f6;
  --accent: #2f5d8a; --goal: """
    + GOAL_BORDER
    + """;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
"""
    + _STATUS_CSS
    + """
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; font: 15px/1.5 var(--sans); color: var(--ink); }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; background: var(--paper);
  min-height: 100vh; box-shadow: 0 0 0 1px var(--line); }
a { color: var(--accent); }
h1 { font-size: 26px; line-height: 1.25; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0; }
code, .id { font-family: var(--mono); font-size: 12.5px; color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 18px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 18px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card b { display: block; font-size: 22px; line-height: 1.2; white-space: nowrap; }
.card span { color: var(--muted); font-size: 13px; }
.note { border-left: 4px solid var(--accent); background: #eef3f8; padding: 8px 14px; margin: 12px 0; border-radius: 0 6px 6px 0; }
.note.warn { border-color: #b26a00; background: #fff6e0; }
.bar { height: 12px; border-radius: 6px; background: #e6eaec; overflow: hidden; margin: 6px 0 4px; }
.bar > i { display: block; height: 100%; background: #43a047; }
nav.toc { font-size: 14px; margin: 8px 0 0; }
nav.toc a { margin-right: 14px; }
figure.graph { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px;
  overflow: auto; max-height: 85vh; background: #fff; }
figure.graph svg { display: block; margin: 0 auto; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 8px 14px; font-size: 13px; margin: 10px 0 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { width: 16px; height: 12px; border-radius: 3px; border: 1.5px solid var(--st-border); background: var(--st-fill); }
.swatch.dashed { border-style: dashed; }
.swatch.goal { border: 3px double var(--goal); background: #fff; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
.zh { color: var(--muted); }
.badge { display: inline-block; font-size: 12px; line-height: 1.4; padding: 0 8px; border-radius: 10px;
  border: 1px solid var(--st-border); background: var(--st-fill); color: var(--st-text); white-space: nowrap; }
.badge.goal { border-color: var(--goal); background: #f3e5f5; color: var(--goal); }
ol.steps { list-style: none; padding: 0; margin: 0; }
.step { border: 1px solid var(--line); border-left: 6px solid var(--st-border); border-radius: 8px;
  padding: 12px 16px; margin: 0 0 14px; break-inside: avoid; page-break-inside: avoid; }
.step.is-goal { box-shadow: inset 0 0 0 1px var(--goal); }
.step header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.step header .n { font-weight: 700; color: var(--muted); min-width: 2ch; }
.step header .meta { margin-left: auto; color: var(--muted); font-size: 13px; white-space: nowrap; }
.step .summary { margin: 6px 0 8px; }
.step h4 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 10px 0 4px; }
ul.readings, ol.why { margin: 0; padding-left: 20px; }
ul.readings li { margin: 2px 0; }
.where { font-weight: 600; }
.tag { font-size: 12px; color: var(--muted); }
ol.why { list-style: none; padding-left: 0; }
ol.why li { margin: 2px 0; padding-left: 18px; position: relative; }
ol.why li::before { content: "↑"; position: absolute; left: 2px; color: var(--muted); }
ol.why .reason { color: var(--muted); }
.chain { font-size: 14px; }
ul.done { columns: 2; column-gap: 28px; padding-left: 18px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media (max-width: 720px) {
  main { padding: 16px; }
  .step header .meta { margin-left: 0; }
  ul.done { columns: 1; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html, body { background: #fff; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; box-shadow: none; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  #graph, #steps { break-before: page; page-break-before: always; }
  .cards { grid-template-columns: repeat(5, 1fr); gap: 8px; }
  .card { padding: 6px 10px; }
  .card b { font-size: 12.5pt; }
  table { font-size: 9pt; }
  th, td { padding: 3px 6px; }
  .step { padding: 8px 12px; margin-bottom: 10px; }
  figure.graph { overflow: visible; max-height: none; border: none; padding: 0; break-inside: avoid; }
  figure.graph svg { min-width: 0 !important; max-height: 245mm; width: auto; max-width: 100%; }
  .step, tr, .card { break-inside: avoid; page-break-inside: avoid; }
  ul.readings a[href]::after { content: " <" attr(href) ">"; font-size: 8.5pt; color: var(--muted); word-break: break-all; }
  thead { display: table-header-group; }
}
"""
)
