"""Campaigns: the run directory, resume without duplicates, and surviving kill -9."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agentlab.campaign.runner import Campaign
from agentlab.campaign.summary import render, summarize
from agentlab.cli import main
from agentlab.registry import strategy
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.trajectory import load
from agentlab.trial import TrialContext
from agentlab.types import Task, Trajectory
from environments.os_tasks import TASKS_DIR

HERE = Path(__file__).parent
EASY = ["files-purge-stale-tmp", "perms-normalize-site"]


def tasks() -> list:  # type: ignore[type-arg]
    return [t for t in load_tasks([TASKS_DIR]) if t.id in EASY]


async def test_a_campaign_writes_its_run_directory_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    campaign = Campaign(tasks(), ["react"], ["sim/0.8"], out=out, sandbox=LocalProvider(),
                        seeds=2)  # fmt: skip
    rows = await campaign.run()
    assert len(rows) == 4 and all(r.status == "finished" for r in rows)
    assert json.loads((out / "campaign.json").read_text())["models"] == ["sim/0.8"]
    files = sorted((out / "trajectories").iterdir())
    assert [f.name.removesuffix(".json.gz") for f in files] == sorted(r.id for r in rows)
    first = load(files[0])
    assert first.scores and first.scores[0].judge == "verifier" and first.strategy is not None
    again = await Campaign(tasks(), ["react"], ["sim/0.8"], out=out, sandbox=LocalProvider(),
                           seeds=2).run()  # fmt: skip
    assert [(r.id, r.attempts) for r in again] == [(r.id, 1) for r in rows]  # nothing re-ran
    summary = summarize(again)
    assert summary[0].trials == 4 and 0.0 <= summary[0].ci_low <= summary[0].success
    assert "react" in render(summary)


async def test_an_unreachable_endpoint_is_a_trial_error_and_the_campaign_goes_on(
    tmp_path: Path,
) -> None:
    dead = "openai-compatible/m@http://127.0.0.1:9/v1"
    rows = await Campaign(tasks()[:1], ["react"], [dead, "sim/1.0"], out=tmp_path / "run",
                          sandbox=LocalProvider()).run()  # fmt: skip
    by_model = {r.model: r for r in rows}
    assert by_model[dead].end_reason == "model_error" and not by_model[dead].passed
    assert by_model["sim/1.0"].passed


@strategy("test-raises")
class Raises:
    """Fails every trial, the way a buggy plug-in would."""

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        return explode(task.id)


def explode(task_id: str) -> Trajectory:
    raise RuntimeError(f"bug while solving {task_id}")


async def test_a_strategy_that_raises_records_its_traceback_and_the_campaign_goes_on(
    tmp_path: Path,
) -> None:
    rows = await Campaign(tasks()[:1], ["test-raises", "react"], ["sim/1.0"], out=tmp_path,
                          sandbox=LocalProvider()).run()  # fmt: skip
    by_strategy = {r.strategy: r for r in rows}
    failed = by_strategy["test-raises"]
    assert failed.status == "error" and failed.error is not None
    assert failed.error.startswith("Traceback (most recent call last):")
    assert "in explode" in failed.error and "RuntimeError: bug while solving" in failed.error
    assert by_strategy["react"].passed


def test_unknown_models_and_plugins_fail_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown model provider 'gpt' in 'gpt/4'; known: "):
        Campaign(tasks(), ["react"], ["gpt/4"], out=tmp_path, sandbox=LocalProvider())
    with pytest.raises(ValueError, match="unknown strategy 'nope'"):
        Campaign(tasks(), ["nope"], ["sim/0.5"], out=tmp_path, sandbox=LocalProvider())
    assert not (tmp_path / "store.sqlite").exists()


RUNNER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {here!r})
    import pacing  # registers test-pacing
    from pathlib import Path
    from agentlab.campaign.runner import Campaign
    from agentlab.sandbox.local import LocalProvider
    from agentlab.tasks import load_tasks
    tasks = [t for t in load_tasks([{tasks!r}]) if t.id in {easy!r}]
    Campaign(tasks, ["test-pacing"], ["sim/0.5"], out=Path({out!r}), sandbox=LocalProvider(),
             seeds=100, judges=[], concurrency=4).run_sync()
    """
)


async def test_kill_9_then_resume_gives_each_of_200_trials_exactly_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    script = RUNNER.format(here=str(HERE), tasks=str(TASKS_DIR), easy=EASY, out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        for _ in range(40):  # let 40 trials finish, then kill it mid-flight
            line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 60)
            assert line.startswith("finished"), line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with sqlite3.connect(out / "store.sqlite") as db:
        done_before = db.execute("SELECT count(*) FROM trials WHERE status='finished'").fetchone()
    assert 0 < done_before[0] < 200  # killed part-way: some stored, the rest not
    sys.path.insert(0, str(HERE))
    import pacing  # noqa: F401  (registers test-pacing here too)

    rows = await Campaign(tasks(), ["test-pacing"], ["sim/0.5"], out=out,
                          sandbox=LocalProvider(), seeds=100, judges=[]).run()  # fmt: skip
    assert len(rows) == 200 and len({r.id for r in rows}) == 200
    assert all(r.status == "finished" for r in rows)
    assert len(list((out / "trajectories").glob("*.json.gz"))) == 200
    assert all(r.attempts in (1, 2) for r in rows)


def test_the_run_command_prints_the_summary_and_the_run_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--tasks", str(TASKS_DIR / EASY[0]), "--model", "sim/0.9", "--seeds", "2",
            "--out", str(tmp_path / "run"), "--sandbox", "local"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "react" in out and "sim/0.9" in out and str(tmp_path / "run") in out


async def test_changing_the_limits_runs_trials_anew_and_the_summary_shows_only_them(
    tmp_path: Path,
) -> None:
    from agentlab.agent import Limits

    out = tmp_path / "run"
    first = await Campaign(tasks()[:1], ["react"], ["sim/1.0"], out=out,
                           sandbox=LocalProvider()).run()  # fmt: skip
    second = await Campaign(tasks()[:1], ["react"], ["sim/1.0"], out=out,
                            sandbox=LocalProvider(), budget=Limits(max_steps=5)).run()  # fmt: skip
    assert len(first) == len(second) == 1 and first[0].id != second[0].id


def test_bad_plugin_names_are_an_error_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--tasks", str(TASKS_DIR / EASY[0]), "--model", "sim/0.9", "--strategy",
            "nope", "--out", str(tmp_path / "run"), "--sandbox", "local"]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("agentlab: error: unknown strategy 'nope'")


def test_credentials_in_a_model_url_are_never_stored(tmp_path: Path) -> None:
    address = "openai-compatible/m@http://alice:s3cret@127.0.0.1:9/v1"
    campaign = Campaign(tasks()[:1], ["react"], [address], out=tmp_path, sandbox=LocalProvider())
    assert campaign.spec.models == ["openai-compatible/m@http://127.0.0.1:9/v1"]
    assert "s3cret" not in campaign.spec.model_dump_json()
