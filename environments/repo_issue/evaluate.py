"""Evaluating predictions the way the SWE-bench harness does, one sandbox per instance.

For each prediction: start the instance's sandbox (building its layers on first use), apply the
model's patch (`git apply`, then `patch --fuzz`), run the task's verifier (grading.py: reset the
test files, apply the test patch, run the tests between markers, grade), and keep what it wrote.

    OUT/<instance_id>/patch.diff        the prediction's patch
    OUT/<instance_id>/report.json       the official report format
    OUT/<instance_id>/test_output.txt   the test log
    OUT/<instance_id>/run_instance.log  what happened, including any error
    OUT/summary.json                    {"resolved": [...], "unresolved": [...], "errors": [...]}

An instance is an error when it could not be judged: its image could not be built, the patch
did not apply, the test patch did not apply, or the tests timed out.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from agentlab import environment
from agentlab.sandbox.base import Sandbox, SandboxProvider
from agentlab.sandbox.errors import SandboxError
from agentlab.tasks import TaskFormatError
from agentlab.types import Task
from agentlab.verifier import run_verifier, verifier_paths
from environments.repo_issue.instances import Instance, Prediction

APPLY_TIMEOUT_S = 120.0
Status = Literal["resolved", "unresolved", "error"]
APPLY_COMMANDS = (
    "git apply -v {patch}",
    "patch --batch --fuzz=5 -p1 --forward -i {patch}",
)


class Outcome(BaseModel):
    instance_id: str
    status: Status
    error: str | None = None
    duration_s: float = 0.0


def gold_predictions(instances: Sequence[Instance]) -> list[Prediction]:
    return [Prediction(instance_id=i.instance_id, model_name_or_path="gold", model_patch=i.patch)
            for i in instances]  # fmt: skip


def empty_predictions(instances: Sequence[Instance]) -> list[Prediction]:
    return [Prediction(instance_id=i.instance_id, model_name_or_path="empty", model_patch="")
            for i in instances]  # fmt: skip


async def evaluate(
    tasks: Sequence[Task],
    predictions: Sequence[Prediction],
    provider: SandboxProvider,
    out: Path,
    *,
    max_workers: int = 1,
) -> dict[str, list[str]]:
    """Evaluates every prediction, `max_workers` at a time; writes and returns the summary."""
    by_id = {t.id: t for t in tasks}
    if unknown := [p.instance_id for p in predictions if p.instance_id not in by_id]:
        raise TaskFormatError(f"predictions for unknown instances: {', '.join(unknown[:5])}")
    out.mkdir(parents=True, exist_ok=True)
    gate = asyncio.Semaphore(max_workers)

    async def one(prediction: Prediction) -> Outcome:
        async with gate:
            return await evaluate_one(by_id[prediction.instance_id], prediction, provider, out)

    outcomes = await asyncio.gather(*(one(p) for p in predictions))
    summary: dict[str, list[str]] = {"resolved": [], "unresolved": [], "errors": []}
    for outcome in outcomes:
        group = "errors" if outcome.status == "error" else outcome.status
        summary[group].append(outcome.instance_id)
    summary = {k: sorted(v) for k, v in summary.items()}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


async def evaluate_one(
    task: Task, prediction: Prediction, provider: SandboxProvider, out: Path
) -> Outcome:
    """Evaluates one prediction; every failure ends as an error outcome, none escapes."""
    started = time.monotonic()
    folder = out / task.id
    folder.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    patch = prediction.model_patch or ""
    (folder / "patch.diff").write_text(patch)

    def finish(status: Status, error: str | None = None) -> Outcome:
        log.append(f"result: {status}" + (f" ({error})" if error else ""))
        (folder / "run_instance.log").write_text("\n".join(log) + "\n")
        return Outcome(instance_id=task.id, status=status, error=error,
                       duration_s=time.monotonic() - started)  # fmt: skip

    log.append(f"starting the sandbox of {task.id}")
    try:
        sandbox = await environment.start(task, provider)
    except (SandboxError, OSError) as exc:
        return finish("error", f"environment: {exc}")
    try:
        base = _report_base(prediction)
        applied, output = await apply_patch(sandbox, patch)
        log.append(output)
        if not applied:
            _write_report(folder, task.id, {**base, "patch_successfully_applied": False,
                                            "resolved": False})  # fmt: skip
            return finish("error", "patch failed to apply")
        score = await run_verifier(task, sandbox, None)
        log.append(f"verifier: {score.rationale}")
        verifier_dir = verifier_paths(sandbox)["AGENTLAB_VERIFIER_DIR"]
        try:
            text = await sandbox.read_file(f"{verifier_dir}/report.json", max_bytes=16 << 20)
            (folder / "test_output.txt").write_bytes(
                await sandbox.read_file(f"{verifier_dir}/test_output.txt", max_bytes=64 << 20)
            )
        except FileNotFoundError:
            return finish("error", f"the tests wrote no report: {score.rationale}")
        entry: dict[str, Any] = {**json.loads(text).get(task.id, {}), **base}
        _write_report(folder, task.id, entry)
        if entry.get("error"):
            return finish("error", str(entry["error"]))
        return finish("resolved" if entry["resolved"] else "unresolved")
    except (SandboxError, OSError, ValueError) as exc:
        return finish("error", f"{type(exc).__name__}: {exc}")
    finally:
        await sandbox.close()


async def apply_patch(sandbox: Sandbox, patch: str) -> tuple[bool, str]:
    """Applies `patch` in the workspace, as the harness does; (applied, what the tools said)."""
    if not patch.strip():
        return True, "empty patch: nothing to apply"
    target = f"{sandbox.root.rstrip('/')}/model.patch"
    await sandbox.write_file(target, patch if patch.endswith("\n") else patch + "\n")
    outputs = []
    for command in APPLY_COMMANDS:
        line = command.format(patch=shlex.quote(target))
        result = await sandbox.exec(line, user=sandbox.admin, timeout=APPLY_TIMEOUT_S)
        outputs.append(f"$ {line}\n{result.stdout}{result.stderr}".rstrip())
        if result.ok:
            return True, "\n".join(outputs)
    return False, "\n".join(outputs)


def _report_base(prediction: Prediction) -> dict[str, Any]:
    return {
        "model_name_or_path": prediction.model_name_or_path,
        "patch_is_None": prediction.model_patch is None,
        "patch_exists": bool(prediction.model_patch),
        "patch_successfully_applied": True,
    }


def _write_report(folder: Path, instance_id: str, entry: dict[str, Any]) -> None:
    (folder / "report.json").write_text(json.dumps({instance_id: entry}, indent=2) + "\n")
