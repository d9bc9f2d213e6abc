"""pass@k and best-of-k curves: what k samples would achieve, estimated from one pool of N.

A campaign that draws N samples per task gives every k <= N at once: each curve is the
expected success of a selector given k samples drawn without replacement from the pool.
The oracle (pass@k) and best-by-score curves are exact; majority voting is resampled.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Sequence
from typing import Literal

from pydantic import BaseModel

Selector = Literal["oracle", "score", "vote"]


class CurvePoint(BaseModel):
    k: int
    success: float
    stderr: float = 0.0  # Monte-Carlo standard error; 0 for an exact value


class Curve(BaseModel):
    """Expected success of `selector` with k = 1..n samples out of a pool of n."""

    selector: Selector
    n: int
    resamples: int | None = None  # None: computed exactly
    points: list[CurvePoint]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of Chen et al. (2021): 1 - C(n-c, k) / C(n, k) from n samples, c correct.

    Computed as 1 - prod_{i=n-c+1..n} (1 - k/i), which neither overflows nor loses precision.
    """
    if n < 1:
        raise ValueError(f"pass_at_k: n must be at least 1, not {n}")
    if not 0 <= c <= n:
        raise ValueError(f"pass_at_k: c must be between 0 and n={n}, not {c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass_at_k: k must be between 1 and n={n}, not {k}")
    if n - c < k:  # every k-subset holds a correct sample
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def pass_at_k_curve(correct: Sequence[bool]) -> Curve:
    """pass@k for every k: the success of an oracle that picks a correct sample if there is one."""
    n, c = _pool_size(correct), sum(correct)
    points = [CurvePoint(k=k, success=pass_at_k(n, c, k)) for k in range(1, n + 1)]
    return Curve(selector="oracle", n=n, points=points)


def best_of_k_curve(scores: Sequence[float], correct: Sequence[bool]) -> Curve:
    """Success of picking the highest-scored of k samples, ties broken uniformly; exact.

    For a group of t samples sharing one score with a samples scored above it, the best of
    a k-subset falls in the group with probability (C(N-a, k) - C(N-a-t, k)) / C(N, k), and
    the uniform tie-break then picks each of its correct members with equal chance: c/t.
    """
    n = _pool_size(correct)
    if len(scores) != n:
        raise ValueError(f"best_of_k_curve: {len(scores)} scores for {n} samples")
    if any(math.isnan(score) for score in scores):
        raise ValueError("best_of_k_curve: a score is NaN, which ranks against nothing")
    groups: dict[float, list[bool]] = {}
    for score, ok in zip(scores, correct, strict=True):
        groups.setdefault(score, []).append(ok)
    points = []
    for k in range(1, n + 1):
        success, above = 0.0, 0
        for score in sorted(groups, reverse=True):
            group = groups[score]
            t = len(group)
            reach = math.comb(n - above, k) - math.comb(n - above - t, k)
            success += reach * sum(group) / (math.comb(n, k) * t)
            above += t
        points.append(CurvePoint(k=k, success=success))
    return Curve(selector="score", n=n, points=points)


def majority_vote_curve(
    answers: Sequence[str], correct: Collection[str], *, resamples: int = 10_000, seed: int = 0
) -> Curve:
    """Success of the most common answer among k samples, ties broken uniformly; resampled.

    `correct` holds the answers that count as right. Each resample shuffles the pool, and
    its prefixes are uniform k-subsets for every k at once. A tie is scored by the share of
    correct answers among the tied ones, its expectation under a uniform tie-break.
    """
    n = _pool_size(answers)
    if resamples < 1:
        raise ValueError(f"majority_vote_curve: resamples must be at least 1, not {resamples}")
    rng = random.Random(seed)
    pool = list(answers)
    sums, squares = [0.0] * n, [0.0] * n
    for _ in range(resamples):
        rng.shuffle(pool)
        counts: dict[str, int] = {}
        top, leaders, right = 0, 0, 0  # the top count, answers reaching it, the right ones
        for i, answer in enumerate(pool):
            count = counts[answer] = counts.get(answer, 0) + 1
            if count > top:
                top, leaders, right = count, 0, 0
            if count == top:
                leaders += 1
                right += answer in correct
            success = right / leaders
            sums[i] += success
            squares[i] += success * success
    points = []
    for i in range(n):
        mean = sums[i] / resamples
        variance = max(squares[i] / resamples - mean * mean, 0.0)
        stderr = math.sqrt(variance / (resamples - 1)) if resamples > 1 else 0.0
        points.append(CurvePoint(k=i + 1, success=mean, stderr=stderr))
    return Curve(selector="vote", n=n, resamples=resamples, points=points)


def _pool_size(pool: Sequence[object]) -> int:
    if not pool:
        raise ValueError("a curve needs a pool of at least one sample")
    return len(pool)
