"""Evaluate your own LangGraph graph as an agent, with our model and tools bound to a sandbox.

    def build(model: BaseChatModel, tools: list[BaseTool]):
        return create_react_agent(model, tools)      # or any graph over {"messages": [...]}

    trajectory = await GraphAgent(build, get_model("sim/0.6"), default_tools()).run(task, sandbox)

`model` is a LangChain chat model that answers through our ModelClient (so retries, limits, the
simulator and replays all apply); `tools` are our tools as LangChain tools running in the
trial's sandbox, with `submit` returning directly so a ReAct graph stops there. Every model and
tool call is recorded as a Step, as in our own agent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.errors import GraphRecursionError
from pydantic import Field

from agentlab.agent import SYSTEM_PROMPT, Limits, model_step, tool_step
from agentlab.models.base import ModelClient, ModelError, end_reason
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.tools import Tool, ToolBox
from agentlab.types import EndReason, Message, Step, Task, ToolCall, Trajectory

GraphFactory = Callable[[BaseChatModel, list[BaseTool]], Any]
"""Builds a compiled graph whose state has `messages` from a chat model and tools."""


@dataclass
class _Recorder:
    started: float
    steps: list[Step] = field(default_factory=list)
    answer: str | None = None

    def add(self, step: Step) -> None:
        self.steps.append(step)


class _ChatModel(BaseChatModel):
    """A LangChain chat model that calls our ModelClient and records each call."""

    client: Any
    recorder: Any
    seed: int = 0
    metadata_for_model: dict[str, str] = Field(default_factory=dict)
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return f"agentlab:{self.client.name}"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Tools reach our model as OpenAI function schemas (tool_choice is not used)."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        raise NotImplementedError("agentlab models are async; invoke the graph with ainvoke")

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        t0 = time.monotonic()
        ours = [to_message(m) for m in messages]
        try:
            completion = await self.client.complete(
                ours, tools=kwargs.get("tools"), stop=stop, seed=self.seed + self.calls,
                metadata=self.metadata_for_model,
            )  # fmt: skip
        except ModelError as exc:
            self.recorder.add(model_step(t0, self.recorder.started, len(ours), None, str(exc)))
            raise
        self.calls += 1
        self.recorder.add(model_step(t0, self.recorder.started, len(ours), completion))
        reply = completion.choices[0].message
        return ChatResult(generations=[ChatGeneration(message=to_langchain(reply))])


def to_message(message: BaseMessage) -> Message:
    """A LangChain message as ours (tool-call arguments as the JSON text a model would send)."""
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    if isinstance(message, SystemMessage):
        return Message(role="system", content=text)
    if isinstance(message, ToolMessage):
        return Message(role="tool", content=text, tool_call_id=message.tool_call_id)
    if isinstance(message, AIMessage):
        calls = [ToolCall(id=c["id"] or "", name=c["name"], arguments=json.dumps(c["args"]))
                 for c in message.tool_calls]  # fmt: skip
        calls += [ToolCall(id=c["id"] or "", name=c["name"] or "", arguments=c["args"] or "")
                  for c in message.invalid_tool_calls]  # fmt: skip
        return Message(role="assistant", content=text or None, tool_calls=calls)
    return Message(role="user", content=text)


def to_langchain(message: Message) -> AIMessage:
    """Our assistant message as a LangChain AIMessage; unparsable calls become invalid calls."""
    calls, invalid = [], []
    for call in message.tool_calls:
        try:
            args = json.loads(call.arguments)
            if not isinstance(args, dict):
                raise ValueError("arguments are not a JSON object")
            calls.append({"name": call.name, "args": args, "id": call.id, "type": "tool_call"})
        except ValueError as exc:
            invalid.append(InvalidToolCall(name=call.name, args=call.arguments, id=call.id,
                                           error=str(exc), type="invalid_tool_call"))  # fmt: skip
    return AIMessage(content=message.content or "", tool_calls=calls, invalid_tool_calls=invalid)


def _langchain_tool(tool: Tool, box: ToolBox, sandbox: Sandbox, recorder: _Recorder) -> BaseTool:
    async def run(**kwargs: Any) -> str:
        t0 = time.monotonic()
        call = ToolCall(id="", name=tool.name, arguments=json.dumps(kwargs))
        outcome = await box.call(call, sandbox)
        recorder.add(tool_step(t0, recorder.started, call, outcome))
        if outcome.submission is not None:
            recorder.answer = outcome.submission
        return outcome.output

    return StructuredTool.from_function(
        coroutine=run, name=tool.name, description=tool.description,
        args_schema=tool.arguments, return_direct=tool.name == "submit",
    )  # fmt: skip


@dataclass
class GraphAgent:
    """Runs a user's graph on a task like our own Agent, ending with an explicit reason."""

    build: GraphFactory
    model: ModelClient
    tools: ToolBox
    limits: Limits = field(default_factory=Limits)
    seed: int = 0

    async def run(self, task: Task, sandbox: Sandbox) -> Trajectory:
        recorder = _Recorder(started=time.monotonic())
        metadata = {"task_id": task.id, "task_dir": str(task.path)}
        chat = _ChatModel(client=self.model, recorder=recorder, seed=self.seed,
                          metadata_for_model=metadata)  # fmt: skip
        tools = [_langchain_tool(t, self.tools, sandbox, recorder)
                 for t in self.tools.tools.values()]  # fmt: skip
        graph = self.build(chat, tools)
        state = {"messages": [SystemMessage(SYSTEM_PROMPT), HumanMessage(task.instruction)]}
        seconds = self.limits.max_seconds or task.agent.timeout_sec
        end: EndReason = "submitted"
        error = None
        final: dict[str, Any] = state
        try:
            final = await asyncio.wait_for(
                graph.ainvoke(state, {"recursion_limit": 2 * self.limits.max_steps + 1}), seconds
            )
        except GraphRecursionError:
            end, error = "max_steps", f"the graph ran past {self.limits.max_steps} steps"
        except TimeoutError:
            end, error = "timeout", f"no end after {seconds:.0f}s"
        except ModelError as exc:
            end, error = end_reason(exc), str(exc)
        except SandboxError as exc:
            end, error = "env_error", str(exc)
        messages = [to_message(m) for m in final["messages"]]
        answer = recorder.answer
        if answer is None and end == "submitted":  # the graph ended on its own: its last word
            answer = next((m.content for m in reversed(messages)
                           if m.role == "assistant" and m.content), None)  # fmt: skip
        return Trajectory(
            task_id=task.id, model=self.model.name, seed=self.seed, messages=messages,
            steps=recorder.steps, answer=answer, end_reason=end, error=error,
            status="finished", duration_s=time.monotonic() - recorder.started,
        )  # fmt: skip
