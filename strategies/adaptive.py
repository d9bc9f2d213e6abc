"""`adaptive`: best-of-N that spends its budget only where the first samples leave doubt.

    adaptive:budget=16,probe=4                   majority vote; stop early when 3 of 4 agree
    adaptive:budget=16,probe=4,select=judge,judge="checklist:model=sim/0.95",confident=0.9
    adaptive:budget=8,probe=2,scope=campaign     8 samples a task on average, moved between tasks

After Snell et al. (2024), compute-optimal test-time scaling: a task's difficulty is estimated
from a few samples (`probe`), through how sure the selection already is (the winner's share of
the votes, or the best judge score), and the rest of the budget goes to the tasks that are not
yet settled. With `scope=task` the budget is each task's own: settled tasks stop after the probe
and the others get every sample of `budget`. With `scope=campaign` it is the campaign's: `budget`
samples a task on average over the tasks it runs with the same model and seed. The campaign
probes every task first, then hands out what is left one sample at a time, each to the
unsettled task where it helps most: the one with the most doubt (1 - estimate) per sample it
already has. A task's vote includes its probe. The first step of the result records the
estimate, the samples spent and the task's share.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Literal

from agentlab.registry import strategy
from agentlab.trial import Probe, TrialContext
from agentlab.types import Step, Task, Trajectory
from strategies.best_of_n import BestOfN, Selection

Scope = Literal["task", "campaign"]


@strategy("adaptive")
class Adaptive:
    """Probes with `probe` samples and spends the budget only where they leave doubt."""

    def __init__(
        self,
        budget: int = 16,
        probe: int = 4,
        confident: float = 0.75,
        select: Selection = "vote",
        inner: str = "react",
        judge: str | None = None,
        scope: Scope = "task",
    ) -> None:
        if not 1 <= probe <= budget:
            raise ValueError(f"adaptive: need 1 <= probe ({probe}) <= budget ({budget})")
        if not 0.0 < confident <= 1.0:
            raise ValueError(f"adaptive: confident={confident} must be in (0, 1]")
        if scope not in ("task", "campaign"):
            raise ValueError(f"adaptive: scope={scope!r}; choose task or campaign")
        if select == "tournament":
            raise ValueError("adaptive: select=tournament gives no confidence to stop on; "
                             "choose vote, weighted_vote, judge or oracle")  # fmt: skip
        self.budget, self.probe_size, self.confident = budget, probe, confident
        self.scope = scope
        self.shared_budget = scope == "campaign"
        self.search = BestOfN(n=budget, select=select, inner=inner, judge=judge)

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        """One task on its own: with `scope=campaign`, a campaign of one."""
        probe = await self.probe(task, ctx)
        [extra] = self.share([probe], [])
        return await self.finish(task, ctx, probe, extra)

    async def probe(self, task: Task, ctx: TrialContext) -> Probe:
        samples = await self.search.draw(task, ctx, range(self.probe_size))
        return Probe(samples, self.search.confidence(task, ctx, samples))

    def share(self, probes: Sequence[Probe], finished: Sequence[Trajectory]) -> list[int]:
        """The extra samples each probed task gets; `finished` are the group's trials done
        earlier (a resumed campaign), whose samples the campaign's budget already paid for."""
        open_ = [p.estimate < self.confident for p in probes]
        if self.scope == "task":
            return [self.budget - self.probe_size if o else 0 for o in open_]
        spent = sum(len(p.samples) for p in probes) + sum(len(t.branches) for t in finished)
        left = self.budget * (len(probes) + len(finished)) - spent
        extra = [0] * len(probes)
        # the most doubt per sample held first; the earlier task on a tie
        queue = [(-(1 - p.estimate) / len(p.samples), i) for i, p in enumerate(probes) if open_[i]]
        heapq.heapify(queue)
        while left > 0 and queue:
            _, i = heapq.heappop(queue)
            extra[i] += 1
            left -= 1
            held = len(probes[i].samples) + extra[i]
            heapq.heappush(queue, (-(1 - probes[i].estimate) / held, i))
        return extra

    async def finish(self, task: Task, ctx: TrialContext, probe: Probe, extra: int) -> Trajectory:
        samples = list(probe.samples)
        if extra:
            samples += await self.search.draw(task, ctx, range(len(samples), len(samples) + extra))
        result = await self.search.conclude(task, ctx, samples)
        result.strategy = self.spec  # type: ignore[attr-defined]
        result.steps.insert(0, Step(
            kind="judge",
            inputs={"probe": self.probe_size, "budget": self.budget,
                    "confident": self.confident, "scope": self.scope},
            outputs={"confidence": probe.estimate, "spent": len(samples), "share": extra},
        ))  # fmt: skip
        return result
