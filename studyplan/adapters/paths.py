"""Where studyplan keeps its files.

``$STUDYPLAN_HOME`` first, else the platform's per-user data directory. The progress
database is ``--db`` / ``$STUDYPLAN_DB`` / ``<home>/progress.db``; derived caches live in
``<home>/cache`` and can be deleted at any time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "studyplan"


def home_dir() -> Path:
    """The directory for the user's studyplan data (not created here)."""
    env = os.environ.get("STUDYPLAN_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def db_path(explicit: str | Path | None = None) -> Path:
    """The progress database: ``--db``, else ``$STUDYPLAN_DB``, else ``<home>/progress.db``."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("STUDYPLAN_DB")
    if env:
        return Path(env).expanduser()
    return home_dir() / "progress.db"


def is_url(value: str) -> bool:
    """True for ``scheme://...`` (a database URL); anything else is a file path. Here,
    not in the PostgreSQL adapter, so that a SQLite run never imports that adapter."""
    head, sep, _ = value.partition("://")
    return bool(sep) and head.replace("+", "").replace("-", "").isalnum()


def db_target(explicit: str | None = None) -> Path | str:
    """The progress database as ``db_path`` finds it, or a database URL (``--db`` /
    ``$STUDYPLAN_DB`` of the form ``scheme://...``), returned as given. A password in a
    URL on the command line is refused (``InputError``): ``ps`` shows it to everyone."""
    if explicit:
        if is_url(explicit):
            from studyplan.adapters.store.pg import check_url

            return check_url(explicit, from_command_line=True)
        return db_path(explicit)
    env = os.environ.get("STUDYPLAN_DB")
    if env and is_url(env):
        from studyplan.adapters.store.pg import check_url

        return check_url(env, from_command_line=False)
    return db_path(None)


def cache_dir() -> Path:
    """Derived data (the validated-curricula cache); safe to delete."""
    return home_dir() / "cache"


def builtin_data_dir() -> Path:
    """The built-in curricula and references.bib.

    An installed wheel carries them in ``studyplan/_data``; a source checkout (editable
    install, tests) has them at the repository root. ``$STUDYPLAN_BUILTIN_DIR`` (a directory
    holding ``curricula/`` and ``references.bib``) replaces them, for tests and for groups that
    maintain their own set.
    """
    override = os.environ.get("STUDYPLAN_BUILTIN_DIR")
    if override:
        return Path(override).expanduser()
    package = Path(__file__).resolve().parents[1]  # studyplan/
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    return package.parent


def builtin_curricula_dir() -> Path:
    return builtin_data_dir() / "curricula"


def builtin_bibliography() -> Path:
    return builtin_data_dir() / "references.bib"


def user_curricula_dirs(cli_dirs: list[Path] | None = None) -> list[Path]:
    """``--curricula DIR`` (repeatable) plus ``$STUDYPLAN_CURRICULA`` (path-separated)."""
    dirs = [Path(d).expanduser() for d in (cli_dirs or [])]
    env = os.environ.get("STUDYPLAN_CURRICULA", "")
    dirs += [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return dirs
