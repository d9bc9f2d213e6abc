"""`checklist`: TICK-style grading against yes/no items, answered by a judge model.

The items are the task's own `[checklist]`, or, when it has none, a checklist the judge model
writes from the instruction (once per task: kept in memory and on disk under the agentlab
cache, keyed by task id, instruction and judge model). The judge model then answers every item
given the task and the trajectory's transcript; the score is the share of answered items met.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import defaultdict
from pathlib import Path

from agentlab.config import cache_dir
from agentlab.registry import judge
from agentlab.sandbox.base import Sandbox
from agentlab.types import ChecklistItem, Score, Task, Trajectory
from judges.asking import (
    Consultation,
    JudgeFailure,
    judge_model,
    prompt,
    save_json,
    transcript,
)

WRITER = """You write evaluation checklists. Given a task for an AI agent, write the yes/no \
questions that together decide whether the task was done correctly: each one specific, \
checkable from a transcript of the agent's work, about one requirement. Reply with JSON only: \
{"items": ["...", "..."]}"""
GRADER = """You grade an AI agent's work against a checklist. For each numbered item, decide \
from the transcript whether the agent's work meets it. Reply with JSON only, one answer per \
item: {"answers": [{"item": 1, "met": true, "rationale": "..."}, ...]}"""


@judge("checklist")
class ChecklistJudge:
    """Yes/no items answered by a judge model; passed when the share met reaches `threshold`.

    `threshold` defaults to 1.0: passed means every item was judged met, as a verifier's
    default pass means every test passed.
    """

    name = "checklist"

    def __init__(self, model: str, threshold: float = 1.0) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"checklist: threshold={threshold} must be between 0 and 1")
        self.address = model
        self.model = judge_model(self.name, model)
        self.threshold = threshold
        self._written: dict[str, list[str]] = {}
        self._writing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        started = time.monotonic()
        calls = Consultation(self.model, task)
        try:
            texts = task.checklist.items or await self.checklist(task, calls)
            numbered = "\n".join(f"{i}. {text}" for i, text in enumerate(texts, 1))
            shown = prompt(
                task, ("transcript", transcript(task, trajectory)), ("checklist", numbered)
            )
            reply = await calls.ask("checklist_judge", GRADER, shown)
            items = _answers(texts, reply)
        except JudgeFailure as exc:
            return calls.missing(self.name, str(exc), started)
        answered = [item for item in items if item.met is not None]
        if not answered:
            return calls.missing(self.name, f"{self.address}: answered no item", started)
        met = sum(bool(item.met) for item in answered)
        value = met / len(answered)
        unanswered = len(items) - len(answered)
        return Score(
            judge=self.name,
            value=value,
            passed=value >= self.threshold,
            rationale=f"{met} of {len(answered)} items met"
            + (f", {unanswered} unanswered" if unanswered else ""),
            items=items,
            details={"model": self.address, "written": not task.checklist.items},
            usage=calls.usage,
            duration_s=time.monotonic() - started,
        )

    async def checklist(self, task: Task, calls: Consultation) -> list[str]:
        """The items the judge model writes for `task`, from the cache when it has them."""
        key = hashlib.sha256(f"{task.id}\0{task.instruction}\0{self.address}".encode())
        name = key.hexdigest()[:24]
        async with self._writing[name]:  # concurrent trials of one task ask once
            if name not in self._written:
                path = cache_dir() / "checklists" / f"{name}.json"
                self._written[name] = _read(path) or await self._write(task, calls, path)
        return self._written[name]

    async def _write(self, task: Task, calls: Consultation, path: Path) -> list[str]:
        reply = await calls.ask("checklist_writer", WRITER, prompt(task))
        items = reply.get("items")
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise JudgeFailure(f"{self.address}: wrote no checklist items: {reply!r:.200}")
        save_json(path, {"task_id": task.id, "model": self.address, "items": items})
        return items


def _read(path: Path) -> list[str] | None:
    """A cached checklist, or None when there is none or it is unreadable."""
    try:
        items = json.loads(path.read_text())["items"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    ok = isinstance(items, list) and bool(items) and all(isinstance(i, str) for i in items)
    return items if ok else None


def _answers(texts: list[str], reply: dict[str, object]) -> list[ChecklistItem]:
    """Each item with the judge's answer to it; an item it did not answer has `met` None."""
    answers = reply.get("answers")
    if not isinstance(answers, list):
        raise JudgeFailure(f"the reply has no list of answers: {reply!r:.200}")
    by_number: dict[int, dict[str, object]] = {}
    for answer in answers:
        number = answer.get("item") if isinstance(answer, dict) else None
        if isinstance(number, int) and isinstance(answer.get("met"), bool):
            by_number.setdefault(number, answer)
    items = []
    for number, text in enumerate(texts, 1):
        answer = by_number.get(number, {})
        met = answer.get("met")
        items.append(ChecklistItem(text=text, met=met if isinstance(met, bool) else None,
                                   rationale=str(answer.get("rationale", ""))))  # fmt: skip
    return items
