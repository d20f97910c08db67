"""The layers hold at run time too: an everyday command loads none of the heavy or I/O
libraries it does not need (the import contracts in pyproject.toml hold the code to its
layers; this holds the start-up path to its budget)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURE_DATA, ROOT

HEAVY = (
    "sqlmodel",
    "sqlalchemy",
    "rich",
    "yaml",
    "ryml",
    "rustworkx",
    "numpy",
    "bibtexparser",
    # OR-Tools (~0.3-0.5 s to import, with pandas) only for plan --books.
    "ortools",
    "pandas",
    "fsrs",
    "genanki",
    "psycopg",
)
# The everyday commands run through the fast dispatcher (studyplan.cli.fast), which
# needs neither the CLI framework nor the pydantic that Typer's coercion imports.
FRAMEWORK = ("pydantic", "typer", "click")

PROBE = """
import json, os, sys
from studyplan.cli import main
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["studyplan", *args]

def report():
    print("LOADED=" + json.dumps(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)

exit_now = os._exit  # the fast dispatcher ends the process with it (fast.finish)
os._exit = lambda code: (report(), sys.stderr.flush(), exit_now(code))
try:
    main()
except SystemExit:
    pass
report()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        [],
        ["next"],
        ["status"],
        ["done", "mini.entropy"],
        ["show", "mini.entropy"],
        ["start", "mini.kl", "--json"],
        ["plan", "mini.ib", "-H", "6"],
        ["--help"],
        ["read", "mini.entropy", "mackay2003information"],
        ["know", "mini.kl"],
    ],
    ids=lambda a: " ".join(a) or "(bare)",
)
def test_everyday_commands_load_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    env = {
        **os.environ,
        "STUDYPLAN_HOME": str(tmp_path),
        "STUDYPLAN_BUILTIN_DIR": str(FIXTURE_DATA),
    }
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    warm = [sys.executable, "-c", PROBE, json.dumps(["topics"]), json.dumps(HEAVY)]
    subprocess.run(warm, env=env, capture_output=True, check=True, timeout=120)  # builds the cache
    # Bare studyplan and --help go through Typer: they may load the framework, never a
    # heavy library.
    typer_path = args in ([], ["--help"])
    heavy = HEAVY if typer_path else HEAVY + FRAMEWORK
    probe = [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(heavy)]
    result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=120)
    loaded = [line for line in result.stderr.splitlines() if line.startswith("LOADED=")]
    assert loaded, result.stderr
    assert json.loads(loaded[-1].removeprefix("LOADED=")) == [], (args, result.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("args", [["status"], ["done", "mini.entropy"], ["next"]], ids=" ".join)
def test_everyday_commands_on_postgresql_load_psycopg_only(
    tmp_path: Path, args: list[str], pg_server: Any
) -> None:
    """On PostgreSQL the hot path is psycopg with the same SQL: no SQLAlchemy, no SQLModel."""
    db = pg_server.new_database("layers")
    env = {
        **os.environ,
        "STUDYPLAN_HOME": str(tmp_path),
        "STUDYPLAN_BUILTIN_DIR": str(FIXTURE_DATA),
        "STUDYPLAN_DB": pg_server.url("postgres", db),
    }
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    warm = [sys.executable, "-c", PROBE, json.dumps(["done", "mini.kl"]), json.dumps(HEAVY)]
    subprocess.run(warm, env=env, capture_output=True, check=True, timeout=120)
    probe = [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)]
    result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=120)
    loaded = [line for line in result.stderr.splitlines() if line.startswith("LOADED=")]
    assert loaded, result.stderr
    assert json.loads(loaded[-1].removeprefix("LOADED=")) == ["psycopg"], (args, result.stderr)


# What the everyday commands on SQLite must not load: the modules of commands they are
# not, the PostgreSQL lab, and the stdlib modules whose import alone costs a large part
# of a start (benchmarks/bench_everyday.py). No dataclass is built on this path: their
# classes are named tuples or plain slotted classes.
NOT_ON_THE_SQLITE_PATH = (
    "dataclasses",
    "inspect",
    "hashlib",
    "shutil",
    "studyplan.adapters.store.pg",
    "studyplan.adapters.store.pg_schema",
    "studyplan.adapters.bibliography",
    "studyplan.adapters.bibtex",
    "studyplan.domain.saved_plan",
    "studyplan.domain.planner",
    "studyplan.domain.pace",
    "studyplan.adapters.store.types",
    "json",
    "getpass",
)

