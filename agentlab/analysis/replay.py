"""Replay a recorded trial against a fresh environment, and continue it as a counterfactual.

    result = replay(Path("runs/x"), "a8137fc6fcb1e4ec")   # no model is called
    result.diverged, result.first_divergence_step, result.diff
    new = counterfactual(Path("runs/x"), "a8137fc6fcb1e4ec", from_step=4, model="sim/0.9")

A replay starts the trial's task in a new sandbox and runs the recorded tool calls again, in
order, with the recorded arguments (the model's outputs are taken from the record), comparing
each observation with the recorded one; it stops at the first that differs. A counterfactual
rebuilds the state before step K that way, then lets another model (or strategy) go on from
there; it is stored as a new trial of the run, linked to the original (docs/replay.md).
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agentlab import cost, environment
from agentlab.agent import Agent, tool_step
from agentlab.analysis.run import Run, load_run
from agentlab.campaign.runner import row_fields
from agentlab.campaign.store import Store, TrialRow
from agentlab.cost import FREE, Ledger, PriceTable
from agentlab.models.registry import get_model
from agentlab.planner.plan import PlanNode
from agentlab.planner.tools import planned_tools
from agentlab.planner.validate import named_args
from agentlab.registry import build, parse_spec
from agentlab.sandbox.base import Sandbox, SandboxProvider
from agentlab.sandbox.errors import SandboxError
from agentlab.tasks import load_tasks
from agentlab.tools import ToolBox, default_tools
from agentlab.trajectory import save
from agentlab.trial import TrialContext
from agentlab.types import Message, PluginSpec, Step, Task, ToolCall, Trajectory

# A local sandbox is a new temporary directory each time: its name is the one part of an
# observation that legitimately differs between two runs of the same call, and is compared as
# this placeholder. Nothing else is normalized.
_LOCAL_ROOT = re.compile(r"[\w./-]*/agentlab-sandbox-\w+")
SANDBOX_ROOT = "<sandbox>"


@dataclass(frozen=True)
class Recorded:
    """A recorded tool call: the trajectory holding it (`where`: "" for the trial's own steps,
    else e.g. "branches[2]"), its index in that trajectory's steps, and the strategy that made
    that trajectory."""

    where: str
    index: int
    step: Step
    strategy: PluginSpec | None


class ReplayResult(BaseModel):
    """What replaying a trial found. `steps`: tool calls replayed (the diverging one included);
    `first_divergence_step`: its index in the steps of the trajectory named by `where`."""

    trial: str
    steps: int
    diverged: bool
    first_divergence_step: int | None = None
    diff: str | None = None
    where: str = ""
    line: str = ""  # which calls were replayed, and any left out
    sandbox: str = ""

    def summary(self) -> dict[str, Any]:
        """The JSON of `agentlab replay --json`."""
        return self.model_dump(
            include={"trial", "steps", "diverged", "first_divergence_step", "diff"}
        )

    def render(self) -> str:
        calls = f"{self.steps} tool call{'' if self.steps == 1 else 's'}"
        head = f"trial {self.trial}: {self.line}; {calls} replayed"
        head += f" in a fresh {self.sandbox} sandbox" if self.sandbox else ""
        if not self.diverged:
            return f"{head}: reproduced" if self.steps else head
        where = f" of {self.where}" if self.where else ""
        return f"{head}: diverged at step {self.first_divergence_step}{where}\n{self.diff}"


class Counterfactual(BaseModel):
    """A counterfactual trial, stored in the run, and the outcome of the trial it came from."""

    trial: str
    parent: str
    from_step: int
    model: str
    strategy: str
    passed: bool | None
    end_reason: str | None
    parent_passed: bool | None = None
    parent_end_reason: str | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON of `agentlab replay --from-step --json`."""
        return self.model_dump(exclude={"parent_passed", "parent_end_reason"})

    def render(self) -> str:
        return (
            f"new trial {self.trial}: {self.strategy} with {self.model} from step "
            f"{self.from_step} of {self.parent}: {_outcome(self.passed, self.end_reason)} "
            f"(the original: {_outcome(self.parent_passed, self.parent_end_reason)})"
        )


class PrefixDiverged(Exception):
    """The state before a counterfactual's step could not be rebuilt: the replay diverged."""

    def __init__(self, result: ReplayResult) -> None:
        super().__init__(result.render())
        self.result = result


