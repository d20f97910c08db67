"""Shell completion of what the user names: topic ids, goals, plans, citation keys and
curricula (commands and options are completed by Typer itself).

``studyplan --install-completion`` installs it for bash, zsh, fish or PowerShell; the
shell then runs studyplan with ``_STUDYPLAN_COMPLETE`` set on every Tab. Each answer
reads the cached catalog and the progress store only: it never validates curricula (a
cold cache completes no topics until the next ordinary command has rebuilt it), never
writes, and never fails — any problem is an empty answer, not an error in the shell.

Which parameter completes what is decided in one place, ``kind_of``, from the names the
commands already use (``TOPIC``, ``GOAL``, ``NAME``, ``KEY``, ``--plan``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Argument metavars and option names -> what they name.
_ARGUMENTS = {"TOPIC": "topic", "GOAL": "goal", "NAME": "plan", "KEY": "key"}
_OPTIONS = {"--topic": "topic", "--goal": "goal", "--plan": "plan", "--curriculum": "curriculum"}
LIMIT = 200  # more than a screen of candidates helps nobody


def kind_of(param: Any, argument_name: str | None = None) -> str | None:
    """ "topic", "goal", "plan", "key", "curriculum" or None for a parameter."""
    if argument_name is not None:
        return _ARGUMENTS.get(argument_name)
    return next((_OPTIONS[o] for o in getattr(param, "opts", ()) if o in _OPTIONS), None)


def _state(ctx: Any) -> Any:
    from studyplan.cli.state import State

    root = ctx.find_root()
    params = root.params or {}
    return State(curricula_dirs=list(params.get("curricula") or []), db=params.get("db"))


def candidates(kind: str, ctx: Any) -> list[tuple[str, str]]:
    """Every (value, description) of that kind, in the catalog's order."""
    st = _state(ctx)
    try:
        if kind == "plan":
            return _plans(st.store())
        catalog = st.cached_catalog()
        if catalog is None:
            return []
        curricula = [(c.id, c.title) for c in catalog.curricula.values()]
        if kind == "curriculum":
            return curricula
        if kind == "key":
            return [(key, ref.title) for key, ref in catalog.references.items()]
        titles = catalog.topics.titles()
        topics = list(zip(catalog.topics.ids(), titles, strict=True))
        return topics + curricula if kind == "goal" else topics
    finally:
        if st._store is not None:
            st._store.close()


def _plans(store: Any) -> list[tuple[str, str]]:
    """Saved plans with their goals; only the names when a stored plan cannot be read."""
    from studyplan.errors import StudyplanError

    try:
        return [(name, " ".join(saved.goals)) for name, _, saved in store.list_plans()]
    except StudyplanError:
        return [(name, "") for name in store.plan_names()]


def matches(found: Iterable[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Those starting with ``incomplete``; if none do, those containing it (so that
    ``entropy`` finds ``infotheory.entropy``)."""
    items = list(found)
    prefix = [item for item in items if item[0].startswith(incomplete)]
    if prefix or not incomplete:
        return prefix[:LIMIT]
    needle = incomplete.casefold()
    return [item for item in items if needle in item[0].casefold()][:LIMIT]


def complete(kind: str, ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """The completions of ``incomplete`` for a parameter of that kind; [] on any problem."""
    try:
        return matches(candidates(kind, ctx), incomplete)
    except Exception:  # completion must never print an error into the user's shell
        return []
