"""SandboxPool: warm sandboxes, refills, and cleanup on close and on signals."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

import docker
import pytest

from agentlab.sandbox.base import SandboxProvider, SandboxSpec
from agentlab.sandbox.docker import OWNER_LABEL
from agentlab.sandbox.local import LocalProvider
from agentlab.sandbox.pool import SandboxPool


class CountingProvider:
    """Wraps a real provider and counts creations (a fake of our own protocol)."""

    name = "counting"

    def __init__(self, inner: SandboxProvider) -> None:
        self.inner = inner
        self.created = 0

    async def create(self, spec: SandboxSpec):  # type: ignore[no-untyped-def]
        self.created += 1
        return await self.inner.create(spec)


async def test_acquire_takes_a_warm_sandbox_and_refills(spec: SandboxSpec) -> None:
    provider = CountingProvider(LocalProvider())
    async with SandboxPool(provider, size=2) as pool:
        await pool.warm(spec)
        assert provider.created == 2
        sb = await pool.acquire(spec)
        assert (await sb.exec("echo ok")).stdout == "ok\n"
        assert len(pool._warm[spec]) == 1
        await pool.release(sb)
        await pool.idle()
        assert provider.created == 3  # one replacement for the one handed back
        assert len(pool._warm[spec]) == 2
        root = sb.root
        assert not os.path.exists(root)
    assert pool._warm == {} or all(not v for v in pool._warm.values())


async def test_sandboxes_handed_back_wait_until_none_of_their_spec_is_lent(
    spec: SandboxSpec,
) -> None:
    """Destroying them while a search still runs would take the CPU the search needs."""
    async with SandboxPool(LocalProvider(), size=2) as pool:
        lent = [await pool.acquire(spec) for _ in range(4)]
        for sandbox in lent[:3]:
            await sandbox.close()
        await pool.idle()
        exists = [os.path.exists(s.root) for s in lent]
        assert exists == [False, True, True, True]  # at most `size` wait; the oldest went
        await lent[3].close()  # the last one lent: now the pool clears up
        await pool.idle()
        assert not any(os.path.exists(s.root) for s in lent)
        assert len(pool._warm[spec]) == 2


async def test_close_removes_lent_and_warm_sandboxes(spec: SandboxSpec) -> None:
    pool = SandboxPool(LocalProvider(), size=1)
    await pool.warm(spec)
    lent = await pool.acquire(spec)
    await pool.idle()
    roots = [lent.root] + [s.root for s in pool._warm[spec]]
    await pool.close()
    assert roots and not any(os.path.exists(r) for r in roots)
    with pytest.raises(Exception, match="closed"):
        await pool.acquire(spec)


async def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="size must be >= 0"):
        SandboxPool(LocalProvider(), size=-1)


POOL_OWNER = textwrap.dedent(
    """
    import asyncio
    from agentlab.sandbox.base import SandboxSpec
    from agentlab.sandbox.docker import DockerProvider
    from agentlab.config import base_image
    from agentlab.sandbox.pool import SandboxPool

    async def main():
        pool = SandboxPool(DockerProvider(), size=2)
        spec = SandboxSpec(image=base_image())
        await pool.warm(spec)
        await pool.acquire(spec)
        await pool.idle()
        print("ready", flush=True)
        await asyncio.sleep(600)

    asyncio.run(main())
    """
)


@pytest.mark.docker
async def test_sigterm_removes_every_container_of_the_pool(
    docker_engine: docker.DockerClient,
) -> None:
    owner = subprocess.Popen([sys.executable, "-c", POOL_OWNER], stdout=subprocess.PIPE, text=True)
    mine = {"label": f"{OWNER_LABEL}={os.uname().nodename}:{owner.pid}"}
    try:
        assert owner.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(owner.stdout.readline), 120)
        assert line.strip() == "ready"
        assert len(docker_engine.containers.list(all=True, filters=mine)) == 2  # lent and warm
        owner.send_signal(signal.SIGTERM)
        assert owner.wait(timeout=60) != 0
        assert docker_engine.containers.list(all=True, filters=mine) == []
    finally:
        owner.kill()
        owner.wait(timeout=30)
        for leftover in docker_engine.containers.list(all=True, filters=mine):
            leftover.remove(force=True)
