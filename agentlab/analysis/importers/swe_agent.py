"""SWE-agent `.traj` files (SWE-agent 1.x; function-calling and thought-action agents alike)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, field_validator

from agentlab.analysis.importers.reading import STATS, end_reason, exit_error, read, text
from agentlab.types import Message, PluginSpec, Role, Step, ToolCall, Trajectory, Usage


class _Function(BaseModel):
    name: str
    arguments: str


class _Call(BaseModel):
    id: str
    function: _Function

    def tool_call(self) -> ToolCall:
        return ToolCall(id=self.id, name=self.function.name, arguments=self.function.arguments)


class _Message(BaseModel):
    """One entry of `history`: what the model was sent or said."""

    role: Role
    content: str | list[dict[str, Any]] | None = None
    action: str | None = None
    tool_calls: list[_Call] | None = None
    tool_call_ids: list[str] | None = None

    def message(self) -> Message:
        answered = self.tool_call_ids[0] if self.tool_call_ids else None
        return Message(role=self.role, content=text(self.content),
                       tool_calls=[c.tool_call() for c in self.tool_calls or []],
                       tool_call_id=answered)  # fmt: skip


class _Entry(BaseModel):
    """One entry of `trajectory`: a model response, the action taken, what it observed."""

    response: str
    thought: str = ""
    action: str
    observation: str
    execution_time: float | None = None


class _Stats(BaseModel):
    instance_cost: float | None = None
    tokens_sent: int | None = None
    tokens_received: int | None = None
    api_calls: int | None = None


class _Info(BaseModel):
    exit_status: str | None
    submission: str | None = None
    model_stats: _Stats | None = None
    swe_agent_version: str | None = None


class _Name(BaseModel):
    name: str


class _Agent(BaseModel):
    model: _Name


class _Id(BaseModel):
    id: str


class _Deployment(BaseModel):
    image: str | None = None


class _Env(BaseModel):
    deployment: _Deployment | None = None


class _Replay(BaseModel):
    agent: _Agent
    problem_statement: _Id
    env: _Env | None = None


class _File(BaseModel):
    trajectory: list[_Entry]
    history: list[_Message]
    info: _Info
    replay_config: _Replay

    @field_validator("replay_config", mode="before")
    @classmethod
    def _decoded(cls, value: Any) -> Any:
        """Some SWE-agent versions store the replay config as a JSON string."""
        return json.loads(value) if isinstance(value, str) else value


def import_swe_agent(path: Path) -> Trajectory:
    """A SWE-agent trajectory as an agentlab one.

    Each `trajectory` entry is a model_call step (the response, with its tool call from the
    matching `history` message) and a tool_call step (the action as issued, the observation,
    the execution time). The messages are `history` as the model saw it. The task is the
    instance id (replay_config.problem_statement.id), the answer the submitted patch
    (info.submission), verbatim.

    SWE-agent gives its model stats as totals only (info.model_stats): they are on the first
    model_call step, tokens as its usage and the stats themselves in outputs["model_stats"];
    the other steps have no usage. Raises TrajectoryFormatError naming the file and the field
    when the file is not JSON or lacks one the format needs.
    """
    source, digest = read(path, _File)
    info, replay = source.info, source.replay_config
    actions = [m for m in source.history if m.role == "assistant" and m.action is not None]
    steps: list[Step] = []
    for i, entry in enumerate(source.trajectory):
        said = actions[i] if i < len(actions) and actions[i].action == entry.action else None
        calls = said.message().tool_calls if said else []
        message = Message(role="assistant", content=entry.response, tool_calls=calls)
        steps.append(Step(kind="model_call",
                          outputs={"message": message.model_dump(exclude_none=True),
                                   "thought": entry.thought}))  # fmt: skip
        steps.append(Step(kind="tool_call",
                          inputs={"command": entry.action,
                                  **(calls[0].model_dump() if calls else {})},
                          outputs={"output": entry.observation},
                          duration_s=entry.execution_time or 0.0))  # fmt: skip
    stats = info.model_stats
    if stats and steps:
        if stats.tokens_sent is not None and stats.tokens_received is not None:
            steps[0].usage = Usage(prompt_tokens=stats.tokens_sent,
                                   completion_tokens=stats.tokens_received)  # fmt: skip
        steps[0].outputs[STATS] = stats.model_dump(exclude_none=True)
    version = {"version": info.swe_agent_version} if info.swe_agent_version else {}
    return Trajectory(
        trial_id=digest,
        task_id=replay.problem_statement.id,
        strategy=PluginSpec(kind="strategy", name="swe-agent", args=version),
        model=replay.agent.model.name,
        messages=[m.message() for m in source.history],
        steps=steps,
        answer=info.submission or None,
        end_reason=end_reason(info.exit_status),
        status="finished",
        error=exit_error("SWE-agent", info.exit_status),
        image=replay.env.deployment.image if replay.env and replay.env.deployment else None,
    )
