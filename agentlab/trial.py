"""What a strategy gets for one trial, and the Strategy and Judge protocols (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agentlab import cost, environment
from agentlab.agent import Limits
from agentlab.cost import FREE, Price
from agentlab.models.base import ModelClient
from agentlab.sandbox.base import Sandbox, SandboxProvider
from agentlab.sandbox.pool import SandboxPool
from agentlab.types import Preference, Score, Task, Trajectory


class Judge(Protocol):
    """Scores a trajectory; the sandbox is the one the agent used, when the judge needs it."""

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score: ...


class PairwiseJudge(Protocol):
    """Prefers one of two trajectories of the same task (e.g. `llm_judge:mode=pairwise`)."""

    async def compare(self, task: Task, a: Trajectory, b: Trajectory) -> Preference: ...


class Strategy(Protocol):
    """Solves a task however it likes, within `ctx`'s budget, and returns one trajectory."""

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory: ...


@dataclass
class Probe:
    """What a shared-budget strategy learnt of one task before the budget is shared out."""

    samples: list[Trajectory]
    estimate: float  # how settled the task already is, 0..1


class SharedBudget(Protocol):
    """A strategy whose budget the tasks of a campaign share (`adaptive:scope=campaign`).

    A campaign whose strategy has `shared_budget` true runs each group of its trials (one
    strategy, model and seed, every task) in two phases: `probe` on every task, then `share`
    once, given every probe and the trajectories of the group's trials finished earlier, then
    `finish` on each task with its share of what is left.
    """

    shared_budget: bool

    async def probe(self, task: Task, ctx: TrialContext) -> Probe: ...

    def share(self, probes: Sequence[Probe], finished: Sequence[Trajectory]) -> list[int]: ...

    async def finish(
        self, task: Task, ctx: TrialContext, probe: Probe, extra: int
    ) -> Trajectory: ...


@dataclass
class TrialContext:
    """The model, sandboxes, judges and limits of one trial; strategies compose through it.

    With a `pool` (of `provider`), sandboxes come from its warm ones and closing one returns at
    once: the pool destroys it in the background.
    """

    model: ModelClient
    provider: SandboxProvider
    judges: Sequence[Judge] = ()
    limits: Limits = field(default_factory=Limits)
    seed: int = 0
    price: Price = FREE
    pool: SandboxPool | None = None

    def __post_init__(self) -> None:
        if self.pool is not None and self.pool.provider is not self.provider:
            raise ValueError("TrialContext: the pool must create sandboxes with its provider")

    async def sandbox(self, task: Task) -> Sandbox:
        """A fresh sandbox for `task`, set up; the caller closes it."""
        if self.pool is None:
            return await environment.start(task, self.provider)
        sandbox = await self.pool.acquire(await environment.sandbox_spec(task, self.provider))
        try:
            await environment.run_setup(task, sandbox)
        except BaseException:
            await sandbox.close()
            raise
        return sandbox

    async def judge(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> None:
        """Records the workspace's changes (`trajectory.patch`, when it is a git repository),
        then adds every judge's score; their work is charged to the `judge` role (the
        execution verifier's to `verifier`)."""
        if sandbox is not None and trajectory.patch is None:
            trajectory.patch = await environment.workspace_patch(sandbox)
        with cost.role("judge"):
            for judge in self.judges:
                trajectory.scores.append(await judge.score(task, trajectory, sandbox))
