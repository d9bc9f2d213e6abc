"""beam and mcts on the simulated model: search beats a single rollout on a task of several
steps in a row, within its token budget, closing every fork, storing its tree, seeded.

The task is a chain of four appends to one file (each step must follow the last) plus the
submission. The policy, sim/0.5, takes the next step half the time and otherwise explores or
submits too early; a single rollout stops at its first early submission. The value model,
sim/0.9, sees how far a transcript got.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from agentlab.agent import Limits
from agentlab.cost import Price
from agentlab.models.registry import get_model
from agentlab.registry import build, parse_spec
from agentlab.sandbox.base import Sandbox, SandboxSpec
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_task
from agentlab.trial import Judge, Strategy, TrialContext
from agentlab.types import Score, SnapshotRef, Task, Trajectory
from judges.verifier import VerifierJudge
from strategies.mcts import MCTS

SEEDS = 24
MULTIPLE = 6  # the search's budget, in single rollouts' mean spend (docs/strategies.md)
BEAM = "beam:value_model=sim/0.9,width=1,expand=3"
MCTS_ = "mcts:value_model=sim/0.9,expand=3,selection=puct"
LIMITS = Limits(max_steps=12)


def chain_task(root: Path, steps: int = 4) -> Task:
    """Append 1, 2, ... `steps` to chain.txt, in order: one oracle step each."""
    folder = root / "chain"
    for sub in ("solution", "tests"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "medium"\n')
    (folder / "instruction.md").write_text(f"Append the numbers 1 to {steps} to chain.txt.")
    oracle = "\n\n".join(f"echo {i} >> chain.txt" for i in range(1, steps + 1))
    (folder / "solution" / "solve.sh").write_text(f"{oracle}\n")
    want = "\\n".join(str(i) for i in range(1, steps + 1))
    (folder / "tests" / "test.sh").write_text(
        f'[ "$(cat chain.txt)" = "$(printf "{want}")" ] && echo 1 > '
        '"$AGENTLAB_VERIFIER_DIR/reward.txt" || echo 0 > "$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return load_task(folder)


class Counted:
    """A sandbox that counts, with its forks, how many are open (through CountingProvider)."""

    def __init__(self, inner: Sandbox, provider: CountingProvider) -> None:
        self._inner, self._provider = inner, provider
        provider.opened += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def fork(self, ref: SnapshotRef) -> Counted:
        self._provider.forks += 1
        return Counted(await self._inner.fork(ref), self._provider)

    async def close(self) -> None:
        self._provider.closed += 1
        await self._inner.close()


class CountingProvider:
    name = "local"

    def __init__(self) -> None:
        self.opened = self.closed = self.forks = 0

    async def create(self, spec: SandboxSpec) -> Counted:
        return Counted(await LocalProvider().create(spec), self)


async def run(task: Task, strategy: str, seeds: int = SEEDS, provider: Any = None,
              judges: list[Judge] | None = None) -> list[Trajectory]:  # fmt: skip
    """Trials seeded 0, 1, ... of `strategy`, eight at a time."""
    model = get_model("sim/0.5")
    gate = asyncio.Semaphore(8)

    async def trial(seed: int) -> Trajectory:
        async with gate:
            scorers = [VerifierJudge()] if judges is None else judges
            ctx = TrialContext(model, provider or LocalProvider(), scorers, LIMITS, seed)
            solver: Strategy = build(parse_spec("strategy", strategy))
            return await solver.solve(task, ctx)

    return list(await asyncio.gather(*(trial(seed) for seed in range(seeds))))


def passed(trajectory: Trajectory) -> bool:
    return bool(trajectory.scores) and trajectory.scores[0].passed


def spent(trajectory: Trajectory) -> int:
    return trajectory.usage.prompt_tokens + trajectory.usage.completion_tokens


def largest_expansion(trajectory: Trajectory) -> int:
    return max(int(row["cost"]) for row in trajectory.steps[0].outputs["nodes"])


async def test_beam_and_mcts_beat_a_single_rollout_at_an_equal_token_budget(
    tmp_path: Path,
) -> None:
    task = chain_task(tmp_path)
    react = await run(task, "react")
    budget = MULTIPLE * sum(spent(t) for t in react) // SEEDS
    assert max(spent(t) for t in react) <= budget  # react given `budget` ends the same
    rates = {"react": sum(map(passed, react)) / SEEDS}
    for name, spec in (("beam", BEAM), ("mcts", MCTS_)):
        trials = await run(task, f"{spec},budget_tokens={budget}")
        rates[name] = sum(map(passed, trials)) / SEEDS
        for t in trials:  # at most one expansion over the budget
            assert spent(t) <= budget + largest_expansion(t), (name, t.seed)
            assert t.steps[0].outputs["spent_tokens"] == spent(t)
    assert rates["react"] < 0.25  # a task where one rollout mostly fails
    print(f"budget {budget}: success {rates}")
    assert rates["beam"] >= rates["react"] + 0.3, rates
    assert rates["mcts"] >= rates["react"] + 0.2, rates


@pytest.mark.parametrize("spec", [BEAM, MCTS_, "mcts:value_model=sim/0.9,evaluation=rollout,"
                                  "c=0.5,simulations=3,depth=6"])  # fmt: skip
async def test_every_fork_is_closed_and_the_tree_is_in_the_trajectory(
    tmp_path: Path, spec: str
) -> None:
    task = chain_task(tmp_path)
    provider = CountingProvider()
    trials = await run(task, f"{spec},budget_tokens=3000", seeds=3, provider=provider)
    assert provider.forks > 0 and provider.opened == provider.closed
    for t in trials:
        tree = t.steps[0]
        rows = tree.outputs["nodes"]
        assert tree.kind == "plan" and len(t.branches) == len(rows)
        assert all(rows[r["parent"]]["depth"] == r["depth"] - 1 for r in rows[1:])
        # the chosen node's conversation is the path's actions, in order, after the opening
        path: list[Trajectory] = []
        node = tree.outputs["chosen"]
        while node:
            path.insert(0, t.branches[node])
            node = rows[node]["parent"]
        assert t.messages[2:] == [m for b in path for m in b.messages]
        assert t.usage.prompt_tokens == sum(b.usage.prompt_tokens for b in t.branches)
        values = [s for b in t.branches for s in b.steps if s.kind == "judge"]
        assert values and all(s.usage and s.usage.role == "value" for s in values)
    if "rollout" in spec:
        assert any(b.branches for t in trials for b in t.branches)


async def test_sandboxes_are_closed_when_judging_fails(tmp_path: Path) -> None:
    class Broken:
        async def score(self, task: Task, trajectory: Trajectory, sandbox: Any) -> Score:
            raise RuntimeError("broken judge")

    provider = CountingProvider()
    with pytest.raises(RuntimeError, match="broken judge"):
        await run(chain_task(tmp_path), BEAM, seeds=1, provider=provider, judges=[Broken()])
    assert provider.forks > 0 and provider.opened == provider.closed


@pytest.mark.parametrize("spec", [BEAM, MCTS_])
async def test_the_same_seed_gives_the_same_search(tmp_path: Path, spec: str) -> None:
    task = chain_task(tmp_path)
    first = await run(task, f"{spec},budget_tokens=2000", seeds=2)
    second = await run(task, f"{spec},budget_tokens=2000", seeds=2)
    for a, b in zip(first, second, strict=True):
        assert a.steps[0].outputs == b.steps[0].outputs
        assert a.messages == b.messages and a.scores[0].value == b.scores[0].value


@pytest.mark.parametrize("spec", [BEAM, MCTS_, "mcts:value_model=sim/0.9,evaluation=rollout,"
                                  "simulations=3,depth=6"])  # fmt: skip
async def test_replaying_the_path_gives_the_tree_forking_gives(tmp_path: Path, spec: str) -> None:
    task = chain_task(tmp_path)
    provider = CountingProvider()
    forked = await run(task, f"{spec},budget_tokens=2000", seeds=2)
    replayed = await run(task, f"{spec},budget_tokens=2000,state=replay", seeds=2,
                         provider=provider)  # fmt: skip
    assert provider.forks == 0 and provider.opened == provider.closed > 2
    for a, b in zip(forked, replayed, strict=True):
        assert a.steps[0].outputs == b.steps[0].outputs
        assert a.messages == b.messages and a.scores[0].value == b.scores[0].value


@pytest.mark.parametrize("spec", [BEAM, MCTS_])
async def test_the_dollar_limit_ends_the_search(tmp_path: Path, spec: str) -> None:
    """Priced at $10 per million tokens, a $0.005 limit allows about 500 tokens."""
    task, price = chain_task(tmp_path), Price(input=10, output=10)

    async def search(limits: Limits) -> Trajectory:
        ctx = TrialContext(get_model("sim/0.5"), LocalProvider(), [VerifierJudge()], limits,
                           seed=0, price=price)  # fmt: skip
        return await build(parse_spec("strategy", spec)).solve(task, ctx)

    free = await search(LIMITS)
    capped = await search(LIMITS.model_copy(update={"max_usd": 0.005}))
    assert len(capped.branches) < len(free.branches)
    over = price.usd(capped.usage) - 0.005
    assert over <= largest_expansion(capped) * 10 / 1e6, over  # one expansion over, at most


def test_bad_arguments_are_errors() -> None:
    with pytest.raises(ValueError, match="selection"):
        MCTS(value_model="sim/0.9", selection="ucb")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="width"):
        build(parse_spec("strategy", "beam:value_model=sim/0.9,width=0"))
    with pytest.raises(ValueError, match="state='copy'; choose fork or replay"):
        build(parse_spec("strategy", "mcts:value_model=sim/0.9,state=copy"))
