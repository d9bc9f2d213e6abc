"""The replay model: recorded outputs in order, and a loud failure when the world differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentlab import environment
from agentlab.agent import Agent, Limits
from agentlab.models.registry import get_model
from agentlab.models.replay import ReplayMismatch, ReplayModel
from agentlab.models.sim import SimModel
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_task
from agentlab.tools import default_tools
from agentlab.trajectory import save
from agentlab.types import Message, Task, Trajectory


@pytest.fixture
def task(tmp_path: Path) -> Task:
    folder = tmp_path / "count"
    for sub in ("solution", "environment"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "easy"\n[agent]\nwants_answer = true\n')
    (folder / "instruction.md").write_text("How many lines does data.txt have?")
    (folder / "environment" / "data.txt").write_text("a\nb\nc\n")
    (folder / "solution" / "solve.sh").write_text("wc -l < data.txt\n")
    return load_task(folder)


async def rollout(task: Task, model: object) -> Trajectory:
    sandbox = await environment.start(task, LocalProvider())
    try:
        return await Agent(model, default_tools(), Limits(max_steps=6), seed=2).run(  # type: ignore[arg-type]
            task, sandbox)  # fmt: skip
    finally:
        await sandbox.close()


async def test_a_replay_reproduces_the_recorded_trajectory(task: Task, tmp_path: Path) -> None:
    recorded = await rollout(task, SimModel(1.0))
    assert recorded.answer == "3"
    path = tmp_path / "t.json.gz"
    save(recorded, path)
    replayed = await rollout(task, get_model(f"replay/{path}"))
    assert replayed.messages == recorded.messages
    assert replayed.answer == "3" and replayed.usage == recorded.usage


async def test_a_changed_environment_is_a_loud_mismatch(task: Task) -> None:
    recorded = await rollout(task, SimModel(1.0))
    assert task.environment_dir is not None
    (task.environment_dir / "data.txt").write_text("a\nb\nc\nd\n")  # the world moved on
    replayed = await rollout(task, ReplayModel(recorded))
    assert replayed.end_reason == "model_error"
    assert replayed.error is not None
    assert "call 2, message 3 differs from the recording" in replayed.error
    assert "recorded: tool: 3" in replayed.error and "now:      tool: 4" in replayed.error


async def test_calls_beyond_the_recording_are_refused() -> None:
    model = ReplayModel(Trajectory(task_id="t", messages=[Message(role="user", content="hi")]))
    with pytest.raises(ReplayMismatch, match="call 1 was never made in the recording"):
        await model.complete([Message(role="user", content="hi")])


async def test_a_streamed_replay_hands_over_the_whole_text_at_once() -> None:
    answer = Message(role="assistant", content="1. bash('ls')\njoin()")
    hi = [Message(role="user", content="hi")]
    model = ReplayModel(Trajectory(task_id="t", messages=[*hi, answer]))
    got: list[str] = []
    done = await model.complete(hi, on_text=got.append)
    assert got == [answer.content] and done.choices[0].message == answer
