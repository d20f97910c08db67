"""The learner's pace per curriculum, learnt from the time they log. Pure: no I/O.

An observation is a done topic with time logged (``done --minutes``, plus the time spent
reviewing it): its ratio ``r = minutes / (60 × estimated hours)``. The model is
log-normal: ``log r ~ N(μ, σ²)`` per curriculum, with a prior ``μ ~ N(0, σ²/k)`` centred
on the curricula's own estimates (``r = 1``) and worth ``k = PRIOR_TOPICS`` observations.
With the same σ in both, the posterior mean of μ is ``Σ log r / (n + k)``, and the pace
is ``exp`` of it: three timed topics at twice the estimate give ×1.41 (half-way, in logs),
twelve give ×1.74, and the estimate tends to the geometric mean of the ratios as topics
accumulate. A single ratio is clamped to ``[1/RATIO_LIMIT, RATIO_LIMIT]`` first, so a
typo (1 minute for a 10-hour topic) cannot swing a schedule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Final

from studyplan.domain.record import FrozenRecord

PRIOR_TOPICS = 3
RATIO_LIMIT = 10.0


class Pace(FrozenRecord):
    """A curriculum's pace: scheduled hours = estimated hours × ``factor``; ``topics``:
    the timed topics it was learnt from (0: a fixed --pace)."""

    __slots__ = ("curriculum", "factor", "topics")
    curriculum: Final[str]
    factor: Final[float]
    topics: Final[int]

    def __init__(self, curriculum: str, factor: float, topics: int) -> None:
        self.curriculum = curriculum
        self.factor = factor
        self.topics = topics

    def text(self) -> str:
        if self.topics == 0:
            return f"×{self.factor:.2g} (fixed with --pace) in {self.curriculum}"
        n = self.topics
        return (
            f"×{self.factor:.1f} from {n} timed topic{'s' if n != 1 else ''} in {self.curriculum}"
        )


def estimate(observations: Iterable[tuple[str, float, float]]) -> dict[str, Pace]:
    """(curriculum, minutes spent, estimated hours) per done topic -> each curriculum's
    pace (see the module docstring). Observations without time or hours are ignored."""
    logs: dict[str, list[float]] = {}
    for curriculum, minutes, hours in observations:
        if minutes > 0 and hours > 0:
            ratio = min(RATIO_LIMIT, max(1 / RATIO_LIMIT, minutes / 60 / hours))
            logs.setdefault(curriculum, []).append(math.log(ratio))
    return {
        cur: Pace(cur, math.exp(sum(values) / (len(values) + PRIOR_TOPICS)), len(values))
        for cur, values in sorted(logs.items())
    }


def fixed(curricula: Iterable[str], factor: float) -> dict[str, Pace]:
    """``--pace X`` for every curriculum (``--pace 1``: the estimates as written)."""
    return {cur: Pace(cur, factor, 0) for cur in curricula} if factor != 1 else {}


def factors_for(curricula: Iterable[str], paces: Mapping[str, Pace]) -> list[float]:
    """Each step's factor, from its curriculum (1.0 where nothing was learnt)."""
    return [paces[c].factor if c in paces else 1.0 for c in curricula]


def used_texts(paces: Mapping[str, Pace], curricula: Iterable[str]) -> list[str]:
    """What a schedule says about the paces it used (only curricula it contains)."""
    present = set(curricula)
    return [p.text() for cur, p in sorted(paces.items()) if cur in present]
