"""Docker sandboxes through the docker SDK, driven by a persistent shell over the exec socket."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import socket
import struct
import tarfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.models.containers import Container
from docker.models.images import Image

from agentlab import cost
from agentlab.sandbox.base import SandboxSpec, ShellSandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.sandbox.shell import SERVER_SOURCE, ShellClient
from agentlab.types import SnapshotRef

LABEL = "agentlab.managed"
OWNER_LABEL = "agentlab.owner"
STATE_DIR = "/var/lib/agentlab"
API_TIMEOUT_S = 120
START_TIMEOUT_S = 60.0
DEMUX = struct.Struct(">BxxxL")


def docker_client() -> docker.DockerClient:
    """A client for the local engine; raises SandboxError naming the fix when none answers."""
    try:
        client = docker.from_env(timeout=API_TIMEOUT_S)
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:
        raise SandboxError(
            f"no Docker engine answers ({exc}); run scripts/provision-docker.sh"
        ) from exc
    return client


def owner_label() -> str:
    """Identifies this process so `agentlab sandbox prune` can tell live owners from dead ones."""
    return f"{socket.gethostname()}:{os.getpid()}"


def short_id(obj: Container | Image) -> str:
    """The 12-character id docker prints."""
    return str(obj.id).removeprefix("sha256:")[:12]


def workspace_tar(files: Path, skip: tuple[str, ...]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for item in sorted(files.iterdir()):
            if item.name not in skip:
                tar.add(item, arcname=item.name)
    return buf.getvalue()


class DockerSandbox(ShellSandbox):
    """One container: network none, capped resources, no capabilities unless the task adds some."""

    def __init__(
        self,
        spec: SandboxSpec,
        shell: ShellClient,
        client: docker.DockerClient,
        container: Container,
        stream: asyncio.StreamWriter,
        owned_image: str | None = None,
    ) -> None:
        super().__init__(short_id(container), spec, shell, spec.workdir, "/")
        self.client = client
        self.container = container
        self._stream = stream
        self._owned_image = owned_image
        self._closed = False

    @classmethod
    async def create(
        cls,
        client: docker.DockerClient,
        spec: SandboxSpec,
        *,
        owned_image: str | None = None,
        lay_files: bool = True,
    ) -> DockerSandbox:
        """Starts a container; the seconds it takes are charged to the current trial, if any."""
        started = time.monotonic()
        container = await asyncio.to_thread(cls._create_container, client, spec)
        try:
            await asyncio.to_thread(container.start)
            if lay_files and spec.files is not None:
                tar = await asyncio.to_thread(workspace_tar, spec.files, spec.skip)
                ok = await asyncio.to_thread(container.put_archive, spec.workdir, tar)
                if not ok:
                    raise SandboxError(f"could not copy {spec.files} into {spec.workdir}")
            shell, stream = await cls._start_shell(client, container, spec)
        except BaseException:
            await asyncio.to_thread(container.remove, force=True)
            raise
        cost.charge_sandbox(0.0, time.monotonic() - started)
        return cls(spec, shell, client, container, stream, owned_image)

    @staticmethod
    def _create_container(client: docker.DockerClient, spec: SandboxSpec) -> Container:
        labels = {LABEL: "1", OWNER_LABEL: owner_label(), **dict(spec.labels)}
        options: dict[str, Any] = {
            "command": ["sleep", "infinity"],
            "working_dir": spec.workdir,
            "network_mode": "none",
            "mem_limit": f"{spec.memory_mb}m",
            "memswap_limit": f"{spec.memory_mb}m",
            "nano_cpus": int(spec.cpus * 1e9),
            "pids_limit": spec.pids_limit,
            "cap_drop": ["ALL"],
            "cap_add": list(spec.cap_add) or None,
            "security_opt": ["no-new-privileges"] if spec.no_new_privileges else None,
            "labels": labels,
            "hostname": "sandbox",
            "detach": True,
        }
        try:
            return client.containers.create(spec.image, **options)
        except docker.errors.ImageNotFound as exc:
            raise SandboxError(
                f"image {spec.image!r} is not present; build it with `agentlab images build` "
                "or bootstrap the base with `agentlab images bootstrap-base`"
            ) from exc

    @staticmethod
    async def _start_shell(
        client: docker.DockerClient, container: Container, spec: SandboxSpec
    ) -> tuple[ShellClient, asyncio.StreamWriter]:
        cmd = [
            "python3",
            "-u",
            "-c",
            SERVER_SOURCE,
            "--workspace",
            spec.workdir,
            "--state",
            STATE_DIR,
        ]
        exec_id = await asyncio.to_thread(
            client.api.exec_create, container.id, cmd, stdin=True, user="root", workdir="/"
        )
        sock = await asyncio.to_thread(client.api.exec_start, exec_id["Id"], socket=True)
        raw = getattr(sock, "_sock", sock)
        reader, writer = await asyncio.open_connection(sock=raw)
        errors = bytearray()

        async def read_chunk() -> bytes:
            """Undoes docker's stream multiplexing; keeps the server's stderr for diagnostics."""
            while True:
                try:
                    head = await reader.readexactly(DEMUX.size)
                    kind, size = DEMUX.unpack(head)
                    payload = await reader.readexactly(size)
                except asyncio.IncompleteReadError:
                    if errors:
                        raise ConnectionError(errors[-2000:].decode("utf-8", "replace")) from None
                    return b""
                if kind == 1:
                    return payload
                errors.extend(payload)

        async def write(data: bytes) -> None:
            writer.write(data)
            await writer.drain()

        shell = ShellClient(f"sandbox {short_id(container)}", read_chunk, write)
        try:
            await shell.wait_ready(START_TIMEOUT_S)
        except BaseException:
            await shell.aclose()
            writer.close()
            raise
        return shell, writer

    async def fork(self, ref: SnapshotRef) -> DockerSandbox:
        """A new container from this one's filesystem, its workspace restored to `ref`."""
        if ref.sandbox_id != self.id:
            raise SandboxError(f"snapshot {ref.snapshot_id} belongs to sandbox {ref.sandbox_id}")
        tag = f"fork-{uuid.uuid4().hex[:12]}"
        started = time.monotonic()
        await asyncio.to_thread(
            self.container.commit, "agentlab/fork", tag, changes=[f"LABEL {LABEL}=1"]
        )
        cost.charge_sandbox(0.0, time.monotonic() - started)
        name = f"agentlab/fork:{tag}"
        try:
            child = await DockerSandbox.create(
                self.client, replace(self.spec, image=name), owned_image=name, lay_files=False
            )
        except BaseException:
            await asyncio.to_thread(self._remove_image, name)
            raise
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
        if self._closed:
            return
        self._closed = True
        await self.shell.aclose()
        self._stream.close()
        await asyncio.to_thread(self._remove)

    def terminate(self) -> None:
        self._remove()

    def _remove(self) -> None:
        with contextlib.suppress(docker.errors.NotFound):
            self.container.remove(force=True)
        if self._owned_image:
            self._remove_image(self._owned_image)

    def _remove_image(self, image: str) -> None:
        try:
            self.client.images.remove(image, noprune=False)
        except docker.errors.APIError:
            pass  # still used by a sibling fork; `agentlab sandbox prune` collects it later


class DockerProvider:
    """Starts DockerSandboxes on the local engine."""

    name = "docker"

    def __init__(self, client: docker.DockerClient | None = None) -> None:
        self.client = client or docker_client()

    async def create(self, spec: SandboxSpec) -> DockerSandbox:
        return await DockerSandbox.create(self.client, spec)


def prune(client: docker.DockerClient, *, everything: bool = False) -> list[str]:
    """Removes labelled containers whose owner is gone (all of them with everything=True)."""
    removed: list[str] = []
    host = socket.gethostname()
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        owner = container.labels.get(OWNER_LABEL, "")
        if not everything and _alive(owner, host):
            continue
        container.remove(force=True)
        removed.append(short_id(container))
    for image in client.images.list(filters={"label": LABEL}):
        if any(t.startswith("agentlab/fork:") for t in image.tags):
            try:
                client.images.remove(str(image.id), force=False)
                removed.append(short_id(image))
            except docker.errors.APIError:
                pass  # a live sandbox still runs from it
    return removed


def _alive(owner: str, host: str) -> bool:
    owner_host, _, pid = owner.rpartition(":")
    if owner_host != host or not pid.isdigit():
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != b"Z"  # a zombie owner is a dead owner
