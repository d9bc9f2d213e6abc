"""What the model-based judges share: the transcript they show, the call, the JSON reply.

A transcript is the trajectory's conversation less the system prompt and the instruction (the
prompt gives the task apart), one `### ` header per part:

    ### assistant         what the model said
    ### call bash         a tool call: its one string argument verbatim (the command), else
                          the raw JSON arguments
    ### result            the tool's output, clipped to MAX_OUTPUT characters
    ### submitted         the final submission, last, when there is one
    ### ended without a submission (max_steps)

The simulated model reads this format (agentlab.models.sim_judge), so keep the two in step.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentlab.models.base import ModelClient, ModelError
from agentlab.models.registry import get_model
from agentlab.types import Message, Score, Task, Trajectory, Usage

MAX_OUTPUT = 2000


class JudgeFailure(Exception):
    """The judge model failed or gave an unusable reply: the verdict is missing, not zero."""


def judge_model(judge: str, address: str) -> ModelClient:
    """The client for a judge's `model` argument; a bad address is an error naming the judge."""
    try:
        return get_model(address)
    except ValueError as exc:
        raise ValueError(f"{judge}: model={address!r}: {exc}") from None


def transcript(task: Task, trajectory: Trajectory) -> str:
    """The trajectory as text a judge model reads (the format above)."""
    parts, instruction = [], task.instruction
    for message in trajectory.messages:
        if message.role == "system" or (message.role == "user" and message.content == instruction):
            continue
        if message.role == "tool":
            parts.append(f"### result\n{_clip(message.content or '')}")
            continue
        if message.content:
            parts.append(f"### {message.role}\n{message.content}")
        parts += [f"### call {c.name}\n{_argument(c.arguments)}" for c in message.tool_calls]
    if trajectory.answer is not None:
        parts.append(f"### submitted\n{trajectory.answer}")
    else:
        parts.append(f"### ended without a submission ({trajectory.end_reason or 'unknown'})")
    return "\n".join(parts)


def _argument(arguments: str) -> str:
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments
    values = list(parsed.values()) if isinstance(parsed, dict) else []
    return values[0] if len(values) == 1 and isinstance(values[0], str) else arguments


def _clip(text: str) -> str:
    if len(text) <= MAX_OUTPUT:
        return text
    return f"{text[:MAX_OUTPUT]}\n[... {len(text) - MAX_OUTPUT} more characters]"


@dataclass
class Consultation:
    """The judge model's calls for one verdict, and the usage they add up to."""

    model: ModelClient
    task: Task
    usage: Usage | None = None

    async def ask(self, role: str, system: str, prompt: str) -> dict[str, Any]:
        """One call in `role` (metadata["role"]); its reply, a JSON object, parsed."""
        messages = [Message(role="system", content=system), Message(role="user", content=prompt)]
        metadata = {"role": role, "task_id": self.task.id, "task_dir": str(self.task.path or "")}
        try:
            completion = await self.model.complete(
                messages, temperature=0.0, seed=0, metadata=metadata
            )
        except ModelError as exc:
            raise JudgeFailure(f"{self.model.name}: {exc}") from exc
        usage_role = "value" if role == "value" else "judge"
        spent = completion.usage.model_copy(update={"role": usage_role})
        self.usage = spent if self.usage is None else self.usage + spent
        text = completion.choices[0].message.content or ""
        start, end = text.find("{"), text.rfind("}")
        try:
            reply = json.loads(text[start : end + 1]) if 0 <= start < end else None
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise JudgeFailure(f"{self.model.name}: the reply is not a JSON object: {text[:200]!r}")
        return reply

    def missing(self, judge: str, error: str, started: float) -> Score:
        """The score of a verdict that could not be had."""
        return Score(judge=judge, value=None, passed=False, rationale=error, error=error,
                     usage=self.usage, duration_s=time.monotonic() - started)  # fmt: skip


def prompt(task: Task, *sections: tuple[str, str]) -> str:
    """The task, then each (tag, body) section between <tag> and </tag>."""
    blocks = [("task", task.instruction.strip()), *sections]
    return "\n\n".join(f"<{tag}>\n{body}\n</{tag}>" for tag, body in blocks)


def save_json(path: Path, record: dict[str, Any]) -> None:
    """Writes `record` to `path` atomically: a reader never sees half of what a judge wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=2)
    os.replace(tmp, path)
