import random
from statistics import fmean

import pytest

from agentlab import iqm, paired_comparison, scores_by_task, stratified_bootstrap_ci
from agentlab.analysis.stats import bootstrap_ci
from agentlab.campaign.store import TrialRow


def bernoulli_tasks(ps: list[float], runs: int, seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    return {f"t{i}": [float(rng.random() < p) for _ in range(runs)] for i, p in enumerate(ps)}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([8, 1, 7, 2, 6, 3, 5, 4], 4.5),  # n = 8: cut 2 from each end, keep 3..6
        ([1, 2, 3, 4, 100], 3.0),  # n = 5: int(1.25) = 1 cut from each end, keep 2, 3, 4
        ([10, 1, 2, 3, 4, 5, 6, 7, 8, 1000], 5.5),  # n = 10: int(2.5) = 2 cut, keep 3..8
        ([1, 2, 3, 4, 5, 6, 7], 4.0),  # n = 7: int(1.75) = 1 cut, keep 2..6
        ([1, 2, 3, 4], 2.5),
        ([1, 2, 9], 4.0),  # fewer than 4: nothing is cut
        ([0.5], 0.5),
    ],
)
def test_iqm_matches_hand_computed_values(values: list[float], expected: float) -> None:
    assert iqm(values) == pytest.approx(expected)


def test_iqm_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        iqm([])


@pytest.mark.parametrize("statistic", [fmean, iqm])
def test_stratified_interval_contains_the_point(statistic) -> None:
    rng = random.Random(0)
    scores = {f"t{i}": [rng.random() * (i + 1) for _ in range(8)] for i in range(12)}
    point, low, high = stratified_bootstrap_ci(scores, statistic=statistic, resamples=500)
    assert point == pytest.approx(statistic([x for runs in scores.values() for x in runs]))
    assert low < point < high


def test_stratified_interval_narrows_with_more_runs() -> None:
    ps = [0.2, 0.4, 0.5, 0.6, 0.8]
    _, low_few, high_few = stratified_bootstrap_ci(bernoulli_tasks(ps, 5, seed=1), resamples=500)
    _, low_many, high_many = stratified_bootstrap_ci(bernoulli_tasks(ps, 80, seed=1), resamples=500)
    assert high_many - low_many < (high_few - low_few) / 2


def test_stratified_interval_is_deterministic_per_seed() -> None:
    rng = random.Random(2)
    scores = {f"t{i}": [rng.random() for _ in range(6)] for i in range(4)}
    reordered = dict(reversed(scores.items()))
    first = stratified_bootstrap_ci(scores, resamples=300, seed=7)
    assert stratified_bootstrap_ci(reordered, resamples=300, seed=7) == first
    assert stratified_bootstrap_ci(scores, resamples=300, seed=8) != first


def test_stratified_interval_covers_the_true_mean_at_about_the_nominal_rate() -> None:
    rng = random.Random(3)
    ps = [rng.uniform(0.1, 0.9) for _ in range(10)]
    truth = fmean(ps)  # each task has as many runs, so the pooled mean estimates this
    simulations = 200
    covered = 0
    for sim in range(simulations):
        _, low, high = stratified_bootstrap_ci(
            bernoulli_tasks(ps, 10, seed=100 + sim), resamples=200, seed=sim
        )
        covered += low <= truth <= high
    assert 0.88 <= covered / simulations <= 0.99


def test_stratified_bootstrap_errors() -> None:
    with pytest.raises(ValueError, match="no tasks"):
        stratified_bootstrap_ci({})
    with pytest.raises(ValueError, match="without runs: b, c"):
        stratified_bootstrap_ci({"a": [1.0], "c": [], "b": []})
    with pytest.raises(ValueError, match="resamples"):
        stratified_bootstrap_ci({"a": [1.0]}, resamples=0)
    with pytest.raises(ValueError, match="level"):
        stratified_bootstrap_ci({"a": [1.0]}, level=1.5)


