"""`refine`: self-refinement from checklist feedback (STICK), in one sandbox and conversation.

    refine:judge=checklist:model=sim/0.95            up to 3 rounds
    refine:judge=checklist:model=sim/0.95,rounds=5

Round 1 is a ReAct rollout. The checklist judge then grades the work; when it passes, or the
rounds are spent, refinement stops. Otherwise the agent goes on in the same sandbox and
conversation, told which items are unmet and why. The last round is not graded (no feedback
would follow): the trial's judges grade the result. A judge that cannot judge (missing score),
a round that ended in an error, or a token budget too small for another round also end it.
"""

from __future__ import annotations

import time

from agentlab.agent import Agent
from agentlab.registry import build, parse_spec, strategy
from agentlab.tools import default_tools
from agentlab.trial import Judge, TrialContext
from agentlab.types import Message, Score, Step, Task, Trajectory, Usage

FEEDBACK = """A review of your work found these requirements of the task not yet met:
{items}
Keep working in the same workspace until they are met, then call `submit` again."""


@strategy("refine")
class Refine:
    """A ReAct rollout continued with the unmet items of `judge`'s checklist, up to `rounds`."""

    def __init__(self, judge: str, rounds: int = 3) -> None:
        if rounds < 1:
            raise ValueError(f"refine: rounds={rounds} must be >= 1")
        self.rounds = rounds
        self.judge: Judge = build(parse_spec("judge", judge))

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        sandbox = await ctx.sandbox(task)
        started = time.monotonic()
        steps: list[Step] = []
        history: list[Message] | None = None
        try:
            for number in range(1, self.rounds + 1):
                limits = ctx.limits.model_copy(
                    update={"max_tokens": _remaining(ctx.limits.max_tokens, steps)}
                )
                agent = Agent(ctx.model, default_tools(), limits, seed=ctx.seed, price=ctx.price)
                offset = time.monotonic() - started  # a round times its steps from its own start
                last = await agent.run(task, sandbox, history)
                steps += [s.model_copy(update={"started_s": s.started_s + offset})
                          for s in last.steps]  # fmt: skip
                if number == self.rounds or last.end_reason in ("model_error", "env_error"):
                    break
                t0 = time.monotonic()
                score = await self.judge.score(task, last.model_copy(update={"steps": steps}),
                                               sandbox)  # fmt: skip
                then = _next(score, ctx.limits.max_tokens, steps)
                steps.append(Step(kind="judge", inputs={"round": number},
                                  outputs={"score": score.model_dump(mode="json"), "next": then},
                                  usage=score.usage, started_s=t0 - started,
                                  duration_s=time.monotonic() - t0, error=score.error))  # fmt: skip
                if then != "feedback":
                    break
                history = [*last.messages, Message(role="user", content=feedback(score))]
            trajectory = last.model_copy(
                update={"steps": steps, "duration_s": time.monotonic() - started}
            )
            trajectory.strategy = self.spec  # type: ignore[attr-defined]
            await ctx.judge(task, trajectory, sandbox)
        finally:
            await sandbox.close()
        return trajectory


def _next(score: Score, max_tokens: int | None, steps: list[Step]) -> str:
    """What follows a graded round: `feedback`, or why refinement stops."""
    if score.missing:
        return "missing"  # no verdict, so no feedback to give
    if score.passed:
        return "passed"
    if max_tokens is not None and _spent(steps) + _next_call(steps) >= max_tokens:
        return "budget"
    return "feedback"


def feedback(score: Score) -> str:
    """The user message that names the unmet items (or, without items, the judge's reason)."""
    unmet = [f"- {item.text} ({item.rationale})" if item.rationale else f"- {item.text}"
             for item in score.items if item.met is False]  # fmt: skip
    return FEEDBACK.format(items="\n".join(unmet) or f"- {score.rationale}")


def _spent(steps: list[Step]) -> int:
    usage = sum((s.usage for s in steps if s.usage is not None), Usage())
    return usage.prompt_tokens + usage.completion_tokens


def _next_call(steps: list[Step]) -> int:
    """At least what the next model call costs: its prompt holds the last call's whole exchange."""
    last = next((s.usage for s in reversed(steps) if s.usage is not None), Usage())
    return last.prompt_tokens + last.completion_tokens


def _remaining(max_tokens: int | None, steps: list[Step]) -> int | None:
    """The token budget left for a round: the whole refinement shares `max_tokens`."""
    return None if max_tokens is None else max_tokens - _spent(steps)
