"""`dag`: the LLMCompiler-style planner as a strategy (agentlab/planner, docs/planner.md).

    dag                                   up to 2 replans, the tools' default concurrency
    dag:max_replans=1,concurrency=4       at most 4 calls of any one tool at once
    dag:sub_strategy="best_of_n:n=4"      what `solve` nodes run (default react)
    dag:timeout=30,cancel_dependants=false   a node's limit; dependants of a failure still run

The model plans tool calls in the task's sandbox (shell, read_file, write_file, str_replace,
apply_patch) and `solve(subtask=...)`, which runs another registered strategy on a sub-task in a
sandbox of its own and gives its answer; the scheduler runs each call the moment its inputs are
ready; the joiner finishes or replans. The result's answer is the joiner's, its workspace the
task sandbox's, judged there. Each round is a `plan` step (the plan, its problems, every node
with its status, output, start and end, the verdict, the critical path and the makespan);
every planner, joiner and sub-task call counts in the trial's usage.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Annotated, Any

from agentlab.planner import (
    DagPlanner,
    NodeResult,
    PlanNode,
    critical_path,
    makespan,
    named_args,
)
from agentlab.planner.tools import planned_tools
from agentlab.registry import build, parse_spec, strategy
from agentlab.sandbox.base import Sandbox
from agentlab.tools import Tool, ToolError, tool
from agentlab.trial import Strategy, TrialContext
from agentlab.types import Step, Task, Trajectory


@strategy("dag")
class Dag:
    """Plans tool calls (and sub-task solves) as a DAG, runs them in parallel, joins, replans."""

    def __init__(self, max_replans: int = 2, concurrency: int | None = None,
                 sub_strategy: str = "react", timeout: float = 300.0,
                 cancel_dependants: bool = True) -> None:  # fmt: skip
        if max_replans < 0:
            raise ValueError(f"dag: max_replans={max_replans} must be >= 0")
        if concurrency is not None and concurrency < 1:
            raise ValueError(f"dag: concurrency={concurrency} must be >= 1")
        if timeout <= 0:
            raise ValueError(f"dag: timeout={timeout} must be > 0")
        self.max_replans, self.concurrency = max_replans, concurrency
        self.timeout, self.cancel_dependants = timeout, cancel_dependants
        self.sub_strategy = parse_spec("strategy", sub_strategy)
        build(self.sub_strategy)  # an unknown strategy fails here, naming what exists

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        started = time.monotonic()
        sandbox = await ctx.sandbox(task)
        subtasks: list[Trajectory] = []
        try:
            tools = self._tools(task, ctx, subtasks)

            async def call(node: PlanNode, args: dict[str, Any]) -> str:
                t = tools[node.tool]
                arguments = t.arguments.model_validate(named_args(_with(node, args), t))
                result = await t.fn(sandbox, **dict(arguments))
                return str(result)

            limits = {name: self.concurrency for name in tools} if self.concurrency else {}
            planner = DagPlanner(ctx.model, tools, call, max_replans=self.max_replans,
                                 seed=ctx.seed,
                                 scheduler={"concurrency": limits, "default_timeout": self.timeout,
                                            "cancel_dependants": self.cancel_dependants},
                                 metadata={"task_id": task.id,
                                           "task_dir": str(task.path or "")})  # fmt: skip
            outcome = await planner.run(task.instruction)
            steps = [Step(kind="model_call", inputs={"role": "planner"}, usage=u)
                     for u in outcome.usage]  # fmt: skip
            for number, round_ in enumerate(outcome.rounds):
                results = {r.index: r for r in round_.results}
                span, path = critical_path(results)
                shape = {"critical_path": path, "critical_path_s": span,
                         "makespan_s": makespan(results)}  # fmt: skip
                steps.append(Step(kind="plan", inputs={"round": number},
                                  outputs=round_.model_dump(mode="json") | shape))  # fmt: skip
                steps += [_tool_step(r) for r in round_.results if r.started_s is not None]
            trajectory = Trajectory(
                task_id=task.id, strategy=self.spec,  # type: ignore[attr-defined]
                model=ctx.model.name, seed=ctx.seed, steps=steps, branches=subtasks,
                answer=outcome.answer, status="finished",
                end_reason="submitted" if outcome.finished else "max_steps",
                duration_s=time.monotonic() - started,
            )  # fmt: skip
            await ctx.judge(task, trajectory, sandbox)
        finally:
            await sandbox.close()
        return trajectory

    def _tools(self, task: Task, ctx: TrialContext, subtasks: list[Trajectory]) -> dict[str, Tool]:
        """The sandbox tools a plan may call, and `solve` for sub-tasks."""
        tools = planned_tools()
        sub: Strategy = build(self.sub_strategy)

        @tool
        async def solve(sandbox: Sandbox,
                        subtask: Annotated[str, "the sub-task, said in full"]) -> str:  # fmt: skip
            """Solves a sub-task with another strategy, in a sandbox of its own, and returns its
            answer (its changes to files stay in its own sandbox)."""
            part = task.model_copy(update={"instruction": subtask})
            seed = ctx.seed + 1 + len(subtasks)
            result = await sub.solve(part, replace(ctx, judges=(), seed=seed))
            subtasks.append(result)
            if result.status == "error" or result.answer is None:
                raise ToolError(f"the sub-task ended without an answer ({result.end_reason})")
            return result.answer

        tools["solve"] = solve
        return tools


def _with(node: PlanNode, args: dict[str, Any]) -> PlanNode:
    return node.model_copy(update={"args": args})


def _tool_step(result: NodeResult) -> Step:
    """A node that ran, as the trajectory's tool call: its line, status, output and timing."""
    return Step(kind="tool_call",
                inputs={"node": result.index, "tool": result.tool, "args": result.args,
                        "deps": result.deps, "line": result.line},
                outputs={"status": result.status, "output": result.output[-2000:]},
                started_s=result.started_s or 0.0, duration_s=result.duration_s,
                error=None if result.ok else result.output[-2000:])  # fmt: skip
