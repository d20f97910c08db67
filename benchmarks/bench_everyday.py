"""The everyday commands as whole processes against ``python -c pass`` and Taskwarrior.

Goals (issue #16): ``next``, ``status``, ``done`` and ``show`` each <= 6x ``python -S -c
pass`` (stretch 4x) and peak RSS <= 25 MiB; a 10,000-entry personal library adds <= 5 ms
to ``next``. Both sides run ``python -S`` (see ``harness.NO_SITE_ENV``: this machine's
site hook costs ~40 ms a start that no user pays); the ratio to ``python3 -c pass`` with
the site hook is printed too. With Taskwarrior installed, ``task next`` and ``task done``
run on a task list of the same size (the built-in topics as tasks, their prerequisites
as dependencies, the same 40 done), interleaved in the same rounds.

Setup: the built-in curricula, a warm catalog cache, 40 topics done in prerequisite
order. ``done`` marks a different topic each run in both tools.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.harness import (
    NO_SITE_ENV,
    PYTHON,
    STUDYPLAN_S,
    Case,
    clean_env,
    interleave,
    peak_mib,
    report,
)

DONE_FIRST = 40
STRETCH = 4.0
PEAK_GOAL = 25.0
LIBRARY_GOAL_MS = 5.0


def _catalog_order(env: dict[str, str]) -> tuple[list[str], dict[str, list[str]]]:
    """The built-in topic ids in prerequisite order, and each one's prerequisites."""
    script = (
        "import json; from graphlib import TopologicalSorter;"
        "from studyplan.cli.state import State;"
        "c = State().catalog();"
        "pres = {t: list(c.topics.prerequisite_ids(t)) for t in c.topics};"
        "ids = list(TopologicalSorter(pres).static_order());"
        "print(json.dumps([ids, pres]))"
    )
    out = subprocess.run(
        [PYTHON, "-c", script], env=clean_env(env), capture_output=True, text=True, check=True
    ).stdout
    ids, pres = json.loads(out)
    return ids, pres


def _studyplan(env: dict[str, str], *args: str) -> None:
    subprocess.run([*STUDYPLAN_S, *args], env=clean_env(env), check=True, stdout=subprocess.DEVNULL)


def _taskwarrior(root: Path, ids: list[str], pres: dict[str, list[str]]) -> dict[str, str] | None:
    """A Taskwarrior data dir with one task per topic; None when ``task`` is missing."""
    task = shutil.which("task")
    if task is None:
        return None
    rc = root / "taskrc"
    rc.write_text(
        f"data.location={root / 'taskdata'}\nconfirmation=off\nverbose=nothing\nhooks=off\n"
    )
    uuid = {t: f"00000000-0000-0000-0000-{n + 1:012d}" for n, t in enumerate(ids)}
    tasks = [
        {
            "uuid": uuid[t],
            "description": t,
            "status": "completed" if n < DONE_FIRST else "pending",
            "entry": "20260101T000000Z",
            **({"end": "20260102T000000Z"} if n < DONE_FIRST else {}),
            **({"depends": ",".join(uuid[p] for p in pres[t])} if pres[t] else {}),
        }
        for n, t in enumerate(ids)
    ]
    (root / "tasks.json").write_text(json.dumps(tasks))
    env = clean_env({"TASKRC": str(rc)})
    subprocess.run(
        [task, "import", str(root / "tasks.json")], env=env, check=True, capture_output=True
    )
    return {"TASKRC": str(rc), "TASK": task, **{f"uuid:{t}": u for t, u in uuid.items()}}


def _library(path: Path, entries: int) -> None:
    from benchmarks.bench_bib import generate

    path.write_text(generate(entries), encoding="utf-8")


