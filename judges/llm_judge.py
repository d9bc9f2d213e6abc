"""`llm_judge`: a judge model grades one trajectory (pointwise) or prefers one of two (pairwise).

Pairwise comparisons always ask in both orders, A then B and B then A, so a judge that favours
a position cannot decide the outcome: a pair it answers inconsistently is a tie.
"""

from __future__ import annotations

import time
from typing import Literal

from agentlab.registry import judge
from agentlab.sandbox.base import Sandbox
from agentlab.types import Preference, Score, Task, Trajectory
from judges.asking import Consultation, JudgeFailure, judge_model, prompt, transcript

Mode = Literal["pointwise", "pairwise"]
POINTWISE = """You grade an AI agent's work on a task from a transcript of it. Judge whether \
the agent did the task fully and correctly. Reply with JSON only: {"score": <0 to 1, 1 for \
fully and correctly done>, "rationale": "..."}"""
PAIRWISE = """You compare two AI agents' attempts at the same task, from transcripts A and B. \
Judge which attempt did the task better: more fully and correctly. Reply with JSON only: \
{"preferred": "A" or "B" or "tie", "rationale": "..."}"""


@judge("llm_judge")
class LLMJudge:
    """Pointwise: `score` (passed at `threshold`). Pairwise: `compare` (both orders)."""

    name = "llm_judge"

    def __init__(self, model: str, mode: Mode = "pointwise", threshold: float = 0.5) -> None:
        if mode not in ("pointwise", "pairwise"):
            raise ValueError(f"llm_judge: mode={mode!r}; choose pointwise or pairwise")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"llm_judge: threshold={threshold} must be between 0 and 1")
        self.address = model
        self.model = judge_model(self.name, model)
        self.mode = mode
        self.threshold = threshold

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        """A 0..1 grade of one trajectory (pointwise mode)."""
        if self.mode != "pointwise":
            raise ValueError("llm_judge:mode=pairwise compares two trajectories (compare()); "
                             "use mode=pointwise to score one")  # fmt: skip
        started = time.monotonic()
        calls = Consultation(self.model, task)
        try:
            shown = prompt(task, ("transcript", transcript(task, trajectory)))
            reply = await calls.ask("pointwise_judge", POINTWISE, shown)
            value = reply.get("score")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise JudgeFailure(f"{self.address}: no score in 0..1 in {reply!r:.200}")
        except JudgeFailure as exc:
            return calls.missing(self.name, str(exc), started)
        return Score(
            judge=self.name,
            value=float(value),
            passed=value >= self.threshold,
            rationale=str(reply.get("rationale", "")),
            details={"model": self.address},
            usage=calls.usage,
            duration_s=time.monotonic() - started,
        )

    async def compare(self, task: Task, a: Trajectory, b: Trajectory) -> Preference:
        """Which of `a` and `b` did the task better, asked in both orders (pairwise mode)."""
        if self.mode != "pairwise":
            raise ValueError("llm_judge:mode=pointwise scores one trajectory (score()); "
                             "use mode=pairwise to compare two")  # fmt: skip
        started = time.monotonic()
        calls = Consultation(self.model, task)
        shown = {"a": transcript(task, a), "b": transcript(task, b)}
        verdicts: list[str] = []  # "a", "b" or "tie", in the order asked
        rationales = []  # each prefixed by the order asked in
        try:
            for first, second in (("a", "b"), ("b", "a")):
                pair = prompt(task, ("transcript A", shown[first]), ("transcript B", shown[second]))
                reply = await calls.ask("pairwise_judge", PAIRWISE, pair)
                preferred = reply.get("preferred")
                if preferred not in ("A", "B", "tie"):
                    raise JudgeFailure(f"{self.address}: no A, B or tie in {reply!r:.200}")
                verdicts.append({"A": first, "B": second}.get(preferred, "tie"))
                rationales.append(f"{first}{second}: {reply.get('rationale', '')}")
        except JudgeFailure as exc:
            return Preference(judge=self.name, winner=None, rationale=str(exc), error=str(exc),
                              usage=calls.usage, duration_s=time.monotonic() - started)  # fmt: skip
        consistent = verdicts[0] == verdicts[1]
        return Preference(
            judge=self.name,
            winner=verdicts[0] if consistent else "tie",
            consistent=consistent,
            rationale=" | ".join(rationales),
            usage=calls.usage,
            duration_s=time.monotonic() - started,
        )
