"""The statistics of A/B tests: Wilson intervals and pairwise two-proportion z-tests (Holm).

Pure functions on counts, no database. scipy (``scipy.special``) does the normal distribution; it is imported
inside the functions so a web process that never shows a test result never loads it.

Why this test: the question is "does variant X get a higher positive-reply rate than Y", two
binomial proportions with hundreds of trials each, which is the textbook case of the
two-proportion z-test. Every pair of variants is tested (two-sided, pooled variance) and the
p-values are adjusted with Holm's step-down method over all pairs, which keeps the chance of
any false "X beats Y" at or under ``ALPHA`` whatever the number of variants (2 to 5). A winner
is the leader when it beats every other variant after that adjustment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

ALPHA = 0.05
# The auto-winner looks again every hour as the sample grows; testing each look at 5% would
# name a false winner about one time in four over twenty looks. Pocock's constant boundary for
# about twenty looks at an overall 5% is near 0.005 per look (Pocock 1977), and the seeded
# simulation in tests/outreach/test_ab_stats.py checks the overall rate.
SEQUENTIAL_ALPHA = 0.005
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Arm:
    label: str
    successes: int
    trials: int


@dataclass(frozen=True)
class ArmResult:
    label: str
    successes: int
    trials: int
    rate: float
    low: float  # 95% Wilson interval of the rate
    high: float
    p_vs_leader: float | None  # Holm-adjusted p of (this vs the leader); None for the leader
    worse_than_leader: bool


@dataclass(frozen=True)
class Comparison:
    arms: list[ArmResult]
    leader: str | None
    winner: str | None  # the leader, when it beats every other arm significantly


def wilson(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval: honest near 0% (where reply rates live), unlike Wald's."""
    if trials <= 0:
        return 0.0, 1.0
    from scipy.special import ndtri  # the standard normal's quantile function

    z = float(ndtri(1 - (1 - confidence) / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_p(a: Arm, b: Arm) -> float:
    """Two-sided p-value of the pooled two-proportion z-test; 1.0 when nothing can differ."""
    if a.trials == 0 or b.trials == 0:
        return 1.0
    pooled = (a.successes + b.successes) / (a.trials + b.trials)
    se = math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials))
    if se == 0:
        return 1.0
    from scipy.special import ndtr  # the standard normal's CDF

    z = (a.successes / a.trials - b.successes / b.trials) / se
    return float(2 * ndtr(-abs(z)))


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input's order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def compare(arms: Sequence[Arm], alpha: float = ALPHA) -> Comparison:
    """Intervals for every arm and the leader (highest rate, ties by label) against the rest."""
    if not arms:
        return Comparison([], None, None)
    rate = {a.label: (a.successes / a.trials if a.trials else 0.0) for a in arms}
    leader = min(arms, key=lambda a: (-rate[a.label], a.label)).label
    pairs = list(combinations(arms, 2))
    adjusted = holm([two_proportion_p(a, b) for a, b in pairs])
    vs_leader: dict[str, float] = {}
    for (a, b), adjusted_p in zip(pairs, adjusted, strict=True):
        if leader in (a.label, b.label):
            vs_leader[b.label if a.label == leader else a.label] = adjusted_p
    results = []
    for a in arms:
        low, high = wilson(a.successes, a.trials)
        p = vs_leader.get(a.label)
        worse = p is not None and p < alpha and rate[a.label] < rate[leader]
        results.append(
            ArmResult(a.label, a.successes, a.trials, rate[a.label], low, high, p, worse)
        )
    others = [r for r in results if r.label != leader]
    winner = leader if others and all(r.worse_than_leader for r in others) else None
    return Comparison(results, leader, winner)