def main(rounds: int = 15) -> list[str]:
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**NO_SITE_ENV, "STUDYPLAN_HOME": str(root / "home")}
        ids, pres = _catalog_order(env)
        _studyplan(env, "done", *ids[:DONE_FIRST])
        lib_env = {**NO_SITE_ENV, "STUDYPLAN_HOME": str(root / "home-lib")}
        _library(root / "lib.bib", 10_000)
        _studyplan(lib_env, "bib", "import", str(root / "lib.bib"))
        _studyplan(lib_env, "done", *ids[:DONE_FIRST])
        targets = ids[DONE_FIRST:]

        def done_argv(n: int) -> list[str]:
            return [*STUDYPLAN_S, "done", targets[n % len(targets)]]

        bare = Case("python -S -c pass", [PYTHON, "-S", "-c", "pass"])
        site = Case("python3 -c pass (with this machine's site hook)", [PYTHON, "-c", "pass"])
        next_ = Case("studyplan next", [*STUDYPLAN_S, "next"], env, goal=6.0)
        status = Case("studyplan status", [*STUDYPLAN_S, "status"], env, goal=6.0)
        done = Case("studyplan done TOPIC", [], env, goal=6.0, make_argv=done_argv)
        show = Case(
            "studyplan show math.probability",
            [*STUDYPLAN_S, "show", "math.probability"],
            env,
            goal=6.0,
        )
        lib_next = Case("studyplan next, 10k-entry library", [*STUDYPLAN_S, "next"], lib_env)
        cases = [bare, site, next_, status, done, show, lib_next]
        tw = _taskwarrior(root, ids, pres)
        if tw is not None:
            tw_env = {"TASKRC": tw["TASKRC"]}
            pending = [tw[f"uuid:{t}"] for t in targets]
            task_next = Case("task next (Taskwarrior)", [tw["TASK"], "next"], tw_env)
            task_done = Case(
                "task UUID done (Taskwarrior)",
                [],
                tw_env,
                make_argv=lambda n: [tw["TASK"], pending[n % len(pending)], "done"],
            )
            cases += [task_next, task_done]
        rounds = min(rounds, len(targets) - 3)
        interleave(cases, rounds)
        missed += report(
            "everyday commands (whole process, python -S both sides, medians)",
            bare,
            [site, next_, status, done, show, lib_next],
        )
        stretch = [
            c.name for c in (next_, status, done, show) if c.median_ms / bare.median_ms > STRETCH
        ]
        print(
            f"stretch {STRETCH:.0f}x: "
            + ("met" if not stretch else "missed by " + ", ".join(stretch))
        )
        print(f"\n{'ratio to python3 -c pass (site hook)':<44}")
        for case in (next_, status, done, show):
            print(f"  {case.name:<42} {case.median_ms / site.median_ms:6.2f}x")
        if tw is not None:
            print(f"\n{'ratio to Taskwarrior, same task list':<44}")
            print(f"  {'task next':<42} {task_next.median_ms:8.1f} ms")
            print(f"  {'task done':<42} {task_done.median_ms:8.1f} ms")
            for case, peer in (
                (next_, task_next),
                (status, task_next),
                (done, task_done),
                (show, task_next),
            ):
                print(
                    f"  {case.name + ' / ' + peer.name.split(' (')[0]:<42} {case.median_ms / peer.median_ms:6.2f}x"
                )
        added = lib_next.median_ms - next_.median_ms
        print(
            f"\n10k-entry library adds to next: {added:+.1f} ms (goal <= {LIBRARY_GOAL_MS:.0f} ms)"
        )
        if added > LIBRARY_GOAL_MS:
            missed.append(f"10k library adds {added:.1f} ms > {LIBRARY_GOAL_MS} ms")
        print("\npeak RSS, median of 5 (goal <= 25 MiB)")
        probes = [
            ("python -S -c pass", [PYTHON, "-S", "-c", "pass"], {}),
            ("studyplan next", [*STUDYPLAN_S, "next"], env),
            ("studyplan status", [*STUDYPLAN_S, "status"], env),
            ("studyplan done TOPIC", [*STUDYPLAN_S, "done", targets[-1]], env),
            ("studyplan show math.probability", [*STUDYPLAN_S, "show", "math.probability"], env),
            ("studyplan next, 10k-entry library", [*STUDYPLAN_S, "next"], lib_env),
        ]
        if tw is not None:
            probes.append(("task next", [tw["TASK"], "next"], {"TASKRC": tw["TASKRC"]}))
        for name, argv, probe_env in probes:
            peak = statistics.median(peak_mib(argv, probe_env) for _ in range(5))
            over = name.startswith("studyplan") and "library" not in name and peak > PEAK_GOAL
            print(f"  {name:<42} {peak:6.1f} MiB{'  (over goal)' if over else ''}")
            if over:
                missed.append(f"peak RSS {name}: {peak:.1f} MiB > {PEAK_GOAL} MiB")
    return missed


if __name__ == "__main__":
    main()
