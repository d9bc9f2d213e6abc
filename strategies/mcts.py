"""`mcts`: Monte Carlo tree search over environment states.

    mcts:value_model=sim/0.9                               16 simulations, UCT, c=1
    mcts:value_model=sim/0.9,selection=puct,c=2,expand=4
    mcts:value_model=sim/0.9,evaluation=rollout,depth=10   values from where rollouts end
    mcts:value_model=sim/0.9,state=replay                  no snapshots: replay the path instead

Each simulation descends from the root by UCT (mean value plus c * sqrt(ln N / n)) or PUCT
(mean plus c * prior * sqrt(N) / (1 + n); a child's prior is the share of the sampled
candidates that chose its action) to a node without children. An open node is expanded into
`expand` sampled actions, each run in a sandbox holding its state (strategies/search.py), valued
by the value model, of the child itself (`evaluation=value`) or of where a ReAct rollout from
it ended (`evaluation=rollout`); the values are backed up the path. A terminal node (it
submitted, failed, or is at the depth limit) backs up its value again. At most `simulations`
simulations run, fewer when the next expansion would pass the budget. The result is the
end of the most visited path when it submitted, else the best-rated node still held.
"""

from __future__ import annotations

import math
from typing import Literal

from agentlab.registry import strategy
from agentlab.trial import TrialContext
from agentlab.types import Task, Trajectory
from strategies.search import Node, Search, State

Selection = Literal["uct", "puct"]
Evaluation = Literal["value", "rollout"]


@strategy("mcts")
class MCTS:
    """UCT/PUCT search: `simulations` expansions of `expand` actions, valued by `value_model`."""

    def __init__(self, value_model: str, simulations: int = 16, expand: int = 3,
                 selection: Selection = "uct", c: float = 1.0, evaluation: Evaluation = "value",
                 depth: int | None = None, budget_tokens: int | None = None,
                 state: State = "fork") -> None:  # fmt: skip
        if state not in ("fork", "replay"):
            raise ValueError(f"mcts: state={state!r}; choose fork or replay")
        if selection not in ("uct", "puct"):
            raise ValueError(f"mcts: selection={selection!r}; choose uct or puct")
        if evaluation not in ("value", "rollout"):
            raise ValueError(f"mcts: evaluation={evaluation!r}; choose value or rollout")
        if simulations < 1 or expand < 1:
            raise ValueError(f"mcts: simulations={simulations} and expand={expand} must be >= 1")
        self.value_model, self.simulations, self.expand = value_model, simulations, expand
        self.selection, self.c, self.evaluation = selection, c, evaluation
        self.depth, self.budget_tokens, self.state = depth, budget_tokens, state

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        spec = self.spec  # type: ignore[attr-defined]
        async with Search(task, ctx, spec, self.value_model, self.depth, self.budget_tokens,
                          self.state, rollout=self.evaluation == "rollout") as search:  # fmt: skip
            root = await search.root()
            for _ in range(self.simulations):
                if not search.affordable():
                    break
                path = self._select(root)
                leaf = path[-1]
                if leaf.end is None:
                    children = await search.expand(leaf, self.expand)
                    for child in children:
                        child.visits, child.value_sum = 1, child.value
                    values = [child.value for child in children]
                else:
                    values = [leaf.value]
                for node in path:
                    node.visits += len(values)
                    node.value_sum += sum(values)
            node = root
            while node.children:  # the most visited path; the better mean, then the earlier
                node = max(node.children, key=lambda n: (n.visits, n.mean))
            return await search.finish(node if node.submitted else search.best())

    def _select(self, root: Node) -> list[Node]:
        """The path from the root to the node the next simulation expands (or revisits)."""
        path = [root]
        while path[-1].children:
            parent = path[-1]
            path.append(max(parent.children, key=lambda n: self._score(parent, n)))
        return path

    def _score(self, parent: Node, child: Node) -> float:
        if self.selection == "uct":
            return child.mean + self.c * math.sqrt(math.log(parent.visits) / child.visits)
        return child.mean + self.c * child.prior * math.sqrt(parent.visits) / (1 + child.visits)
