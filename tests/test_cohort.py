"""Cohorts through the real CLI on both backends: a lead and two learners go through
create → add → assign → mark → status → report; who may do what; assigned plans.

On PostgreSQL each person is their own role (password in the test .pgpass); on SQLite the
three share one file and ``$STUDYPLAN_LEARNER`` says who is acting (no roles there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import Backend
from studyplan.cli import app
from studyplan.errors import EXIT_NOT_FOUND, EXIT_STORE

# mini.ib's path: probability 10 h, entropy 6, kl 4, mutual-information 4, ib 5 = 29 h.
TOTAL = 29.0


class Lab:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.runner = CliRunner()

    def __call__(self, who: str, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(
            app, ["--db", self.backend.db_arg(who), *args], env=self.backend.env(who), input=input
        )

    def ok(self, who: str, *args: str) -> str:
        result = self(who, *args)
        assert result.exit_code == 0, (who, args, result.output, result.stderr)
        return str(result.stdout)

    def json(self, who: str, *args: str) -> Any:
        return json.loads(self.ok(who, *args, "--json"))


@pytest.fixture
def lab(backend: Backend) -> Lab:
    """The lab's database after the admin's ``cohort init``; lead, alice and bob exist."""
    lab = Lab(backend)
    if backend.pg:
        assert backend.server is not None
        for role in ("lead", "alice", "bob", "carol"):
            backend.server.role(role)
        out = lab.ok(
            "postgres", "cohort", "init", "--lead", "lead", "--learner", "alice", "--learner", "bob"
        )
        assert "row-level security" in out
        # Idempotent: a second run changes nothing and fails nothing.
        lab.ok("postgres", "cohort", "init", "--lead", "lead", "--learner", "alice")
    else:
        lab.ok("lead", "cohort", "init")
    return lab


@pytest.fixture
def cohort(lab: Lab) -> Lab:
    lab.ok("lead", "plan", "mini.ib", "-H", "5", "--save", "ib")
    lab.ok("lead", "cohort", "create", "ml")
    assert "added alice, bob" in lab.ok("lead", "cohort", "add", "ml", "alice", "bob")
    assert "nobody new" in lab.ok("lead", "cohort", "add", "ml", "alice")
    lab.ok("lead", "cohort", "assign", "ml", "ib")
    return lab


def test_walkthrough_create_add_assign_mark_status_report(cohort: Lab, tmp_path: Path) -> None:
    lab = cohort
    plans = lab.json("alice", "plans")
    assert [p["name"] for p in plans] == ["@ml"] and plans[0]["goals"] == ["mini.ib"]
    lab.ok("alice", "done", "mini.probability", "mini.entropy")
    lab.ok("alice", "start", "mini.kl")
    lab.ok("bob", "start", "mini.probability")
    # A learner uses the assigned plan like their own: next, plan show, plan use, report.
    nxt = lab.json("alice", "next", "--plan", "@ml")
    assert "mini.kl" in json.dumps(nxt)
    shown = lab.json("alice", "plan", "show", "@ml")
    assert shown["hours_done"] == 16.0 and shown["hours_total"] == TOTAL
    lab.ok("alice", "plan", "use", "@ml")
    assert [p["name"] for p in lab.json("alice", "plans") if p["active"]] == ["@ml"]
    page = tmp_path / "alice.html"
    lab.ok("alice", "report", "-o", str(page))
    assert "mini.kl" in page.read_text(encoding="utf-8")

    status = lab.json("lead", "cohort", "status", "ml")
    assert status["plan"] == "ib" and status["lead"] == "lead"
    by = {row["learner"]: row for row in status["learners"]}
    assert set(by) == {"alice", "bob"}
    assert by["alice"]["hours_done"] == 16.0 and by["alice"]["hours_total"] == TOTAL
    assert by["alice"]["in_progress"] == "mini.kl" and by["alice"]["steps_done"] == 2
    assert by["bob"]["hours_done"] == 0.0 and by["bob"]["in_progress"] == "mini.probability"
    assert by["alice"]["ahead_hours"] == 16.0  # the schedule starts today: 0 h expected
    assert by["alice"]["last_activity"] and by["bob"]["last_activity"]
    text = lab.ok("lead", "cohort", "status", "ml")
    assert "16/29 h" in text and "ahead" in text

    out = tmp_path / "ml.html"
    assert "2 learners" in lab.ok("lead", "cohort", "report", "ml", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert html.count('class="bar"') == 2 and "<script" not in html
    assert html.count('class="c st-done"') == 2  # alice: probability, entropy
    assert html.count('class="c st-started"') == 2  # alice: kl; bob: probability
    assert html.count('class="c st-todo"') == 6
    assert "http" not in html.split("<body>")[1]  # self-contained: nothing to fetch


def test_each_learner_sees_only_their_own_progress(cohort: Lab) -> None:
    lab = cohort
    lab.ok("alice", "done", "mini.probability", "--note", "alice's secret")
    lab.ok("bob", "start", "mini.entropy")
    lab.ok("bob", "note", "mini.entropy", "bob's note")
    assert [e["topic"] for e in lab.json("alice", "log")] == ["mini.probability"]
    assert [n["text"] for n in lab.json("bob", "notes")] == ["bob's note"]
    assert [n["text"] for n in lab.json("alice", "notes")] == ["alice's secret"]
    lab.ok("bob", "undo")  # bob's undo takes back bob's note, never alice's mark
    assert [e["status"] for e in lab.json("alice", "log")] == ["done"]
    assert lab.json("lead", "log") == []


def test_only_the_lead_changes_a_cohort(cohort: Lab) -> None:
    lab = cohort
    for args in (
        ("cohort", "add", "ml", "carol"),
        ("cohort", "remove", "ml", "bob"),
        ("cohort", "assign", "ml", "ib"),
    ):
        result = lab("alice", *args)
        assert result.exit_code == EXIT_STORE, result.output
        assert result.stderr.count("\n") == 1 and "only the lead of cohort 'ml'" in result.stderr
    lab.ok("lead", "cohort", "remove", "ml", "bob")
    assert [r["learner"] for r in lab.json("lead", "cohort", "status", "ml")["learners"]] == [
        "alice"
    ]
    assert lab.json("bob", "plans") == []  # no longer assigned
    result = lab("lead", "cohort", "remove", "ml", "bob")
    assert result.exit_code == EXIT_NOT_FOUND


def test_status_is_the_leads_unless_the_cohort_shares_it(cohort: Lab) -> None:
    lab = cohort
    result = lab("alice", "cohort", "status", "ml")
    assert result.exit_code == EXIT_STORE
    assert "does not share its progress" in result.stderr and result.stderr.count("\n") == 1
    lab.ok("lead", "cohort", "create", "open", "--share-progress")
    lab.ok("lead", "cohort", "add", "open", "alice", "bob")
    lab.ok("lead", "cohort", "assign", "open", "ib")
    lab.ok("bob", "done", "mini.probability")
    rows = lab.json("alice", "cohort", "status", "open")["learners"]
    assert {r["learner"]: r["hours_done"] for r in rows} == {"alice": 0.0, "bob": 10.0}
    # Someone outside the cohort sees nothing of it.
    result = lab("carol", "cohort", "status", "open")
    assert result.exit_code in (EXIT_NOT_FOUND, EXIT_STORE)
    assert "bob" not in result.stdout


def test_cohort_names_and_plans_are_checked(lab: Lab) -> None:
    result = lab("lead", "cohort", "assign", "nope", "ib")
    assert result.exit_code == EXIT_NOT_FOUND
    lab.ok("lead", "cohort", "create", "ml")
    assert lab("lead", "cohort", "create", "ml").exit_code == 8
    result = lab("lead", "cohort", "assign", "ml", "nope")
    assert result.exit_code == EXIT_NOT_FOUND and "no saved plan 'nope'" in result.stderr
    result = lab("lead", "cohort", "status", "ml")
    assert result.exit_code == EXIT_NOT_FOUND and "has no plan yet" in result.stderr
    assert lab("lead", "cohort", "create", "@x").exit_code == 2


def test_the_servers_sums_match_the_python_rules(
    cohort: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL ``cohort status`` is added up by the server (studyplan_cohort_summary);
    it must agree with ``domain.cohort.member_progress`` over the per-topic rows, here on a
    random history of marks, resets and undos by both learners (a retired id included)."""
    import random
    from datetime import date

    from studyplan.adapters.store import open_store
    from studyplan.domain.cohort import member_progress, plan_steps, summary_progress

    lab = cohort
    rng = random.Random(18)
    topics = ["mini.probability", "mini.entropy", "mini.kl", "mini.mutual-information", "mini.ib"]
    for _ in range(40):
        who = rng.choice(["alice", "bob"])
        if rng.random() < 0.15:
            lab(who, "undo")
            continue
        verb = rng.choice(["start", "done", "skip", "know", "reset"])
        lab(who, verb, *rng.sample(topics, rng.randint(1, 2)))
    monkeypatch.setenv("STUDYPLAN_LEARNER", "bob")  # SQLite's learner (PostgreSQL: the role)
    with open_store(lab.backend.target("bob"), create=True) as bob:
        bob.record(["mini.old-kl"], "done")  # a mark on an id the curricula have retired
    monkeypatch.setenv("STUDYPLAN_LEARNER", "lead")
    store = open_store(lab.backend.target("lead"), create=False)
    info = store.cohort("ml")
    assert info.plan is not None
    aliases = {"mini.old-kl": "mini.kl"}  # rows on a retired id count as the survivor's
    steps = plan_steps(info.plan, lambda t: aliases.get(t, t))
    rows = [(r.learner, r.topic_id, r.status, r.recorded) for r in store.member_statuses("ml")]
    python = member_progress(
        info.plan, info.members, rows, date.today(), lambda t: aliases.get(t, t)
    )
    if lab.backend.pg:
        server = summary_progress(
            info.plan, steps, store.member_summary("ml", steps, aliases), date.today()
        )
        assert [p.json() for p in server] == [p.json() for p in python]
    assert any(p.steps_done for p in python)  # the history did finish something
    bob = next(p for p in python if p.learner == "bob")
    assert bob.steps["mini.kl"] == "done" and "mini.old-kl" not in bob.steps
    store.close()


