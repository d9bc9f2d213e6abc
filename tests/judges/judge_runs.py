"""Tasks and hand-made trajectories for judge tests: a run is some oracle steps, then maybe a
submission, recorded the way the agent records them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentlab.models.base import ModelClient
from agentlab.models.sim import split_steps
from agentlab.tasks import load_task
from agentlab.types import Completion, Message, Task, ToolCall, Trajectory

SOLVE = "mkdir -p out\n\n# write the data\necho 1 > out/a\n\n# count the files\nls out | wc -l\n"


def make_task(root: Path, *, wants_answer: bool = False, checklist: tuple[str, ...] = (),
              name: str = "count-files") -> Task:  # fmt: skip
    """A three-step task (its oracle is SOLVE), with or without its own checklist."""
    folder = root / name
    (folder / "solution").mkdir(parents=True)
    toml = f'difficulty = "medium"\n[agent]\nwants_answer = {str(wants_answer).lower()}\n'
    if checklist:
        toml += f"[checklist]\nitems = {json.dumps(list(checklist))}\n"
    (folder / "task.toml").write_text(toml)
    (folder / "instruction.md").write_text("Put one file in out/, then say how many there are.")
    (folder / "solution" / "solve.sh").write_text(SOLVE)
    return load_task(folder)


def run(task: Task, done: int, answer: str | None = None, output: str = "1") -> Trajectory:
    """The first `done` oracle steps (each printing `output`), then `answer` submitted."""
    messages = [Message(role="system", content="You are an agent."),
                Message(role="user", content=task.instruction)]  # fmt: skip
    calls = [("bash", {"command": step}) for step in split_steps(SOLVE)[:done]]
    if answer is not None:
        calls.append(("submit", {"answer": answer}))
    for i, (name, args) in enumerate(calls):
        call = ToolCall(id=f"call_{i}", name=name, arguments=json.dumps(args))
        messages += [Message(role="assistant", content="Next.", tool_calls=[call]),
                     Message(role="tool", tool_call_id=call.id,
                             content=f"{output}\n[exit code 0]")]  # fmt: skip
    return Trajectory(task_id=task.id, messages=messages, answer=answer,
                      end_reason="submitted" if answer is not None else "max_steps")  # fmt: skip


class CountingModel:
    """A model that counts its calls by metadata role."""

    def __init__(self, inner: ModelClient) -> None:
        self.inner, self.name, self.roles = inner, inner.name, Counter[str]()

    async def complete(self, messages: Sequence[Message], **kwargs: Any) -> Completion:
        self.roles[kwargs["metadata"]["role"]] += 1
        return await self.inner.complete(messages, **kwargs)
