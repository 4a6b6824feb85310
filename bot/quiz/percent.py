"""Whole percentages, rounded one way everywhere.

A reveal's "who picked what" and a leaderboard's accuracy must agree: 2 of 3 is 67% in
both. :func:`percent` rounds half up on exact integers (no float surprises such as
Python's ``format(0.125, ".0%") == "12%"``); :func:`shares` splits 100% among the options
by the largest remainder method, so the shares always sum to exactly 100 and, whenever
rounding each share alone already sums to 100, equal :func:`percent` of each.
"""

from __future__ import annotations

from collections.abc import Sequence


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent, half rounded up; 0 when ``whole`` is 0."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def shares(counts: Sequence[int]) -> tuple[int, ...]:
    """Each count's share of the total in whole percent, summing to exactly 100
    (all zeros when nothing was counted).

    Each share is first rounded down; the points still missing go one each to the
    largest remainders. Equal remainders go to the larger count, then to the earlier
    option, so the result is the same on every platform and every run.
    """
    total = sum(counts)
    if total <= 0:
        return tuple(0 for _ in counts)
    floors = [100 * n // total for n in counts]
    missing = 100 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(100 * counts[i] % total), -counts[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return tuple(floors)
