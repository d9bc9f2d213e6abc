"""`test_vote`: candidates vote by passing model-written tests (CodeMonkeys-style selection).

The judge model writes `tests` bash scripts from the task's instruction (exit 0 = pass), once
per task: kept in memory and on disk under the agentlab cache, keyed by task id, instruction,
judge model and count. Every candidate runs every test in its own sandbox, and its value is
the share it passes, so `best_of_n:select=judge,judge=test_vote:model=...` keeps the candidate
that passes the most.

A test runs as the hidden tests do (the verifier's user, the workspace as current directory,
`[verifier] timeout_sec` at most) and sees AGENTLAB_WORKSPACE and AGENTLAB_ANSWER_FILE, which
holds the candidate's answer. Tests are isolated from one another as far as a sandbox allows:
the workspace is restored from a snapshot and the answer file and the script rewritten before
each test, so one test's writes, deletions or overwritten answer never reach the next, and
the workspace is left as the candidate left it for the judges after this one. What a test
changes outside the workspace (/tmp, system files) is not undone: that would take a fresh
sandbox per test. A test that times out, or breaks the sandbox, counts as failed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shlex
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from agentlab.config import cache_dir
from agentlab.registry import judge
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.errors import SandboxError
from agentlab.types import Score, Task, Trajectory
from agentlab.verifier import verifier_paths
from judges.asking import Consultation, JudgeFailure, judge_model, prompt, save_json

WRITER = """You write acceptance tests. Given a task for an AI agent, write as many independent \
tests as <count> says, each a bash script that exits 0 when the agent's finished work meets \
one requirement of the task and non-zero when it does not. A test runs after the agent is \
done, with the agent's workspace as its current directory; AGENTLAB_WORKSPACE names the \
workspace and AGENTLAB_ANSWER_FILE a file holding the agent's final answer (what a question \
task grades). Reply with JSON only: {"tests": [{"name": "...", "script": "..."}, ...]}"""
OUTPUT_TAIL = 500  # characters of a test's output kept in the score's details


@judge("test_vote")
class TestVoteJudge:
    """The share of `tests` model-written tests a candidate passes; passed when it passes all."""

    name = "test_vote"

    def __init__(self, model: str, tests: int = 5) -> None:
        if tests < 1:
            raise ValueError(f"test_vote: tests={tests} must be >= 1")
        self.address = model
        self.model = judge_model(self.name, model)
        self.count = tests
        self._written: dict[str, list[dict[str, str]]] = {}
        self._writing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        if sandbox is None:
            raise ValueError(
                f"test_vote({task.id}): the tests run in the trajectory's sandbox; "
                "pass the sandbox the agent used"
            )
        started = time.monotonic()
        calls = Consultation(self.model, task)
        try:
            tests = await self.tests(task, calls)
        except JudgeFailure as exc:
            return calls.missing(self.name, str(exc), started)
        original = await sandbox.snapshot()
        outcomes = []
        for test in tests:
            outcomes.append(await self._run(task, sandbox, test, trajectory.answer))
            try:
                await sandbox.restore(original)
            except (SandboxError, OSError, ValueError) as exc:
                outcomes[-1]["passed"] = False
                outcomes[-1].setdefault("error", f"could not restore the workspace: {exc}")
        passed = sum(bool(o["passed"]) for o in outcomes)
        return Score(
            judge=self.name,
            value=passed / len(outcomes),
            passed=passed == len(outcomes),
            rationale=f"{passed} of {len(outcomes)} tests passed",
            details={"model": self.address, "tests": outcomes},
            usage=calls.usage,
            duration_s=time.monotonic() - started,
        )

    async def tests(self, task: Task, calls: Consultation) -> list[dict[str, str]]:
        """The tests the judge model writes for `task`, from the cache when it has them."""
        key = f"{task.id}\0{task.instruction}\0{self.address}\0{self.count}"
        name = hashlib.sha256(key.encode()).hexdigest()[:24]
        async with self._writing[name]:  # concurrent candidates of one task ask once
            if name not in self._written:
                path = cache_dir() / "test_vote" / f"{name}.json"
                self._written[name] = _read(path) or await self._write(task, calls, path)
        return self._written[name]

    async def _write(self, task: Task, calls: Consultation, path: Path) -> list[dict[str, str]]:
        reply = await calls.ask("test_writer", WRITER, prompt(task, ("count", str(self.count))))
        tests = reply.get("tests")
        if not _usable(tests):
            raise JudgeFailure(f"{self.address}: wrote no usable tests: {reply!r:.200}")
        tests = tests[: self.count]
        save_json(path, {"task_id": task.id, "model": self.address, "tests": tests})
        return tests

    async def _run(self, task: Task, sandbox: Sandbox, test: dict[str, str],
                   answer: str | None) -> dict[str, object]:  # fmt: skip
        """One test's outcome; a sandbox that fails under it is the test's failure."""
        paths = verifier_paths(sandbox)
        script = f"{sandbox.root.rstrip('/')}/logs/test_vote/test.sh"
        outcome: dict[str, object] = {"name": test["name"], "passed": False}
        try:
            await sandbox.write_file(paths["AGENTLAB_ANSWER_FILE"], answer or "")
            await sandbox.write_file(script, test["script"], mode=0o755)
            result = await sandbox.exec(
                f"bash {shlex.quote(script)}",
                cwd=sandbox.workspace,
                env={k: paths[k] for k in ("AGENTLAB_WORKSPACE", "AGENTLAB_ANSWER_FILE")},
                user=task.verifier.user or sandbox.admin,
                timeout=task.verifier.timeout_sec,
                max_output=4 * OUTPUT_TAIL,
            )
        except (SandboxError, OSError, ValueError) as exc:
            return outcome | {"error": f"the sandbox failed: {exc}"}
        output = (result.stdout + result.stderr)[-OUTPUT_TAIL:]
        return outcome | {"passed": result.ok, "exit_code": result.exit_code,
                          "timed_out": result.timed_out, "output": output}  # fmt: skip


def _usable(tests: Any) -> bool:
    """A non-empty list of {"name": str, "script": str} with a script in each."""
    return (
        isinstance(tests, list)
        and bool(tests)
        and all(
            isinstance(t, dict)
            and isinstance(t.get("name"), str)
            and isinstance(t.get("script"), str)
            and t["script"].strip()
            for t in tests
        )
    )


def _read(path: Path) -> list[dict[str, str]] | None:
    """Cached tests, or None when there are none or they are unreadable."""
    try:
        tests = json.loads(path.read_text())["tests"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return tests if _usable(tests) else None