def replay(
    run_dir: Path,
    trial_id: str,
    *,
    tasks: Sequence[Path] | None = None,
    sandbox: str | SandboxProvider = "auto",
) -> ReplayResult:
    """Re-executes trial `trial_id`'s tool calls in a fresh sandbox of its task (found in
    `tasks`, default where the run loaded it) and compares each observation with the record."""
    run = load_run(run_dir)
    trajectory = _trajectory(run, trial_id)
    calls, line = replay_line(trajectory)
    task = find_task(run, trajectory.task_id, tasks)
    provider = environment.sandbox_provider(sandbox) if isinstance(sandbox, str) else sandbox

    async def go() -> ReplayResult:
        box = await environment.start(task, provider)
        try:
            return await _rerun(box, calls, trial_id, line)
        finally:
            await box.close()

    result = asyncio.run(go())
    result.sandbox = provider.name
    return result


def replay_line(trajectory: Trajectory) -> tuple[list[Recorded], str]:
    """The recorded tool calls that made a trial's result, in order, and which they are: its
    own steps' (react, refine, dag), the selected sample's (best_of_n, adaptive) or those on
    the path to the chosen node of a tree (beam, mcts). dag's `solve` nodes are left out: they
    ran a model in sandboxes of their own, and left the task's sandbox as it was."""
    own = [
        Recorded("", i, s, trajectory.strategy)
        for i, s in enumerate(trajectory.steps)
        if s.kind == "tool_call"
    ]
    if own:
        kept = [r for r in own if r.step.inputs.get("tool") != "solve"]
        left = len(own) - len(kept)
        return kept, "the trial's own steps" + (f" ({left} solve nodes left out)" if left else "")
    for step in trajectory.steps:
        if step.kind == "judge" and isinstance(step.outputs.get("selected"), int):
            index = step.outputs["selected"]
            inner, line = replay_line(trajectory.branches[index])
            where = f"branches[{index}]"
            return [
                Recorded(f"{where}.{r.where}" if r.where else where, r.index, r.step, r.strategy)
                for r in inner
            ], f"the selected sample, {where}: {line}"
        if step.kind == "plan" and "chosen" in step.outputs and "nodes" in step.outputs:
            parents = {n["id"]: n["parent"] for n in step.outputs["nodes"]}
            path, node = [], step.outputs["chosen"]
            while node is not None:
                path.append(node)
                node = parents[node]
            path.reverse()
            return [
                Recorded(f"branches[{n}]", i, s, trajectory.strategy)
                for n in path
                for i, s in enumerate(trajectory.branches[n].steps)
                if s.kind == "tool_call"
            ], f"the path to the tree's chosen node, branches {path}"
    return [], "no replayable tool calls (the trajectory records none)"


def counterfactual(
    run_dir: Path,
    trial_id: str,
    from_step: int,
    model: str,
    strategy: str = "react",
    *,
    tasks: Sequence[Path] | None = None,
    sandbox: str | SandboxProvider = "auto",
) -> Counterfactual:
    """Rebuilds trial `trial_id`'s state before its step `from_step` (a model call) by
    replaying the tool calls before it, lets `model` go on from there with `strategy`, judges
    the result with the campaign's judges and stores it in the run as a new trial whose
    `parent` is the original. PrefixDiverged when the state cannot be rebuilt."""
    run = load_run(run_dir)
    if run.spec is None:
        raise ValueError(f"{run_dir}: no campaign.json; a counterfactual needs the campaign's "
                         "judges and limits")  # fmt: skip
    original = _trajectory(run, trial_id)
    history = _history(original, from_step)
    spec = parse_spec("strategy", strategy)
    plugin = build(spec)  # an unknown strategy fails here, naming what exists
    task = find_task(run, original.task_id, tasks)
    provider = environment.sandbox_provider(sandbox) if isinstance(sandbox, str) else sandbox
    prices = PriceTable.load()
    before = enumerate(original.steps[:from_step])
    prefix = [Recorded("", i, s, original.strategy) for i, s in before if s.kind == "tool_call"]
    ctx = _FromState(get_model(model), provider, [build(j) for j in run.spec.judges],
                     run.spec.budget, original.seed, prices.price(model) or FREE,
                     prefix=prefix, trial=trial_id)  # fmt: skip
    ledger = Ledger(prices, run.spec.trial_budget)
    started = time.monotonic()
    with cost.metering(ledger):
        if spec.name == "react":  # the conversation goes on
            new = asyncio.run(_go_on(task, ctx, original, from_step, history, plugin.max_steps))
        else:  # a fresh conversation, in sandboxes that start from the rebuilt state
            new = asyncio.run(plugin.solve(task, ctx))
    key = json.dumps([trial_id, from_step, model, spec.model_dump()], sort_keys=True)
    new = new.model_copy(update={
        "trial_id": hashlib.sha256(key.encode()).hexdigest()[:16], "strategy": spec,
        "seed": original.seed, "parent": trial_id, "from_step": from_step,
        "duration_s": time.monotonic() - started, "cost": dict(ledger.by_role),
    })  # fmt: skip
    fields = _store(run, new)
    parent = next(r for r in run.trials if r.id == trial_id)
    return Counterfactual(trial=new.trial_id, parent=trial_id, from_step=from_step, model=model,
                          strategy=str(spec), passed=fields["passed"], end_reason=new.end_reason,
                          parent_passed=parent.passed,
                          parent_end_reason=parent.end_reason)  # fmt: skip


