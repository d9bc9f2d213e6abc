"""The tool-calling agent (ReAct) as a LangGraph StateGraph.

    START -> step -> (submitted or failed?) END | (a limit reached?) finish -> END | step ...

A step is one model call and the tool calls it asked for.
Every model call and tool call becomes a Step in the trajectory. The loop ends with an explicit
reason: submitted, max_steps, budget (tokens), timeout (wall time), model_error or env_error.
A run may continue an earlier conversation (`history`), as a strategy that gives feedback does.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, Field

from agentlab.cost import FREE, Price
from agentlab.models.base import ModelClient, ModelError, end_reason
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.tools import ToolBox, ToolOutcome
from agentlab.types import Completion, EndReason, Message, Step, Task, ToolCall, Trajectory, Usage

SYSTEM_PROMPT = """You are an agent working in a Linux sandbox. Your current directory is the \
workspace. Use the tools to inspect and change it; each bash call starts a fresh shell in the \
workspace. When the task is done, call `submit` (with the answer, if the task asks a \
question)."""
NUDGE = "Please continue with a tool call; call `submit` when the task is done."


class Limits(BaseModel):
    """What one rollout may spend; the first limit reached ends it."""

    max_steps: int = Field(30, ge=1, description="model calls")
    max_tokens: int | None = Field(None, ge=1, description="prompt + completion tokens")
    max_seconds: float | None = Field(None, gt=0, description="wall time; default the task's")
    max_usd: float | None = Field(None, gt=0, description="what the model calls cost")


def model_step(
    t0: float, started: float, n_messages: int, completion: Completion | None, error: str = ""
) -> Step:
    """The Step for one model call that began at `t0` (monotonic), failed when `error` is set."""
    if completion is None:
        return Step(kind="model_call", inputs={"messages": n_messages}, error=error,
                    started_s=t0 - started, duration_s=time.monotonic() - t0)  # fmt: skip
    message = completion.choices[0].message
    return Step(
        kind="model_call",
        inputs={"messages": n_messages},
        outputs={"message": message.model_dump(exclude_none=True)},
        usage=completion.usage,
        started_s=t0 - started,
        duration_s=time.monotonic() - t0,
    )


def tool_step(t0: float, started: float, call: ToolCall, outcome: ToolOutcome | None,
              error: str = "") -> Step:  # fmt: skip
    """The Step for one tool call; without an outcome, the sandbox broke with `error`."""
    outputs = {} if outcome is None else {"output": outcome.output, "error": outcome.error}
    return Step(kind="tool_call", inputs=call.model_dump(), outputs=outputs,
                error=error or None, started_s=t0 - started,
                duration_s=time.monotonic() - t0)  # fmt: skip


@dataclass(frozen=True)
class _Run:
    """What one rollout's nodes need besides the state: passed as LangGraph configuration."""

    agent: Agent
    sandbox: Sandbox
    started: float
    deadline: float
    schemas: list[Any]
    metadata: dict[str, str]


class AgentState(TypedDict):
    messages: list[Message]
    steps: list[Step]
    usage: Usage
    model_calls: int
    answer: str | None
    end_reason: EndReason | None
    error: str | None


