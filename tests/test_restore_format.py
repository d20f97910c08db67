"""``restore`` accepts only what the commands themselves write (trial bugs 2, 3, 12, 13).

Each case starts from a real backup written by ``studyplan backup`` and breaks one thing
in it; the restore must refuse it with that thing's JSON path, write nothing, and with
``--skip-bad`` restore the rest and name what it left out.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import FIXTURE_DATA, NOT_REGULAR, Cli, not_a_regular_file
from studyplan.errors import EXIT_NOT_FOUND, EXIT_USAGE

Backup = dict[str, Any]


@pytest.fixture(scope="module")
def backup_template(tmp_path_factory: pytest.TempPathFactory) -> Backup:
    """A backup with one of everything: marks, a note, an undo, a plan, library blocks.

    Written once per module by the real commands in a home of its own (it is the slow
    part of every case); each test gets a deep copy."""
    tmp_path = tmp_path_factory.mktemp("backup-template")
    cli = Cli()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STUDYPLAN_HOME", str(tmp_path / "home"))
        env.setenv("STUDYPLAN_BUILTIN_DIR", str(FIXTURE_DATA))
        env.setenv("NO_COLOR", "1")
        for var in ("STUDYPLAN_DB", "STUDYPLAN_CURRICULA"):
            env.delenv(var, raising=False)
        return _written_backup(cli, tmp_path)


@pytest.fixture
def backup(backup_template: Backup) -> Backup:
    return copy.deepcopy(backup_template)


def _written_backup(cli: Cli, tmp_path: Path) -> Backup:
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@string{jr = {J. Res.}}\n\n"
        "@article{mine2020, title={Mine}, author={Doe, Jane}, journal=jr, year={2020}}\n"
    )
    for args in (
        ["done", "mini.entropy", "--minutes", "30", "--note", "ch. 2"],
        ["start", "mini.kl"],
        ["note", "mini.kl", "slow going"],
        ["done", "mini.probability"],
        ["undo"],
        ["plan", "mini.ib", "-H", "5", "--save", "p"],
        ["bib", "import", str(bib)],
    ):
        assert cli(*args).exit_code == 0, args
    data: Backup = json.loads(cli("backup").stdout)
    assert [a["kind"] for a in data["actions"]] == ["mark", "mark", "note", "mark", "undo"]
    return data


def restore(cli: Cli, tmp_path: Path, data: Any, *extra: str) -> Any:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return cli("--db", str(tmp_path / "fresh.db"), "restore", str(path), *extra)


def fresh_is_empty(cli: Cli, tmp_path: Path) -> bool:
    db = tmp_path / "fresh.db"
    if not db.exists():
        return True
    data = json.loads(cli("--db", str(db), "backup").stdout)
    return not (data["actions"] or data["plans"] or data["library"])


def test_a_real_backup_restores_whole(cli: Cli, tmp_path: Path, backup: Backup) -> None:
    result = restore(cli, tmp_path, backup)
    assert result.exit_code == 0, result.output
    again = json.loads(cli("--db", str(tmp_path / "fresh.db"), "backup").stdout)
    assert again["actions"] == backup["actions"] and again["plans"] == backup["plans"]


Breaker = Callable[[Backup], None]


def _set(path: str, value: Any) -> Breaker:
    def apply(data: Backup) -> None:
        *parents, last = _parts(path)
        target: Any = data
        for part in parents:
            target = target[part]
        target[last] = value

    return apply


def _parts(path: str) -> list[Any]:
    parts: list[Any] = []
    for chunk in path.split("."):
        name, *indexes = chunk.replace("]", "").split("[")
        parts.append(name)
        parts += [int(i) for i in indexes]
    return parts


CASES: dict[str, tuple[Breaker, str]] = {
    # trial bug 12: what 'done --minutes' refuses, a backup may not carry either
    "negative-minutes": (
        _set("actions[0].events[0].minutes", -500),
        "actions[0].events[0].minutes",
    ),
    "boolean-minutes": (_set("actions[0].events[0].minutes", True), "actions[0].events[0].minutes"),
    "huge-minutes": (_set("actions[0].events[0].minutes", 10**30), "actions[0].events[0].minutes"),
    "float-minutes": (_set("actions[0].events[0].minutes", 30.0), "actions[0].events[0].minutes"),
    "year-1-mark": (_set("actions[0].events[0].at", "0001-01-01T12:00:00"), "year 1 is out of"),
    "not-a-timestamp": (_set("actions[0].created", "2026-13-01"), "actions[0].created"),
    "unknown-status": (_set("actions[0].events[0].status", "finished"), ".events[0].status"),
    "unknown-kind": (_set("actions[0].kind", "rm -rf"), "actions[0].kind"),
    "mark-without-events": (_set("actions[0].events", []), "a mark has events"),
    "topic-id-shape": (_set("actions[0].events[0].topic_id", "Mini Entropy"), "topic_id"),
    "blank-note": (_set("actions[2].notes[0].text", "   "), "note's text cannot be empty"),
    "nul-in-note": (_set("actions[2].notes[0].text", "a\0b"), "NUL byte"),
    "duplicate-uid": (_set("actions[1].uid", "same-uid"), "actions[1].uid"),
    "extra-field": (_set("actions[0].surprise", 1), "actions[0].surprise"),
    # trial bug 3: a plan the planner cannot load
    "plan-goals-string": (_set("plans[0].payload.goals", "mini.ib"), "plans[0].payload.goals"),
    "plan-hours-text": (_set("plans[0].payload.hours_per_week", "x"), ".payload.hours_per_week"),
    "plan-hours-infinite": (_set("plans[0].payload.hours_per_week", 1e400), "hours_per_week"),
    "plan-step-without-id": (_set("plans[0].payload.steps[0].id", ""), "payload.steps[0].id"),
    "plan-unknown-key": (_set("plans[0].payload.evil", [[[]]]), "unknown keys evil"),
    "plan-empty-name": (_set("plans[0].name", ""), "plans[0].name"),
    "plan-name-newline": (_set("plans[0].name", "a\nb"), "not a usable plan name"),
    # trial bug 2: library blocks that do not parse as their one block
    "bibtex-unterminated": (
        _set("library[1].bibtex", "@article{mine2020, title = {unterminated"),
        "library[1].bibtex",
    ),
    "bibtex-two-entries": (
        _set("library[1].bibtex", "@misc{mine2020, title={A}}\n@misc{other, title={B}}"),
        "holds 2 BibTeX blocks",
    ),
    "bibtex-wrong-key": (_set("library[1].key", "someone-else"), "not of 'someone-else'"),
    "bibtex-nul": (_set("library[1].bibtex", "@misc{mine2020, title={A\0B}}"), "NUL byte"),
    "library-kind": (_set("library[1].kind", "macro"), "library[1].kind"),
    "library-position": (_set("library[1].position", -1), "library[1].position"),
    "top-level-version": (_set("version", 2), "version"),
    "top-level-extra": (_set("shell", "$(touch pwned)"), "shell"),
    "active-plan-type": (_set("active_plan", 7), "active_plan"),
}


@pytest.mark.parametrize("case", CASES)
def test_what_the_commands_would_not_write_is_refused_with_its_path(
    cli: Cli, tmp_path: Path, backup: Backup, case: str
) -> None:
    breaker, where = CASES[case]
    data = copy.deepcopy(backup)
    if case == "duplicate-uid":
        data["actions"][0]["uid"] = "same-uid"
    breaker(data)
    result = restore(cli, tmp_path, data)
    assert result.exit_code == EXIT_USAGE, result.output
    assert where in result.stderr, result.stderr
    assert "nothing restored" in result.stderr
    assert "Traceback" not in result.output
    assert fresh_is_empty(cli, tmp_path)


def test_every_problem_is_listed_not_only_the_first(
    cli: Cli, tmp_path: Path, backup: Backup
) -> None:
    data = copy.deepcopy(backup)
    data["actions"][0]["events"][0]["minutes"] = -1
    data["plans"][0]["payload"]["goals"] = 3
    data["library"][1]["bibtex"] = "@article{mine2020, title = {x"
    result = restore(cli, tmp_path, data)
    assert result.exit_code == EXIT_USAGE
    for where in ("actions[0].events[0].minutes", "plans[0].payload.goals", "library[1]"):
        assert where in result.stderr
    assert "3 problems" in result.stderr


def test_thousands_of_problems_are_cut_to_a_screenful(
    cli: Cli, tmp_path: Path, backup: Backup
) -> None:
    data = copy.deepcopy(backup)
    data["actions"] = [{"uid": f"u{i}"} for i in range(5000)]
    result = restore(cli, tmp_path, data)
    assert result.exit_code == EXIT_USAGE
    lines = result.stderr.splitlines()
    assert len(lines) <= 22 and "more" in lines[-2]


def test_skip_bad_restores_the_rest_and_names_what_it_left_out(
    cli: Cli, tmp_path: Path, backup: Backup
) -> None:
    data = copy.deepcopy(backup)
    data["actions"][0]["events"][0]["minutes"] = -500
    data["plans"][0]["payload"]["hours_per_week"] = "x"
    data["library"][1]["bibtex"] = "@article{mine2020, title = {unterminated"
    result = restore(cli, tmp_path, data, "--skip-bad")
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 3 and "skipped 3 bad items" in result.stdout
    db = str(tmp_path / "fresh.db")
    assert cli("--db", db, "status").exit_code == 0  # nothing bad got in: all commands run
    assert cli("--db", db, "plans").exit_code == 0
    assert "mine2020" not in cli("--db", db, "bib", "export", "--library").stdout
    again = restore(cli, tmp_path, data, "--skip-bad")
    assert "restored 0 actions" in again.stdout  # idempotent, as a whole restore is


def test_skip_bad_cannot_skip_a_broken_top_level(cli: Cli, tmp_path: Path) -> None:
    result = restore(cli, tmp_path, {"format": "other", "version": 1}, "--skip-bad")
    assert result.exit_code == EXIT_USAGE and "format" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 20 levels"),  # trial bug 13
        ('{"a":' * 50 + "1" + "}" * 50, "nested more than 20 levels"),
        ("", "not valid JSON"),
        ("[]", "Input should be a valid dictionary"),
        ('{"format": "studyplan-backup", "version": 1, "minutes": NaN}', "minutes"),
    ],
    ids=["deep-lists", "deep-objects", "empty", "array", "nan"],
)
def test_json_that_is_not_a_backup_is_one_line(
    cli: Cli, tmp_path: Path, content: str, message: str
) -> None:
    result = restore(cli, tmp_path, content)
    assert result.exit_code == EXIT_USAGE, result.output
    assert message in result.stderr and len(result.stderr) < 2000
    assert fresh_is_empty(cli, tmp_path)


@pytest.mark.parametrize("kind", [*NOT_REGULAR, "missing", "latin1"])
def test_only_a_regular_utf8_file_is_read(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "b.json"
    if kind in NOT_REGULAR:
        path = not_a_regular_file(path, kind)
    elif kind == "latin1":
        path.write_bytes(b'{"note": "M\xfcller"}')
    result = cli("--db", str(tmp_path / "fresh.db"), "restore", str(path))
    assert result.exit_code == (EXIT_NOT_FOUND if kind == "missing" else EXIT_USAGE)
    assert result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "fresh.db").exists()


def test_an_active_plan_the_backup_lacks_is_not_set(
    cli: Cli, tmp_path: Path, backup: Backup
) -> None:
    data = copy.deepcopy(backup)
    data["active_plan"] = "not-there"
    result = restore(cli, tmp_path, data)
    assert result.exit_code == 0 and "active plan" not in result.stdout


def test_json_errors_go_through_the_one_handler(cli: Cli, tmp_path: Path, backup: Backup) -> None:
    data = copy.deepcopy(backup)
    data["actions"][0]["events"][0]["minutes"] = -5
    result = restore(cli, tmp_path, data, "--json")
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    error = json.loads(result.stderr)
    assert error["code"] == EXIT_USAGE and "nothing restored" in error["error"]
    assert any("minutes" in p for p in error["problems"])


def test_a_backup_over_the_size_limit_is_one_line(
    cli: Cli, tmp_path: Path, backup: Backup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyplan.adapters import backup_format

    monkeypatch.setattr(backup_format, "MAX_BYTES", 1000)
    result = restore(cli, tmp_path, backup)
    assert result.exit_code == EXIT_USAGE and "too large for a backup" in result.stderr
    assert fresh_is_empty(cli, tmp_path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [path] + [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [path] + [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


@given(st.data())
def test_any_one_value_replaced_is_restored_or_refused_never_a_crash(data: st.DataObject) -> None:
    """Property: replace any one value of a real backup by any JSON; ``restore`` either
    takes it (it was still something the commands write) or refuses it as exit 2 with
    nothing written, and what it took reads back through every reading path."""
    import tempfile

    from studyplan.adapters.store import open_store
    from studyplan.errors import InputError

    base = _base_backup()
    where = data.draw(st.sampled_from(_leaves(base)[1:]))
    broken = copy.deepcopy(base)
    target: Any = broken
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = data.draw(JSON)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "p.db", create=True)
        try:
            store.restore(broken)
        except InputError:
            assert not store.library() and not store.log() and not store.list_plans()
        else:
            store.backup()
            store.statuses()
            store.log(include_undone=True)
            for name in store.plan_names():
                assert store.get_plan(name) is not None
        finally:
            store.close()


_BASE: list[Backup] = []


def _base_backup() -> Backup:
    """A small real backup, made once (hypothesis runs the property many times)."""
    if not _BASE:
        import tempfile

        from studyplan.adapters.store import open_store
        from studyplan.domain.saved_plan import SavedPlan

        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "p.db", create=True)
            store.record(["mini.entropy"], "done", minutes=30, note="n")
            store.add_note("mini.kl", "slow")
            store.undo()
            store.save_plan(
                "p",
                SavedPlan.from_json(
                    {
                        "version": 1,
                        "goals": ["mini.ib"],
                        "topics": ["mini.ib"],
                        "created": "2026-01-01",
                        "hours_per_week": 5,
                        "start": "2026-01-01",
                        "deadline": None,
                        "total_hours": 6.0,
                        "weeks": 2,
                        "finish_date": "2026-01-14",
                        "steps": [
                            {
                                "id": "mini.ib",
                                "hours": 6.0,
                                "week": 1,
                                "end_week": 2,
                                "start": "2026-01-01",
                                "end": "2026-01-14",
                            }
                        ],
                    }
                ),
            )
            store.add_library([("k1", "@misc{k1, title={A}}", "x.bib")], replace=False)
            _BASE.append(store.backup())
            store.close()
    return _BASE[0]
