"""refine on the simulated model: checklist feedback turns early submissions into solutions.

The sim's plausible mistake is to submit too early. A single rollout ends there; refinement
shows the agent the checklist items it has not met, and the sim, which reads its progress
from the conversation, carries on with the oracle in the same sandbox.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_best_of_n import make_task, passed

from agentlab.agent import Limits
from agentlab.models.registry import get_model
from agentlab.models.sim import Faults, SimModel, load_oracle
from agentlab.models.sim_judge import progress
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.trial import Strategy, TrialContext
from agentlab.types import ChecklistItem, Score, Step, Task, Trajectory
from judges.asking import transcript
from judges.checklist import ChecklistJudge
from judges.verifier import VerifierJudge
from strategies.refine import Refine, feedback

TRIALS = 30
REFINE = "refine:judge=checklist:model=sim/0.97"
LIMITS = Limits(max_steps=12)


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTLAB_CACHE", str(tmp_path / "cache"))  # written checklists


async def run(task: Task, strategy: str | Strategy, skill: float, trials: int = TRIALS,
              limits: Limits = LIMITS) -> list[Trajectory]:  # fmt: skip
    """Trials seeded 0, 1, ... of `strategy` (a spec, or one instance for every trial)."""
    model = get_model(f"sim/{skill}")
    gate = asyncio.Semaphore(8)

    async def trial(seed: int) -> Trajectory:
        solver = build(parse_spec("strategy", strategy)) if isinstance(strategy, str) else strategy
        async with gate:
            ctx = TrialContext(model, LocalProvider(), [VerifierJudge()], limits, seed)
            return await solver.solve(task, ctx)

    return list(await asyncio.gather(*(trial(seed) for seed in range(trials))))


def judged(trajectory: Trajectory) -> list[Step]:
    return [s for s in trajectory.steps if s.kind == "judge"]


def tokens(step: Step) -> int:
    return step.usage.prompt_tokens + step.usage.completion_tokens if step.usage else 0


async def test_checklist_feedback_raises_the_success_rate_over_a_single_rollout(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path, question=False)
    single = await run(task, "react", 0.6)
    refined = await run(task, REFINE, 0.6)
    rate = sum(map(passed, single)) / TRIALS
    assert 0.2 < rate < 0.6  # the sim often submits too early here
    assert sum(map(passed, refined)) / TRIALS > rate + 0.3
    # round 1 is the single rollout (same seed), so refinement loses nothing it had solved
    assert all(passed(r) for s, r in zip(single, refined, strict=True) if passed(s))

    rounds = [[s.outputs["next"] for s in judged(t)] for t in refined]
    trial = refined[rounds.index(["feedback", "passed"])]
    submits = [c for m in trial.messages for c in m.tool_calls if c.name == "submit"]
    assert len(submits) == 2 and passed(trial)  # one conversation, both rounds
    assert [s.inputs["round"] for s in judged(trial)] == [1, 2]
    for step in judged(trial):
        score = Score.model_validate(step.outputs["score"])
        assert score.judge == "checklist" and score.items
        assert score.usage and score.usage.role == "judge" and step.usage == score.usage
    calls = [s.usage for s in trial.steps if s.usage]  # the policy's and the judge's, once each
    assert trial.usage.completion_tokens == sum(u.completion_tokens for u in calls)
    assert any(u.role == "judge" for u in calls) and any(u.role == "policy" for u in calls)
    starts = [s.started_s for s in trial.steps]
    assert starts == sorted(starts)  # one clock for every round
    assert [s.judge for s in trial.scores] == ["verifier"]


async def test_the_feedback_names_the_unmet_items_and_why(tmp_path: Path) -> None:
    score = Score(judge="checklist", value=1 / 2, passed=False, items=[
        ChecklistItem(text="makes out/", met=True, rationale="ran mkdir"),
        ChecklistItem(text="counts the files", met=False, rationale="never ran wc"),
        ChecklistItem(text="submits", met=None)])  # fmt: skip
    listed = [line for line in feedback(score).splitlines() if line.startswith("- ")]
    assert listed == ["- counts the files (never ran wc)"]

    task = make_task(tmp_path, question=False)
    trial = next(t for t in await run(task, REFINE, 0.6, trials=8) if len(judged(t)) > 1)
    at = next(i for i, m in enumerate(trial.messages) if i > 1 and m.role == "user")
    graded = Score.model_validate(judged(trial)[0].outputs["score"])
    unmet = [item for item in graded.items if item.met is False]
    assert unmet and trial.messages[at].content == feedback(graded)
    assert all(f"- {item.text} (" in feedback(graded) for item in unmet)
    # the sim judge counts the oracle steps the agent ran, not those the feedback names
    oracle = load_oracle(str(task.path))
    before, after = (Trajectory(task_id=task.id, messages=trial.messages[:n]) for n in (at, at + 1))
    assert progress(oracle, transcript(task, before)) == progress(oracle, transcript(task, after))


async def test_a_missing_judge_score_ends_refinement_without_failing_the_trial(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path, question=False)
    refine = Refine("checklist:model=sim/0.97")
    assert isinstance(refine.judge, ChecklistJudge)
    refine.judge.model = SimModel(0.97, faults=Faults(server_error=1.0))
    for trial in await run(task, refine, 0.6, trials=4):
        [step] = judged(trial)
        assert step.outputs["next"] == "missing" and "internal error" in (step.error or "")
        assert trial.status == "finished" and not trial.scores[0].missing
        assert sum(m.role == "user" for m in trial.messages) == 1  # no feedback was given


async def test_one_round_is_a_react_rollout(tmp_path: Path) -> None:
    task = make_task(tmp_path, question=True)
    react = await run(task, "react", 0.6, trials=6)
    refine = await run(task, f"{REFINE},rounds=1", 0.6, trials=6)
    for a, b in zip(react, refine, strict=True):
        assert (a.messages, a.answer, a.end_reason) == (b.messages, b.answer, b.end_reason)
        assert [(s.kind, s.outputs, s.usage) for s in a.steps] == [
            (s.kind, s.outputs, s.usage) for s in b.steps]  # fmt: skip
        assert [s.passed for s in a.scores] == [s.passed for s in b.scores]
    assert b.strategy and b.strategy.args == {"judge": "checklist:model=sim/0.97", "rounds": 1}


async def test_the_token_budget_covers_every_round(tmp_path: Path) -> None:
    task = make_task(tmp_path, question=False)
    budget = 1500
    free = await run(task, REFINE, 0.6, trials=20)
    capped = await run(task, REFINE, 0.6, trials=20,
                       limits=Limits(max_steps=12, max_tokens=budget))  # fmt: skip
    for trial in capped:
        calls = [tokens(s) for s in trial.steps if s.kind == "model_call"]
        assert sum(calls[:-1]) < budget  # no call began once the whole budget was spent
    stopped = [i for i, t in enumerate(capped) if judged(t)[-1:] and
               judged(t)[-1].outputs["next"] == "budget"]  # fmt: skip
    assert stopped
    for i in stopped:
        assert sum(map(tokens, free[i].steps)) > sum(map(tokens, capped[i].steps))


def test_rounds_must_be_positive_and_the_judge_must_exist() -> None:
    with pytest.raises(ValueError, match="rounds=0 must be >= 1"):
        Refine("checklist:model=sim/0.9", rounds=0)
    with pytest.raises(ValueError, match="unknown judge 'nope'"):
        Refine("nope")