EXIT_PROBE = """
import atexit, os, sys
unwanted = os.environ["NOT_LOADED"].split(",")  # no json here: it is on the list
sys.argv = ["studyplan", *sys.argv[1:]]
exit_now = os._exit

def finish(code):
    loaded = sorted(m for m in unwanted if m in sys.modules)
    sys.stderr.write(f"EXIT={[code, loaded, atexit._ncallbacks()]!r}\\n")
    sys.stderr.flush()
    exit_now(code)

os._exit = finish
from studyplan.cli import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["next"], 0),
        (["status"], 0),
        (["done", "mini.entropy"], 0),
        (["show", "mini.entropy"], 0),
        (["know", "mini.kl"], 0),
        (["show", "mini.nope"], 4),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else str(a),
)
def test_everyday_commands_on_sqlite_skip_the_lab_and_the_teardown(
    tmp_path: Path, args: list[str], code: int
) -> None:
    """Run as the console script does, without the site hook (``python -S``, as the
    benchmark does): the command ends through ``fast.finish`` with its exit code, with
    nothing registered for ``atexit`` (which ``os._exit`` would skip) and none of
    ``NOT_ON_THE_SQLITE_PATH`` loaded."""
    result, outcome = _exit_probe(tmp_path, args, NOT_ON_THE_SQLITE_PATH)
    assert outcome == [code, [], 0], result.stderr
    assert result.returncode == code


# A warm text ``plan`` builds its plan from plain slotted classes too (domain/record.py):
# no dataclass, so none of ``inspect`` and what it imports (~7 ms of the warm 100k plan).
NOT_ON_THE_PLAN_PATH = (
    "dataclasses",
    "inspect",
    "ast",
    "dis",
    "tokenize",
    "json",
    "hashlib",
    "shutil",
    "getpass",
    "studyplan.adapters.store.pg",
    "studyplan.adapters.bibliography",
    "studyplan.adapters.bibtex",
    "studyplan.domain.saved_plan",
    "studyplan.adapters.store.types",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["plan", "mini.ib"],
        ["plan", "mini.ib", "-H", "6"],
        ["plan", "mini.ib", "--all"],
        ["plan", "mini.ib", "--books"],
    ],
    ids=" ".join,
)
def test_a_warm_plan_builds_no_dataclass(tmp_path: Path, args: list[str]) -> None:
    result, outcome = _exit_probe(tmp_path, args, NOT_ON_THE_PLAN_PATH)
    assert outcome == [0, [], 0], result.stderr
    assert "information bottleneck" in result.stdout.lower()


@pytest.mark.slow
def test_plan_books_on_the_whole_builtin_set_loads_no_solver(tmp_path: Path) -> None:
    # Every part of the built-in set's choice is small enough to try whole (books.py's
    # EXHAUSTIVE_MAX): OR-Tools' library (~60 ms to load) is left alone.
    import yaml

    files = sorted((ROOT / "curricula").glob("*.yaml"))
    goals = [yaml.safe_load(path.read_text("utf-8"))["id"] for path in files]
    args = ["plan", *goals, "--books"]
    result, outcome = _exit_probe(tmp_path, args, ("ortools",), builtin=ROOT, warm=args)
    assert outcome == [0, [], 0], result.stderr
    assert "works" in result.stdout


def _exit_probe(
    tmp_path: Path,
    args: list[str],
    unwanted: tuple[str, ...],
    builtin: Path = FIXTURE_DATA,
    warm: tuple[str, ...] | list[str] = ("done", "mini.probability"),
) -> tuple[subprocess.CompletedProcess[str], Any]:
    """``EXIT_PROBE`` of ``args`` on the curricula in ``builtin`` once the cache and the
    database are there (after a run of ``warm``): the run and its [exit code, the
    ``unwanted`` modules it loaded, its ``atexit`` hooks]."""
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {
        **os.environ,
        "STUDYPLAN_HOME": str(tmp_path),
        "STUDYPLAN_BUILTIN_DIR": str(builtin),
        "PYTHONPATH": os.pathsep.join([str(ROOT), *site]),
    }
    env.pop("STUDYPLAN_DB", None)
    env["NOT_LOADED"] = ",".join(unwanted)
    warm = [sys.executable, "-S", "-c", EXIT_PROBE, *warm]
    subprocess.run(warm, env=env, capture_output=True, check=True, timeout=120)  # cache, db
    probe = [sys.executable, "-S", "-c", EXIT_PROBE, *args]
    result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=120)
    exits = [line for line in result.stderr.splitlines() if line.startswith("EXIT=")]
    assert exits, result.stderr
    return result, ast.literal_eval(exits[-1].removeprefix("EXIT="))