async def _go_on(task: Task, ctx: TrialContext, original: Trajectory, from_step: int,
                 history: list[Message], max_steps: int | None) -> Trajectory:  # fmt: skip
    """A ReAct rollout that continues `history` in a sandbox in the state before `from_step`:
    with what the rollout's step and token limits leave after the steps before it, and with
    its model calls seeded as the original's would have been."""
    before = original.steps[:from_step]
    calls = sum(s.kind == "model_call" and s.error is None for s in before)
    tokens = sum(s.usage.prompt_tokens + s.usage.completion_tokens
                 for s in before if s.usage is not None)  # fmt: skip
    limits = ctx.limits
    left = None if limits.max_tokens is None else max(limits.max_tokens - tokens, 1)
    steps = max((max_steps or limits.max_steps) - calls, 1)
    limits = limits.model_copy(update={"max_steps": steps, "max_tokens": left})
    agent = Agent(ctx.model, default_tools(), limits, seed=original.seed + calls, price=ctx.price)
    sandbox = await ctx.sandbox(task)
    try:
        trajectory = await agent.run(task, sandbox, history)
        await ctx.judge(task, trajectory, sandbox)
    finally:
        await sandbox.close()
    return trajectory


def _store(run: Run, trajectory: Trajectory) -> dict[str, Any]:
    """Writes a counterfactual's trajectory, then its row (as a campaign does); its fields."""
    save(trajectory, run.path(trajectory.trial_id))
    fields = row_fields(trajectory)
    store = Store(run.dir / "store.sqlite")
    try:
        store.add([TrialRow(id=trajectory.trial_id, task_id=trajectory.task_id,
                            strategy=str(trajectory.strategy), model=trajectory.model,
                            seed=trajectory.seed, parent=trajectory.parent,
                            from_step=trajectory.from_step)])  # fmt: skip
        store.start(trajectory.trial_id)
        store.finish(trajectory.trial_id, **fields)
    finally:
        store.close()
    return fields


def find_task(run: Run, task_id: str, paths: Sequence[Path] | None = None) -> Task:
    """The task `task_id`: from `paths` when given, else from the directory the campaign
    recorded for it (campaign.json `task_dirs`; imported runs record none)."""
    recorded = run.spec.task_dirs.get(task_id) if run.spec else None
    sources = list(paths) if paths else [Path(recorded)] if recorded else []
    for source in sources:
        for task in load_tasks([source]):
            if task.id == task_id:
                return task
    where = ", ".join(map(str, sources)) or "no task directory recorded in the run"
    raise ValueError(f"task {task_id!r} is not in {where}; name its directory with --tasks")


@dataclass
class _FromState(TrialContext):
    """A trial context whose sandboxes start in the state the `prefix` of tool calls left."""

    prefix: Sequence[Recorded] = ()
    trial: str = ""

    async def sandbox(self, task: Task) -> Sandbox:
        box = await super().sandbox(task)
        try:
            result = await _rerun(box, self.prefix, self.trial, "the steps before it")
        except BaseException:
            await box.close()
            raise
        if result.diverged:
            await box.close()
            raise PrefixDiverged(result)
        return box


async def _rerun(
    sandbox: Sandbox, calls: Sequence[Recorded], trial: str, line: str
) -> ReplayResult:
    """Runs `calls` in `sandbox` until an observation differs from the recorded one."""
    tools = default_tools()
    for number, call in enumerate(calls, 1):
        step = await _run(call, sandbox, tools)
        recorded, replayed = _observation(call.step), _observation(step)
        if recorded != replayed:
            name = f"{call.where} step {call.index}" if call.where else f"step {call.index}"
            diff = difflib.unified_diff(
                recorded.splitlines(), replayed.splitlines(), f"recorded {name}",
                f"replayed {name}", lineterm="")  # fmt: skip
            return ReplayResult(trial=trial, steps=number, diverged=True,
                                first_divergence_step=call.index, diff="\n".join(diff),
                                where=call.where, line=line)  # fmt: skip
    return ReplayResult(trial=trial, steps=len(calls), diverged=False, line=line)


