"""Every bundled strategy and judge runs in a campaign, from the Python API and from the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentlab import Campaign, load_task
from agentlab.campaign.store import Store
from agentlab.cli import main
from agentlab.trajectory import load

TASK = Path(__file__).parents[1] / "environments" / "os_tasks" / "tasks" / "files-purge-stale-tmp"
JUDGE = "sim/0.95"
STRATEGIES = [
    "react",
    "best_of_n:n=2,select=vote",
    f'best_of_n:n=2,select=weighted_vote,judge="checklist:model={JUDGE}"',
    f'best_of_n:n=2,select=judge,judge="test_vote:model={JUDGE},tests=2"',
    f'best_of_n:n=2,select=tournament,judge="llm_judge:model={JUDGE},mode=pairwise"',
    "best_of_n:n=2,select=oracle",
    "adaptive:budget=3,probe=2",
    "adaptive:budget=3,probe=2,select=oracle,scope=campaign",
    f'refine:judge="checklist:model={JUDGE}",rounds=2',
    "beam:value_model=sim/0.9,width=1,expand=2,budget_tokens=4000",
    "mcts:value_model=sim/0.9,simulations=2,expand=2",
]
JUDGES = [
    "verifier",
    f"checklist:model={JUDGE}",
    f"llm_judge:model={JUDGE}",
    f"test_vote:model={JUDGE},tests=2",
    f'composite:judges=["verifier","llm_judge:model={JUDGE}"],weights=[2,1]',
]


def check(out: Path) -> None:
    """One finished trial per strategy, each scored by every judge in order."""
    store = Store(out / "store.sqlite")
    rows = store.rows()
    store.close()
    assert len(rows) == len(STRATEGIES)
    assert all(r.status == "finished" for r in rows), [(r.strategy, r.error) for r in rows]
    assert all(r.prompt_tokens > 0 and r.completion_tokens > 0 for r in rows)
    for row in rows:
        trajectory = load(out / "trajectories" / f"{row.id}.json.gz")
        judged = [s.judge for s in trajectory.scores]
        assert judged == ["verifier", "checklist", "llm_judge", "test_vote", "composite"], judged
        assert not any(s.missing for s in trajectory.scores), trajectory.scores


async def test_every_strategy_and_judge_runs_from_python(tmp_path: Path) -> None:
    campaign = Campaign([load_task(TASK)], STRATEGIES, ["sim/0.7"], out=tmp_path,
                        judges=JUDGES, sandbox="local")  # fmt: skip
    await campaign.run()
    check(tmp_path)


def test_every_strategy_and_judge_runs_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "--tasks", str(TASK), "--model", "sim/0.7", "--out", str(tmp_path),
            "--sandbox", "local"]  # fmt: skip
    for spec in STRATEGIES:
        args += ["--strategy", spec]
    for spec in JUDGES:
        args += ["--judge", spec]
    assert main(args) == 0
    summary = capsys.readouterr().out
    for spec in STRATEGIES:  # the summary names each one
        assert spec.split(":")[0] in summary
    check(tmp_path)
