"""How well each judge agrees with the execution verifier, the ground truth of a campaign."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from agentlab.types import Score, Trajectory

VERIFIER = "verifier"


class Agreement(BaseModel):
    """One judge against the verifier, over the trajectories both scored without error.

    The verifier's pass is the positive class. A metric whose denominator is zero is None.
    """

    judge: str
    n: int
    missing: int  # trajectories left out: either judge did not score them, or failed
    accuracy: float | None
    precision: float | None
    recall: float | None
    kappa: float | None


def verifier_agreement(trajectories: Sequence[Trajectory]) -> list[Agreement]:
    """Agreement with the verifier of every other judge that appears in a score, by name.

    Cohen's kappa is (p_o - p_e) / (1 - p_e). When the judge and the verifier both give one
    and the same verdict to every trajectory, p_e = p_o = 1 and the ratio is 0/0: we report
    1.0, since the two never disagreed. Raises ValueError when no trajectory has a verifier
    score without error.
    """
    verdicts = [_verdicts(t.scores) for t in trajectories]
    if not any(VERIFIER in v for v in verdicts):
        raise ValueError(f"no trajectory has a {VERIFIER!r} score without error")
    judges = sorted({s.judge for t in trajectories for s in t.scores} - {VERIFIER})
    result = []
    for judge in judges:
        pairs = [(v[judge], v[VERIFIER]) for v in verdicts if judge in v and VERIFIER in v]
        result.append(_agreement(judge, pairs, missing=len(verdicts) - len(pairs)))
    return result


def _verdicts(scores: Sequence[Score]) -> dict[str, bool]:
    """Each judge's verdict: its first score without error; a judge that failed has none."""
    verdicts: dict[str, bool] = {}
    for score in scores:
        if score.error is None:
            verdicts.setdefault(score.judge, score.passed)
    return verdicts


def _agreement(judge: str, pairs: Sequence[tuple[bool, bool]], missing: int) -> Agreement:
    n = len(pairs)
    tp = sum(j and v for j, v in pairs)
    tn = sum(not j and not v for j, v in pairs)
    said_yes, truly_yes = sum(j for j, _ in pairs), sum(v for _, v in pairs)
    chance = said_yes * truly_yes + (n - said_yes) * (n - truly_yes)  # p_e times n^2
    kappa = None
    if n:
        kappa = 1.0 if chance == n * n else (n * (tp + tn) - chance) / (n * n - chance)
    return Agreement(
        judge=judge, n=n, missing=missing, accuracy=_ratio(tp + tn, n),
        precision=_ratio(tp, said_yes), recall=_ratio(tp, truly_yes), kappa=kappa,
    )  # fmt: skip


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def render_agreement(agreements: Sequence[Agreement]) -> str:
    """A plain-text table; an undefined metric prints as `-`."""
    width = max([len(a.judge) for a in agreements] + [5])
    header = f"{'judge':<{width}} {'n':>5} {'missing':>7} {'accuracy':>8} {'precision':>9} " \
             f"{'recall':>6} {'kappa':>6}"  # fmt: skip
    lines = [header, "-" * len(header)]
    for a in agreements:
        metrics = (_cell(a.accuracy, 8), _cell(a.precision, 9), _cell(a.recall, 6),
                   _cell(a.kappa, 6))  # fmt: skip
        lines.append(f"{a.judge:<{width}} {a.n:>5} {a.missing:>7} {' '.join(metrics)}")
    return "\n".join(lines)


def _cell(value: float | None, width: int) -> str:
    return f"{'-' if value is None else f'{value:.2f}':>{width}}"
