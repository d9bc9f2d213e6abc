"""The summary a campaign prints: success with a bootstrap 95% CI per strategy x model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel

from agentlab.analysis.stats import bootstrap_ci
from agentlab.campaign.store import TrialRow


class SummaryRow(BaseModel):
    strategy: str
    model: str
    trials: int
    errors: int
    unjudged: int
    success: float
    ci_low: float
    ci_high: float
    billed_tokens: int
    generated_tokens: int
    usd: float | None  # None: a model of the group has no price
    sandbox_s: float
    wall_s: float


def summarize(rows: Sequence[TrialRow]) -> list[SummaryRow]:
    """Trials that errored count as failures (they are in the denominator); finished trials
    without a verdict (no judge, or the primary judge's score is missing) are left out."""
    groups: dict[tuple[str, str], list[TrialRow]] = defaultdict(list)
    for row in rows:
        groups[(row.strategy, row.model)].append(row)
    summary = []
    for (strategy, model), group in sorted(groups.items()):
        judged = [r for r in group if r.status == "error" or r.passed is not None]
        outcomes = [1.0 if r.passed else 0.0 for r in judged]
        low, high = bootstrap_ci(outcomes)
        summary.append(SummaryRow(
            strategy=strategy, model=model, trials=len(group),
            errors=sum(r.status == "error" for r in group), unjudged=len(group) - len(judged),
            success=sum(outcomes) / len(outcomes) if outcomes else float("nan"),
            ci_low=low, ci_high=high,
            billed_tokens=sum(r.prompt_tokens + r.completion_tokens for r in group),
            generated_tokens=sum(r.completion_tokens for r in group),
            usd=None if any(r.usd is None for r in group) else sum(r.usd or 0.0 for r in group),
            sandbox_s=sum(r.sandbox_wall_s for r in group),
            wall_s=sum(r.wall_s or 0.0 for r in group),
        ))  # fmt: skip
    return summary


def render(summary: Sequence[SummaryRow]) -> str:
    """A plain-text table, the same on a terminal and in a log."""
    header = f"{'strategy':<20} {'model':<16} {'trials':>6} {'errors':>6} {'unjudged':>8} " \
             f"{'success':>8} {'95% CI':>15} {'billed tok':>10} {'generated':>9} {'USD':>9} " \
             f"{'sandbox s':>9} {'wall s':>8}"  # fmt: skip
    lines = [header, "-" * len(header)]
    for s in summary:
        ci = f"[{s.ci_low:.2f}, {s.ci_high:.2f}]"
        usd = "unpriced" if s.usd is None else f"{s.usd:.4f}"
        lines.append(f"{s.strategy:<20} {s.model:<16} {s.trials:>6} {s.errors:>6} "
                     f"{s.unjudged:>8} {s.success:>8.2f} {ci:>15} {s.billed_tokens:>10} "
                     f"{s.generated_tokens:>9} {usd:>9} {s.sandbox_s:>9.1f} "
                     f"{s.wall_s:>8.1f}")  # fmt: skip
    return "\n".join(lines)
