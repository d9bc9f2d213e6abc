"""`adaptive`: best-of-N that spends its budget only where the first samples leave doubt.

    adaptive:budget=16,probe=4                   majority vote; stop early when 3 of 4 agree
    adaptive:budget=16,probe=4,select=judge,judge="checklist:model=sim/0.95",confident=0.9

After Snell et al. (2024), compute-optimal test-time scaling: a task's difficulty is estimated
from a few samples (`probe`), through how sure the selection already is (the winner's share of
the votes, or the best judge score), and the rest of the budget goes to the tasks that are not
yet settled. Easy tasks stop after the probe; uncertain ones get every sample of `budget`, and
their vote includes the probe. The step of the result records the estimate and what was spent.
"""

from __future__ import annotations

from agentlab.registry import strategy
from agentlab.trial import TrialContext
from agentlab.types import Step, Task, Trajectory
from strategies.best_of_n import BestOfN, Selection


@strategy("adaptive")
class Adaptive:
    """Probes with `probe` samples and spends up to `budget` only when they leave doubt."""

    def __init__(
        self,
        budget: int = 16,
        probe: int = 4,
        confident: float = 0.75,
        select: Selection = "vote",
        inner: str = "react",
        judge: str | None = None,
    ) -> None:
        if not 1 <= probe <= budget:
            raise ValueError(f"adaptive: need 1 <= probe ({probe}) <= budget ({budget})")
        if not 0.0 < confident <= 1.0:
            raise ValueError(f"adaptive: confident={confident} must be in (0, 1]")
        self.budget, self.probe, self.confident = budget, probe, confident
        if select == "tournament":
            raise ValueError("adaptive: select=tournament gives no confidence to stop on; "
                             "choose vote, weighted_vote, judge or oracle")  # fmt: skip
        self.search = BestOfN(n=budget, select=select, inner=inner, judge=judge)

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        samples = await self.search.draw(task, ctx, range(self.probe))
        estimate = self.search.confidence(task, ctx, samples)
        if estimate < self.confident:
            samples += await self.search.draw(task, ctx, range(self.probe, self.budget))
        result = await self.search.conclude(task, ctx, samples)
        result.strategy = self.spec  # type: ignore[attr-defined]
        result.steps.insert(0, Step(
            kind="judge",
            inputs={"probe": self.probe, "budget": self.budget, "confident": self.confident},
            outputs={"confidence": estimate, "spent": len(samples)},
        ))  # fmt: skip
        return result
