"""Titles with quotes, <, &, entities, backslashes, '#', markup brackets and Chinese come
out exactly as written in every format: DOT (as Graphviz draws it), SVG, Mermaid (as
Mermaid draws it), HTML (as Chromium reads it), ICS (as icalendar reads it), JSON and the
terminal. The curricula are tests/fixtures/escaping."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from icalendar import Calendar

from helpers import FIXTURES, Cli
from helpers.tools import dump_dom, mermaid_js, mermaid_page, need, parse_html
from studyplan.views.model import wrap

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

TITLES = {
    "esc.quotes": ('The "quoted" topic', '带"引号"的主题'),
    "esc.angle": ("Inequalities a < b && c > d", "不等式 <与> 运算"),
    "esc.amp": (
        r"R&D; &lt;not an entity&gt; \N back\slash #1 [bold]x[/bold]",
        "研究与开发 & 测试：信息瓶颈",
    ),
}
CURRICULUM = 'Escaping "all" <the> & things · 转义「测试」'
REASON = 'Uses "quotes" & <tags></script> # not a comment'
WHERE = 'Ch. 1 "Intro" & §2 <draft>'
URL = "https://example.org/read?a=1&b=2"


@pytest.fixture(autouse=True)
def escaping_curricula(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYPLAN_BUILTIN_DIR", str(FIXTURES / "escaping"))


def test_dot_and_svg_as_graphviz_draws_them(cli: Cli, tmp_path: Path) -> None:
    need("dot")
    out = tmp_path / "esc.svg"
    result = cli("graph", "esc.amp", "--format", "svg", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    svg = ET.parse(out).getroot()  # well-formed XML, whatever the titles held
    nodes = {
        g.findtext(f"{SVG}title"): [t.text for t in g.iter(f"{SVG}text")]
        for g in svg.iter(f"{SVG}g")
        if g.get("class") == "node"
    }
    hours = {"esc.quotes": "2 h", "esc.angle": "3 h", "esc.amp": "4 h · goal"}
    assert nodes == {
        tid: [*wrap(title), *wrap(zh), hours[tid]] for tid, (title, zh) in TITLES.items()
    }
    cluster = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "cluster")
    assert next(cluster.iter(f"{SVG}text")).text == CURRICULUM
    tips = [a.get(f"{XLINK}title") for a in svg.iter(f"{SVG}a")]
    assert f"{TITLES['esc.quotes'][0]} → {TITLES['esc.angle'][0]}: {REASON}" in tips


def test_mermaid_labels_decode_to_the_titles(cli: Cli) -> None:
    source = cli("graph", "esc.amp", "--format", "mermaid").stdout
    # Structure: every label is one quoted string with nothing Mermaid would parse.
    labels = re.findall(r'\["(.*)"\]$', source, flags=re.M)
    assert len(labels) == 4  # the curriculum and three topics
    for label in labels:
        assert not set(label.replace("<br/>", "")) & set('"<>&`'), label

    # Mermaid's own decoding, one pass: #35; -> &#35;, #quot; -> &quot;; then HTML's.
    def entity(m: re.Match[str]) -> str:
        return f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};"

    decoded = [html.unescape(re.sub(r"#(\w+);", entity, label)) for label in labels]
    assert decoded[3] == f"{TITLES['esc.amp'][0]}<br/>{TITLES['esc.amp'][1]} · 4 h · goal"


@pytest.mark.slow
def test_mermaid_in_chromium_draws_every_title(cli: Cli, tmp_path: Path) -> None:
    """Mermaid itself, in Chromium, on the same diagram."""
    source = cli("graph", "esc.amp", "--format", "mermaid").stdout
    page = tmp_path / "mermaid.html"
    page.write_text(mermaid_page(source, mermaid_js()), encoding="utf-8")
    dom_text = dump_dom(
        tmp_path, page, "--allow-file-access-from-files", "--virtual-time-budget=15000"
    )
    dom = parse_html(dom_text)
    body = next(attrs for tag, attrs in dom.tags if tag == "body")
    assert body.get("data-done") == "yes", body.get("data-error")
    for title, zh in TITLES.values():
        assert title in dom.texts, title
        assert any(t.startswith(zh + " · ") for t in dom.texts), zh
    assert CURRICULUM in dom.texts
    assert TITLES["esc.amp"][0] in dom.texts  # the diagram's title, from the front matter


@pytest.mark.slow
def test_html_report_as_chromium_reads_it(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "esc.html"
    result = cli("report", "esc.amp", "-H", "3", "--start", "2027-01-04", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    for source in (page.read_text(encoding="utf-8"), dump_dom(tmp_path, page)):
        dom = parse_html(source)
        tags = [tag for tag, _ in dom.tags]
        assert "script" not in tags  # the reason's '</script>' stayed text
        for title, zh in TITLES.values():
            assert title in dom.texts and zh in dom.texts
        assert f"Study plan: {TITLES['esc.amp'][0]}" in dom.texts
        assert WHERE in dom.texts
        # The why-chains' reasons, and (in the graph) every edge's reason as its tooltip.
        assert 'Needs a < b & "c" — 需要不等式' in dom.texts
        assert 'Quotes: "" and \\ backslash' in dom.texts
        tips = [attrs.get("xlink:title") for tag, attrs in dom.tags if tag == "a"]
        assert "svg" not in tags or any(tip and tip.endswith(REASON) for tip in tips)
        hrefs = [attrs.get("href") for tag, attrs in dom.tags if tag == "a"]
        assert URL in hrefs
        if "svg" in tags:  # Graphviz's labels inside the inline SVG
            assert "Inequalities a < b && c > d" in dom.texts


def test_ics_as_icalendar_reads_it(cli: Cli, tmp_path: Path) -> None:
    assert (
        cli(
            "plan", "esc.amp", "-H", "3", "--start", "2027-01-04", "--save", '转义 "plan"'
        ).exit_code
        == 0
    )
    out = tmp_path / "esc.ics"
    result = cli("calendar", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    cal = Calendar.from_ical(out.read_bytes())
    assert str(cal["X-WR-CALNAME"]) == 'studyplan: 转义 "plan"'
    found = cal.walk("VEVENT")
    hours = {"esc.quotes": 2, "esc.angle": 3, "esc.amp": 4}
    assert [str(e["SUMMARY"]) for e in found] == [
        f"{TITLES[t][0]} · {TITLES[t][1]} ({hours[t]} h)"
        for t in ("esc.quotes", "esc.angle", "esc.amp")
    ]
    description = str(found[0]["DESCRIPTION"])
    assert f"— {WHERE} [free]" in description and URL in description
    assert str(found[0]["URL"]) == URL


def test_json_and_terminal(cli: Cli) -> None:
    data = cli.json("graph", "esc.amp")
    assert {n["id"]: (n["title"], n["title_zh"]) for n in data["nodes"]} == TITLES
    assert data["clusters"][0]["title"] == 'Escaping "all" <the> & things'
    assert REASON in [e["reason"] for e in data["edges"]]
    shown = cli("show", "esc.amp", "--tree")
    assert shown.exit_code == 0
    # Rich markup in a title is printed, not interpreted.
    assert f"· esc.amp {TITLES['esc.amp'][0]}" in shown.stdout
    assert f"└── · esc.quotes {TITLES['esc.quotes'][0]} (see above)" in shown.stdout
