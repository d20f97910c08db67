"""On a real terminal (a pseudo-terminal): colour that carries meaning, a hanging indent,
and nothing of either when piped or with NO_COLOR."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from test_visual_terminal import run_in_terminal

from helpers.tools import mark

GREEN, AMBER, RED, BOLD, DIM = "\x1b[32m", "\x1b[38;5;214m", "\x1b[31m", "\x1b[1m", "\x1b[2m"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "100", **extra}


@pytest.mark.slow
def test_status_colours_done_green_in_progress_amber_behind_red() -> None:
    from helpers import Cli

    Cli()("plan", "mini.ib", "-H", "5", "--start", "2020-01-06", "--save", "late")
    mark("done", "mini.probability")
    mark("started", "mini.entropy")
    screen = run_in_terminal(["status"], terminal_env())
    bars = [line for line in screen.splitlines() if "█" in line]
    assert bars
    for line in bars:
        assert GREEN + "█" in line and AMBER + "▒" in line and DIM + "░" in line, repr(line)
    assert RED + "32 h behind" in screen or re.search(r"\x1b\[31m[\d.]+ h behind", screen)
    assert AMBER + "started" in screen and GREEN + "done" in screen
    assert BOLD + "Curricula" in screen
    plain = run_in_terminal(["status"], terminal_env(NO_COLOR="1"))
    assert not re.search(r"\x1b\[(?:3\d|38;5;\d+)m", plain)  # no colour at all
    assert BOLD + "Curricula" in plain  # emphasis stays, as with rich
    assert SGR.sub("", plain) == SGR.sub("", screen)  # the same words and glyphs
    piped = subprocess.run(
        [sys.executable, "-m", "studyplan", "status"],
        capture_output=True,
        text=True,
        env=terminal_env(),
        timeout=60,
        check=True,
    )
    assert "\x1b" not in piped.stdout and "▒" in piped.stdout


@pytest.mark.slow
def test_plan_titles_bold_why_dim_and_a_hanging_indent() -> None:
    screen = run_in_terminal(["plan", "mini.ib", "-H", "5"], terminal_env(COLUMNS="40"))
    lines = screen.replace("\r\n", "\n").splitlines()
    assert any(line.startswith(BOLD + "1. wk 1–2  Probability") for line in lines), lines
    why = [i for i, line in enumerate(lines) if line.startswith(DIM + "   why   ")]
    assert why
    texts = [SGR.sub("", line) for line in lines]
    assert all(len(t) <= 40 for t in texts), texts
    # A long why-line continues under its text ("   why   " is 9 columns), not at column 0.
    continued = 0
    for i in why:
        for text in texts[i + 1 :]:
            if not text.startswith(" " * 9):
                break
            assert text[9] != " ", text
            continued += 1
    assert continued >= len(why)
    assert BOLD + "           [mini.probability]  10 h" in screen  # a title continues bold
    # Piped, the same plan is one line per field and no escape codes.
    piped = subprocess.run(
        [sys.executable, "-m", "studyplan", "plan", "mini.ib", "-H", "5"],
        capture_output=True,
        text=True,
        env=terminal_env(COLUMNS="40"),
        timeout=60,
        check=True,
    ).stdout
    assert "\x1b" not in piped
    assert max(len(line) for line in piped.splitlines()) > 40
