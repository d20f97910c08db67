"""The command-line interface: thin commands that parse, call the domain, and render."""

from studyplan.cli.app import app, main

__all__ = ["app", "main"]
