"""`composite`: a weighted combination of other judges, any registered judge by its spec.

    composite:judges=["verifier","checklist:model=sim/0.95"],weights=[0.7,0.3]

The value is the weighted mean of the parts' values. A part whose score is missing is left
out and the others' weights renormalised; when every part is missing, so is the composite.
"""

from __future__ import annotations

import time

from agentlab.registry import build, judge, parse_spec
from agentlab.sandbox.base import Sandbox
from agentlab.trial import Judge
from agentlab.types import Score, Task, Trajectory


@judge("composite")
class CompositeJudge:
    """The weighted mean of `judges` (specs; equal weights by default), passed at `threshold`."""

    name = "composite"

    def __init__(
        self, judges: list[str], weights: list[float] | None = None, threshold: float = 0.5
    ) -> None:
        weights = [1.0] * len(judges) if weights is None else weights
        if not judges or len(weights) != len(judges):
            raise ValueError(f"composite: {len(judges)} judges need as many weights, "
                             f"got {len(weights)}")  # fmt: skip
        if any(w < 0 for w in weights) or not sum(weights) > 0:
            raise ValueError(f"composite: weights {weights} must be >= 0 with a positive sum")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"composite: threshold={threshold} must be between 0 and 1")
        self.parts: list[Judge] = [build(parse_spec("judge", spec)) for spec in judges]
        self.weights = weights
        self.threshold = threshold

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        started = time.monotonic()
        scores = [await part.score(task, trajectory, sandbox) for part in self.parts]
        usages = [s.usage for s in scores if s.usage is not None]
        usage = sum(usages[1:], usages[0]) if usages else None
        details: dict[str, object] = {"parts": [s.model_dump(mode="json") for s in scores]}
        present = [
            (w, s.value) for w, s in zip(self.weights, scores, strict=True) if s.value is not None
        ]
        total = sum(w for w, _ in present)
        missing = [s.judge for s in scores if s.missing]
        if not total:
            error = f"no weighted part gave a score (missing: {', '.join(missing) or 'none'})"
            return Score(judge=self.name, value=None, passed=False, rationale=error,
                         error=error, details=details, usage=usage,
                         duration_s=time.monotonic() - started)  # fmt: skip
        value = sum(w * v for w, v in present) / total
        parts = ", ".join(f"{s.judge} {s.value:.2f}" for s in scores if s.value is not None)
        return Score(
            judge=self.name,
            value=value,
            passed=value >= self.threshold,
            rationale=parts + (f"; missing: {', '.join(missing)}" if missing else ""),
            details=details,
            usage=usage,
            duration_s=time.monotonic() - started,
        )
