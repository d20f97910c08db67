"""Placement on the built-in curricula: simulated learners whose knowledge is a random
down-set (closed under prerequisites) answer every question truthfully. Placement must
identify each exactly; its number of questions is compared with the closure's size (what
asking about every topic costs) and with the information-theoretic lower bound,
log2(number of down-sets of the closure): no yes/no strategy can tell that many learners
apart with fewer questions in the worst case.

``python3 -m benchmarks.run placement``. No timings: the figures are counts, so they do
not depend on the machine.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time

LEARNERS_PER_ROUND = 20
COUNT_BUDGET_S = 20.0


def count_down_sets(mask: int, up: list[int], down: list[int], deadline: float) -> int | None:
    """How many down-sets the poset on the slots of ``mask`` has (``up[k]``: k and what
    it requires; ``down[k]``: k and what requires it). Exact, by splitting on a topic
    (it is out: drop it and what requires it; it is in: drop it and what it requires),
    over connected parts, memoized; None past the deadline."""
    memo: dict[int, int] = {}

    def parts(m: int) -> list[int]:
        found: list[int] = []
        while m:
            seed = m & -m
            comp, frontier = 0, seed
            while frontier:
                comp |= frontier
                grow = 0
                f = frontier
                while f:
                    low = f & -f
                    k = low.bit_length() - 1
                    grow |= (up[k] | down[k]) & m
                    f ^= low
                frontier = grow & ~comp
            found.append(comp)
            m &= ~comp
        return found

    def count(m: int) -> int:
        if m == 0:
            return 1
        if m in memo:
            return memo[m]
        if time.perf_counter() > deadline:
            raise TimeoutError
        pieces = parts(m)
        if len(pieces) > 1:
            result = 1
            for piece in pieces:
                result *= count(piece)
        else:
            best, best_k, bits = -1, 0, m
            while bits:
                low = bits & -bits
                k = low.bit_length() - 1
                size = ((up[k] | down[k]) & m).bit_count()
                if size > best:
                    best, best_k = size, k
                bits ^= low
            result = count(m & ~down[best_k]) + count(m & ~up[best_k])
        memo[m] = result
        return result

    try:
        return count(mask)
    except TimeoutError:
        return None


def main(rounds: int = 15) -> list[str]:
    from studyplan.adapters import workspace
    from studyplan.domain.placement import Placement, run_consistent
    from studyplan.domain.planner import graph_of, resolve_goals

    sys.setrecursionlimit(10_000)
    catalog = workspace.catalog(workspace.gather())
    graph = graph_of(catalog)
    milestones = catalog.topics.milestones()
    rng = random.Random(15)
    missed: list[str] = []
    print("\n## Placement (simulated learners, random down-sets, built-in curricula)")
    print(
        f"{'goal':<16}{'topics':>7}{'bound':>8}{'asked':>8}{'max':>6}"
        f"{'asked/topics':>14}{'asked/bound':>13}{'max/bound':>11}  exact"
    )
    total_asked: list[float] = []
    total_topics: list[int] = []
    total_bound: list[float] = []
    total_max: list[int] = []
    for cur in catalog.curricula:
        goals = resolve_goals(catalog, [cur])
        fresh = Placement.start(graph, goals, {}, milestones)
        askable = fresh._open
        ids = graph.ids
        slots = [ids[fresh.universe[k]] for k in range(len(fresh.universe)) if askable >> k & 1]
        ideals = count_down_sets(
            askable, fresh._up, fresh._down, time.perf_counter() + COUNT_BUDGET_S
        )
        bound = math.log2(ideals) if ideals else float("nan")
        asked: list[int] = []
        exact = 0
        learners = max(rounds, 3) * LEARNERS_PER_ROUND // 15
        for _ in range(learners):
            seeds = rng.sample(slots, rng.randint(0, min(6, len(slots))))
            knows = graph.closure(seeds)
            placement = Placement.start(graph, goals, {}, milestones)
            run_consistent(placement, knows)
            want_known = {t for t in slots if t in knows}
            if set(placement.known) == want_known and set(placement.not_known) == (
                set(slots) - want_known
            ):
                exact += 1
            asked.append(placement.asked)
        mean = statistics.mean(asked)
        total_asked.append(mean)
        total_topics.append(len(slots))
        total_bound.append(bound)
        total_max.append(max(asked))
        print(
            f"{cur:<16}{len(slots):>7}{bound:>8.1f}{mean:>8.1f}{max(asked):>6}"
            f"{mean / len(slots):>14.2f}{mean / bound:>13.2f}{max(asked) / bound:>11.2f}"
            f"  {exact}/{learners}"
        )
        if exact != learners:
            missed.append(f"placement did not identify every learner in {cur}")
    topics, asked_all = sum(total_topics), sum(total_asked)
    bound_all = sum(b for b in total_bound if b == b)
    print(
        f"overall: {asked_all:.0f} questions on average for {topics} topics "
        f"(×{asked_all / topics:.2f} of asking every topic); the most asked "
        f"×{sum(total_max) / bound_all:.2f} of the worst-case lower bound, the mean "
        f"×{asked_all / bound_all:.2f} (bound: log2 of the number of down-sets, counted "
        "exactly; a mean can be below it because these learners are not uniform)"
    )
    return missed


if __name__ == "__main__":
    main()
