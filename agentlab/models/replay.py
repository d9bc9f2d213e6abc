"""The replay model: a trajectory's recorded model outputs, in order, for re-running it.

Replaying against a fresh environment shows where the world now differs from the recording:
the first call whose conversation does not match what was recorded raises ReplayMismatch,
naming the call and the message, instead of quietly answering something that no longer fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agentlab.models.base import ModelError
from agentlab.trajectory import load
from agentlab.types import Choice, Completion, Message, Trajectory, Usage


class ReplayMismatch(ModelError):
    """The conversation stopped matching the recording."""


class ReplayModel:
    """Answers call k with the k-th recorded assistant message, if the prompt matches."""

    def __init__(self, trajectory: Trajectory) -> None:
        self.trajectory = trajectory
        self.name = f"replay/{trajectory.trial_id or trajectory.task_id}"
        self.positions = [i for i, m in enumerate(trajectory.messages) if m.role == "assistant"]
        self.usages = [s.usage or Usage() for s in trajectory.steps
                       if s.kind == "model_call" and s.error is None]  # fmt: skip
        self.calls = 0

    @classmethod
    def from_file(cls, path: Path) -> ReplayModel:
        return cls(load(path))

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        on_text: Callable[[str], None] | None = None,
        **_: Any,
    ) -> Completion:
        """The next recorded answer; a stream of it is one piece, the whole text."""
        call = self.calls + 1
        if self.calls >= len(self.positions):
            raise ReplayMismatch(
                f"{self.name}: call {call} was never made in the recording "
                f"({len(self.positions)} model calls)"
            )
        position = self.positions[self.calls]
        recorded = self.trajectory.messages[:position]
        for index, (want, got) in enumerate(zip(recorded, messages, strict=False)):
            if want != got:
                raise ReplayMismatch(
                    f"{self.name}: call {call}, message {index} differs from the recording:\n"
                    f"  recorded: {_brief(want)}\n  now:      {_brief(got)}"
                )
        if len(messages) != len(recorded):
            raise ReplayMismatch(
                f"{self.name}: call {call} has {len(messages)} messages, "
                f"the recording had {len(recorded)}"
            )
        self.calls += 1
        usage = self.usages[call - 1] if call - 1 < len(self.usages) else Usage()
        message = self.trajectory.messages[position]
        if on_text is not None and message.content:
            on_text(message.content)
        return Completion(model=self.name, choices=[Choice(message=message)], usage=usage)


def _brief(message: Message, limit: int = 200) -> str:
    text = message.content or " ".join(f"{c.name}({c.arguments})" for c in message.tool_calls)
    text = text.replace("\n", "\\n")
    return f"{message.role}: {text[:limit]}{'...' if len(text) > limit else ''}"
