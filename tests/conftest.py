"""Shared fixtures and the test-run policy.

- Every test runs with its own studyplan home in ``tmp_path`` (autouse ``isolated_home``).
- Hypothesis profiles: ``dev`` (few examples, the default) and ``ci`` (thorough), chosen by
  ``HYPOTHESIS_PROFILE``; ``.ci/run`` sets ``ci``. Tests never set ``max_examples`` themselves.
- Tests marked ``slow`` (subprocesses, external tools, concurrency) run under CI
  (``CI=true``) or with ``--run-slow``; a plain local ``pytest`` skips them and says so.
- The run uses every core (pytest-xdist, ``addopts`` in pyproject.toml): each worker is a
  process of its own, with its own session fixtures (one PostgreSQL cluster each).
- Speed: temporary files on a tmpfs, bytecode kept outside the checkout, and the Typer
  app's Click command built once per process (``helpers.build_commands_once``).
"""

from __future__ import annotations

import os
import sys
import tempfile

# -- Where the run's files go: set before anything else is imported -----------------------


def _temporary_files_in_memory(folder: str = "/dev/shm", need: int = 4 << 30) -> None:
    """Temporary files (every ``tmp_path``, the PostgreSQL cluster, the subprocesses'
    ``TMPDIR``) on a tmpfs when there is one with room and ``TMPDIR`` is not set: the
    stores fsync every write, and on a busy disk those waits were two thirds of the
    suite's time. No test depends on surviving a power cut; set ``TMPDIR`` to opt out."""
    if os.environ.get("TMPDIR") or not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        return
    stat = os.statvfs(folder)
    if stat.f_bavail * stat.f_frsize < need:
        return
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder


def _bytecode_outside_the_checkout() -> None:
    """With ``PYTHONDONTWRITEBYTECODE`` set (as on the machine these were measured on) every
    ``studyplan`` subprocess compiled the whole package from source again: 0.6 s of CPU
    each. Bytecode goes to a cache folder of its own instead (``PYTHONPYCACHEPREFIX``),
    so the checkout stays free of ``__pycache__`` as that setting wants; the workers and
    every subprocess inherit it. An explicit ``PYTHONPYCACHEPREFIX`` is left alone."""
    if not sys.dont_write_bytecode or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    prefix = os.path.join(tempfile.gettempdir(), f"studyplan-tests-pycache-{os.getuid()}")
    try:
        os.makedirs(prefix, mode=0o700, exist_ok=True)
        if os.stat(prefix).st_uid != os.getuid():
            return
    except OSError:
        return
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    sys.dont_write_bytecode = False
    sys.pycache_prefix = prefix


_temporary_files_in_memory()
_bytecode_outside_the_checkout()

# The rest is imported once the two settings above are in place.
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from helpers import FIXTURE_DATA, ROOT, Cli, build_commands_once  # noqa: E402

if TYPE_CHECKING:
    from helpers.pg import PgServer


settings.register_profile(
    "dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

build_commands_once()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow")


def run_slow(config: pytest.Config) -> bool:
    return bool(config.getoption("--run-slow")) or os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if run_slow(config):
        if os.environ.get("PYTEST_XDIST_WORKER"):
            # Handed out in this order: the long tests first, so that no worker is still
            # on one of them when the other has run out of tests (each worker sorts the
            # same collection the same way, as xdist requires).
            items.sort(key=lambda item: "slow" not in item.keywords)
        return
    skip = pytest.mark.skip(reason="slow: runs under CI=true or with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh STUDYPLAN_HOME per test; the small fixture curricula stand in for the
    built-in ones unless a test asks for the real ones (``real_builtin``)."""
    home = tmp_path / "home"
    monkeypatch.setenv("STUDYPLAN_HOME", str(home))
    monkeypatch.setenv("STUDYPLAN_BUILTIN_DIR", str(FIXTURE_DATA))
    for var in ("STUDYPLAN_DB", "STUDYPLAN_CURRICULA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return home


@pytest.fixture
def real_builtin(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the repository's real curricula and references.bib."""
    monkeypatch.delenv("STUDYPLAN_BUILTIN_DIR", raising=False)
    return ROOT


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def write_curriculum(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a YAML file into a user curricula directory and return the directory."""
    folder = tmp_path / "user-curricula"

    def write(name: str, text: str) -> Path:
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


# -- PostgreSQL: a throw-away cluster, and the fixture that runs a test on both backends ---

PG_MISSING = (
    "needs a PostgreSQL server binary (initdb, pg_ctl) to start a throw-away cluster: "
    "apt-get install postgresql, or set PG_BIN"
)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throw-away cluster for the whole run (helpers/pg.py), stopped at the end. No
    server binary: skipped locally, a failure under CI=true (CI must run these)."""
    from helpers.pg import start_server

    try:
        import psycopg  # noqa: F401  (the driver the PostgreSQL backend uses)
    except ImportError:
        missing = "needs psycopg 3, the PostgreSQL driver: pip install '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the PostgreSQL tests {missing}")
        pytest.skip(missing)
    server = start_server()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the PostgreSQL tests {PG_MISSING}")
        pytest.skip(PG_MISSING)
    os.environ["PGPASSFILE"] = str(server.passfile)  # libpq finds the roles' passwords
    try:
        yield server
    finally:
        server.destroy()


@dataclass
class Backend:
    """Where a test's database is: a SQLite file or a fresh PostgreSQL database. A learner
    is a role on PostgreSQL and ``$STUDYPLAN_LEARNER`` on SQLite (one file, no roles)."""

    name: str
    tmp: Path
    server: PgServer | None = None
    database: str | None = None

    @property
    def pg(self) -> bool:
        return self.name == "postgresql"

    def target(self, learner: str | None = None) -> Path | str:
        if self.server is not None and self.database is not None:
            return self.server.url(learner or "postgres", self.database)
        return self.tmp / "progress.db"

    def db_arg(self, learner: str | None = None) -> str:
        return str(self.target(learner))

    def env(self, learner: str | None = None) -> dict[str, str]:
        """Environment for a CLI run as ``learner``."""
        env = dict(os.environ)
        if learner and not self.pg:
            env["STUDYPLAN_LEARNER"] = learner
        return env


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """The same test on a SQLite file and on a fresh database of the throw-away cluster."""
    if request.param == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        return Backend("postgresql", tmp_path, server, server.new_database())
    return Backend("sqlite", tmp_path)
