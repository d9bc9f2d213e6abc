"""pass@k and best-of-k curves: hand-computed cases and brute force over every k-subset."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from statistics import mean

import pytest

from agentlab.analysis.passk import (
    Curve,
    best_of_k_curve,
    majority_vote_curve,
    pass_at_k,
    pass_at_k_curve,
)


def successes(curve: Curve) -> list[float]:
    return [p.success for p in curve.points]


def test_pass_at_k_matches_hand_computed_values() -> None:
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)  # 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 0, 3) == 0.0
    assert pass_at_k(5, 4, 2) == 1.0  # only one wrong sample: every pair holds a right one
    assert pass_at_k(1, 1, 1) == 1.0


def test_pass_at_k_equals_the_binomial_ratio_and_stays_finite_for_large_n() -> None:
    for n, c, k in [(10, 3, 4), (20, 1, 7), (50, 25, 10), (200, 13, 100)]:
        assert pass_at_k(n, c, k) == pytest.approx(1 - math.comb(n - c, k) / math.comb(n, k))
    assert 0.0 < pass_at_k(100_000, 3, 50) < 1.0


@pytest.mark.parametrize(
    ("n", "c", "k", "message"),
    [(5, 2, 6, "k must be between 1 and n=5, not 6"), (5, 2, 0, "k must be between 1"),
     (5, 6, 1, "c must be between 0 and n=5, not 6"), (5, -1, 1, "c must be between"),
     (0, 0, 1, "n must be at least 1")],
)  # fmt: skip
def test_pass_at_k_rejects_impossible_arguments(n: int, c: int, k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pass_at_k(n, c, k)


def test_the_oracle_curve_is_pass_at_k_for_every_k() -> None:
    curve = pass_at_k_curve([True, False, False])
    assert curve.selector == "oracle" and curve.n == 3 and curve.resamples is None
    assert [p.k for p in curve.points] == [1, 2, 3]
    assert successes(curve) == pytest.approx([1 / 3, 2 / 3, 1.0])


def brute_best_of_k(scores: list[float], correct: list[bool], k: int) -> float:
    """Mean over every k-subset of the share of correct samples among its top-scored ones."""
    values = []
    for subset in combinations(range(len(scores)), k):
        top = max(scores[i] for i in subset)
        best = [correct[i] for i in subset if scores[i] == top]
        values.append(sum(best) / len(best))
    return mean(values)


def test_best_by_score_breaks_ties_uniformly_as_computed_by_hand() -> None:
    # k=2: {0,1} tie -> 1/2, {0,2} -> right, {1,2} -> wrong: (1/2 + 1 + 0) / 3 = 1/2
    curve = best_of_k_curve([1.0, 1.0, 0.0], [True, False, True])
    assert curve.selector == "score" and curve.resamples is None
    assert successes(curve) == pytest.approx([2 / 3, 1 / 2, 1 / 2])


def test_best_by_score_equals_brute_force_over_every_subset() -> None:
    scores = [0.9, 0.9, 0.7, 0.5, 0.5, 0.5, 0.2, 0.1]
    correct = [False, True, True, False, True, True, False, True]
    curve = best_of_k_curve(scores, correct)
    expected = [brute_best_of_k(scores, correct, k) for k in range(1, 9)]
    assert successes(curve) == pytest.approx(expected)


def test_best_by_score_with_a_perfect_scorer_is_pass_at_k() -> None:
    correct = [False, True, False, False, True, False, False]
    perfect = best_of_k_curve([float(ok) for ok in correct], correct)
    assert successes(perfect) == pytest.approx(successes(pass_at_k_curve(correct)))


def test_best_by_score_with_an_inverted_scorer_falls_to_zero() -> None:
    correct = [True, True, False, False]
    curve = successes(best_of_k_curve([0.0, 0.0, 1.0, 1.0], correct))
    assert curve == pytest.approx([1 / 2, 1 / 6, 0.0, 0.0])  # k=2: only {0,1} of six pairs


def test_curves_reject_an_empty_pool_mismatched_lengths_and_nan() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        pass_at_k_curve([])
    with pytest.raises(ValueError, match="2 scores for 3 samples"):
        best_of_k_curve([0.1, 0.2], [True, False, True])
    with pytest.raises(ValueError, match="NaN"):
        best_of_k_curve([0.1, math.nan], [True, False])
    with pytest.raises(ValueError, match="resamples must be at least 1, not 0"):
        majority_vote_curve(["a"], {"a"}, resamples=0)


def brute_vote(answers: list[str], correct: set[str], k: int) -> float:
    values = []
    for subset in combinations(answers, k):
        counts = Counter(subset)
        top = max(counts.values())
        leaders = [a for a, count in counts.items() if count == top]
        values.append(sum(a in correct for a in leaders) / len(leaders))
    return mean(values)


def test_majority_vote_matches_hand_computed_values_within_its_error() -> None:
    # k=2: {a,a} -> right, {a,b} twice -> a tie, 1/2 each: (1 + 1/2 + 1/2) / 3 = 2/3
    curve = majority_vote_curve(["a", "a", "b"], {"a"}, resamples=4000, seed=1)
    assert curve.selector == "vote" and curve.resamples == 4000
    for point, exact in zip(curve.points, [2 / 3, 2 / 3, 1.0], strict=True):
        assert abs(point.success - exact) <= 4 * point.stderr + 1e-12
    assert curve.points[-1].success == 1.0 and curve.points[-1].stderr == 0.0  # one subset


def test_majority_vote_agrees_with_brute_force_over_every_subset() -> None:
    answers = ["a", "b", "a", "c", "c", "b", "a", "d"]
    curve = majority_vote_curve(answers, {"a"}, resamples=3000, seed=7)
    for point in curve.points:
        exact = brute_vote(answers, {"a"}, point.k)
        assert abs(point.success - exact) <= 4 * point.stderr + 1e-12, point.k


def test_majority_vote_rises_when_most_samples_are_right_and_falls_when_most_are_wrong() -> None:
    right = majority_vote_curve(["a"] * 6 + ["b", "c", "d", "e"], {"a"}, resamples=2000)
    wrong = majority_vote_curve(["b"] * 6 + ["a"] * 4, {"a"}, resamples=2000)
    up, down = successes(right)[::2], successes(wrong)[::2]  # odd k: no parity dip
    assert up[0] == pytest.approx(0.6, abs=0.05) and up[0] < up[1] < up[2] < up[3] == 1.0
    assert down[0] == pytest.approx(0.4, abs=0.05) and down[0] > down[1] > down[2] > down[3] > 0
    assert down[4] == 0.0  # nine of ten hold at least five wrong answers against four right


def test_majority_vote_is_a_function_of_its_seed() -> None:
    answers = ["a", "b", "b", "c", "a", "a"]
    first = majority_vote_curve(answers, {"a"}, resamples=200, seed=3)
    assert majority_vote_curve(answers, {"a"}, resamples=200, seed=3) == first
    assert majority_vote_curve(answers, {"a"}, resamples=200, seed=4) != first