async def _run(call: Recorded, sandbox: Sandbox, tools: ToolBox) -> Step:
    """Runs one recorded call again, recorded the way it was: a ToolBox call (the agent's and
    the searches') or a plan node (dag's)."""
    if "node" in call.step.inputs:
        return await _run_node(call, sandbox)
    request = ToolCall.model_validate(call.step.inputs)
    t0 = time.monotonic()
    try:
        return tool_step(t0, t0, request, await tools.call(request, sandbox))
    except SandboxError as exc:
        return tool_step(t0, t0, request, None, str(exc))


async def _run_node(call: Recorded, sandbox: Sandbox) -> Step:
    """A dag plan node's call again, as its scheduler ran it (references already resolved)."""
    inputs = call.step.inputs
    tools = planned_tools()
    timeout = float(build(call.strategy).timeout) if call.strategy else 300.0
    status, output = "done", ""
    try:
        tool = tools[inputs["tool"]]
        node = PlanNode(index=inputs["node"], tool=inputs["tool"], args=inputs["args"])
        arguments = tool.arguments.model_validate(named_args(node, tool))
        output = str(await asyncio.wait_for(tool.fn(sandbox, **dict(arguments)), timeout))
    except TimeoutError:
        status, output = "timeout", f"timed out after {timeout:g}s"
    except Exception as exc:  # the node's failure, as the scheduler records it
        status, output = "failed", f"{type(exc).__name__}: {exc}"
    return Step(
        kind="tool_call", inputs=inputs, outputs={"status": status, "output": output[-2000:]}
    )


def _observation(step: Step) -> str:
    """What a tool call observed, as compared and diffed: a first line saying how it ended
    (the tool's error flag, a plan node's status, or the sandbox's failure), then its output.
    Durations and start times are not compared."""
    outputs = step.outputs
    if "status" in outputs:
        head = f"status: {outputs['status']}"
    elif outputs:
        head = f"error: {str(outputs.get('error', False)).lower()}"
    else:
        head = f"sandbox error: {step.error}"
    return _LOCAL_ROOT.sub(SANDBOX_ROOT, f"{head}\n{outputs.get('output', '')}")


def _trajectory(run: Run, trial_id: str) -> Trajectory:
    """The trial's trajectory; ValueError naming the ids there are, or the unreadable file."""
    row = next((r for r in run.trials if r.id == trial_id), None)
    if row is None:
        shown = [
            f"{r.id} ({r.task_id}, {r.strategy}, {r.model}, seed {r.seed})" for r in run.trials[:20]
        ]
        more = f"\n  ... and {len(run.trials) - 20} more" if len(run.trials) > 20 else ""
        listing = "\n  ".join(shown) if shown else "none"
        raise ValueError(f"{run.dir}: no trial {trial_id!r}; its trials are:\n  {listing}{more}")
    try:
        return run.trajectory(trial_id)  # TrajectoryFormatError (a ValueError) names the file
    except FileNotFoundError:
        raise ValueError(
            f"{run.path(trial_id)}: no such file; trial {trial_id} is {row.status}"
        ) from None


def _history(trajectory: Trajectory, from_step: int) -> list[Message]:
    """The conversation that prompted step `from_step`, a model call of the trial's own."""
    steps, name = trajectory.steps, f"trial {trajectory.trial_id}"
    starts = [i for i, s in enumerate(steps) if s.kind == "model_call" and "messages" in s.inputs]
    if not starts or not trajectory.messages:
        raise ValueError(
            f"{name} ({trajectory.strategy}): its own steps hold no conversation "
            "to continue; a counterfactual continues a react or refine trial"
        )
    if from_step not in starts:
        raise ValueError(
            f"{name}: step {from_step} is not one of its model calls; "
            f"--from-step takes one of {starts}"
        )
    count = steps[from_step].inputs["messages"]
    history = trajectory.messages[:count]
    answered = sum(s.kind == "model_call" and s.error is None for s in steps[:from_step])
    if len(history) != count or sum(m.role == "assistant" for m in history) != answered:
        raise ValueError(f"{name}: its messages and steps do not line up at step {from_step}")
    return history


def _outcome(passed: bool | None, end_reason: str | None) -> str:
    verdict = {True: "passed", False: "failed", None: "no verdict"}[passed]
    return f"{verdict}, {end_reason or 'no end reason'}"
