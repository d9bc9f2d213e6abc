"""The simulated planner and joiner: the oracle plan at its skill, flaws a model makes, and a
joiner that finishes with the last output or replans; then the dag strategy on the sim."""

from __future__ import annotations

import asyncio
import random

import pytest
from conftest import PRODUCT_PLAN

from agentlab.agent import Limits
from agentlab.models.base import ModelError
from agentlab.models.sim import SimModel
from agentlab.models.sim_planner import flawed
from agentlab.planner import PlanError, PlanSyntaxError, parse_plan, validate_plan
from agentlab.planner.tools import shell
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.trial import TrialContext
from agentlab.types import Message, Task
from judges.verifier import VerifierJudge

PLAN = PRODUCT_PLAN


def test_every_flaw_but_a_wrong_literal_is_caught_before_anything_runs() -> None:
    caught = {}
    for seed in range(40):
        plan = flawed(PLAN, random.Random(seed))
        assert plan != PLAN
        try:
            validate_plan(parse_plan(plan), {"shell": shell})
            caught.setdefault("runs", plan)
        except (PlanError, PlanSyntaxError) as exc:
            caught.setdefault(type(exc).__name__ + str(exc).split(":")[0], plan)
    assert "runs" in caught and len(caught) >= 3, caught  # the literal flaw runs, wrongly


async def test_the_planner_writes_the_oracle_plan_at_its_skill(product_task: Task) -> None:
    task = product_task
    meta = {"task_dir": str(task.path), "role": "planner"}
    ask = [Message(role="user", content=task.instruction)]

    async def plans(skill: float) -> list[str]:
        model = SimModel(skill)
        replies = [await model.complete(ask, seed=s, metadata=meta) for s in range(40)]
        return [r.choices[0].message.content or "" for r in replies]

    assert all(p == PLAN for p in await plans(1.0))
    assert not any(p == PLAN for p in await plans(0.0))
    half = sum(p == PLAN for p in await plans(0.5))
    assert 10 <= half <= 30, half


async def test_a_task_without_a_plan_is_a_model_error(product_task: Task) -> None:
    task = product_task
    (task.path / "solution" / "plan.txt").unlink()  # type: ignore[operator]
    meta = {"task_dir": str(task.path), "role": "planner"}
    with pytest.raises(ModelError, match=r"has no solution/plan\.txt to plan from"):
        await SimModel(1.0).complete([Message(role="user", content="x")], metadata=meta)


@pytest.mark.parametrize(("skill", "least"), [(1.0, 1.0), (0.5, 0.6)])
async def test_the_dag_strategy_on_the_sim_replans_its_way_to_the_answer(
    product_task: Task, skill: float, least: float
) -> None:
    task = product_task
    model = SimModel(skill)

    async def trial(seed: int) -> tuple[bool, int]:
        ctx = TrialContext(model, LocalProvider(), [VerifierJudge()], Limits(max_steps=5), seed)
        result = await build(parse_spec("strategy", "dag:max_replans=3")).solve(task, ctx)
        return result.scores[0].passed, sum(s.kind == "plan" for s in result.steps)

    outcomes = await asyncio.gather(*(trial(seed) for seed in range(12)))
    success = sum(passed for passed, _ in outcomes) / len(outcomes)
    rounds = [r for _, r in outcomes]
    print(skill, success, rounds)
    assert success >= least
    if skill < 1:
        assert max(rounds) > 1  # flawed plans were seen and replanned
    else:
        assert set(rounds) == {1}
