"""`best_of_n`: N independent samples of any inner strategy, and one of them chosen.

    best_of_n:n=8,select=vote                   majority vote over answers (or final workspaces)
    best_of_n:n=8,select=judge,judge=checklist  the sample a selection judge scores highest
    best_of_n:n=8,select=weighted_vote,judge=X  votes weighted by that judge's scores
    best_of_n:n=8,select=oracle                 the verifier as an oracle: coverage, pass@N
    best_of_n:n=8,select=tournament,judge="llm_judge:model=sim/0.9,mode=pairwise"
                                                a knockout of pairwise comparisons
    best_of_n:n=4,inner="react:max_steps=10"    any registered strategy as the sampler

Samples run concurrently (`concurrency` at a time, default all), each with its own seed and
sandbox, and each judged in its sandbox by the trial's judges (and the selection judge). What
they vote with is the submitted answer for question tasks, else a digest of the final workspace
(the same files, the same vote), so majority voting also works over patches. The result is
the chosen sample's answer and scores, with every sample kept as a branch: the trial's cost is
that of the whole search. A tournament pairs the samples in order, and each pair's winner (the
earlier on a tie) meets the next: n - 1 comparisons, each asked in both orders by the judge.
"""

from __future__ import annotations

import asyncio
import hashlib
import traceback
from collections import Counter
from dataclasses import replace
from typing import Literal

from agentlab.registry import build, parse_spec, strategy
from agentlab.sandbox.base import Sandbox
from agentlab.trial import Judge, PairwiseJudge, TrialContext
from agentlab.types import Score, Step, Task, Trajectory, Usage
from agentlab.verifier import JUDGE_NAME

Selection = Literal["judge", "vote", "weighted_vote", "oracle", "tournament"]
DIGEST = (  # names, modes and contents in a fixed order; three processes, however many files
    "tar --sort=name --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner"
    " --exclude=./.git --exclude=__pycache__ --exclude='*.pyc' -cf - . | sha256sum"
)
DIGEST_JUDGE = "workspace_digest"


def sample_seed(seed: int, index: int) -> int:
    """A seed for sample `index` of the trial seeded `seed`: distinct, stable, 31 bits."""
    digest = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


@strategy("best_of_n")
class BestOfN:
    """Samples `n` solutions with `inner` and keeps the one `select` picks."""

    def __init__(
        self,
        n: int = 4,
        select: Selection = "vote",
        inner: str = "react",
        judge: str | None = None,
        concurrency: int | None = None,
    ) -> None:
        if n < 1:
            raise ValueError(f"best_of_n: n={n} must be >= 1")
        if select not in ("judge", "vote", "weighted_vote", "oracle", "tournament"):
            raise ValueError(f"best_of_n: select={select!r}; choose judge, vote, weighted_vote, "
                             "oracle or tournament")  # fmt: skip
        if select in ("judge", "weighted_vote", "tournament") and judge is None:
            raise ValueError(f"best_of_n: select={select} needs judge=NAME[:key=value,...]")
        self.n, self.select, self.concurrency = n, select, concurrency or n
        self.inner = parse_spec("strategy", inner)
        build(self.inner)  # an unknown inner strategy fails here, naming what exists
        self.selector: Judge | None = build(parse_spec("judge", judge)) if judge else None
        self.pairwise = _pairwise(self.selector)
        if self.selector is not None and (select == "tournament") != bool(self.pairwise):
            need = PAIRWISE if select == "tournament" else SCORING
            raise ValueError(f"best_of_n: select={select} needs {need}, not judge={judge}")

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        return await self.conclude(task, ctx, await self.draw(task, ctx, range(self.n)))

    async def draw(self, task: Task, ctx: TrialContext, indices: range) -> list[Trajectory]:
        """Samples number `indices` (their seeds derive from the index), judged in their
        sandboxes by the trial's judges and then the selection judges, in that order."""
        gate = asyncio.Semaphore(self.concurrency)
        judges = [*ctx.judges, *self._extra_judges(task)]
        if self.select == "oracle" and not any(_is_verifier(j) for j in ctx.judges):
            raise ValueError("best_of_n: select=oracle needs the verifier among the judges")

        async def sample(index: int) -> Trajectory:
            seed = sample_seed(ctx.seed, index)
            async with gate:
                try:
                    return await build(self.inner).solve(
                        task, replace(ctx, judges=judges, seed=seed)
                    )
                except Exception as exc:  # one broken sample is not a broken search
                    return Trajectory(task_id=task.id, model=ctx.model.name, seed=seed,
                                      strategy=self.inner, status="error",
                                      error="".join(traceback.format_exception(exc)))  # fmt: skip

        return list(await asyncio.gather(*(sample(i) for i in indices)))

    async def conclude(
        self, task: Task, ctx: TrialContext, samples: list[Trajectory]
    ) -> Trajectory:
        """The trial's result: the chosen sample's answer and scores, every sample a branch."""
        k = len(ctx.judges)  # a sample's scores: the trial's judges, then ours, in order
        usage = None
        if self.pairwise is not None:
            chosen, why, usage = await self._knockout(task, samples, self.pairwise)
        else:
            chosen, why = self._choose(task, samples, k)
        best = samples[chosen]
        return Trajectory(
            task_id=task.id,
            strategy=self.spec,  # type: ignore[attr-defined]
            model=ctx.model.name,
            seed=ctx.seed,
            steps=[
                Step(
                    kind="judge",
                    inputs={"select": self.select, "n": len(samples)},
                    outputs={"selected": chosen, **why},
                    usage=usage,
                )
            ],
            branches=samples,
            answer=best.answer,
            patch=best.patch,
            end_reason=best.end_reason,
            scores=[s.model_copy(update={"usage": None}) for s in best.scores[:k]],  # counted once
            status="finished" if best.status != "error" else "error",
            error=best.error,
        )

    def confidence(self, task: Task, ctx: TrialContext, samples: list[Trajectory]) -> float:
        """How sure the selection is: the winner's share of the votes, the best judge score,
        or (oracle) 1 when a sample passed; 0 when nothing can be told."""
        k = len(ctx.judges)
        if self.select == "tournament":
            raise ValueError("best_of_n: a tournament gives no confidence; choose another select")
        if self.select == "oracle":
            return 1.0 if any(_verified(s) for s in samples) else 0.0
        if self.select == "judge":
            return max(0.0, *(_value(s, k) for s in samples))
        _, why = self._choose(task, samples, k)
        votes: dict[str, float] = why["votes"]  # type: ignore[assignment]
        total = sum(votes.values())
        return max(votes.values()) / total if total else 0.0

    def _extra_judges(self, task: Task) -> list[Judge]:
        extra: list[Judge] = [self.selector] if self.selector and not self.pairwise else []
        if self.select in ("vote", "weighted_vote") and not task.agent.wants_answer:
            extra.append(WorkspaceDigest())
        return extra

    def _choose(
        self, task: Task, samples: list[Trajectory], k: int
    ) -> tuple[int, dict[str, object]]:
        """The index of the chosen sample and what the choice was based on."""
        if self.select == "oracle":
            passed = [i for i, s in enumerate(samples) if _verified(s)]
            return (passed[0] if passed else 0), {"passing": passed}
        values = [_value(s, k) for s in samples]  # the selection judge comes right after ours
        if self.select == "judge":
            return values.index(max(values)), {"scores": values}
        keys = [_vote_key(task, s, k + (self.selector is not None)) for s in samples]
        weights = values if self.select == "weighted_vote" else [1.0] * len(samples)
        tally: Counter[str] = Counter()
        for key, weight, sample in zip(keys, weights, samples, strict=True):
            if sample.status != "error":
                tally[key] += max(weight, 0.0)
        if not tally:
            return 0, {"votes": {}}
        winner = max(tally, key=lambda key: (tally[key], -keys.index(key)))  # ties: the earliest
        return keys.index(winner), {"votes": dict(tally)}

    async def _knockout(
        self, task: Task, samples: list[Trajectory], judge: PairwiseJudge
    ) -> tuple[int, dict[str, object], Usage | None]:
        """The winner of a knockout among the samples that did not error, the matches (a, b,
        winner, consistent), and what the comparisons cost."""
        alive = [i for i, s in enumerate(samples) if s.status != "error"] or [0]
        matches: list[list[object]] = []
        usage: Usage | None = None
        while len(alive) > 1:
            ahead = []
            for a, b in zip(alive[::2], alive[1::2], strict=False):
                verdict = await judge.compare(task, samples[a], samples[b])
                if verdict.usage is not None:
                    usage = verdict.usage if usage is None else usage + verdict.usage
                winner = b if verdict.winner == "b" else a  # a tie or no verdict: the earlier
                matches.append([a, b, winner, verdict.consistent])
                ahead.append(winner)
            alive = ahead + alive[len(ahead) * 2 :]  # an odd one out goes through unplayed
        return alive[0], {"matches": matches}, usage


