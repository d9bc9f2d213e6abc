"""The Sandbox protocol and the implementation both backends share over the shell server."""

from __future__ import annotations

import abc
import posixpath
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from agentlab import cost
from agentlab.sandbox.shell import REPLY_MARGIN_S, ShellClient
from agentlab.types import ExecResult, SnapshotRef

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_OUTPUT = 1 << 20  # bytes kept per stream (head and tail)
DEFAULT_MAX_FILE = 32 << 20
FILE_OP_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class SandboxSpec:
    """Everything a provider needs to start a sandbox; hashable so pools can key on it."""

    image: str
    workdir: str = "/workspace"
    user: str | None = None
    cpus: float = 1.0
    memory_mb: int = 1024
    pids_limit: int = 256
    cap_add: tuple[str, ...] = ()
    no_new_privileges: bool = True
    files: Path | None = None  # a directory laid into the workspace at start
    skip: tuple[str, ...] = ()  # top-level names in `files` that stay out of the workspace
    labels: tuple[tuple[str, str], ...] = field(default=())


@runtime_checkable
class Sandbox(Protocol):
    """An isolated place to run commands; DESIGN §3."""

    id: str
    workspace: str
    root: str  # where the verifier's folders live: {root}/tests, {root}/logs
    admin: str  # the user that task setup and verifiers run as

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
    ) -> ExecResult: ...

    async def read_file(self, path: str, *, max_bytes: int = DEFAULT_MAX_FILE) -> bytes: ...

    async def write_file(self, path: str, data: str | bytes, *, mode: int = 0o644) -> None: ...

    async def snapshot(self) -> SnapshotRef: ...

    async def restore(self, ref: SnapshotRef) -> None: ...

    async def fork(self, ref: SnapshotRef) -> Sandbox: ...

    async def close(self) -> None: ...

    def terminate(self) -> None:
        """Synchronous, best-effort removal for exit and signal handlers."""


class SandboxProvider(Protocol):
    """Creates sandboxes of one backend."""

    name: str

    async def create(self, spec: SandboxSpec) -> Sandbox: ...


class ShellSandbox(abc.ABC):
    """Sandbox operations carried out by the shell server; backends add start, fork and close."""

    def __init__(self, sid: str, spec: SandboxSpec, shell: ShellClient, workspace: str, root: str):
        self.id = sid
        self.spec = spec
        self.shell = shell
        self.workspace = workspace
        self.root = root
        self.admin = "root"

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
        body = stdin.encode() if isinstance(stdin, str) else (stdin or b"")
        request = {
            "op": "exec",
            "cmd": cmd,
            "timeout": timeout,
            "cwd": self._path(cwd) if cwd else None,
            "env": env or {},
            "user": user or self.spec.user,
            "max_output": max_output,
        }
        reply, payload = await self._call(request, body, timeout=timeout + REPLY_MARGIN_S)
        split = reply["stdout_len"]
        return ExecResult(
            exit_code=reply["exit_code"],
            stdout=payload[:split].decode("utf-8", "replace"),
            stderr=payload[split:].decode("utf-8", "replace"),
            timed_out=reply["timed_out"],
            truncated=reply["truncated"],
            duration_s=reply["duration_s"],
            cpu_s=reply.get("cpu_s", 0.0),
        )

    async def read_file(self, path: str, *, max_bytes: int = DEFAULT_MAX_FILE) -> bytes:
        request = {"op": "read", "path": self._path(path), "max_bytes": max_bytes}
        _, payload = await self._call(request, timeout=FILE_OP_TIMEOUT_S)
        return payload

    async def write_file(self, path: str, data: str | bytes, *, mode: int = 0o644) -> None:
        body = data.encode() if isinstance(data, str) else data
        if len(body) > DEFAULT_MAX_FILE:
            raise ValueError(f"write_file({path!r}): {len(body)} bytes is over {DEFAULT_MAX_FILE}")
        request = {"op": "write", "path": self._path(path), "mode": mode}
        await self._call(request, body, timeout=FILE_OP_TIMEOUT_S)

    async def snapshot(self) -> SnapshotRef:
        reply, _ = await self._call({"op": "snapshot"}, timeout=FILE_OP_TIMEOUT_S)
        return SnapshotRef(sandbox_id=self.id, snapshot_id=reply["snapshot_id"])

    async def restore(self, ref: SnapshotRef) -> None:
        await self._call({"op": "restore", "snapshot_id": ref.snapshot_id},
                         timeout=FILE_OP_TIMEOUT_S)  # fmt: skip

    @abc.abstractmethod
    async def fork(self, ref: SnapshotRef) -> Sandbox: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    def terminate(self) -> None: ...

    async def __aenter__(self) -> ShellSandbox:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(
        self, request: dict[str, Any], body: bytes = b"", *, timeout: float
    ) -> tuple[dict[str, Any], bytes]:
        """One shell-server request, its seconds (and a command's CPU) charged to the trial."""
        started = time.monotonic()
        try:
            reply, payload = await self.shell.call(request, body, timeout=timeout)
        finally:
            wall = time.monotonic() - started
        cost.charge_sandbox(reply.get("cpu_s", 0.0), wall)
        return reply, payload

    def _path(self, path: str) -> str:
        """Relative paths are relative to the workspace."""
        return posixpath.normpath(posixpath.join(self.workspace, path))