@dataclass
class Agent:
    """One rollout of `model` on `task` in `sandbox`, with `tools`."""

    model: ModelClient
    tools: ToolBox
    limits: Limits
    seed: int = 0
    price: Price = FREE

    async def run(
        self, task: Task, sandbox: Sandbox, history: Sequence[Message] | None = None
    ) -> Trajectory:
        """A rollout that starts the conversation, or continues `history` (the messages so
        far, ending with a new user message). The trajectory's messages are the whole
        conversation; its steps, and the limits, are this run's."""
        started = time.monotonic()
        seconds = self.limits.max_seconds or task.agent.timeout_sec
        run = _Run(self, sandbox, started, started + seconds, self.tools.schemas(),
                   {"task_id": task.id, "task_dir": str(task.path or "")})  # fmt: skip
        opening = [Message(role="system", content=SYSTEM_PROMPT),
                   Message(role="user", content=task.instruction)]  # fmt: skip
        state: AgentState = {
            "messages": list(history) if history else opening,
            "steps": [],
            "usage": Usage(),
            "model_calls": 0,
            "answer": None,
            "end_reason": None,
            "error": None,
        }
        try:
            final = await asyncio.wait_for(
                _graph().ainvoke(
                    state,
                    {
                        "recursion_limit": 4 * self.limits.max_steps + 10,
                        "configurable": {"run": run},
                    },
                ),
                timeout=seconds + 30,  # a hung call is cut; limits between steps end it earlier
            )
        except TimeoutError:
            final = {**state, "end_reason": "timeout", "error": f"no end after {seconds:.0f}s"}
        return Trajectory(
            task_id=task.id,
            model=self.model.name,
            seed=self.seed,
            messages=final["messages"],
            steps=final["steps"],
            answer=final["answer"],
            end_reason=final["end_reason"],
            error=final["error"],
            status="finished",
            duration_s=time.monotonic() - started,
        )

    async def _call_model(self, state: AgentState, run: _Run) -> dict[str, Any]:
        t0 = time.monotonic()
        try:
            completion = await self.model.complete(
                state["messages"], tools=run.schemas, seed=self.seed + state["model_calls"],
                metadata=run.metadata,
            )  # fmt: skip
        except ModelError as exc:
            step = model_step(t0, run.started, len(state["messages"]), None, str(exc))
            return {"steps": [*state["steps"], step], "end_reason": end_reason(exc),
                    "error": str(exc)}  # fmt: skip
        message = completion.choices[0].message
        step = model_step(t0, run.started, len(state["messages"]), completion)
        messages = [*state["messages"], message]
        if not message.tool_calls:
            messages.append(Message(role="user", content=NUDGE))
        return {
            "messages": messages,
            "steps": [*state["steps"], step],
            "usage": state["usage"] + completion.usage,
            "model_calls": state["model_calls"] + 1,
        }

    async def _run_tools(
        self, messages: list[Message], steps: list[Step], run: _Run
    ) -> dict[str, Any]:
        """Runs the last message's tool calls in order, stopping at a submission."""
        for call in messages[-1].tool_calls:
            t0 = time.monotonic()
            try:
                outcome = await self.tools.call(call, run.sandbox)
            except SandboxError as exc:
                steps.append(tool_step(t0, run.started, call, None, str(exc)))
                return {"steps": steps, "end_reason": "env_error", "error": str(exc)}
            steps.append(tool_step(t0, run.started, call, outcome))
            messages.append(outcome.message())
            if outcome.submission is not None:
                return {"messages": messages, "steps": steps, "answer": outcome.submission,
                        "end_reason": "submitted"}  # fmt: skip
        return {"messages": messages, "steps": steps}

    def _limit_reached(self, state: AgentState, deadline: float) -> EndReason | None:
        usage = state["usage"]
        if state["model_calls"] >= self.limits.max_steps:
            return "max_steps"
        spent = usage.prompt_tokens + usage.completion_tokens
        if self.limits.max_tokens is not None and spent >= self.limits.max_tokens:
            return "budget"
        if self.limits.max_usd is not None and self.price.usd(usage) >= self.limits.max_usd:
            return "budget"
        if time.monotonic() >= deadline:
            return "timeout"
        return None


@functools.cache
def _graph() -> Any:
    """One node per agent step (a model call and the tool calls it asked for), so the graph's
    own cost is paid once a step; a conditional edge loops or ends. Compiled once per process:
    each run passes its agent and context in the configuration."""

    async def step(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        run: _Run = config["configurable"]["run"]
        update = await run.agent._call_model(state, run)
        if update.get("end_reason") is None and update["messages"][-1].role == "assistant":
            update.update(await run.agent._run_tools(update["messages"], update["steps"], run))
        return update

    async def route(state: AgentState, config: RunnableConfig) -> str:
        """Async on purpose: LangGraph runs synchronous routers in a thread pool."""
        if state["end_reason"] is not None:
            return END
        run: _Run = config["configurable"]["run"]
        return "step" if run.agent._limit_reached(state, run.deadline) is None else "finish"

    async def finish(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        """Records which limit ended the rollout (limits only grow, so it is still reached)."""
        run: _Run = config["configurable"]["run"]
        return {"end_reason": run.agent._limit_reached(state, run.deadline)}

    graph = StateGraph(AgentState)
    graph.add_node("step", step)
    graph.add_node("finish", finish)
    graph.add_edge(START, "step")
    graph.add_conditional_edges("step", route, ["step", "finish", END])
    graph.add_edge("finish", END)
    return graph.compile()
