"""adaptive: the same success as spending the whole budget, for a fraction of the samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_best_of_n import make_task, passed, run

from strategies.adaptive import Adaptive


async def test_it_matches_the_full_budget_while_spending_far_less(tmp_path: Path) -> None:
    task = make_task(tmp_path, question=True)
    full = await run(task, "best_of_n:n=8,select=vote", 0.8, trials=20)
    adaptive = await run(task, "adaptive:budget=8,probe=3,confident=0.6", 0.8, trials=20)
    success = {
        name: sum(map(passed, t)) / 20 for name, t in (("full", full), ("adaptive", adaptive))
    }
    assert success["adaptive"] >= success["full"] - 0.05, success
    spent = [len(t.branches) for t in adaptive]
    assert set(spent) == {3, 8}  # settled tasks stop after the probe, the others get it all
    assert sum(spent) <= 0.6 * 8 * 20, spent
    for trial in adaptive:
        estimate, choice = trial.steps[0], trial.steps[1]
        assert estimate.outputs["spent"] == len(trial.branches) == choice.inputs["n"]
        settled = estimate.outputs["confidence"] >= 0.6
        assert settled is (len(trial.branches) == 3)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match=r"need 1 <= probe \(9\) <= budget \(8\)"):
        Adaptive(budget=8, probe=9)
    with pytest.raises(ValueError, match="confident=0 must be in"):
        Adaptive(confident=0)
