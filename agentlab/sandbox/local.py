"""Local sandboxes: the same protocol on a temporary directory, for machines without an engine.

Not a security boundary. Commands run as the current user in their own process groups with
rlimits on address space, file size and open files; file operations refuse paths outside the
sandbox directory. Use Docker for anything untrusted.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from agentlab import cost
from agentlab.sandbox.base import SandboxSpec, ShellSandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.sandbox.shell import SERVER_SOURCE, ShellClient
from agentlab.types import SnapshotRef

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
MAX_FILE_KB = 4 << 20
MAX_OPEN_FILES = 4096


class LocalSandbox(ShellSandbox):
    """A temporary directory `root` holding `workspace/`, the verifier's folders and state."""

    def __init__(
        self, spec: SandboxSpec, shell: ShellClient, server: ServerProcess, root: Path
    ) -> None:
        super().__init__(
            f"local-{uuid.uuid4().hex[:12]}", spec, shell, str(root / "workspace"), str(root)
        )
        self.admin = getpass.getuser()
        self._server = server
        self._closed = False

    @classmethod
    async def create(cls, spec: SandboxSpec, *, copy_from: Path | None = None) -> LocalSandbox:
        """Starts a sandbox; the seconds it takes are charged to the current trial, if any."""
        started = time.monotonic()
        if spec.user not in (None, getpass.getuser()):
            raise SandboxError(f"local sandboxes run as {getpass.getuser()}, not {spec.user!r}")
        root = Path(tempfile.mkdtemp(prefix="agentlab-sandbox-"))
        try:
            await asyncio.to_thread(_fill, root, spec, copy_from)  # copying must not stall the loop
            server, shell = await cls._start_shell(root, spec)
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        cost.charge_sandbox(0.0, time.monotonic() - started)
        return cls(spec, shell, server, root)

    @staticmethod
    async def _start_shell(root: Path, spec: SandboxSpec) -> tuple[ServerProcess, ShellClient]:
        ulimit = f"-v {spec.memory_mb << 10} -f {MAX_FILE_KB} -n {MAX_OPEN_FILES} -c 0"
        argv = [
            sys.executable, "-u", "-c", SERVER_SOURCE,
            "--workspace", str(root / "workspace"), "--state", str(root / ".state"),
            "--confine", str(root), "--ulimit", ulimit,
        ]  # fmt: skip
        server = await ServerProcess.start(argv, clean_env(root))
        shell = ShellClient(f"local sandbox {root.name}", server.read_chunk, server.write)
        try:
            await shell.wait_ready(START_TIMEOUT_S)
        except BaseException:
            await shell.aclose()
            await server.stop()
            raise
        return server, shell

    async def fork(self, ref: SnapshotRef) -> LocalSandbox:
        """A copy of this sandbox's directory, its workspace restored to `ref`."""
        if ref.sandbox_id != self.id:
            raise SandboxError(f"snapshot {ref.snapshot_id} belongs to sandbox {ref.sandbox_id}")
        child = await LocalSandbox.create(self.spec, copy_from=Path(self.root))
        try:
            await child.restore(SnapshotRef(sandbox_id=child.id, snapshot_id=ref.snapshot_id))
        except BaseException:
            await child.close()
            raise
        return child

    async def restore(self, ref: SnapshotRef) -> None:
        if ref.sandbox_id != self.id:
            raise SandboxError(f"snapshot {ref.snapshot_id} belongs to sandbox {ref.sandbox_id}")
        await super().restore(ref)

    async def close(self) -> None:
        """Ends the shell (which kills every process it started) and deletes the directory."""
        if self._closed:
            return
        self._closed = True
        await self._server.stop()
        await self.shell.aclose()
        await asyncio.to_thread(shutil.rmtree, self.root, True)

    def terminate(self) -> None:
        _kill_group(self._server.pid)
        shutil.rmtree(self.root, ignore_errors=True)


class ServerProcess(asyncio.SubprocessProtocol):
    """The local shell server's process, with pipes whose transport we can close ourselves."""

    def __init__(self) -> None:
        self.output = asyncio.StreamReader()
        self.exited = asyncio.get_running_loop().create_future()
        self.transport: asyncio.SubprocessTransport | None = None

    @classmethod
    async def start(cls, argv: list[str], env: dict[str, str]) -> ServerProcess:
        loop = asyncio.get_running_loop()
        transport, server = await loop.subprocess_exec(
            cls, *argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
            start_new_session=True, env=env,
        )  # fmt: skip
        server.transport = transport
        return server

    @property
    def pid(self) -> int:
        assert self.transport is not None
        return self.transport.get_pid()

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        self.output.feed_data(data)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1:
            self.output.feed_eof()

    def process_exited(self) -> None:
        if not self.exited.done():
            self.exited.set_result(None)

    async def read_chunk(self) -> bytes:
        return await self.output.read(1 << 16)

    async def write(self, data: bytes) -> None:
        assert self.transport is not None
        pipe = self.transport.get_pipe_transport(0)
        assert isinstance(pipe, asyncio.WriteTransport)
        pipe.write(data)

    async def stop(self) -> None:
        """Closes its input (the server then kills what it started and exits), bounded."""
        assert self.transport is not None
        stdin = self.transport.get_pipe_transport(0)
        if stdin is not None:
            stdin.close()
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), STOP_TIMEOUT_S)
        except TimeoutError:
            _kill_group(self.pid)
            await asyncio.wait_for(asyncio.shield(self.exited), STOP_TIMEOUT_S)
        self.transport.close()


def _fill(root: Path, spec: SandboxSpec, copy_from: Path | None) -> None:
    """Lays out a new sandbox directory: a copy of `copy_from`, or the spec's files."""
    workspace = root / "workspace"
    if copy_from is not None:
        shutil.copytree(copy_from, root, symlinks=True, dirs_exist_ok=True)
    elif spec.files is not None:
        top = str(spec.files)
        shutil.copytree(
            spec.files,
            workspace,
            symlinks=True,
            ignore=lambda d, names: [n for n in names if d == top and n in spec.skip],
        )
    workspace.mkdir(exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)


def clean_env(root: Path) -> dict[str, str]:
    """The host's environment is not inherited: no API key or token reaches a sandbox."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(root / "tmp"),
    }


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


class LocalProvider:
    """Starts LocalSandboxes; the fallback when no Docker engine answers."""

    name = "local"

    async def create(self, spec: SandboxSpec) -> LocalSandbox:
        return await LocalSandbox.create(spec)
