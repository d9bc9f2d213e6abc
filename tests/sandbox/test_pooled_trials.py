"""Trials on pooled sandboxes: fresh and set up per trial, closed in the background, none left."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from agentlab.campaign.runner import Campaign
from agentlab.models.sim import SimModel
from agentlab.sandbox.base import Sandbox, SandboxSpec
from agentlab.sandbox.local import LocalProvider
from agentlab.sandbox.pool import SandboxPool
from agentlab.tasks import load_task
from agentlab.trial import TrialContext
from agentlab.types import Task


class Tracked:
    """A sandbox whose close the test can hold back or make fail, and that counts as live."""

    def __init__(self, inner: Sandbox, provider: TrackingProvider) -> None:
        self.inner = inner
        self.provider = provider
        self.id, self.workspace, self.root, self.admin = (
            inner.id, inner.workspace, inner.root, inner.admin)  # fmt: skip
        self.exec = inner.exec
        self.read_file = inner.read_file
        self.write_file = inner.write_file
        self.snapshot = inner.snapshot
        self.restore = inner.restore
        self.terminate = inner.terminate

    async def fork(self, ref):  # type: ignore[no-untyped-def]
        return self.provider.track(await self.inner.fork(ref))

    async def close(self) -> None:
        await self.provider.closes_may_finish.wait()
        await self.inner.close()
        self.provider.live.discard(self.id)
        if self.provider.failing_closes:
            self.provider.failing_closes -= 1
            raise RuntimeError(f"cannot remove {self.id}")


class TrackingProvider:
    """Local sandboxes, tracked: which are live, and closes that wait for the test or fail."""

    name = "tracking"

    def __init__(self) -> None:
        self.inner = LocalProvider()
        self.live: set[str] = set()
        self.created = 0
        self.failing_closes = 0
        self.closes_may_finish = asyncio.Event()
        self.closes_may_finish.set()

    async def create(self, spec: SandboxSpec) -> Tracked:
        self.created += 1
        return self.track(await self.inner.create(spec))

    def track(self, sandbox: Sandbox) -> Tracked:
        self.live.add(sandbox.id)
        return Tracked(sandbox, self)


@pytest.fixture
def task(tmp_path: Path) -> Task:
    """A task whose setup appends a line to setup.log: two lines would mean a reused sandbox."""
    folder = tmp_path / "pooled"
    for sub in ("solution", "tests", "environment"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "easy"\n')
    (folder / "instruction.md").write_text("Create done.txt.")
    (folder / "solution" / "solve.sh").write_text("echo ok > done.txt\n")
    (folder / "tests" / "test.sh").write_text(
        'test -f done.txt && echo 1 > "$AGENTLAB_VERIFIER_DIR/reward.txt"; true\n')  # fmt: skip
    (folder / "environment" / "setup.sh").write_text("echo ran >> setup.log\n")
    return load_task(folder)


def context(provider: TrackingProvider, pool: SandboxPool) -> TrialContext:
    return TrialContext(SimModel(1.0), provider, pool=pool)


async def test_each_trial_gets_a_fresh_sandbox_with_its_setup_done(task: Task) -> None:
    provider = TrackingProvider()
    async with SandboxPool(provider, size=1) as pool:
        ctx = context(provider, pool)
        first = await ctx.sandbox(task)
        await first.write_file("leak.txt", "from the first trial")
        await first.close()
        await pool.idle()  # the replacement is warm: the next trial takes it
        second = await ctx.sandbox(task)
        assert second.id != first.id
        assert (await second.read_file("setup.log")) == b"ran\n"
        assert not (await second.exec("test -e leak.txt")).ok
        await second.close()
    assert provider.live == set()


async def test_closing_returns_at_once_and_the_pool_waits_for_every_close(task: Task) -> None:
    provider = TrackingProvider()
    pool = SandboxPool(provider, size=2)
    ctx = context(provider, pool)
    sandboxes = [await ctx.sandbox(task) for _ in range(3)]
    child = await sandboxes[0].fork(await sandboxes[0].snapshot())  # lent by the pool too
    provider.closes_may_finish.clear()  # every close now waits until the test allows it
    for sandbox in [*sandboxes, child]:
        await asyncio.wait_for(sandbox.close(), 30)  # returns although no close has finished
    assert len(provider.live) >= 4
    provider.closes_may_finish.set()
    await pool.close()
    assert provider.live == set() and provider.created >= 4


async def test_a_close_that_fails_is_logged_and_the_trials_go_on(
    task: Task, caplog: pytest.LogCaptureFixture
) -> None:
    provider = TrackingProvider()
    provider.failing_closes = 1
    async with SandboxPool(provider, size=1) as pool:
        ctx = context(provider, pool)
        broken = await ctx.sandbox(task)
        with caplog.at_level(logging.WARNING, logger="agentlab.sandbox.pool"):
            await broken.close()
            await pool.idle()
        assert f"could not close sandbox {broken.id}" in caplog.text
        after = await ctx.sandbox(task)
        assert (await after.exec("cat setup.log")).stdout == "ran\n"
        await after.close()
    assert provider.live == set()


async def test_a_campaign_with_a_pool_closes_everything_it_started(
    task: Task, tmp_path: Path
) -> None:
    provider = TrackingProvider()
    rows = await Campaign([task], ["best_of_n:n=3"], ["sim/1.0"], out=tmp_path / "run",
                          seeds=2, concurrency=2, pool_size=3, sandbox=provider).run()  # fmt: skip
    assert [r.passed for r in rows] == [True, True]
    assert provider.created >= 6 and provider.live == set()


def test_a_negative_pool_size_is_refused(task: Task, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pool_size=-1"):
        Campaign([task], ["react"], ["sim/1.0"], out=tmp_path / "run", pool_size=-1)


async def test_warm_sandboxes_of_a_spec_no_trial_uses_are_retired() -> None:
    provider = TrackingProvider()
    first, other = SandboxSpec(image=""), SandboxSpec(image="", memory_mb=512)
    async with SandboxPool(provider, size=2) as pool:
        await pool.warm(first)
        kept = await pool.acquire(first)
        await pool.acquire(other)  # `first` has one lent out: its warm sandboxes stay
        await pool.idle()
        assert len(provider.live) == 3  # two of `first`, one of `other`
        await kept.close()
        await pool.acquire(other)  # now nothing uses `first`: its two warm ones go
        await pool.idle()
        assert len(provider.live) == 2  # the two lent for `other`
    assert provider.live == set()
