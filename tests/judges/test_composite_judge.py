"""The composite judge: weighted parts built from specs, missing parts left out; and old scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from judge_runs import make_task, run

from agentlab.registry import build, judge, parse_spec
from agentlab.sandbox.base import Sandbox
from agentlab.types import Score, Task, Trajectory, Usage


@judge("test-fixed")
class Fixed:
    """Gives every trajectory the same value; None makes the score missing."""

    def __init__(self, value: float | None = None) -> None:
        self.value = value

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        if self.value is None:
            return Score(judge="fixed", value=None, passed=False, error="the model failed",
                         usage=Usage(prompt_tokens=5, role="judge"))  # fmt: skip
        return Score(judge="fixed", value=self.value, passed=self.value == 1.0,
                     usage=Usage(prompt_tokens=10, role="judge"))  # fmt: skip


async def test_the_value_is_the_weighted_mean_of_the_parts(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    spec = parse_spec("judge", 'composite:judges=["test-fixed:value=1","test-fixed:value=0"],'
                               "weights=[0.7,0.3]")  # fmt: skip
    composite = build(spec)
    score = await composite.score(task, run(task, 3, "done"), None)
    assert score.value == pytest.approx(0.7) and score.passed  # threshold 0.5
    assert score.usage == Usage(prompt_tokens=20, role="judge")
    assert [p["value"] for p in score.details["parts"]] == [1.0, 0.0]
    assert composite.spec.args == {"judges": ["test-fixed:value=1", "test-fixed:value=0"],
                                   "weights": [0.7, 0.3], "threshold": 0.5}  # fmt: skip
    equal = build(
        parse_spec("judge", 'composite:judges=["test-fixed:value=1","test-fixed:value=0"]')
    )
    assert (await equal.score(task, run(task, 1), None)).value == 0.5


async def test_a_missing_part_is_left_out_and_all_missing_is_missing(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    one = build(parse_spec("judge", 'composite:judges=["test-fixed:value=0.5","test-fixed"],'
                                    "weights=[1,3],threshold=0.6"))  # fmt: skip
    score = await one.score(task, run(task, 1), None)
    assert (score.value, score.passed, score.missing) == (0.5, False, False)
    assert "missing: fixed" in score.rationale
    none = build(parse_spec("judge", 'composite:judges=["test-fixed"]'))
    assert (await none.score(task, run(task, 1), None)).missing


def test_bad_weights_fail_when_built() -> None:
    with pytest.raises(ValueError, match="2 judges need as many weights, got 1"):
        build(parse_spec("judge", 'composite:judges=["verifier","verifier"],weights=[1]'))
    with pytest.raises(ValueError, match="positive sum"):
        build(parse_spec("judge", 'composite:judges=["verifier"],weights=[0]'))
    with pytest.raises(ValueError, match="unknown judge 'nope'"):
        build(parse_spec("judge", 'composite:judges=["nope"]'))


def test_scores_stored_before_judges_had_usage_and_items_still_load() -> None:
    old = {"judge": "verifier", "value": 1.0, "passed": True, "rationale": "reward 1",
           "metrics": {"reward": 1.0}, "details": {}, "duration_s": 0.1, "error": None}  # fmt: skip
    score = Score.model_validate(old)
    assert (score.missing, score.items, score.usage) == (False, [], None)
    with pytest.raises(ValueError, match="a missing score"):
        Score(judge="x", value=None, passed=False)  # missing, and no reason why
