"""adaptive: the same success as spending the whole budget, for a fraction of the samples."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_best_of_n import make_task, passed, run

from agentlab import Campaign, load_trajectory
from agentlab.trial import Probe
from agentlab.types import Trajectory
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


async def test_a_campaign_budget_moved_to_unsolved_tasks_beats_the_same_budget_spread_evenly(
    tmp_path: Path,
) -> None:
    """Coverage (the verifier selects) on 12 tasks of three difficulties, 4 seeds, sim/0.5."""
    tasks = [make_task(tmp_path, question=True, difficulty=d, name=f"{d}-{i}")
             for d in ("easy", "medium", "hard") for i in range(4)]  # fmt: skip
    specs = {"even": "best_of_n:n=4,select=oracle",
             "task": "adaptive:budget=4,probe=2,select=oracle",
             "campaign": "adaptive:budget=4,probe=2,select=oracle,scope=campaign"}  # fmt: skip
    success, samples, trials = {}, {}, {}
    for name, spec in specs.items():
        out = tmp_path / name
        rows = await Campaign(tasks, [spec], ["sim/0.5"], out=out, seeds=4, sandbox="local",
                              concurrency=8).run()  # fmt: skip
        trials[name] = [load_trajectory(out / "trajectories" / f"{r.id}.json.gz") for r in rows]
        success[name] = sum(r.passed is True for r in rows) / len(rows)
        samples[name] = sum(len(t.branches) for t in trials[name])
    print(success, samples)
    assert samples["campaign"] == samples["even"] == 4 * 12 * 4 > samples["task"]
    assert success["campaign"] > success["even"] == success["task"], success
    for seed in range(4):  # a group: one seed's 12 tasks, 4 samples each on average
        shares = [t.steps[0].outputs for t in trials["campaign"] if t.seed == seed]
        assert sum(s["spent"] for s in shares) == 4 * 12
        assert all(s["share"] == 0 for s in shares if s["confidence"] == 1.0)  # solved: no more
        assert max(s["share"] for s in shares) > 4 - 2  # more than a task's own budget allows


async def test_a_resumed_group_shares_what_its_finished_trials_left(tmp_path: Path) -> None:
    tasks = [make_task(tmp_path, question=True, difficulty=d, name=d) for d in ("easy", "hard")]
    spec = "adaptive:budget=4,probe=2,select=oracle,scope=campaign"
    campaign = Campaign(tasks, [spec], ["sim/0.5"], out=tmp_path / "run", sandbox="local")
    first = {r.task_id: r for r in await campaign.run()}
    with sqlite3.connect(tmp_path / "run" / "store.sqlite") as db:  # as if interrupted
        db.execute("UPDATE trials SET status='running' WHERE id=?", (first["hard"].id,))
    again = {r.task_id: r for r in await campaign.run()}
    assert again["hard"].attempts == 2 and again["easy"].attempts == 1
    trials = [load_trajectory(tmp_path / "run" / "trajectories" / f"{r.id}.json.gz")
              for r in again.values()]  # fmt: skip
    assert sum(len(t.branches) for t in trials) == 4 * 2  # the budget, once, across both runs


def test_the_share_counts_what_finished_trials_spent_and_favours_doubt() -> None:
    adaptive = Adaptive(budget=4, probe=2, confident=0.75, scope="campaign")
    probes = [Probe([Trajectory(task_id="t")] * 2, estimate) for estimate in (1.0, 0.5, 0.5, 0.6)]
    done = Trajectory(task_id="d", branches=[Trajectory(task_id="d")] * 6)  # 2 over its 4
    # 5 tasks x 4 = 20 samples; 8 probed, 6 spent before: 6 left, none to the settled task
    assert adaptive.share(probes, [done]) == [0, 2, 2, 2]
    assert Adaptive(budget=4, probe=2).share(probes, []) == [0, 2, 2, 2]  # scope=task: all
    assert adaptive.share(probes[:2], []) == [0, 4]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match=r"need 1 <= probe \(9\) <= budget \(8\)"):
        Adaptive(budget=8, probe=9)
    with pytest.raises(ValueError, match="confident=0 must be in"):
        Adaptive(confident=0)
    with pytest.raises(ValueError, match="scope='all'; choose task or campaign"):
        Adaptive(scope="all")  # type: ignore[arg-type]
