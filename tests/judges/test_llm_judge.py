"""The LLM judge: pointwise scores, and pairwise comparisons asked in both orders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from judge_runs import make_task, run

from agentlab.models.sim import Faults, SimModel
from agentlab.types import Choice, Completion, Message, Usage
from judges.asking import transcript
from judges.llm_judge import LLMJudge


class FirstIsBest:
    """A judge model with a position bias: it always prefers transcript A."""

    name = "test/first-is-best"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def complete(self, messages: Sequence[Message], **kwargs: Any) -> Completion:
        self.prompts.append(messages[-1].content or "")
        reply = Message(role="assistant", content='{"preferred": "A", "rationale": "it is first"}')
        return Completion(model=self.name, choices=[Choice(message=reply)],
                          usage=Usage(prompt_tokens=100, completion_tokens=10))  # fmt: skip


async def test_pointwise_scores_one_trajectory_and_passes_at_the_threshold(
    tmp_path: Path,
) -> None:
    task, judge = make_task(tmp_path), LLMJudge("sim/1.0")
    good = await judge.score(task, run(task, 3, "done"), None)
    poor = await judge.score(task, run(task, 1, "done"), None)
    assert (good.value, good.passed, poor.passed) == (1.0, True, False)
    assert poor.value is not None and 0 < poor.value < 0.5 and "1 of 3" in poor.rationale
    assert good.usage is not None and good.usage.role == "judge" and good.usage.prompt_tokens > 0


async def test_pairwise_asks_in_both_orders_and_agrees_with_itself_when_accurate(
    tmp_path: Path,
) -> None:
    task, judge = make_task(tmp_path), LLMJudge("sim/1.0", mode="pairwise")
    better, worse = run(task, 3, "done"), run(task, 1, "done")
    assert (await judge.compare(task, better, worse)).winner == "a"
    preference = await judge.compare(task, worse, better)
    assert (preference.winner, preference.consistent) == ("b", True)
    assert preference.usage is not None and preference.usage.prompt_tokens > 0
    assert (await judge.compare(task, better, run(task, 3, "done"))).winner == "tie"


async def test_a_position_biased_judge_is_inconsistent_and_gives_a_tie(tmp_path: Path) -> None:
    task, judge = make_task(tmp_path), LLMJudge("sim/1.0", mode="pairwise")
    judge.model = biased = FirstIsBest()  # type: ignore[assignment]
    a, b = run(task, 3, "done"), run(task, 1, "done")
    preference = await judge.compare(task, a, b)
    assert (preference.winner, preference.consistent) == ("tie", False)
    first, second = biased.prompts
    shown_a, shown_b = transcript(task, a), transcript(task, b)
    assert first.index(shown_a) < first.index(shown_b)
    assert second.index(shown_b) < second.index(shown_a)
    assert preference.usage == Usage(prompt_tokens=200, completion_tokens=20, role="judge")


async def test_a_failing_model_gives_a_missing_verdict(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    pointwise, pairwise = LLMJudge("sim/0.9"), LLMJudge("sim/0.9", mode="pairwise")
    pointwise.model = pairwise.model = SimModel(0.9, faults=Faults(server_error=1.0))
    score = await pointwise.score(task, run(task, 3, "done"), None)
    assert score.missing and not score.passed and "internal error" in (score.error or "")
    preference = await pairwise.compare(task, run(task, 3, "done"), run(task, 1))
    assert preference.winner is None and "internal error" in (preference.error or "")


async def test_each_mode_does_its_own_job(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    with pytest.raises(ValueError, match="use mode=pointwise"):
        await LLMJudge("sim/0.9", mode="pairwise").score(task, run(task, 1), None)
    with pytest.raises(ValueError, match="use mode=pairwise"):
        await LLMJudge("sim/0.9").compare(task, run(task, 1), run(task, 2))
    with pytest.raises(ValueError, match="choose pointwise or pairwise"):
        LLMJudge("sim/0.9", mode="listwise")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="llm_judge: model='gpt/4': unknown model provider"):
        LLMJudge("gpt/4")
