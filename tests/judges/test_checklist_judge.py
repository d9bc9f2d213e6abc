"""The checklist judge: agreement with the verifier, its written-checklist cache, and failure."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from judge_runs import CountingModel, make_task, run

from agentlab.campaign.runner import Campaign
from agentlab.campaign.summary import summarize
from agentlab.models.base import ModelClient
from agentlab.models.registry import model_provider
from agentlab.models.sim import Faults, SimModel
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.trajectory import load
from environments.os_tasks import TASKS_DIR
from judges.checklist import ChecklistJudge


@model_provider("test-failing-sim")
def _failing_sim(rest: str, **options: Any) -> ModelClient:
    """A sim whose every call fails with a 500."""
    return SimModel(float(rest), faults=Faults(server_error=1.0))


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AGENTLAB_CACHE", str(folder))
    return folder


@pytest.mark.slow
async def test_with_an_accurate_sim_judge_the_checklist_agrees_with_the_verifier(
    tmp_path: Path,
) -> None:
    campaign = Campaign(load_tasks([TASKS_DIR]), ["react"], ["sim/0.6"], out=tmp_path / "run",
                        seeds=2, judges=["verifier", "checklist:model=sim/0.97"],
                        sandbox=LocalProvider(), concurrency=16)  # fmt: skip
    await campaign.run()
    verdicts = []
    for path in sorted((tmp_path / "run" / "trajectories").iterdir()):
        verifier, checklist = load(path).scores
        assert checklist.judge == "checklist" and not checklist.missing
        assert len(checklist.items) >= 3 and checklist.usage and checklist.usage.role == "judge"
        verdicts.append((verifier.passed, checklist.passed))
    assert len(verdicts) == 32 and {v for v, _ in verdicts} == {True, False}
    assert sum(v == c for v, c in verdicts) / len(verdicts) > 0.9


async def test_a_written_checklist_is_asked_for_once_per_task(tmp_path: Path, cache: Path) -> None:
    task = make_task(tmp_path)  # no [checklist] of its own
    judge = ChecklistJudge("sim/1.0")
    judge.model = counting = CountingModel(judge.model)
    first = await judge.score(task, run(task, 3, "done"), None)
    second = await judge.score(task, run(task, 1, "done"), None)
    assert counting.roles == {"checklist_writer": 1, "checklist_judge": 2}
    assert [i.met for i in first.items] == [True] * 4 and first.passed and first.value == 1.0
    assert [i.met for i in second.items] == [True, False, False, False] and not second.passed
    assert second.value == 0.25 and second.details["written"] is True
    assert len(list((cache / "checklists").iterdir())) == 1

    again = ChecklistJudge("sim/1.0")  # a new instance, as in the next trial: read from disk
    again.model = counting = CountingModel(again.model)
    assert (await again.score(task, run(task, 3, "done"), None)).items == first.items
    assert counting.roles == {"checklist_judge": 1}


async def test_the_tasks_own_checklist_is_used_without_asking_the_writer(tmp_path: Path) -> None:
    task = make_task(tmp_path, checklist=("makes out/", "writes and counts", "submits"))
    judge = ChecklistJudge("sim/1.0", threshold=0.5)
    judge.model = counting = CountingModel(judge.model)
    score = await judge.score(task, run(task, 2), None)
    assert [i.text for i in score.items] == list(task.checklist.items)
    assert [i.met for i in score.items] == [True, True, False]  # not submitted
    assert counting.roles == {"checklist_judge": 1} and score.passed  # 2/3 >= 0.5
    assert build(parse_spec("judge", "checklist:model=sim/0.9")).spec.args == {
        "model": "sim/0.9", "threshold": 1.0}  # fmt: skip


async def test_a_failing_judge_model_gives_a_missing_score_not_a_failure(tmp_path: Path) -> None:
    task = make_task(tmp_path, checklist=("makes out/",))
    score = await ChecklistJudge("test-failing-sim/0.9").score(task, run(task, 3, "done"), None)
    assert score.missing and score.value is None and "internal error" in (score.error or "")
    unreadable = ChecklistJudge("sim/0.9")
    unreadable.model = SimModel(0.9, faults=Faults(malformed_json=1.0))
    score = await unreadable.score(task, run(task, 3, "done"), None)
    assert score.missing and "not a JSON object" in (score.error or "")
    assert score.usage is not None and score.usage.completion_tokens > 0  # the call still cost


async def test_a_campaign_whose_primary_judge_fails_goes_on_and_counts_no_failures(
    tmp_path: Path,
) -> None:
    tasks = [t for t in load_tasks([TASKS_DIR]) if t.id == "files-purge-stale-tmp"]
    rows = await Campaign(tasks, ["react"], ["sim/1.0"], out=tmp_path / "run", seeds=2,
                          judges=["checklist:model=test-failing-sim/0.9", "verifier"],
                          sandbox=LocalProvider()).run()  # fmt: skip
    assert [(r.status, r.passed, r.score) for r in rows] == [("finished", None, None)] * 2
    [summary] = summarize(rows)
    assert summary.unjudged == 2 and summary.errors == 0 and math.isnan(summary.success)
    checklist, verifier = load(next((tmp_path / "run" / "trajectories").iterdir())).scores
    assert checklist.missing and verifier.passed