def test_bootstrap_ci_keeps_its_interval() -> None:
    values = [1.0] * 7 + [0.0] * 3
    low, high = bootstrap_ci(values)
    assert low < 0.7 < high
    assert bootstrap_ci(values) == (low, high)
    assert all(x != x for x in bootstrap_ci([]))  # NaN for no values


def test_identical_strategies_do_not_differ() -> None:
    scores = bernoulli_tasks([0.2, 0.5, 0.5, 0.8, 0.9], 8, seed=4)
    comparison = paired_comparison(scores, scores, resamples=500)
    assert comparison.tasks == 5
    assert comparison.difference == 0.0
    assert comparison.p_improvement == 0.5
    low, high = comparison.difference_ci
    assert low < 0 < high
    low, high = comparison.p_improvement_ci
    assert low < 0.5 < high


def test_a_strictly_better_strategy_always_improves() -> None:
    rng = random.Random(5)
    a = {f"t{i}": [rng.uniform(0.0, 0.4) for _ in range(6)] for i in range(8)}
    b = {f"t{i}": [rng.uniform(0.6, 1.0) for _ in range(4)] for i in range(8)}
    comparison = paired_comparison(a, b, resamples=500)
    assert comparison.p_improvement == 1.0
    assert comparison.p_improvement_ci == (1.0, 1.0)
    assert comparison.difference_ci[0] > 0
    assert paired_comparison(b, a, resamples=500).p_improvement == 0.0


def test_ties_count_half_and_every_task_weighs_the_same() -> None:
    # t1: b's 1 beats a's 0 and ties a's 1, so P = 1.5 / 2; t2: b's 0 ties all of a's
    comparison = paired_comparison({"t1": [0, 1], "t2": [0, 0, 0]}, {"t1": [1], "t2": [0]})
    assert comparison.p_improvement == pytest.approx((0.75 + 0.5) / 2)
    assert comparison.difference == pytest.approx((0.5 + 0.0) / 2)


def test_tasks_only_one_strategy_ran_are_named() -> None:
    a = {"shared": [0.0, 1.0], "a1": [1.0], "a2": [0.0]}
    b = {"shared": [1.0, 1.0], "b1": [1.0]}
    comparison = paired_comparison(a, b, resamples=100)
    assert (comparison.tasks, comparison.only_a, comparison.only_b) == (1, ["a1", "a2"], ["b1"])
    assert comparison.difference == 0.5


def test_paired_comparison_errors() -> None:
    with pytest.raises(ValueError, match="no task has runs of both"):
        paired_comparison({"x": [1.0]}, {"y": [1.0]})
    with pytest.raises(ValueError, match="b: tasks without runs: x"):
        paired_comparison({"x": [1.0]}, {"x": []})
    with pytest.raises(ValueError, match="resamples"):
        paired_comparison({"x": [1.0]}, {"x": [0.0]}, resamples=0)


def row(
    task: str, seed: int, strategy: str = "react", model: str = "sim/0.5", **fields
) -> TrialRow:
    return TrialRow(
        id=f"{task}-{strategy}-{model}-{seed}",
        task_id=task,
        strategy=strategy,
        model=model,
        seed=seed,
        **fields,
    )


def test_scores_by_task_counts_as_the_summary_does() -> None:
    rows = [
        row("t1", 0, status="finished", passed=True),
        row("t1", 1, status="finished", passed=False),
        row("t1", 2, status="error", error="boom"),  # a failure
        row("t1", 3, status="finished"),  # no verdict: left out
        row("t2", 0, status="pending"),  # not run yet: left out
        row("t3", 0, status="finished", passed=True),
        row("t3", 0, strategy="best_of_n", status="finished", passed=False),
        row("t3", 0, model="sim/0.9", status="finished", passed=False),
    ]
    assert scores_by_task(rows, "react", "sim/0.5") == {"t1": [1.0, 0.0, 0.0], "t3": [1.0]}
    assert scores_by_task(rows, "best_of_n", "sim/0.5") == {"t3": [0.0]}
    with pytest.raises(ValueError, match="no judged trials of strategy 'react' with model 'x'"):
        scores_by_task(rows, "react", "x")