def test_own_plans_cannot_take_an_assigned_plans_name(lab: Lab) -> None:
    result = lab("lead", "plan", "mini.ib", "--save", "@ml")
    assert result.exit_code == 2 and "cohort's assigned plan" in result.stderr


def test_an_assigned_plan_is_not_the_learners_to_remove(cohort: Lab) -> None:
    result = cohort("alice", "plan", "rm", "@ml")
    assert result.exit_code == 8 and "assigned plan" in result.stderr
    assert [p["name"] for p in cohort.json("alice", "plans")] == ["@ml"]


def test_status_counts_each_learners_due_reviews(cohort: Lab) -> None:
    """``reviews due``: each member's done topics whose card is due now, the number the
    learner's own ``status`` shows (on PostgreSQL the server counts; no card leaves it)."""
    from datetime import date, timedelta

    lab = cohort
    long_ago = (date.today() - timedelta(days=10)).isoformat()
    lab.ok("alice", "done", "mini.probability", "mini.entropy", "--on", long_ago)
    lab.ok("alice", "done", "mini.kl")  # today: its first card is due in two days
    lab.ok("bob", "done", "mini.probability", "mini.entropy", "--on", long_ago)
    reviewed = lab("bob", "review", "--json", input="good\nskip\n")  # one rated good
    assert reviewed.exit_code == 0, reviewed.output
    status = lab.json("lead", "cohort", "status", "ml")
    due = {row["learner"]: row["reviews_due"] for row in status["learners"]}
    own = {who: lab.json(who, "status")["reviews"]["due"] for who in ("alice", "bob")}
    assert due == own == {"alice": 2, "bob": 1}
    assert "reviews due" in lab.ok("lead", "cohort", "status", "ml")
    lab.ok("alice", "undo")  # kl's mark undone: still two due
    lab.ok("bob", "undo")  # the review session undone: both due again
    status = lab.json("lead", "cohort", "status", "ml")
    assert {row["learner"]: row["reviews_due"] for row in status["learners"]} == {
        "alice": 2,
        "bob": 2,
    }


