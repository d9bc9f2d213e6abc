"""Warm sandboxes per spec, so a trial starts in milliseconds instead of a container start."""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import logging
import signal
from collections import defaultdict
from types import FrameType, TracebackType
from typing import Any

from agentlab.sandbox.base import (
    DEFAULT_MAX_FILE,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_TIMEOUT_S,
    Sandbox,
    SandboxProvider,
    SandboxSpec,
)
from agentlab.sandbox.errors import SandboxError
from agentlab.types import ExecResult, SnapshotRef

log = logging.getLogger(__name__)

_CLEANUP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
REFILL_PARALLEL = 2  # starts at once per spec: a burst of 64 would stall the trials running


class SandboxPool:
    """Keeps `size` started sandboxes per spec in use; a lent sandbox is never reused.

    Reuse would leak one trial's changes into the next, so closing a lent sandbox hands it back
    and the pool destroys it in the background: the caller does not wait. Destroying and
    starting sandboxes takes the CPU a running search needs, so both wait for a quiet moment:
    a sandbox handed back waits (up to `size` of them per spec) until none of its spec is lent
    out, and then the pool destroys the waiting ones and starts replacements, a few at a time.
    Warm sandboxes are kept for the specs in use: acquiring for one spec retires the warm
    sandboxes of specs with none lent out. Everything the pool made is removed on close()
    (which waits for every background close), at interpreter exit and on SIGTERM/SIGINT/SIGHUP;
    a SIGKILLed owner leaves containers that `agentlab sandbox prune` removes.
    """

    def __init__(self, provider: SandboxProvider, *, size: int = 2) -> None:
        if size < 0:
            raise ValueError(f"SandboxPool(size={size}): size must be >= 0")
        self.provider = provider
        self.size = size
        self._warm: dict[SandboxSpec, list[Sandbox]] = defaultdict(list)
        self._lent: dict[Sandbox, SandboxSpec] = {}
        self._returned: dict[SandboxSpec, list[Sandbox]] = defaultdict(list)  # to destroy
        self._refills: dict[SandboxSpec, asyncio.Task[None]] = {}
        self._closing: dict[asyncio.Task[None], Sandbox] = {}
        self._closed = False
        self._previous_handlers: dict[int, Any] = {}
        atexit.register(self.terminate)
        self._install_signal_handlers()

    async def warm(self, spec: SandboxSpec) -> None:
        """Starts sandboxes until `size` are waiting for `spec`."""
        missing = self.size - len(self._warm[spec])
        started = await asyncio.gather(
            *(self.provider.create(spec) for _ in range(missing)), return_exceptions=True
        )
        errors = [s for s in started if isinstance(s, BaseException)]
        for sandbox in started:
            if not isinstance(sandbox, BaseException):
                await self._keep(spec, sandbox)
        if errors:
            raise SandboxError(f"could not warm the pool for {spec.image}: {errors[0]}")

    async def acquire(self, spec: SandboxSpec) -> Sandbox:
        """A warm sandbox for `spec` if one waits, else a new one.

        Closing the sandbox (or one of its forks, which the pool lends too) hands it back.
        """
        if self._closed:
            raise SandboxError("the sandbox pool is closed")
        self._retire_idle(spec)
        warm = self._warm[spec]
        sandbox = warm.pop() if warm else await self.provider.create(spec)
        return await self._lend(spec, sandbox)

    async def release(self, sandbox: Sandbox) -> None:
        """Hands back a sandbox `acquire` lent: the same as closing it."""
        await sandbox.close()

    async def idle(self, timeout: float = 300.0) -> None:
        """Waits until no background refill or close is running."""
        pending = [*self._refills.values(), *self._closing]
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), timeout)

    async def close(self) -> None:
        self._closed = True
        await self.idle()  # not cancelled: a sandbox created at that moment would be lost
        everything = [s for group in self._warm.values() for s in group] + list(self._lent)
        everything += [s for group in self._returned.values() for s in group]
        self._warm.clear()
        self._lent.clear()
        self._returned.clear()
        await asyncio.gather(*(_close_logged(s) for s in everything))
        self._uninstall()

    def terminate(self) -> None:
        """Synchronous cleanup for exit and signal handlers."""
        everything = [s for group in self._warm.values() for s in group] + list(self._lent)
        everything += [s for group in self._returned.values() for s in group]
        everything += self._closing.values()
        self._warm.clear()
        self._lent.clear()
        self._returned.clear()
        for sandbox in everything:
            try:
                sandbox.terminate()
            except Exception:  # best effort: keep removing the others
                pass

    async def __aenter__(self) -> SandboxPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _lend(self, spec: SandboxSpec, sandbox: Sandbox) -> Sandbox:
        if self._closed:  # closed while the sandbox started: it would outlive the pool
            await _close_logged(sandbox)
            raise SandboxError("the sandbox pool is closed")
        self._lent[sandbox] = spec
        return PooledSandbox(self, spec, sandbox)

    async def _hand_back(self, sandbox: Sandbox) -> None:
        spec = self._lent.pop(sandbox, None)
        if spec is None:
            return  # handed back already, or the pool closed it
        if self._closed:
            await _close_logged(sandbox)  # nobody would wait for a background close any more
            return
        returned = self._returned[spec]
        returned.append(sandbox)
        if spec not in self._lent.values():  # quiet: clear up and top up now
            for done in returned:
                self._destroy(done)
            returned.clear()
            self._refill(spec)
        elif len(returned) > self.size:
            self._destroy(returned.pop(0))

    def _destroy(self, sandbox: Sandbox) -> None:
        """Closes `sandbox` in the background (charged to no trial); close() and idle() wait
        for it."""
        task = asyncio.create_task(_close_logged(sandbox), name=f"close:{sandbox.id}",
                                   context=contextvars.Context())  # fmt: skip
        self._closing[task] = sandbox
        task.add_done_callback(lambda done: self._closing.pop(done, None))

    def _retire_idle(self, spec: SandboxSpec) -> None:
        """Destroys the warm sandboxes of other specs with none lent out: no trial uses them."""
        busy = set(self._lent.values())
        for other in [s for s in self._warm if s != spec and s not in busy]:
            for sandbox in self._warm.pop(other):
                self._destroy(sandbox)

    def _refill(self, spec: SandboxSpec) -> None:
        """Starts topping up `spec` to `size` warm sandboxes in the background."""
        if spec not in self._refills:
            task = asyncio.create_task(self._top_up(spec), name=f"refill:{spec.image}",
                                       context=contextvars.Context())  # fmt: skip
            self._refills[spec] = task
            task.add_done_callback(lambda _: self._refills.pop(spec, None))

    async def _top_up(self, spec: SandboxSpec) -> None:
        """Starts `REFILL_PARALLEL` sandboxes at a time until `size` wait (or a start fails:
        acquire() then creates on demand)."""
        while not self._closed and spec in self._warm:
            missing = min(self.size - len(self._warm[spec]), REFILL_PARALLEL)
            if missing <= 0:
                return
            started = await asyncio.gather(
                *(self.provider.create(spec) for _ in range(missing)), return_exceptions=True
            )
            for sandbox in started:
                if isinstance(sandbox, BaseException):
                    continue
                if spec in self._warm:
                    await self._keep(spec, sandbox)
                else:  # its spec was retired (or the pool closed) while it started
                    await _close_logged(sandbox)
            if any(isinstance(sandbox, BaseException) for sandbox in started):
                return

    async def _keep(self, spec: SandboxSpec, sandbox: Sandbox) -> None:
        if self._closed:
            await _close_logged(sandbox)
        else:
            self._warm[spec].append(sandbox)

    def _install_signal_handlers(self) -> None:
        for sig in _CLEANUP_SIGNALS:
            try:
                self._previous_handlers[sig] = signal.signal(sig, self._on_signal)
            except ValueError:
                return  # not the main thread: atexit and prune still apply

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.terminate()
        previous = self._previous_handlers.get(signum, signal.SIG_DFL)
        self._uninstall()
        if callable(previous):
            previous(signum, frame)
        else:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    def _uninstall(self) -> None:
        atexit.unregister(self.terminate)
        for sig, handler in self._previous_handlers.items():
            if signal.getsignal(sig) == self._on_signal:
                signal.signal(sig, handler)
        self._previous_handlers.clear()


