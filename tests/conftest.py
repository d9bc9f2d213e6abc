"""Shared fixtures: sandbox providers for both backends.

Docker tests skip when no engine answers, unless AGENTLAB_REQUIRE_DOCKER=1 (CI), where they
fail instead, so a broken engine can never pass for a green run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import docker
import pytest

from agentlab import environment
from agentlab.config import base_image
from agentlab.sandbox.base import Sandbox, SandboxProvider, SandboxSpec
from agentlab.sandbox.docker import DockerProvider, docker_client
from agentlab.sandbox.errors import SandboxError
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_task
from agentlab.types import Task


def _need_docker(why: str) -> None:
    if os.environ.get("AGENTLAB_REQUIRE_DOCKER") == "1":
        pytest.fail(f"AGENTLAB_REQUIRE_DOCKER=1 but {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[docker.DockerClient]:
    try:
        client = docker_client()
    except SandboxError as exc:
        _need_docker(str(exc))
    try:
        client.images.get(base_image())
    except docker.errors.ImageNotFound:
        _need_docker(f"base image {base_image()} is absent (agentlab images bootstrap-base)")
    yield client
    client.close()


@pytest.fixture
def docker_provider(docker_engine: docker.DockerClient) -> DockerProvider:
    return DockerProvider(docker_engine)


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def provider(request: pytest.FixtureRequest) -> SandboxProvider:
    if request.param == "docker":
        result: SandboxProvider = request.getfixturevalue("docker_provider")
        return result
    return LocalProvider()


@pytest.fixture
def spec() -> SandboxSpec:
    return SandboxSpec(image=base_image(), memory_mb=512, pids_limit=128)


@pytest.fixture
async def sandbox(provider: SandboxProvider, spec: SandboxSpec) -> AsyncIterator[Sandbox]:
    sb = await provider.create(spec)
    try:
        yield sb
    finally:
        await sb.close()


@pytest.fixture
def make_file_task(tmp_path: Path) -> Callable[..., Task]:
    """Makes a small real task: create done.txt; its oracle is `solve`."""

    def make(solve: str = "echo ok > done.txt\n") -> Task:
        folder = tmp_path / "make-file"
        for sub in ("solution", "tests"):
            (folder / sub).mkdir(parents=True)
        (folder / "task.toml").write_text('difficulty = "easy"\n')
        (folder / "instruction.md").write_text("Create done.txt.")
        (folder / "solution" / "solve.sh").write_text(solve)
        (folder / "tests" / "test.sh").write_text(
            'test -f done.txt && echo 1 > "$AGENTLAB_VERIFIER_DIR/reward.txt"; true\n')  # fmt: skip
        return load_task(folder)

    return make


PRODUCT_PLAN = """Thought: two factors, then the product.
1. shell(command="echo 6")
2. shell(command="echo 7")
3. shell(command="echo $((" + $1 + " * " + $2 + "))")
4. join()
"""


@pytest.fixture
def product_task(tmp_path: Path) -> Task:
    """A question (6 times 7) whose oracle is three steps, also as a plan (PRODUCT_PLAN)."""
    folder = tmp_path / "product"
    for sub in ("solution", "tests"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text("[agent]\nwants_answer = true\n")
    (folder / "instruction.md").write_text("What is 6 times 7? Find each factor with a command.")
    (folder / "solution" / "solve.sh").write_text("echo 6\n\necho 7\n\necho $((6 * 7))\n")
    (folder / "solution" / "plan.txt").write_text(PRODUCT_PLAN)
    (folder / "tests" / "test.sh").write_text(
        '[ "$(cat "$AGENTLAB_ANSWER_FILE")" = 42 ] && r=1 || r=0; '
        'echo $r > "$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return load_task(folder)


@pytest.fixture
async def task_sandbox(task: Task) -> AsyncIterator[Sandbox]:
    """A local sandbox started for the test module's `task`."""
    sb = await environment.start(task, LocalProvider())
    yield sb
    await sb.close()
