"""Placement: find what a learner knows of the goals' closure by asking about few topics.

Each question is about the undecided topic that best halves what is still undecided: a
*yes* makes it and everything it requires known, a *no* makes it and everything that
requires it not known, so the topic whose worse answer still decides the most is asked
(the larger of ``min(|it and what it requires|, |it and what requires it|)`` among the
undecided topics, ties to the earliest declared). A learner whose knowledge is a down-set
(closed under prerequisites) is identified exactly.

Topics the learner has already marked (or that a done/known topic covers) are facts, not
questions. What a yes covers follows the planner's rule: it does not pass through a
topic marked not known. Answers given against earlier ones (a yes to a topic after a no
to one of its prerequisites) never fail: the later answer wins, the earlier decisions it
contradicts are reversed, and a note says so. Pure: no I/O; cones are Python ints used
as bit sets over the closure, so a question costs one pass over the undecided topics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from studyplan.domain.graph import PrerequisiteGraph
from studyplan.domain.planner import covered_indices
from studyplan.domain.status import Status

NOT_KNOWN = Status.NOT_KNOWN
#: Marks that make a topic a fact rather than a question.
FIXED = frozenset({Status.DONE, Status.KNOWN, Status.NOT_KNOWN, Status.SKIPPED})


@dataclass(slots=True)
class Placement:
    """The questions and answers of one placement (see the module docstring)."""

    graph: PrerequisiteGraph
    #: The goals' closure (catalog positions, declared order), milestones left out.
    universe: list[int]
    #: Universe slots that can be asked about (not marked, not covered).
    open_slots: int
    _up: list[int] = field(repr=False)  # slot -> bits: it and what it requires (rule-aware)
    _down: list[int] = field(repr=False)  # slot -> bits: it and what requires it
    _slots: dict[int, int] = field(repr=False)  # catalog position -> slot
    _open: int = 0  # bits of the askable slots
    _known: int = 0
    _unknown: int = 0
    _passed: int = 0  # skipped for this session: not asked again, left undecided
    asked: int = 0
    answers: list[tuple[str, bool]] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        graph: PrerequisiteGraph,
        goals: Sequence[str],
        statuses: Mapping[str, str],
        milestones: Mapping[int, Sequence[int]] | None = None,
    ) -> Placement:
        closure = graph.closure_indices(goals)
        order = sorted(closure)
        slot = {node: k for k, node in enumerate(order)}
        requires = graph.requires_index()
        ids = graph.ids
        gaps = {graph.index[t] for t, s in statuses.items() if s == NOT_KNOWN and t in graph.index}
        fixed = covered_indices(graph, statuses)
        fixed |= {graph.index[t] for t, s in statuses.items() if s in FIXED and t in graph.index}
        # Prerequisites come first in a topological order; the graph's declared order is
        # not one, so build one over the closure (depth-first, prerequisites first).
        topo = graph.postorder_indices([ids[i] for i in order], set())
        up = [0] * len(order)
        down = [0] * len(order)
        for node in topo:
            bits = 1 << slot[node]
            for pre in requires[node]:
                if pre not in gaps:
                    bits |= up[slot[pre]]
            up[slot[node]] = bits
        for node in reversed(topo):
            down[slot[node]] |= 1 << slot[node]
            for pre in requires[node]:
                down[slot[pre]] |= down[slot[node]]
        askable = 0
        for k, node in enumerate(order):
            if node not in fixed and not (milestones and node in milestones):
                askable |= 1 << k
        return cls(graph, order, askable.bit_count(), up, down, slot, askable)

    # -- state ----------------------------------------------------------------------------

    def _undecided(self) -> int:
        return self._open & ~(self._known | self._unknown)

    def undecided(self) -> int:
        """How many askable topics are still undecided (skipped ones included)."""
        return self._undecided().bit_count()

    def _ids(self, bits: int) -> list[str]:
        ids, universe = self.graph.ids, self.universe
        out: list[str] = []
        k = 0
        while bits:
            if bits & 1:
                out.append(ids[universe[k]])
            bits >>= 1
            k += 1
        return out

    @property
    def known(self) -> list[str]:
        return self._ids(self._known)

    @property
    def not_known(self) -> list[str]:
        return self._ids(self._unknown)

    # -- questions and answers --------------------------------------------------------------

    def question(self) -> str | None:
        """The undecided topic whose answer, either way, decides the most; None when
        nothing is left to ask."""
        pending = self._undecided()
        candidates = pending & ~self._passed
        best, best_score = -1, (-1, -1)
        k = 0
        bits = candidates
        up, down = self._up, self._down
        while bits:
            if bits & 1:
                yes = (up[k] & pending).bit_count()
                no = (down[k] & pending).bit_count()
                score = (min(yes, no), yes + no)
                if score > best_score:
                    best, best_score = k, score
            bits >>= 1
            k += 1
        return None if best < 0 else self.graph.ids[self.universe[best]]

    def _slot(self, topic_id: str) -> int:
        return self._slots[self.graph.index[topic_id]]

    def skip(self, topic_id: str) -> None:
        """Not asked again; left undecided (and unrecorded)."""
        self.asked += 1
        self._passed |= 1 << self._slot(topic_id)

    def answer(self, topic_id: str, yes: bool) -> list[str]:
        """Record an answer; returns notes on earlier decisions it reverses (the later
        answer wins)."""
        k = self._slot(topic_id)
        self.asked += 1
        self.answers.append((topic_id, yes))
        cone = (self._up[k] if yes else self._down[k]) & self._open
        against = cone & (self._unknown if yes else self._known)
        if yes:
            self._known |= cone
            self._unknown &= ~cone
        else:
            self._unknown |= cone
            self._known &= ~cone
        if not against:
            return []
        flipped = self._ids(against)
        others = [t for t in flipped if t != topic_id]
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        if not others:
            what = f"you answered {topic_id} differently before"
        elif yes:
            what = f"{topic_id} requires {shown}, which you said you do not know"
        else:
            verb = "requires" if len(others) == 1 else "require"
            what = f"{shown} {verb} {topic_id}, which you said you know"
        now = "known" if yes else "not known"
        return [f"{what}: the later answer wins, so {len(flipped)} topic(s) now count as {now}"]

    def gaps_below(self, topic_id: str, statuses: Mapping[str, str]) -> list[str]:
        """What ``topic_id`` requires that is marked not known: a yes leaves those not
        known (marks are facts, see the module docstring)."""
        ids = self.graph.ids
        needed = self.graph.closure_indices([topic_id])
        return [ids[i] for i in sorted(needed) if statuses.get(ids[i]) == NOT_KNOWN]


def run_consistent(placement: Placement, knows: set[str]) -> None:
    """Answer every question as a learner who knows exactly ``knows`` (for tests and the
    benchmark)."""
    while (topic := placement.question()) is not None:
        placement.answer(topic, topic in knows)