async def _close_logged(sandbox: Sandbox) -> None:
    """Closes `sandbox`; a failure is logged, since no caller is waiting to hear of it."""
    try:
        await sandbox.close()
    except Exception:
        log.warning("could not close sandbox %s", sandbox.id, exc_info=True)


class PooledSandbox:
    """A sandbox lent by a pool: closing it hands it back, and its forks are lent too."""

    def __init__(self, pool: SandboxPool, spec: SandboxSpec, sandbox: Sandbox) -> None:
        self.inner = sandbox
        self.id = sandbox.id
        self.workspace = sandbox.workspace
        self.root = sandbox.root
        self.admin = sandbox.admin
        self._pool = pool
        self._spec = spec

    async def exec(
        self,
        cmd: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        stdin: str | bytes | None = None,
        user: str | None = None,
        max_output: int = DEFAULT_MAX_OUTPUT,
    ) -> ExecResult:
        return await self.inner.exec(
            cmd, timeout=timeout, cwd=cwd, env=env, stdin=stdin, user=user, max_output=max_output
        )

    async def read_file(self, path: str, *, max_bytes: int = DEFAULT_MAX_FILE) -> bytes:
        return await self.inner.read_file(path, max_bytes=max_bytes)

    async def write_file(self, path: str, data: str | bytes, *, mode: int = 0o644) -> None:
        await self.inner.write_file(path, data, mode=mode)

    async def snapshot(self) -> SnapshotRef:
        return await self.inner.snapshot()

    async def restore(self, ref: SnapshotRef) -> None:
        await self.inner.restore(ref)

    async def fork(self, ref: SnapshotRef) -> Sandbox:
        return await self._pool._lend(self._spec, await self.inner.fork(ref))

    async def close(self) -> None:
        """Returns at once: the pool destroys the sandbox in the background."""
        await self._pool._hand_back(self.inner)

    def terminate(self) -> None:
        self.inner.terminate()
