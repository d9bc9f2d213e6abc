"""Campaigns on a Ray cluster of two nodes on loopback: the same run directory as the asyncio
executor, resume, a worker killed mid-campaign, and what happens when Ray is not installed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from agentlab.campaign.runner import Campaign
from agentlab.campaign.store import TrialRow
from agentlab.cli import main
from agentlab.cost import Budget
from agentlab.registry import strategy
from agentlab.tasks import load_tasks
from agentlab.trajectory import load
from agentlab.trial import TrialContext
from agentlab.types import Task, Trajectory
from environments.os_tasks import TASKS_DIR

HERE = Path(__file__).parent
EASY = ["files-purge-stale-tmp", "perms-normalize-site"]
LOOPBACK = ("127.0.0.1", "::ffff:127.0.0.1", "::1")


def tasks() -> list[Task]:
    return [t for t in load_tasks([TASKS_DIR]) if t.id in EASY]


@strategy("test-ray-crash")
class Crash:
    """Kills the worker process it runs in, every time it is tried: a trial no worker survives."""

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A head node and a worker node, one CPU each, everything on 127.0.0.1; the test process
    is the driver. The nodes have this folder on their path, as a real cluster has the
    plug-ins installed."""
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    # Ray advertises (and dials) the machine's own address unless told the cluster is this
    # one machine; read when Ray is imported, inherited by the nodes it starts
    with mock.patch.dict(
        os.environ, {"PYTHONPATH": path, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    ):
        ray = pytest.importorskip("ray")
        from ray._private import ray_constants
        from ray.cluster_utils import Cluster

        assert not ray_constants.ENABLE_RAY_CLUSTER, "Ray was imported before this fixture"
        fast = {"health_check_period_ms": 500, "health_check_failure_threshold": 2}  # node loss
        cluster = Cluster(initialize_head=True, head_node_args={
            "num_cpus": 1, "include_dashboard": False, "_system_config": fast})  # fmt: skip
        try:
            cluster.add_node(num_cpus=1)
            ray.init(address=cluster.address, log_to_driver=False)
            yield cluster
        finally:
            ray.shutdown()
            cluster.shutdown()


def outcomes(rows: list[TrialRow]) -> list[tuple[str, str, bool | None, str | None]]:
    return [(r.id, r.status, r.passed, r.end_reason) for r in rows]


@pytest.mark.slow
async def test_a_campaign_on_ray_stores_what_the_asyncio_executor_stores_and_resumes(
    cluster: Any, tmp_path: Path
) -> None:
    def campaign(out: str) -> Campaign:
        return Campaign(tasks(), ["react"], ["sim/0.8"], out=tmp_path / out, sandbox="local",
                        seeds=3)  # fmt: skip

    here = await campaign("asyncio").run()
    there = await campaign("ray").run(executor="ray")
    assert len(there) == 6 and outcomes(there) == outcomes(here)
    assert all(r.attempts == 1 and r.prompt_tokens > 0 for r in there)
    files = sorted(p.name for p in (tmp_path / "ray" / "trajectories").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "asyncio" / "trajectories").iterdir())
    first = load(tmp_path / "ray" / "trajectories" / files[0])
    assert first.scores[0].judge == "verifier" and first.cost["policy"].calls > 0
    again = await campaign("ray").run(executor="ray")
    assert [(r.id, r.attempts) for r in again] == [(r.id, 1) for r in there]  # nothing re-ran


@pytest.mark.slow
async def test_the_campaign_budget_holds_across_nodes_and_leaves_the_rest_pending(
    cluster: Any, tmp_path: Path
) -> None:
    campaign = Campaign(tasks(), ["react"], ["sim/0.8"], out=tmp_path, sandbox="local", seeds=6,
                        concurrency=2, campaign_budget=Budget(max_tokens=1500))  # fmt: skip
    rows = await campaign.run(executor="ray")
    assert sum(r.prompt_tokens + r.completion_tokens for r in rows) <= 1500
    assert campaign.stopped.startswith("campaign budget")
    assert any(r.status == "pending" for r in rows) and any(r.status == "finished" for r in rows)


@pytest.mark.slow
async def test_trials_run_on_both_nodes_even_of_a_strategy_the_nodes_cannot_import(
    cluster: Any, tmp_path: Path
) -> None:
    @strategy("test-ray-where")
    class Where:
        """Answers with the Ray node it ran on, after a short wait so trials overlap. Defined
        in a function, it reaches the nodes by value."""

        async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
            import ray

            await asyncio.sleep(0.05)
            return Trajectory(task_id=task.id, seed=ctx.seed, status="finished",
                              answer=ray.get_runtime_context().get_node_id())  # fmt: skip

    campaign = Campaign(tasks()[:1], ["test-ray-where"], ["sim/0.8"], out=tmp_path, seeds=8,
                        judges=[], sandbox="local", concurrency=2)  # fmt: skip
    rows = await campaign.run(executor="ray")
    nodes = {load(tmp_path / "trajectories" / f"{r.id}.json.gz").answer for r in rows}
    assert nodes == {n["NodeID"] for n in cluster_nodes()}


def cluster_nodes() -> list[dict[str, Any]]:
    import ray

    return [n for n in ray.nodes() if n["Alive"]]


def runner_processes() -> list[Any]:
    """The processes of the campaign's actors (children of the nodes this test started)."""
    import psutil  # Ray brings it

    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.cmdline()[:1] and process.cmdline()[0].startswith("ray::NodeRunner"):
                found.append(process)
        except psutil.Error:  # gone meanwhile
            pass
    return found


