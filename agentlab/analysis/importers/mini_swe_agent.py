"""mini-swe-agent `.traj.json` files (trajectory_format `mini-swe-agent-1`, mini-swe-agent 1.x).

The 2.x format (`mini-swe-agent-1.1`, tool calls) differs and is refused by name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from agentlab.analysis.importers.reading import STATS, end_reason, exit_error, read, text
from agentlab.types import Message, PluginSpec, Role, Step, Trajectory, Usage

ACTION = re.compile(r"```bash\s*\n(.*?)\n```", re.DOTALL)  # how mini-swe-agent 1.x finds it
RETURNCODE = re.compile(r"<returncode>(-?\d+)</returncode>")


class _Cached(BaseModel):
    cached_tokens: int | None = None


class _Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    prompt_tokens_details: _Cached | None = None
    cost: float | None = None

    def usage(self) -> Usage:
        details = self.prompt_tokens_details
        return Usage(prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens,
                     cached_tokens=(details.cached_tokens or 0) if details else 0)  # fmt: skip


class _Response(BaseModel):
    usage: _Usage | None = None


class _Extra(BaseModel):
    response: _Response | None = None


class _Message(BaseModel):
    role: Role
    content: str | list[dict[str, Any]]
    extra: _Extra | None = None

    def call_usage(self) -> _Usage | None:
        """The provider's usage for the call that produced this message, where kept."""
        response = self.extra.response if self.extra else None
        return response.usage if response else None


class _Stats(BaseModel):
    instance_cost: float | None = None
    api_calls: int | None = None


class _Model(BaseModel):
    model_name: str


class _Environment(BaseModel):
    image: str | None = None


class _Config(BaseModel):
    model: _Model
    environment: _Environment | None = None


class _Info(BaseModel):
    exit_status: str | None
    submission: str | None = None
    model_stats: _Stats | None = None
    mini_version: str | None = None
    config: _Config


class _File(BaseModel):
    trajectory_format: Literal["mini-swe-agent-1"]
    instance_id: str
    info: _Info
    messages: list[_Message]


def import_mini_swe_agent(path: Path) -> Trajectory:
    """A mini-swe-agent trajectory as an agentlab one.

    The messages are the file's as the model saw them (actions stay in the assistant's text,
    observations are user messages, as mini-swe-agent sends them). Each assistant message is a
    model_call step with the call's usage and cost (outputs["cost_usd"]) from the provider's
    response where the file keeps it; an action (the one ```bash block) and the user message
    after it are a tool_call step (inputs["command"], outputs["output"] and "returncode").
    A reply without exactly one action got a format error back, not a command run: no
    tool_call step. The totals (info.model_stats) are in the first model_call step's
    outputs["model_stats"]. The task is `instance_id`, the answer info.submission, verbatim.
    Raises TrajectoryFormatError naming the file and the field when the file is not JSON or
    lacks one the format needs.
    """
    source, digest = read(path, _File)
    info = source.info
    steps: list[Step] = []
    command: str | None = None
    for message in source.messages:
        content = text(message.content) or ""
        if message.role == "assistant":
            usage = message.call_usage()
            outputs: dict[str, Any] = {"message": {"role": "assistant", "content": content}}
            if usage and usage.cost is not None:
                outputs["cost_usd"] = usage.cost
            steps.append(Step(kind="model_call", outputs=outputs,
                              usage=usage.usage() if usage else None))  # fmt: skip
            actions = ACTION.findall(content)
            command = actions[0] if len(actions) == 1 else None
        elif message.role == "user" and command is not None:
            returncode = RETURNCODE.search(content)
            outputs = {"output": content}
            if returncode:
                outputs["returncode"] = int(returncode.group(1))
            steps.append(Step(kind="tool_call", inputs={"command": command}, outputs=outputs))
            command = None
    if info.model_stats and steps:
        steps[0].outputs[STATS] = info.model_stats.model_dump(exclude_none=True)
    version = {"version": info.mini_version} if info.mini_version else {}
    environment = info.config.environment
    return Trajectory(
        trial_id=digest,
        task_id=source.instance_id,
        strategy=PluginSpec(kind="strategy", name="mini-swe-agent", args=version),
        model=info.config.model.model_name,
        messages=[Message(role=m.role, content=text(m.content)) for m in source.messages],
        steps=steps,
        answer=info.submission or None,
        end_reason=end_reason(info.exit_status),
        status="finished",
        error=exit_error("mini-swe-agent", info.exit_status),
        image=environment.image if environment else None,
    )
