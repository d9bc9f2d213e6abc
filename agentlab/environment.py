"""A task's sandbox: resolve its image, start it, lay out its files, run its setup."""

from __future__ import annotations

import asyncio
import shlex

from agentlab.sandbox.base import Sandbox, SandboxProvider, SandboxSpec
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.errors import SandboxError
from agentlab.sandbox.images import ensure_image
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import SETUP_SCRIPT
from agentlab.types import Task

SETUP_TIMEOUT_S = 300.0
_NOT_IN_WORKSPACE = ("Dockerfile", SETUP_SCRIPT)


class TaskSetupError(SandboxError):
    """A task's environment/setup.sh failed."""


def sandbox_provider(name: str) -> SandboxProvider:
    """`docker`, `local`, or `auto` (Docker when an engine answers, else local sandboxes)."""
    if name == "local":
        return LocalProvider()
    if name not in ("docker", "auto"):
        raise ValueError(f"sandbox {name!r}: expected docker, local or auto")
    try:
        return DockerProvider()
    except SandboxError:
        if name == "auto":
            return LocalProvider()
        raise


async def sandbox_spec(task: Task, provider: SandboxProvider) -> SandboxSpec:
    """The spec to start `task` under `provider`, building its image first on Docker."""
    env = task.environment
    files = None if env.dockerfile else task.environment_dir
    workdir = env.workdir
    if isinstance(provider, DockerProvider):
        image = await asyncio.to_thread(ensure_image, provider.client, env, task.environment_dir)
        if env.dockerfile and "workdir" not in env.model_fields_set:  # Harbor: the image's WORKDIR
            config = (await asyncio.to_thread(provider.client.images.get, image)).attrs["Config"]
            workdir = config.get("WorkingDir") or "/"
    elif env.needs_container or task.agent.user:
        raise SandboxError(
            f"task {task.id} needs a container (custom image, user, capabilities or packages); "
            "run it with --sandbox docker"
        )
    else:
        image = ""
    return SandboxSpec(
        image=image,
        workdir=workdir,
        user=env.user or task.agent.user,
        cpus=env.cpus,
        memory_mb=env.memory_mb,
        pids_limit=env.pids_limit,
        cap_add=tuple(env.cap_add),
        no_new_privileges=env.no_new_privileges,
        files=files,
        skip=_NOT_IN_WORKSPACE,
        labels=(("agentlab.task", task.id),),
    )


async def start(task: Task, provider: SandboxProvider) -> Sandbox:
    """A started sandbox for `task` with its setup done; the caller closes it."""
    spec = await sandbox_spec(task, provider)
    sandbox = await provider.create(spec)
    try:
        await run_setup(task, sandbox)
    except BaseException:
        await sandbox.close()
        raise
    return sandbox


async def run_setup(task: Task, sandbox: Sandbox) -> None:
    """Runs environment/setup.sh as the sandbox's admin, in the workspace."""
    env_dir = task.environment_dir
    script = env_dir / SETUP_SCRIPT if env_dir else None
    if script is None or not script.is_file():
        return
    target = f"{sandbox.root.rstrip('/')}/setup/{SETUP_SCRIPT}"
    await sandbox.write_file(target, script.read_bytes(), mode=0o755)
    result = await sandbox.exec(
        f"bash {shlex.quote(target)}; code=$?; rm -rf {shlex.quote(target.rsplit('/', 1)[0])}; "
        "exit $code",
        timeout=SETUP_TIMEOUT_S,
        user=sandbox.admin,
    )
    if not result.ok:
        reason = "timed out" if result.timed_out else f"exited {result.exit_code}"
        raise TaskSetupError(
            f"task {task.id}: {script} {reason}: {(result.stderr or result.stdout)[-2000:]}"
        )


# A throw-away index, so taking the diff leaves the repository's own index as the agent left
# it; any owner's repository is read (the admin may not own the workspace).
_PATCH = """g() { git -c safe.directory='*' "$@"; }
g rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 3
index=$(mktemp) && trap 'rm -f "$index"' EXIT
export GIT_INDEX_FILE="$index"
g read-tree HEAD && g add -A . && g diff --cached --binary HEAD"""


async def workspace_patch(sandbox: Sandbox) -> str | None:
    """The workspace's changes since its last commit as a git diff (new files included), the
    way SWE-bench predictions carry them; None when the workspace is not a git repository."""
    result = await sandbox.exec(_PATCH, timeout=SETUP_TIMEOUT_S, user=sandbox.admin)
    return result.stdout if result.ok else None
