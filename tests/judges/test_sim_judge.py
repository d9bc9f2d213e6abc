"""The simulated model as judge: ground truth from the oracle, verdicts right at its skill."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from judge_runs import make_task, run

from agentlab.models.base import ModelError
from agentlab.models.registry import get_model
from agentlab.models.sim import SimModel, load_oracle
from agentlab.models.sim_judge import progress
from agentlab.models.sim_server import serve_in_thread
from agentlab.types import Message, Task
from judges.asking import prompt, transcript

ITEMS = ["makes out/", "writes the data", "counts the files", "submits"]


def ask(task: Task, *sections: tuple[str, str]) -> list[Message]:
    return [Message(role="system", content="You judge."),
            Message(role="user", content=prompt(task, *sections))]  # fmt: skip


async def reply(sim: SimModel, task: Task, role: str, messages: list[Message], seed: int) -> Any:
    """The sim's answer in `role`, parsed."""
    meta = {"role": role, "task_dir": str(task.path)}
    completion = await sim.complete(messages, seed=seed, metadata=meta)
    return json.loads(completion.choices[0].message.content or "")


def test_ground_truth_is_progress_through_the_oracle(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    oracle = load_oracle(str(task.path))
    assert progress(oracle, transcript(task, run(task, 2))).done == 2
    assert not progress(oracle, transcript(task, run(task, 2, answer="done"))).solved
    assert progress(oracle, transcript(task, run(task, 3, answer="done"))).solved
    question = make_task(tmp_path, wants_answer=True, name="question")
    q_oracle = load_oracle(str(question.path))
    assert progress(q_oracle, transcript(question, run(question, 3, answer="1"))).solved
    assert not progress(q_oracle, transcript(question, run(question, 3, answer="2"))).solved


async def test_the_writer_lists_one_item_per_oracle_step_then_the_submission(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path)
    items = (await reply(SimModel(0.5), task, "checklist_writer", ask(task), 0))["items"]
    assert items[:3] == ["The agent carries out: `mkdir -p out`",
                         "The agent carries out: write the data",
                         "The agent carries out: count the files"]  # fmt: skip
    assert len(items) == 4 and "submits" in items[3]


@pytest.mark.parametrize("skill", [0.7, 0.9])
async def test_checklist_answers_are_right_at_the_configured_rate(
    tmp_path: Path, skill: float
) -> None:
    task, sim = make_task(tmp_path), SimModel(skill)
    numbered = "\n".join(f"{i}. {t}" for i, t in enumerate(ITEMS, 1))
    truth = {2: [True, True, False, False], 3: [True, True, True, True]}
    right = total = 0
    for seed in range(150):
        done = 2 + seed % 2
        shown = transcript(task, run(task, done, answer="done"))
        messages = ask(task, ("transcript", shown), ("checklist", numbered))
        answers = (await reply(sim, task, "checklist_judge", messages, seed))["answers"]
        assert [a["item"] for a in answers] == [1, 2, 3, 4]
        right += sum(a["met"] == t for a, t in zip(answers, truth[done], strict=True))
        total += len(answers)
    assert abs(right / total - skill) < 0.05


@pytest.mark.parametrize("skill", [0.6, 0.95])
async def test_pointwise_and_pairwise_verdicts_are_right_at_the_configured_rate(
    tmp_path: Path, skill: float
) -> None:
    task, sim = make_task(tmp_path), SimModel(skill)
    solved, failed = transcript(task, run(task, 3, "done")), transcript(task, run(task, 1, "done"))
    pointwise = pairwise = 0
    for seed in range(600):
        shown, truth = (solved, 1.0) if seed % 2 else (failed, 0.4 / 3)
        score = (await reply(sim, task, "pointwise_judge", ask(task, ("transcript", shown)),
                             seed))["score"]  # fmt: skip
        pointwise += score == pytest.approx(truth, abs=0.01)
        pair = ask(task, ("transcript A", solved), ("transcript B", failed))
        pairwise += (await reply(sim, task, "pairwise_judge", pair, seed))["preferred"] == "A"
    assert abs(pointwise / 600 - skill) < 0.06 and abs(pairwise / 600 - skill) < 0.06


async def test_the_value_estimate_is_progress_with_noise_that_shrinks_with_skill(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path)
    messages = ask(task, ("transcript", transcript(task, run(task, 2))))
    truth = 2 / 4  # two of three steps, not submitted: (2 + 0) / (3 + 1)

    async def error(skill: float) -> float:
        values = [(await reply(SimModel(skill), task, "value", messages, s))["value"]
                  for s in range(100)]  # fmt: skip
        return sum(abs(v - truth) for v in values) / len(values)

    assert await error(1.0) == 0.0
    assert 0.0 < await error(0.9) < await error(0.5)


async def test_judge_replies_are_pure_and_identical_through_serve_sim(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    messages = ask(task, ("transcript", transcript(task, run(task, 3, "done"))))
    meta = {"role": "pointwise_judge", "task_dir": str(task.path)}
    local = await SimModel(0.5).complete(messages, seed=7, metadata=meta)
    assert (await SimModel(0.5).complete(messages, seed=7, metadata=meta)).choices == local.choices
    assert local.usage.prompt_tokens > 0 and local.usage.completion_tokens > 0
    with serve_in_thread() as server:
        remote = get_model(f"openai-compatible/sim/0.5@{server.base_url}")
        over_http = await remote.complete(messages, seed=7, metadata=meta)
    assert over_http.choices[0].message.content == local.choices[0].message.content
    assert over_http.usage.prompt_tokens == local.usage.prompt_tokens


async def test_an_unknown_role_or_a_prompt_without_a_transcript_is_an_error(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path)
    with pytest.raises(ModelError, match="unknown role 'critic'"):
        await reply(SimModel(0.5), task, "critic", ask(task), 0)
    with pytest.raises(ModelError, match="no <transcript>"):
        await reply(SimModel(0.5), task, "pointwise_judge", ask(task), 0)