@pytest.mark.slow
async def test_a_worker_killed_mid_campaign_loses_no_trial_and_runs_none_twice(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded, killed = [], []
    record = Campaign._record

    def record_then_kill(self: Campaign, store: Any, trial_id: str, *args: Any) -> None:
        record(self, store, trial_id, *args)
        recorded.append(trial_id)
        if len(recorded) == 3:  # a few results are in, others in flight on both nodes
            victim = runner_processes()[0]
            victim.send_signal(signal.SIGKILL)
            killed.append(victim.pid)

    monkeypatch.setattr(Campaign, "_record", record_then_kill)
    rows = await Campaign(tasks(), ["react"], ["sim/0.8"], out=tmp_path, sandbox="local",
                          seeds=6, concurrency=2).run(executor="ray")  # fmt: skip
    assert killed
    assert len(rows) == 12 and len({r.id for r in rows}) == 12
    assert all(r.status == "finished" and r.end_reason for r in rows)
    assert sorted(recorded) == sorted(r.id for r in rows)  # each result recorded once
    assert sum(r.attempts for r in rows) > 12  # the killed worker's trials were sent again
    assert all(r.attempts in (1, 2) for r in rows)
    assert len(list((tmp_path / "trajectories").glob("*.json.gz"))) == 12


@pytest.mark.slow
async def test_a_trial_that_kills_every_worker_it_runs_on_ends_as_an_error(
    cluster: Any, tmp_path: Path
) -> None:
    rows = await Campaign(tasks()[:1], ["test-ray-crash", "react"], ["sim/1.0"], out=tmp_path,
                          sandbox="local").run(executor="ray")  # fmt: skip
    by_strategy = {r.strategy: r for r in rows}
    crashed = by_strategy["test-ray-crash"]
    assert crashed.status == "error" and crashed.attempts == 3
    assert crashed.error is not None and "Ray worker died on each of 3 attempts" in crashed.error
    assert by_strategy["react"].status == "finished" and by_strategy["react"].passed


@pytest.mark.slow
def test_nothing_the_cluster_runs_listens_or_connects_beyond_loopback(cluster: Any) -> None:
    import psutil

    me = psutil.Process()
    seen = []
    for process in [me, *me.children(recursive=True)]:
        try:
            connections = process.net_connections(kind="inet")
        except psutil.Error:  # gone meanwhile
            continue
        for c in connections:
            seen.append((process.name(), c.laddr.ip, c.raddr.ip if c.raddr else None))
    assert any(ip in LOOPBACK for _, ip, _ in seen)  # the nodes' servers are among them
    assert [s for s in seen if s[1] not in LOOPBACK or s[2] not in (None, *LOOPBACK)] == []


def test_without_ray_the_ray_executor_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    campaign = Campaign(tasks(), ["react"], ["sim/0.8"], out=tmp_path / "a", sandbox="local")
    with pytest.raises(ValueError, match=r"needs Ray.*pip install 'agentlab\[ray\]'"):
        campaign.run_sync(executor="ray")
    assert not (tmp_path / "a").exists()  # failed before writing anything
    argv = ["run", "--tasks", str(TASKS_DIR / EASY[0]), "--model", "sim/0.9", "--out",
            str(tmp_path / "b"), "--sandbox", "local", "--executor", "ray"]  # fmt: skip
    assert main(argv) == 2
    assert "pip install 'agentlab[ray]'" in capsys.readouterr().err


def test_a_shared_budget_strategy_is_refused_on_ray_by_name(tmp_path: Path) -> None:
    campaign = Campaign(tasks(), ["adaptive:scope=campaign"], ["sim/0.8"], out=tmp_path,
                        sandbox="local")  # fmt: skip
    with pytest.raises(ValueError, match=r"strategy adaptive:scope=campaign shares one budget"):
        campaign.run_sync(executor="ray")


@pytest.mark.slow
async def test_a_node_lost_mid_campaign_loses_no_trial_and_runs_none_twice(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The module's last cluster test: it takes the worker node away."""
    recorded = []
    record = Campaign._record

    def record_then_remove(self: Campaign, store: Any, trial_id: str, *args: Any) -> None:
        record(self, store, trial_id, *args)
        recorded.append(trial_id)
        if len(recorded) == 3:
            cluster.remove_node(next(iter(cluster.worker_nodes)), allow_graceful=False)

    monkeypatch.setattr(Campaign, "_record", record_then_remove)
    rows = await Campaign(tasks(), ["react"], ["sim/0.8"], out=tmp_path, sandbox="local",
                          seeds=6, concurrency=2).run(executor="ray")  # fmt: skip
    assert len(cluster_nodes()) == 1  # the head alone finished the campaign
    assert len(rows) == 12 and all(r.status == "finished" and r.end_reason for r in rows)
    assert sorted(recorded) == sorted(r.id for r in rows)
    assert sum(r.attempts for r in rows) > 12
    assert len(list((tmp_path / "trajectories").glob("*.json.gz"))) == 12


@pytest.mark.slow
def test_an_address_where_nothing_answers_is_an_error_before_anything_is_written(
    tmp_path: Path,
) -> None:
    pytest.importorskip("ray")
    argv = ["run", "--tasks", str(TASKS_DIR / EASY[0]), "--model", "sim/0.9", "--out",
            str(tmp_path / "run"), "--sandbox", "local", "--executor", "ray",
            "--ray-address", "127.0.0.1:1"]  # fmt: skip
    command = [sys.executable, "-m", "agentlab.cli", *argv]  # a process not connected to Ray
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Ray cluster 127.0.0.1:1: nothing answers there" in done.stderr
    assert not (tmp_path / "run").exists()