class WorkspaceDigest:
    """Records a digest of the final workspace: what votes over patches compare (not a grade)."""

    name = DIGEST_JUDGE

    async def score(self, task: Task, trajectory: Trajectory, sandbox: Sandbox | None) -> Score:
        if sandbox is None:
            raise ValueError(f"{DIGEST_JUDGE}({task.id}): needs the trajectory's sandbox")
        result = await sandbox.exec(DIGEST, timeout=120)
        digest = result.stdout.split()[0] if result.ok and result.stdout else ""
        return Score(
            judge=DIGEST_JUDGE,
            value=0.0,
            passed=False,
            rationale="a digest of the final workspace, for voting",
            details={"digest": digest},
            error=None if digest else result.stderr,
        )


PAIRWISE = 'a pairwise judge, e.g. judge="llm_judge:model=sim/0.9,mode=pairwise"'
SCORING = 'a judge that scores, e.g. judge="checklist:model=sim/0.95"'


def _pairwise(judge: Judge | None) -> PairwiseJudge | None:
    """The judge as a pairwise one, when that is its job (llm_judge's `mode=pairwise`)."""
    if judge is None or getattr(judge, "mode", "pairwise") != "pairwise":
        return None
    return judge if callable(getattr(judge, "compare", None)) else None  # type: ignore[return-value]


def _is_verifier(judge: Judge) -> bool:
    return getattr(judge, "name", None) == JUDGE_NAME


def _verified(sample: Trajectory) -> bool:
    return any(s.judge == JUDGE_NAME and s.passed and not s.error for s in sample.scores)


def _value(sample: Trajectory, index: int) -> float:
    """The score at `index`; missing, failed or absent ranks below every real score."""
    if sample.status == "error" or len(sample.scores) <= index:
        return -1.0
    score = sample.scores[index]
    return -1.0 if score.error or score.value is None else score.value


def _vote_key(task: Task, sample: Trajectory, digest_index: int) -> str:
    if task.agent.wants_answer:
        return (sample.answer or "").strip()
    scores = sample.scores
    digest = scores[digest_index].details.get("digest") if len(scores) > digest_index else None
    return str(digest) if digest else f"unreadable:{id(sample)}"  # never agrees with another
