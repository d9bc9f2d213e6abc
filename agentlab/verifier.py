"""The verifier contract: hidden tests copied in after the agent, a reward read back.

The tests run as the sandbox's admin with the workspace as current directory and see
AGENTLAB_WORKSPACE, AGENTLAB_TESTS_DIR, AGENTLAB_VERIFIER_DIR and AGENTLAB_ANSWER_FILE. They
write `reward.txt` (one number in 0..1) or `reward.json` (named metrics; `reward` is the value,
else their mean) into AGENTLAB_VERIFIER_DIR, the way Harbor's test.sh writes /logs/verifier.
"""

from __future__ import annotations

import json
import math
import shlex
import time
from pathlib import Path

from agentlab import cost
from agentlab.sandbox.base import Sandbox
from agentlab.tasks import TEST_SCRIPT
from agentlab.types import Score, Task

JUDGE_NAME = "verifier"
MAX_TEST_FILE = 16 << 20


def verifier_paths(sandbox: Sandbox) -> dict[str, str]:
    root = sandbox.root.rstrip("/")
    return {
        "AGENTLAB_WORKSPACE": sandbox.workspace,
        "AGENTLAB_TESTS_DIR": f"{root}/tests",
        "AGENTLAB_VERIFIER_DIR": f"{root}/logs/verifier",
        "AGENTLAB_ANSWER_FILE": f"{root}/logs/agent/answer.txt",
    }


async def copy_dir(sandbox: Sandbox, source: Path, target: str) -> None:
    """Copies a host folder into the sandbox, keeping the executable bit."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        if path.stat().st_size > MAX_TEST_FILE:
            raise ValueError(f"{path}: over {MAX_TEST_FILE} bytes; too large to copy in")
        mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
        rel = path.relative_to(source).as_posix()
        await sandbox.write_file(f"{target}/{rel}", path.read_bytes(), mode=mode)


async def run_verifier(task: Task, sandbox: Sandbox, answer: str | None) -> Score:
    """Runs the task's tests in `sandbox` and turns what they wrote into a Score; the sandbox
    work is charged to the `verifier` role."""
    with cost.role("verifier"):
        return await _run_verifier(task, sandbox, answer)


async def _run_verifier(task: Task, sandbox: Sandbox, answer: str | None) -> Score:
    started = time.monotonic()
    env = verifier_paths(sandbox)
    tests = task.tests_dir
    if tests is None or not (tests / TEST_SCRIPT).is_file():
        return _failed(f"{task.path}/tests/{TEST_SCRIPT}: no such file", started)
    q = {k: shlex.quote(v) for k, v in env.items()}
    prepare = (  # mkdir -m spares a chmod process: this runs for every sample of a search
        f"rm -rf {q['AGENTLAB_TESTS_DIR']} {q['AGENTLAB_VERIFIER_DIR']} && "
        f"mkdir -p {q['AGENTLAB_TESTS_DIR']} && mkdir -p -m 777 {q['AGENTLAB_VERIFIER_DIR']}"
    )
    result = await sandbox.exec(prepare, user=sandbox.admin, timeout=60)
    if not result.ok:
        return _failed(f"could not prepare the verifier folders: {result.stderr}", started)
    await copy_dir(sandbox, tests, env["AGENTLAB_TESTS_DIR"])
    await sandbox.write_file(env["AGENTLAB_ANSWER_FILE"], answer or "")
    result = await sandbox.exec(
        f"bash {q['AGENTLAB_TESTS_DIR']}/{TEST_SCRIPT}",
        env={**task.verifier.env, **env},
        user=task.verifier.user or sandbox.admin,
        timeout=task.verifier.timeout_sec,
    )
    details: dict[str, object] = {
        "exit_code": result.exit_code,
        "stdout_tail": result.stdout[-2000:],
        "stderr_tail": result.stderr[-2000:],
    }
    if result.timed_out:
        return _failed(f"tests timed out after {task.verifier.timeout_sec}s", started, details)
    try:
        metrics = await _read_reward(sandbox, env["AGENTLAB_VERIFIER_DIR"])
    except ValueError as exc:
        return _failed(str(exc), started, details)
    raw = metrics.get("reward", sum(metrics.values()) / len(metrics))
    value = min(max(raw, 0.0), 1.0)
    return Score(
        judge=JUDGE_NAME,
        value=value,
        passed=value >= task.verifier.pass_threshold,
        rationale=f"reward {raw:g} (tests exited {result.exit_code})",
        metrics={**metrics, "reward_raw": raw},
        details=details,
        duration_s=time.monotonic() - started,
    )


async def _read_reward(sandbox: Sandbox, folder: str) -> dict[str, float]:
    try:
        text = (await sandbox.read_file(f"{folder}/reward.json", max_bytes=1 << 20)).decode()
    except FileNotFoundError:
        pass
    else:
        try:
            data = json.loads(text)
            metrics = {str(k): float(v) for k, v in data.items()}
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"reward.json is not an object of numbers: {text[:200]!r}") from exc
        if not metrics or not all(math.isfinite(v) for v in metrics.values()):
            raise ValueError(f"reward.json has no finite metrics: {text[:200]!r}")
        return metrics
    try:
        text = (await sandbox.read_file(f"{folder}/reward.txt", max_bytes=1 << 20)).decode()
    except FileNotFoundError:
        raise ValueError("the tests wrote neither reward.txt nor reward.json") from None
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"reward.txt is not a number: {text[:200]!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"reward.txt is not finite: {text[:200]!r}")
    return {"reward": value}


def _failed(error: str, started: float, details: dict[str, object] | None = None) -> Score:
    return Score(
        judge=JUDGE_NAME,
        value=0.0,
        passed=False,
        rationale=error,
        details=details or {},
        duration_s=time.monotonic() - started,
        error=error,
    )
