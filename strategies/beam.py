"""`beam`: beam search over environment states, children ranked by a value model.

    beam:value_model=sim/0.9                           2 beams, 3 children each
    beam:value_model=sim/0.9,width=3,expand=4,depth=12,budget_tokens=20000
    beam:value_model=sim/0.9,state=replay              no snapshots: replay the path instead

Each round expands every surviving beam into `expand` sampled actions, each run in a fork of
its beam's state (strategies/search.py), and keeps the `width` children the value model
rates highest. A kept child that ended (submitted, or at the depth limit) is finished and
leaves the beam, so fewer beams go on; the search stops when `width` are finished, no beam
is left, or the next expansion would pass the budget. The result is the best-rated node
still held, finished or not (a poor submission loses to good work in progress).
"""

from __future__ import annotations

from agentlab.registry import strategy
from agentlab.trial import TrialContext
from agentlab.types import Task, Trajectory
from strategies.search import Node, Search, State


@strategy("beam")
class Beam:
    """Keeps the `width` best of `expand` children per beam, by `value_model`, for `depth` steps."""

    def __init__(self, value_model: str, width: int = 2, expand: int = 3,
                 depth: int | None = None, budget_tokens: int | None = None,
                 state: State = "fork") -> None:  # fmt: skip
        if width < 1 or expand < 1:
            raise ValueError(f"beam: width={width} and expand={expand} must be >= 1")
        if state not in ("fork", "replay"):
            raise ValueError(f"beam: state={state!r}; choose fork or replay")
        self.value_model, self.width, self.expand = value_model, width, expand
        self.depth, self.budget_tokens, self.state = depth, budget_tokens, state

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        spec = self.spec  # type: ignore[attr-defined]
        async with Search(task, ctx, spec, self.value_model, self.depth, self.budget_tokens,
                          self.state) as search:  # fmt: skip
            beams, finished = [await search.root()], list[Node]()
            while beams and len(finished) < self.width:
                children: list[Node] = []
                for beam in beams:
                    if not search.affordable():
                        break
                    children += await search.expand(beam, self.expand)
                if not children:
                    break
                ranked = sorted(children, key=lambda n: -n.value)  # stable: earlier on ties
                kept = ranked[: self.width - len(finished)]
                for dropped in ranked[len(kept) :]:
                    await search.release(dropped)
                finished += [n for n in kept if n.end is not None]
                beams = [n for n in kept if n.end is None]
            return await search.finish(search.best())
