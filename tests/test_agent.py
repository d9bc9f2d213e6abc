"""The agent loop: end reasons, recorded steps, and bad model output the loop survives."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from agentlab import environment
from agentlab.agent import NUDGE, Agent, Limits
from agentlab.models.base import ModelError
from agentlab.models.registry import get_model
from agentlab.models.sim import SimModel
from agentlab.models.sim_server import serve_in_thread
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.local import LocalProvider
from agentlab.tools import default_tools
from agentlab.types import Choice, Completion, Message, Task, ToolCall, Usage


class Scripted:
    """A fake ModelClient (our own protocol) that plays back a list of replies."""

    name = "scripted"

    def __init__(self, replies: Sequence[Message | ModelError]) -> None:
        self.replies = list(replies)
        self.calls = 0

    async def complete(self, messages: Sequence[Message], **_: Any) -> Completion:
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        if isinstance(reply, ModelError):
            raise reply
        return Completion(model=self.name, choices=[Choice(message=reply)],
                          usage=Usage(prompt_tokens=10, completion_tokens=5))  # fmt: skip


def call(name: str, arguments: str, cid: str = "c") -> Message:
    return Message(role="assistant", tool_calls=[ToolCall(id=cid, name=name, arguments=arguments)])


@pytest.fixture
def task(make_file_task: Callable[..., Task]) -> Task:
    return make_file_task()


async def test_a_perfect_sim_submits_and_every_call_is_a_step(
    task: Task, task_sandbox: Sandbox
) -> None:
    trajectory = await Agent(SimModel(1.0), default_tools(), Limits()).run(task, task_sandbox)
    assert (trajectory.end_reason, trajectory.answer) == ("submitted", "done")
    assert [s.kind for s in trajectory.steps] == ["model_call", "tool_call"] * 2
    assert all(s.duration_s >= 0 and s.started_s >= 0 for s in trajectory.steps)
    assert trajectory.usage.prompt_tokens > 0
    assert (await task_sandbox.read_file("done.txt")) == b"ok\n"


async def test_malformed_json_and_text_replies_do_not_end_the_loop(
    task: Task, task_sandbox: Sandbox
) -> None:
    model = Scripted([call("bash", '{"command": "ls"', "c1"),
                      Message(role="assistant", content="thinking..."),
                      call("submit", '{"answer": "x"}', "c2")])  # fmt: skip
    trajectory = await Agent(model, default_tools(), Limits()).run(task, task_sandbox)
    assert trajectory.end_reason == "submitted"
    tool_reply = trajectory.messages[3]
    assert tool_reply.role == "tool" and "not valid JSON" in (tool_reply.content or "")
    assert trajectory.messages[5] == Message(role="user", content=NUDGE)


@pytest.mark.parametrize(
    ("replies", "limits", "reason"),
    [
        ([call("bash", '{"command": "true"}')], Limits(max_steps=3), "max_steps"),
        ([call("bash", '{"command": "true"}')], Limits(max_tokens=20), "budget"),
        ([call("bash", '{"command": "true"}')], Limits(max_seconds=1e-9), "timeout"),
        (
            [ModelError("endpoint unreachable after 5 attempts", retryable=True)],
            Limits(),
            "model_error",
        ),
    ],
)
async def test_each_limit_ends_the_rollout_with_its_reason(
    task: Task,
    task_sandbox: Sandbox,
    replies: list[Message | ModelError],
    limits: Limits,
    reason: str,
) -> None:
    model = Scripted(replies)
    trajectory = await Agent(model, default_tools(), limits).run(task, task_sandbox)
    assert trajectory.end_reason == reason
    if reason == "max_steps":
        assert model.calls == 3
    if reason == "budget":
        assert model.calls == 2  # 15 tokens, then 30 >= 20
    if reason == "model_error":
        assert trajectory.error == "endpoint unreachable after 5 attempts"


async def test_a_run_continues_a_conversation_under_fresh_limits(
    task: Task, task_sandbox: Sandbox
) -> None:
    bash = call("bash", '{"command": "true"}')
    model = Scripted(
        [bash, call("submit", '{"answer": "x"}'), bash, call("submit", '{"answer": "y"}')]
    )
    agent = Agent(model, default_tools(), Limits(max_steps=2))
    first = await agent.run(task, task_sandbox)
    history = [*first.messages, Message(role="user", content="Not yet: try again.")]
    second = await agent.run(task, task_sandbox, history)
    assert (first.answer, second.answer, second.end_reason) == ("x", "y", "submitted")
    assert second.messages[: len(history)] == history and len(second.messages) == len(history) + 4
    assert [s.kind for s in second.steps] == ["model_call", "tool_call"] * 2  # this run's only


async def test_a_broken_sandbox_ends_with_env_error(task: Task) -> None:
    sandbox = await environment.start(task, LocalProvider())
    await sandbox.close()
    model = Scripted([call("bash", '{"command": "true"}')])
    trajectory = await Agent(model, default_tools(), Limits()).run(task, sandbox)
    assert trajectory.end_reason == "env_error" and trajectory.error


async def test_the_openai_provider_on_serve_sim_gives_the_same_trajectory(
    task: Task, task_sandbox: Sandbox
) -> None:
    agent = Agent(SimModel(0.6), default_tools(), Limits(max_steps=8), seed=7)
    local = await agent.run(task, task_sandbox)
    calls = [i for i, m in enumerate(local.messages) if m.role == "assistant"]
    schemas = default_tools().schemas()
    metadata = {"task_id": task.id, "task_dir": str(task.path)}
    with serve_in_thread() as server:
        remote = get_model(f"openai-compatible/sim/0.6@{server.base_url}")
        for turn, index in enumerate(calls):  # the same conversation, call by call, over HTTP
            completion = await remote.complete(local.messages[:index], tools=schemas,
                                               seed=7 + turn, metadata=metadata)  # fmt: skip
            assert completion.choices[0].message == local.messages[index]
            assert completion.usage == local.steps[2 * turn].usage
        async with await environment.start(task, LocalProvider()) as fresh:  # type: ignore[attr-defined]
            whole = await Agent(remote, default_tools(), Limits(max_steps=8), seed=7).run(
                task, fresh)  # fmt: skip
    assert whole.end_reason == local.end_reason and whole.answer == local.answer
    assert [json.loads(c.arguments) for m in whole.messages for c in m.tool_calls] == [
        json.loads(c.arguments) for m in local.messages for c in m.tool_calls]  # fmt: skip
