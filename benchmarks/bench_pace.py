"""Pace estimation on synthetic logs: learners with a known true pace log noisy times
(log-normal around it); the estimate (``domain/pace.py``: log-normal, a prior worth three
topics at ×1.0) must converge on the true pace as timed topics accumulate.

``python3 -m benchmarks.run pace``. No timings: the figures are errors, machine-free.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics

TRUE_PACES = (0.6, 1.0, 1.5, 2.5)
NOISE_SIGMA = 0.5  # log-space spread of one topic's ratio around the learner's pace
COUNTS = (1, 3, 5, 10, 20, 50, 100)
GOAL_AT_50 = 0.10  # mean |log error| at 50 timed topics (about ±10 %)


def main(rounds: int = 15) -> list[str]:
    from studyplan.domain.pace import estimate

    rng = random.Random(4)
    learners = max(rounds, 3) * 20
    print("\n## Pace (synthetic logs, log-normal noise σ = 0.5, prior worth 3 topics)")
    print(f"{'true pace':<10}" + "".join(f"{f'n={n}':>9}" for n in COUNTS) + "   (median estimate)")
    errors: dict[int, list[float]] = {n: [] for n in COUNTS}
    for true in TRUE_PACES:
        medians = []
        for n in COUNTS:
            found = []
            for _ in range(learners):
                hours = [rng.choice((1.0, 2.0, 3.0, 5.0, 8.0)) for _ in range(n)]
                logs = [
                    ("c", 60 * h * true * math.exp(rng.gauss(0, NOISE_SIGMA)), h) for h in hours
                ]
                pace = estimate(logs)["c"].factor
                found.append(pace)
                errors[n].append(abs(math.log(pace / true)))
            medians.append(statistics.median(found))
        print(f"×{true:<9.1f}" + "".join(f"{m:>9.2f}" for m in medians))
    print(f"{'|log err|':<10}" + "".join(f"{statistics.mean(errors[n]):>9.3f}" for n in COUNTS))
    missed = []
    at_50 = statistics.mean(errors[50])
    if not at_50 < GOAL_AT_50:
        missed.append(f"pace: mean |log error| at 50 topics {at_50:.3f} ≥ {GOAL_AT_50}")
    if not all(
        statistics.mean(errors[a]) > statistics.mean(errors[b])
        for a, b in itertools.pairwise(COUNTS)
    ):
        missed.append("pace: the error does not shrink as topics accumulate")
    print(f"goal: mean |log error| at 50 topics < {GOAL_AT_50} (got {at_50:.3f})")
    return missed


if __name__ == "__main__":
    main()