@pytest.mark.slow
def test_the_cohort_page_in_headless_chromium(cohort: Lab, tmp_path: Path) -> None:
    """The lead's page as a browser shows it: a row per learner with a progress bar as
    wide as their share of the hours, their reviews due, and the grid's cells coloured
    by status (the colours the legend shows)."""
    from helpers.tools import dump_dom, parse_html, screenshot

    lab = cohort
    lab.ok("alice", "done", "mini.probability", "mini.entropy")
    lab.ok("bob", "start", "mini.probability")
    page = tmp_path / "ml.html"
    lab.ok("lead", "cohort", "report", "ml", "-o", str(page))
    dom = parse_html(dump_dom(tmp_path, page))
    bars = [a for tag, a in dom.tags if tag == "div" and a.get("class") == "bar"]
    assert [b.get("aria-label") for b in bars] == ["55% of the hours", "0% of the hours"]
    widths = [a.get("style") for tag, a in dom.tags if tag == "i" and a.get("style")]
    assert widths == ["width:55.2%", "width:0.0%"]  # 16 of alice's 29 h; bob none
    assert "reviews due" in dom.texts
    cells = [a["class"] for tag, a in dom.tags if a.get("class", "").startswith("c st-")]
    assert cells.count("c st-done") == 2 and cells.count("c st-started") == 1
    png = tmp_path / "ml.png"
    screenshot(tmp_path, page, png, 1024, 700)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000  # drawn, not blank
