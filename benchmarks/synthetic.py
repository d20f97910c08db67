"""Generate synthetic curricula in the real format, for the planner benchmarks.

``n`` topics in files of 1,000, each with about three prerequisites drawn mostly from the
few dozen topics just before it (local structure, like a real textbook sequence) and now
and then from far back, so that the last topic's closure reaches about 90% of the graph.
Deterministic for a given ``n`` and seed.
"""

from __future__ import annotations

import random
from pathlib import Path

PER_FILE = 1000
KEYS = ("synthetic2024book", "synthetic2024paper")


def generate(root: Path, n: int, seed: int = 7) -> str:
    """Write ``root/curricula/*.yaml`` and ``root/references.bib``; return a deep goal id."""
    rng = random.Random(seed)
    (root / "curricula").mkdir(parents=True, exist_ok=True)
    (root / "references.bib").write_text(
        "@book{synthetic2024book,\n  author = {Doe, Jane},\n  title = {A Synthetic Book},\n"
        "  publisher = {Nowhere Press},\n  year = {2024}\n}\n\n"
        "@misc{synthetic2024paper,\n  author = {Doe, Jane},\n  title = {A Synthetic Paper},\n"
        "  year = {2024},\n  url = {https://example.org/paper}\n}\n"
    )
    ids = [f"s{i // PER_FILE:03d}.t{i:06d}" for i in range(n)]
    for file_no in range((n + PER_FILE - 1) // PER_FILE):
        cid = f"s{file_no:03d}"
        lines = [
            f"id: {cid}",
            f"title: Synthetic {file_no}",
            "title_zh: 合成",
            "description: Generated.",
            "topics:",
        ]
        for i in range(file_no * PER_FILE, min(n, (file_no + 1) * PER_FILE)):
            pres: set[int] = set()
            if i:
                for _ in range(3):
                    j = (
                        i - 1 - min(int(rng.expovariate(1 / 8)), i - 1)
                        if rng.random() < 0.97
                        else rng.randrange(i)
                    )
                    pres.add(j)
            lines += [
                f"  - id: {ids[i]}",
                f"    title: Topic {i}",
                "    title_zh: 主题",
                "    summary: Generated topic.",
                f"    hours: {rng.choice([1, 2, 3, 5, 8])}",
                "    tags: [synthetic]",
            ]
            if pres:
                lines.append("    prerequisites:")
                lines += [f"      - {{id: {ids[j]}, reason: uses it}}" for j in sorted(pres)]
            lines += [
                "    readings:",
                f"      - {{key: {KEYS[i % 2]}, where: 'Ch. {i % 20 + 1}', core: true, access: free}}",
            ]
        (root / "curricula" / f"{cid}.yaml").write_text("\n".join(lines) + "\n")
    return ids[-1]
