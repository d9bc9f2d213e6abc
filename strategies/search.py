"""What `beam` and `mcts` share: a tree over environment states, grown by forking sandboxes.

A node is a conversation and the sandbox state its actions left: the node holds a sandbox of
its own until it is expanded or dropped. Expanding a node samples `k` next actions in one
policy call (n=k, seeded by the trial's seed and the node's path) and runs each distinct action
in a sandbox holding the node's state: candidates that ask for the same tool calls share one
child, whose `prior` is the share of candidates that chose it. A submission, a broken sandbox or
the depth limit makes a terminal child; a failed policy call ends the node itself.

That sandbox is a fork of the node's snapshot (`state=fork`, the default), or a fresh sandbox in
which every tool call on the path from the root runs again (`state=replay`: what a search must
do without snapshots; commands whose effects are not deterministic may then diverge).

A value model (role `value`, e.g. `sim/0.9`) estimates each child's progress from its
transcript, 0..1; with `rollout=True` it judges instead where a ReAct rollout from the child
(in its own sandbox, to the depth limit) ended. Every model call counts toward the budget: the
token budget, the trial's `max_usd` and its wall time (`max_seconds`, else the task's timeout).
No expansion starts when the last one's tokens, dollars or seconds would take the search past
one of them, so it ends at most one expansion over.

The result is the chosen node's whole conversation, judged by the trial's judges in that
node's sandbox. Node i is branch i of it: the action that led there (its message, tool calls
and value estimate, and its rollout as the branch's own branch), then the policy call that
expanded it. A `plan` step holds the tree: `outputs.nodes`, one row per node (id, parent,
depth, action, prior, value, visits, mean, end, cost), and `outputs.chosen`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from agentlab.agent import NUDGE, SYSTEM_PROMPT, Agent, tool_step
from agentlab.models.base import ModelError, end_reason
from agentlab.models.registry import get_model
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.tools import default_tools
from agentlab.trial import TrialContext
from agentlab.types import (
    EndReason,
    Message,
    PluginSpec,
    SnapshotRef,
    Step,
    Task,
    ToolCall,
    Trajectory,
    Usage,
)
from judges.asking import Consultation, JudgeFailure, prompt, transcript

State = Literal["fork", "replay"]
VALUE_PROMPT = """You estimate how far an AI agent has got with a task, from a transcript of \
its work so far. Reply with JSON only: {"value": <0 to 1: 0 for no progress, 1 for the task \
done and submitted>}"""


@dataclass(eq=False)
class Node:
    """A conversation and the sandbox holding the state its actions left."""

    id: int
    parent: Node | None
    path: str  # the child indices from the root, e.g. "0.2": what seeds its expansion
    messages: list[Message]
    sandbox: Sandbox | None  # None once expanded or dropped, or when its action failed
    action: Trajectory  # its branch: the action that led here, then the call expanding it
    depth: int = 0
    prior: float = 1.0
    answer: str | None = None
    end: EndReason | None = None  # set when terminal: no expansion follows
    value: float = 0.0
    visits: int = 0
    value_sum: float = 0.0
    cost: int = 0  # the tokens its expansion spent: the policy call and the children's values
    children: list[Node] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return self.value_sum / self.visits if self.visits else 0.0

    @property
    def submitted(self) -> bool:
        return self.end == "submitted"

    def row(self) -> dict[str, Any]:
        """The node in the tree the trajectory stores."""
        calls = [c for m in self.action.messages for c in m.tool_calls]
        return {
            "id": self.id,
            "parent": self.parent.id if self.parent else None,
            "depth": self.depth,
            "action": [f"{c.name} {_argument(c)}" for c in calls],
            "prior": round(self.prior, 4),
            "value": self.value,
            "visits": self.visits,
            "mean": round(self.mean, 4),
            "end": self.end,
            "cost": self.cost,
        }


class Search:
    """One trial's tree: its nodes, the sandboxes they hold, and the tokens spent."""

    def __init__(self, task: Task, ctx: TrialContext, spec: PluginSpec, value_model: str,
                 depth: int | None, budget_tokens: int | None, state: State = "fork",
                 rollout: bool = False) -> None:  # fmt: skip
        self.task, self.ctx, self.spec = task, ctx, spec
        self.value_model = get_model(value_model)
        self.depth = depth or ctx.limits.max_steps
        self.budget = budget_tokens or ctx.limits.max_tokens
        self.state, self.rollout = state, rollout
        self.tools = default_tools()
        self.metadata = {"task_id": task.id, "task_dir": str(task.path or "")}
        self.nodes: list[Node] = []
        self.used = Usage()
        self.started = time.monotonic()
        self.deadline = self.started + (ctx.limits.max_seconds or task.agent.timeout_sec)
        self.last = (Usage(), 0.0)  # the last expansion's cost: the next one's, at least
        self.stopped: EndReason | None = None  # "budget" or "timeout" once one would be passed
        self._open: list[Sandbox] = []

    @property
    def spent(self) -> int:
        """Tokens of every model call so far, the value model's included."""
        return self.used.prompt_tokens + self.used.completion_tokens

    async def __aenter__(self) -> Search:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:  # fmt: skip
        """Closes every sandbox still open, forks included, also after an error."""
        await asyncio.gather(*(s.close() for s in self._open), return_exceptions=True)
        self._open.clear()

    async def root(self) -> Node:
        """The task's fresh sandbox and opening conversation."""
        sandbox = self._track(await self.ctx.sandbox(self.task))
        opening = [Message(role="system", content=SYSTEM_PROMPT),
                   Message(role="user", content=self.task.instruction)]  # fmt: skip
        node = Node(0, None, "", opening, sandbox, self._trajectory())
        self.nodes.append(node)
        return node

    def affordable(self) -> bool:
        """Whether another expansion fits the budget (judged by the last one's cost)."""
        usage, seconds = self.last
        tokens = usage.prompt_tokens + usage.completion_tokens
        max_usd, price = self.ctx.limits.max_usd, self.ctx.price
        if time.monotonic() + seconds > self.deadline:
            self.stopped = self.stopped or "timeout"
        elif (self.budget is not None and self.spent + tokens > self.budget) or (
            max_usd is not None and price.usd(self.used + usage) > max_usd
        ):
            self.stopped = self.stopped or "budget"
        return self.stopped is None

    async def expand(self, node: Node, k: int) -> list[Node]:
        """`k` sampled actions from `node`, each distinct one run in a fork and evaluated.
        When the policy call fails, `node` ends (`model_error`) without children."""
        if node.sandbox is None or node.end is not None:
            raise ValueError(f"search: node {node.id} cannot be expanded")
        before, t0 = self.used, time.monotonic()
        messages = await self._sample(node, k)
        groups: dict[str, list[Message]] = {}
        for message in messages:
            groups.setdefault(_key(message), []).append(message)
        ref = await node.sandbox.snapshot() if self.state == "fork" else None
        children = [
            Node(len(self.nodes) + i, node, f"{node.path}.{i}".lstrip("."),
                 [*node.messages, group[0]], None, self._trajectory([group[0]]),
                 depth=node.depth + 1, prior=len(group) / len(messages))
            for i, group in enumerate(groups.values())
        ]  # fmt: skip
        await asyncio.gather(*(self._act(node.sandbox, ref, child) for child in children))
        await asyncio.gather(*(self.evaluate(child) for child in children))
        node.children = children
        self.nodes += children
        if any(child.sandbox is not None for child in children):
            await self.release(node)  # its state lives on in its children
        cost = self.used - before
        self.last = (cost, time.monotonic() - t0)
        node.cost = cost.prompt_tokens + cost.completion_tokens
        return children

    async def evaluate(self, node: Node) -> None:
        """Sets `node.value`: the value model's estimate of its progress (or its rollout's)."""
        if node.end == "env_error":
            return  # nothing to build on: value 0
        shown = self._trajectory(node.messages, node.answer, node.end)
        if self.rollout and node.end is None and node.sandbox is not None:
            shown = await self._roll_out(node)
        calls = Consultation(self.value_model, self.task)
        t0, error = time.monotonic(), None
        try:
            shown_text = prompt(self.task, ("transcript", transcript(self.task, shown)))
            reply = await calls.ask("value", VALUE_PROMPT, shown_text)
            value = reply.get("value")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise JudgeFailure(f"{self.value_model.name}: no value in 0..1 in {reply!r:.200}")
            node.value = float(value)
        except JudgeFailure as exc:  # no estimate: the node ranks as no progress
            error = str(exc)
        self._spend(calls.usage)
        node.action.steps.append(Step(kind="judge", inputs={"role": "value"},
                                      outputs={"value": node.value}, usage=calls.usage,
                                      started_s=t0 - self.started,
                                      duration_s=time.monotonic() - t0, error=error))  # fmt: skip

    async def release(self, node: Node) -> None:
        """Closes the node's sandbox: it will not be expanded or chosen."""
        if node.sandbox is not None:
            sandbox, node.sandbox = node.sandbox, None
            self._open.remove(sandbox)
            await sandbox.close()

    def best(self, nodes: Sequence[Node] | None = None) -> Node:
        """The best-valued live node of `nodes` (default all); the deeper, then the earlier,
        on ties. A submission competes on its value: a poor one loses to work in progress."""
        live = [n for n in (self.nodes if nodes is None else nodes) if n.sandbox is not None]
        return max(live, key=lambda n: (n.value, n.depth))

    async def finish(self, chosen: Node) -> Trajectory:
        """The chosen node's conversation with the whole tree, judged in its sandbox."""
        end = chosen.end or self.stopped or "max_steps"
        tree = Step(kind="plan", inputs={"strategy": str(self.spec)},
                    outputs={"nodes": [n.row() for n in self.nodes], "chosen": chosen.id,
                             "spent_tokens": self.spent, "budget_tokens": self.budget})  # fmt: skip
        trajectory = self._trajectory(chosen.messages, chosen.answer, end)
        trajectory.steps = [tree]
        trajectory.branches = [n.action for n in self.nodes]
        trajectory.duration_s = time.monotonic() - self.started
        await self.ctx.judge(self.task, trajectory, chosen.sandbox)
        return trajectory

    def _track(self, sandbox: Sandbox) -> Sandbox:
        self._open.append(sandbox)
        return sandbox

    def _spend(self, usage: Usage | None) -> None:
        if usage is not None:
            self.used = self.used + usage

    def _trajectory(self, messages: Sequence[Message] = (), answer: str | None = None,
                    end: EndReason | None = None) -> Trajectory:  # fmt: skip
        return Trajectory(task_id=self.task.id, strategy=self.spec, model=self.ctx.model.name,
                          seed=self.ctx.seed, messages=list(messages), answer=answer,
                          end_reason=end, status="finished")  # fmt: skip

    async def _sample(self, node: Node, k: int) -> list[Message]:
        """`k` next messages from one policy call (n=k), recorded in `node`'s branch; none
        when it failed, and fewer when the provider ignores n."""
        t0 = time.monotonic()
        step = Step(kind="model_call", inputs={"messages": len(node.messages), "n": k})
        node.action.steps.append(step)
        try:
            completion = await self.ctx.model.complete(
                node.messages, tools=self.tools.schemas(), n=k,
                seed=path_seed(self.ctx.seed, node.path), metadata=self.metadata,
            )  # fmt: skip
        except ModelError as exc:
            step.error, step.duration_s = str(exc), time.monotonic() - t0
            node.end = node.action.end_reason = end_reason(exc)
            return []
        self._spend(completion.usage)
        messages = [choice.message for choice in completion.choices]
        step.outputs = {"messages": [m.model_dump(exclude_none=True) for m in messages]}
        step.usage, step.started_s = completion.usage, t0 - self.started
        step.duration_s = time.monotonic() - t0
        return messages

    async def _place(self, messages: Sequence[Message], parent: Sandbox,
                     ref: SnapshotRef | None) -> Sandbox:  # fmt: skip
        """A sandbox in the state `messages` left: a fork of `ref` of `parent`, or (no `ref`)
        a fresh one in which their tool calls run again."""
        if ref is not None:
            return self._track(await parent.fork(ref))
        sandbox = self._track(await self.ctx.sandbox(self.task))
        try:
            for call in (call for message in messages for call in message.tool_calls):
                await self.tools.call(call, sandbox)
        except BaseException:
            self._open.remove(sandbox)
            await sandbox.close()
            raise
        return sandbox

    async def _act(self, parent: Sandbox, ref: SnapshotRef | None, child: Node) -> None:
        """Runs the child's tool calls in a sandbox holding the parent's state."""
        message = child.messages[-1]
        try:
            child.sandbox = await self._place(child.messages[:-1], parent, ref)
        except SandboxError as exc:
            child.end = child.action.end_reason = "env_error"
            child.action.error = str(exc)
            return
        new: list[Message] = [] if message.tool_calls else [Message(role="user", content=NUDGE)]
        for call in message.tool_calls:
            t0 = time.monotonic()
            try:
                outcome = await self.tools.call(call, child.sandbox)
            except SandboxError as exc:
                child.action.steps.append(tool_step(t0, self.started, call, None, str(exc)))
                child.end, child.action.error = "env_error", str(exc)
                break
            child.action.steps.append(tool_step(t0, self.started, call, outcome))
            new.append(outcome.message())
            if outcome.submission is not None:
                child.answer, child.end = outcome.submission, "submitted"
                break
        if child.end is None and child.depth >= self.depth:
            child.end = "max_steps"
        child.messages += new
        child.action.messages += new
        child.action.answer, child.action.end_reason = child.answer, child.end
        if child.end == "env_error":
            await self.release(child)

    async def _roll_out(self, node: Node) -> Trajectory:
        """A ReAct rollout from `node` to the depth limit, in a sandbox of its own holding the
        node's state; kept in its branch."""
        assert node.sandbox is not None
        ref = await node.sandbox.snapshot() if self.state == "fork" else None
        fork = await self._place(node.messages, node.sandbox, ref)
        try:
            limits = self.ctx.limits.model_copy(update={"max_steps": self.depth - node.depth,
                                                        "max_tokens": None})  # fmt: skip
            agent = Agent(self.ctx.model, self.tools, limits,
                          seed=path_seed(self.ctx.seed, f"{node.path}/rollout"),
                          price=self.ctx.price)  # fmt: skip
            rollout = await agent.run(self.task, fork, node.messages)
        finally:
            self._open.remove(fork)
            await fork.close()
        self._spend(rollout.usage)
        node.action.branches.append(rollout)
        return rollout


def path_seed(seed: int, path: str) -> int:
    """A seed for the call at `path` of the trial seeded `seed`: distinct, stable, 31 bits."""
    digest = hashlib.sha256(f"{seed}:{path}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def _key(message: Message) -> str:
    """What makes two sampled actions the same: their tool calls (names and arguments)."""
    return json.dumps([[c.name, c.arguments] for c in message.tool_calls] or message.content)


def _argument(call: ToolCall) -> str:
    try:
        parsed = json.loads(call.arguments)
    except ValueError:
        return call.arguments
    values = list(parsed.values()) if isinstance(parsed, dict) else []
    return values[0] if len(values) == 1 and isinstance(values[0], str) else call.arguments
