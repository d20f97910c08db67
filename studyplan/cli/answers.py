"""Reading answers for the question-and-answer commands (``placement``, ``review``).

Two ways in: on a terminal, rich prompts that ask again after an unknown word; with
``--json``, a line protocol (one JSON object per question on stdout, one answer word per
line on stdin) where an unknown word is a usage error (exit 2) and stdin closing before
the end is ``AbortedError`` (exit 9). Either way nothing is recorded until the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import typer

from studyplan.errors import AbortedError, InputError


class Quit(Exception):
    """The learner chose to leave (``q``/``quit``, or Ctrl-C on a terminal)."""


def send(data: dict[str, Any]) -> None:
    """One protocol line, flushed at once (the other side waits for it)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def read_word(words: Sequence[str], what: str) -> str:
    """One answer line of the JSON protocol: one of ``words`` (case and surrounding
    blanks do not matter)."""
    line = sys.stdin.readline()
    if not line:
        raise AbortedError(
            f"input ended before {what} was finished: nothing recorded",
            f"answer every question with one of: {', '.join(words)}",
        )
    word = line.strip().lower()
    if word not in words:
        raise InputError(
            f"unknown answer '{line.strip()[:40]}' ({what}): nothing recorded",
            f"answer with one of: {', '.join(words)}",
        )
    return word


def on_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def ask_word(prompt: str, words: Sequence[str], what: str) -> str:
    """An answer on a terminal (rich prompt; an unknown word is asked again; a word's
    first letter is enough), or from plain lines when stdin is not a terminal."""
    shortcuts = {w[0]: w for w in words}
    if not on_terminal():
        while True:
            typer.echo(f"{prompt} [{'/'.join(words)}] ", nl=False)
            line = sys.stdin.readline()
            if not line:
                raise AbortedError(f"input ended before {what} was finished: nothing recorded")
            word = line.strip().lower()
            word = shortcuts.get(word, word)
            if word in words:
                return word
            typer.echo(f"  please answer one of: {', '.join(words)}")
    from rich.prompt import Prompt

    from studyplan.cli.output import console

    choices = [*words, *shortcuts]
    try:
        word = Prompt.ask(
            prompt, choices=choices, show_choices=False, console=console(), case_sensitive=False
        )
    except (KeyboardInterrupt, EOFError) as exc:
        raise Quit from exc
    return shortcuts.get(word.lower(), word.lower())
