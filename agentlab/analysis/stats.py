"""Statistics of success over a campaign: bootstrap intervals, the IQM, and the paired
comparison of two strategies on the same tasks.

The IQM, the stratified bootstrap and the probability of improvement follow rliable (Agarwal
et al., 2021, "Deep RL at the Edge of the Statistical Precipice"). Pure Python and seeded:
the same data and seed give the same interval.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from statistics import fmean

from pydantic import BaseModel

from agentlab.campaign.store import TrialRow

Statistic = Callable[[Sequence[float]], float]


def bootstrap_ci(
    values: Sequence[float], *, level: float = 0.95, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; seeded, so the same data give the same CI."""
    if not values:
        return (float("nan"), float("nan"))
    rng = random.Random(seed)
    n = len(values)
    return _percentile_interval(
        [sum(rng.choices(values, k=n)) / n for _ in range(resamples)], level
    )


def iqm(values: Sequence[float]) -> float:
    """The interquartile mean: the mean of what is left once a quarter is cut from each end.

    As rliable (scipy.stats.trim_mean(values, 0.25)): int(n / 4) values are cut from each
    end, so when 4 does not divide n a little more than the middle half is kept, and fewer
    than 4 values are all kept. Robust to outliers, yet less noisy than the median.
    """
    if not values:
        raise ValueError("iqm: no values")
    ordered = sorted(values)
    cut = len(ordered) // 4
    return fmean(ordered[cut : len(ordered) - cut])


def stratified_bootstrap_ci(
    scores_by_task: Mapping[str, Sequence[float]],
    *,
    statistic: Statistic = fmean,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """`statistic` over every run of every task, with rliable's stratified bootstrap interval.

    Returns (point, low, high). Each resample draws every task's runs with replacement from
    that task's own runs (the task is the stratum, so the set of tasks stays fixed and each
    task keeps its number of runs), then applies `statistic` to all drawn runs pooled, as
    rliable does: its IQM is over runs x tasks, not over per-task means. With the same number
    of runs per task, the pooled mean is the mean of the per-task means. `statistic` is
    `statistics.fmean` (the default) or `iqm`.
    """
    _check_runs(scores_by_task, "stratified_bootstrap_ci")
    strata = [list(scores_by_task[task]) for task in sorted(scores_by_task)]  # seed -> same draws
    rng = random.Random(seed)
    point = statistic([x for runs in strata for x in runs])
    stats = [
        statistic([x for runs in strata for x in rng.choices(runs, k=len(runs))])
        for _ in range(resamples)
    ]
    return (point, *_percentile_interval(stats, level))


class Comparison(BaseModel):
    """Strategy b against strategy a on the tasks both ran; intervals are at `level`."""

    tasks: int  # the tasks compared: those with runs of both
    only_a: list[str]  # tasks left out because only a ran them
    only_b: list[str]  # tasks left out because only b ran them
    difference: float  # b's success minus a's: each task's difference of means, averaged
    difference_ci: tuple[float, float]
    p_improvement: float  # chance that a run of b beats a run of a on a task; ties count half
    p_improvement_ci: tuple[float, float]
    level: float


def paired_comparison(
    a: Mapping[str, Sequence[float]],
    b: Mapping[str, Sequence[float]],
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Comparison:
    """How much better b does than a on the same tasks, with stratified bootstrap intervals.

    Tasks that only one of the two ran are left out and named. Every task weighs the same in
    both statistics, so uneven numbers of runs do not tilt the comparison. The probability of
    improvement is rliable's: per task, the Mann-Whitney U statistic of b's runs over a's
    divided by the number of pairs (P(b > a) + P(b = a) / 2), averaged over tasks; 0.5 means
    neither is better. Each resample draws a's and b's runs of every task independently with
    replacement, as rliable's stratified independent bootstrap does.
    """
    common = sorted(a.keys() & b.keys())
    if not common:
        raise ValueError(
            f"paired_comparison: no task has runs of both (a ran {len(a)}, b ran {len(b)})"
        )
    _check_runs(a, "paired_comparison: a")
    _check_runs(b, "paired_comparison: b")
    pairs = [(list(a[task]), list(b[task])) for task in common]
    difference, p_improvement = _compare(pairs)
    rng = random.Random(seed)
    differences, improvements = [], []
    for _ in range(resamples):
        drawn = [(rng.choices(x, k=len(x)), rng.choices(y, k=len(y))) for x, y in pairs]
        d, p = _compare(drawn)
        differences.append(d)
        improvements.append(p)
    return Comparison(
        tasks=len(common), only_a=sorted(a.keys() - b.keys()), only_b=sorted(b.keys() - a.keys()),
        difference=difference, difference_ci=_percentile_interval(differences, level),
        p_improvement=p_improvement, p_improvement_ci=_percentile_interval(improvements, level),
        level=level,
    )  # fmt: skip


def scores_by_task(rows: Iterable[TrialRow], strategy: str, model: str) -> dict[str, list[float]]:
    """Each task's outcomes (1.0 passed, 0.0 not) for one strategy x model, counted as the
    campaign summary counts them: a trial that errored is a failure, and a trial without a
    verdict (unfinished, or no primary score) is left out. Raises ValueError when none is left.
    """
    scores: dict[str, list[float]] = {}
    for row in rows:
        if (row.strategy, row.model) == (strategy, model) and (
            row.status == "error" or row.passed is not None
        ):
            scores.setdefault(row.task_id, []).append(1.0 if row.passed else 0.0)
    if not scores:
        raise ValueError(f"no judged trials of strategy {strategy!r} with model {model!r}")
    return scores


def _compare(pairs: Sequence[tuple[list[float], list[float]]]) -> tuple[float, float]:
    """The mean over tasks of b's mean minus a's, and of the probability that b beats a."""
    differences, improvements = [], []
    for x, y in pairs:
        differences.append(fmean(y) - fmean(x))
        xs = sorted(x)
        # a run of b beats bisect_left of a's runs and ties bisect_right - bisect_left of them
        wins = sum(bisect_left(xs, v) + bisect_right(xs, v) for v in y) / 2
        improvements.append(wins / (len(x) * len(y)))
    return fmean(differences), fmean(improvements)


def _percentile_interval(stats: Sequence[float], level: float) -> tuple[float, float]:
    """The central `level` interval of bootstrap statistics: their percentiles at both tails."""
    if not stats:
        raise ValueError("resamples must be at least 1")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    ordered, tail = sorted(stats), (1 - level) / 2
    last = len(ordered) - 1
    return ordered[int(tail * last)], ordered[int((1 - tail) * last)]


def _check_runs(scores_by_task: Mapping[str, Sequence[float]], caller: str) -> None:
    if not scores_by_task:
        raise ValueError(f"{caller}: no tasks")
    empty = sorted(task for task, runs in scores_by_task.items() if not runs)
    if empty:
        raise ValueError(f"{caller}: tasks without runs: {', '.join(empty)}")
