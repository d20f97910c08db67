"""The terminal: show --tree with statuses; colour on a terminal, plain text otherwise."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time

import pytest

from helpers import Cli
from helpers.tools import mark

ANSI = "\x1b["
# An SGR sequence that sets a foreground or background colour.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def test_tree_shows_statuses(cli: Cli) -> None:
    mark("done", "mini.probability")
    mark("started", "mini.entropy")
    mark("known", "mini.kl")
    text = cli("show", "mini.ib", "--tree").stdout
    tree = text[text.index("· mini.ib Information bottleneck") :].splitlines()
    # Each line starts with the status mark and the topic (render may add words after).
    expected = [
        "· mini.ib Information bottleneck",
        "└── · mini.mutual-information Mutual information",
        "    ├── ✔ mini.kl Relative entropy",
        "    │   └── ▶ mini.entropy Entropy",
        "    │       └── ✔ mini.probability Probability",
        "    └── ▶ mini.entropy Entropy",
    ]
    assert len(tree) == len(expected)
    for line, start in zip(tree, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert ANSI not in text  # NO_COLOR is set by the test fixture
    data = cli.json("show", "mini.ib", "--tree")["tree"]
    kl = data["prerequisites"][0]["prerequisites"][0]
    assert (kl["id"], kl["status"]) == ("mini.kl", "known")
    assert kl["prerequisites"][0]["status"] == "started"


def run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run studyplan with its stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "studyplan", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_colour_only_on_a_terminal_without_no_color() -> None:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    base.update(TERM="xterm-256color", COLUMNS="120")
    mark("done", "mini.probability")
    coloured = run_in_terminal(["show", "mini.kl", "--tree"], base)
    assert COLOUR.search(coloured) and "mini.probability" in coloured
    plain = run_in_terminal(["show", "mini.kl", "--tree"], {**base, "NO_COLOR": "1"})
    assert "✔ mini.probability Probability" in plain
    assert not COLOUR.search(plain)  # NO_COLOR: no colour (bold and dim may stay)
    piped = subprocess.run(
        [sys.executable, "-m", "studyplan", "show", "mini.kl", "--tree"],
        capture_output=True,
        text=True,
        env=base,
        timeout=60,
        check=True,
    )
    assert ANSI not in piped.stdout and "✔ mini.probability Probability" in piped.stdout
