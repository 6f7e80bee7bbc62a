"""The A/B statistics: Wilson intervals, the two-proportion z-test, Holm, and a seeded
simulation of whole tests (prospects spread over inboxes of different reputations, assigned by
the real round-robin) that measures the test's power and its false-winner rate."""

from __future__ import annotations

import random
import time

import pytest

from outreach.abstats import (
    ALPHA,
    SEQUENTIAL_ALPHA,
    Arm,
    compare,
    holm,
    two_proportion_p,
    wilson,
)
from outreach.services.variants import pick_label


def test_wilson_matches_the_published_values() -> None:
    # Newcombe (1998), table I: 0/10 and 5/10 at 95%.
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)  # no data: anything is possible


def test_two_proportion_p_by_hand() -> None:
    # 10% vs 5% of 300 each: pooled 7.5%, se 0.021506, z 2.3250, two-sided p 0.0201.
    assert two_proportion_p(Arm("A", 30, 300), Arm("B", 15, 300)) == pytest.approx(0.0201, abs=1e-4)
    assert two_proportion_p(Arm("A", 0, 300), Arm("B", 0, 300)) == 1.0
    assert two_proportion_p(Arm("A", 3, 30), Arm("B", 0, 0)) == 1.0


def test_holm_steps_down_and_stays_monotone() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5]) == [0.5]


def test_compare_names_a_winner_only_when_it_beats_every_other_variant() -> None:
    clear = compare([Arm("A", 60, 500), Arm("B", 20, 500), Arm("C", 22, 500)])
    assert (clear.leader, clear.winner) == ("A", "A")
    assert [a.worse_than_leader for a in clear.arms] == [False, True, True]
    assert clear.arms[0].p_vs_leader is None
    close = compare([Arm("A", 60, 500), Arm("B", 55, 500), Arm("C", 20, 500)])
    assert (close.leader, close.winner) == ("A", None)  # B is not significantly worse
    assert close.arms[2].worse_than_leader


def _simulate(rng: random.Random, lifts: dict[str, float], prospects: int) -> str | None:
    """One test: prospects land on three inboxes of different reputations (reply rates), the
    real round-robin assigns each a variant per inbox, and each replies positively or not."""
    inboxes = {"good": 0.10, "fair": 0.07, "poor": 0.04}
    labels = sorted(lifts)
    per_inbox: dict[str, dict[str, int]] = {i: {} for i in inboxes}
    positive = dict.fromkeys(labels, 0)
    sent = dict.fromkeys(labels, 0)
    names = list(inboxes)
    for _ in range(prospects):
        inbox = rng.choice(names)
        label = pick_label(per_inbox[inbox], labels, sent)
        per_inbox[inbox][label] = per_inbox[inbox].get(label, 0) + 1
        sent[label] += 1
        positive[label] += rng.random() < inboxes[inbox] * lifts[label]
    return compare([Arm(lb, positive[lb], sent[lb]) for lb in labels]).winner


def test_simulation_finds_a_real_difference_and_rarely_invents_one() -> None:
    rng = random.Random(20261205)
    runs = 600
    started = time.monotonic()
    # B doubles the reply rate (about 7% -> 14%) with 800 prospects per test.
    found = [_simulate(rng, {"A": 1.0, "B": 2.0}, 800) for _ in range(runs)]
    # No difference at all, with two and with three variants.
    null_two = [_simulate(rng, {"A": 1.0, "B": 1.0}, 800) for _ in range(runs)]
    null_three = [_simulate(rng, {"A": 1.0, "B": 1.0, "C": 1.0}, 900) for _ in range(runs)]
    elapsed = time.monotonic() - started

    power = found.count("B") / runs
    assert power >= 0.85, power  # about 0.9 for the z-test at these rates and sizes
    assert found.count("A") == 0  # never the wrong way round
    margin = 0.03  # three standard errors of a 5% rate over 600 runs
    assert sum(w is not None for w in null_two) / runs <= ALPHA + margin
    assert sum(w is not None for w in null_three) / runs <= ALPHA + margin
    assert elapsed < 10, elapsed


def _auto_winner_run(rng: random.Random, rates: dict[str, float]) -> str | None:
    """The auto-winner's way of looking: from the minimum sample (100 sent per variant) again
    after every 50 more, up to 1,000, stopping at the first winner."""
    positive = dict.fromkeys(rates, 0)
    sent = 0
    for look in range(100, 1001, 50):
        while sent < look:
            sent += 1
            for label, rate in rates.items():
                positive[label] += rng.random() < rate
        arms = [Arm(label, positive[label], sent) for label in rates]
        winner = compare(arms, alpha=SEQUENTIAL_ALPHA).winner
        if winner:
            return winner
    return None


def test_the_auto_winners_repeated_looks_keep_false_winners_near_the_error_rate() -> None:
    rng = random.Random(22)
    runs = 500
    started = time.monotonic()
    null = [_auto_winner_run(rng, {"A": 0.07, "B": 0.07}) for _ in range(runs)]
    real = [_auto_winner_run(rng, {"A": 0.07, "B": 0.14}) for _ in range(runs)]
    elapsed = time.monotonic() - started
    # At 5% per look, twenty looks would name a false winner about one time in four.
    assert sum(w is not None for w in null) / runs <= ALPHA + 0.03
    assert real.count("B") / runs >= 0.95  # a doubled rate (7% to 14%) is found by 2,000
    assert real.count("A") == 0
    assert elapsed < 10, elapsed


def test_the_web_process_does_not_load_scipy_until_a_result_is_shown() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "import django, sys; django.setup(); import jengu.urls; "
        "from django.contrib import admin; admin.autodiscover(); "
        "print('scipy' in sys.modules)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "jengu.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
