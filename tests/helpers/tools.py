"""Helpers for the visual tests: real external tools (dot, Chromium, Mermaid's renderer).

A test that needs a tool skips when the tool is missing, except under CI (``CI`` set),
where .ci/run installs every one of them and a missing tool is a failure.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studyplan.adapters import paths
from studyplan.adapters.store import open_store

MERMAID_VERSION = "11.17.2"
CHROMIUM_TIMEOUT = 90


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"'{tool}' is not installed, and CI must run this test (see .ci/run)")
        pytest.skip(f"'{tool}' is not installed")
    return found


def mermaid_js() -> Path:
    """Mermaid's own bundle (``npm pack mermaid``, fetched by .ci/run)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    default = default / "studyplan-tests" / f"mermaid-{MERMAID_VERSION}.min.js"
    path = Path(os.environ.get("STUDYPLAN_MERMAID_JS", default))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Mermaid's bundle is missing at {path} (.ci/run fetches it)")
        pytest.skip(f"Mermaid's bundle is not at {path} (run .ci/run, or set STUDYPLAN_MERMAID_JS)")
    return path


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium with a fresh profile and nothing that reaches the network."""
    exe = need("chromium")
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    argv = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
    ]
    proc = subprocess.run(argv, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    return proc


def dump_dom(tmp_path: Path, page: Path, *extra: str) -> str:
    return chromium(tmp_path, *extra, "--dump-dom", page.resolve().as_uri()).stdout.decode("utf-8")


def screenshot(tmp_path: Path, page: Path, png: Path, width: int = 1366, height: int = 900) -> None:
    chromium(
        tmp_path,
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    )


class Texts(HTMLParser):
    """Every text node of a page (entities decoded), and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data)


def parse_html(text: str) -> Texts:
    parser = Texts()
    parser.feed(text)
    parser.close()
    return parser


def mermaid_page(source: str, bundle: Path) -> str:
    """A page that renders ``source`` with Mermaid and marks <body> when it is done."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<script src="{bundle.resolve().as_uri()}"></script></head><body>'
        f'<pre class="mermaid">{html.escape(source)}</pre>'
        '<script>mermaid.initialize({startOnLoad: false, securityLevel: "strict"});'
        "mermaid.run().then(() => document.body.setAttribute('data-done', 'yes'))"
        ".catch(e => document.body.setAttribute('data-error', String(e)));</script>"
        "</body></html>"
    )


def mark(status: str, *topics: str) -> None:
    store = open_store(paths.db_path(), create=True)
    try:
        store.record(list(topics), status)
    finally:
        store.close()
