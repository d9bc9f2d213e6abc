"""The planner's loop (plan and run, join, replan) with a scripted model: a fake of our own
ModelClient protocol that streams each plan line by line and replies to the joiner in JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from agentlab.planner import PlanNode, named_args
from agentlab.planner.loop import DagPlanner
from agentlab.sandbox.base import Sandbox
from agentlab.tools import Tool, tool
from agentlab.types import Choice, Completion, Message, Usage


@tool
async def fetch(sandbox: Sandbox, key: str) -> str:
    """Looks a key up."""
    return {"a": "3", "b": "4"}.get(key, "?")


@tool
async def add(sandbox: Sandbox, x: int, y: int) -> str:
    """x + y."""
    return str(x + y)


TOOLS: dict[str, Tool] = {t.name: t for t in (fetch, add)}
GOOD = """Thought: two lookups, then the sum.
1. fetch(key="a")
2. fetch("b")
3. add(x=$1, y=$2)
4. join()
"""
FINISH = {"thought": "done", "action": "finish", "answer": "7"}


class Scripted:
    """Plans and verdicts in order; the planner's text goes out a line at a time."""

    name = "scripted"

    def __init__(self, plans: Sequence[str], verdicts: Sequence[dict[str, Any]]) -> None:
        self.plans, self.verdicts = list(plans), list(verdicts)
        self.calls: dict[str, list[list[Message]]] = {"planner": [], "joiner": []}
        self.between_lines: Callable[[int], Any] | None = None

    async def complete(self, messages: Sequence[Message], *, on_text: Any = None,
                       metadata: dict[str, str] | None = None, **_: Any) -> Completion:  # fmt: skip
        role = (metadata or {})["role"]
        self.calls[role].append(list(messages))
        if role == "joiner":
            text = json.dumps(self.verdicts.pop(0))
        else:
            text = self.plans.pop(0)
            for number, line in enumerate(text.splitlines(keepends=True)):
                if on_text is not None:
                    on_text(line)
                if self.between_lines is not None:
                    await self.between_lines(number)
        usage = Usage(prompt_tokens=10, completion_tokens=len(text) // 4)
        message = Message(role="assistant", content=text)
        return Completion(model=self.name, choices=[Choice(message=message)], usage=usage)


class Runner:
    """Runs nodes with the real tools' argument models; counts calls; can hold a node."""

    def __init__(self) -> None:
        self.ran: list[int] = []
        self.started = {i: asyncio.Event() for i in range(1, 10)}
        self.interrupt_at: int | None = None

    async def __call__(self, node: PlanNode, args: dict[str, Any]) -> str:
        self.ran.append(node.index)
        self.started[node.index].set()
        if node.index == self.interrupt_at:
            raise Interrupted()
        t = TOOLS[node.tool]
        arguments = t.arguments.model_validate(
            named_args(node.model_copy(update={"args": args}), t)
        )
        return await t.fn(None, **arguments.model_dump())


class Interrupted(BaseException):
    """As if the process were stopped in the middle of a plan."""


async def test_a_plan_runs_its_independent_calls_together_and_the_joiner_finishes() -> None:
    model, runner = Scripted([GOOD], [FINISH]), Runner()
    outcome = await DagPlanner(model, TOOLS, runner).run("Add the values of a and b.")
    assert outcome.finished and outcome.answer == "7" and len(outcome.rounds) == 1
    [round_] = outcome.rounds
    assert [r.status for r in round_.results] == ["done"] * 3 and round_.problems == []
    assert round_.results[2].args == {"x": "3", "y": "4"} and round_.results[2].output == "7"
    assert [u.role for u in outcome.usage] == ["planner", "planner"]
    joiner_prompt = model.calls["joiner"][0][-1].content or ""
    assert "3. add(x=$1, y=$2) -> done: 7" in joiner_prompt


async def test_nodes_run_while_the_plan_is_still_being_written() -> None:
    model, runner = Scripted([GOOD], [FINISH]), Runner()

    async def after(number: int) -> None:
        if number == 1:  # the model writes line 3 only once node 1 has started
            await asyncio.wait_for(runner.started[1].wait(), 5)

    model.between_lines = after
    outcome = await DagPlanner(model, TOOLS, runner).run("Add a and b.")
    assert outcome.finished


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ("1. add(x=$2, y=1)\n2. add(x=$1, y=1)\n3. join()", "$1: refers to $2, which no earlier"),
        ("1. add(x=$1, y=1)\n2. join()", "cycle: $1 -> $1"),
        ("1. add(x=$7, y=1)\n2. join()", "$1: refers to $7"),
        ("1. fetch(key=a)\n2. join()", "cannot parse plan line '1. fetch(key=a)'"),
        ("1. search(q='a')\n2. add(x=$1, y=2)\n3. join()", "$1: unknown tool 'search'"),
    ],
)
async def test_a_bad_plan_is_shown_to_the_joiner_and_replanned_not_a_crash(
    plan: str, problem: str
) -> None:
    replan = {"action": "replan", "feedback": "fix the plan"}
    model, runner = Scripted([plan, GOOD], [replan, FINISH]), Runner()
    outcome = await DagPlanner(model, TOOLS, runner).run("Add a and b.")
    first, second = outcome.rounds
    assert any(p.startswith(problem) for p in first.problems), first.problems
    assert sorted(runner.ran) == [1, 2, 3]  # all in the second round
    assert problem.split(":")[0] in (model.calls["joiner"][0][-1].content or "")
    assert "fix the plan" in (model.calls["planner"][1][-1].content or "")
    assert outcome.finished and second.problems == []


async def test_a_rejected_node_never_runs_and_neither_do_its_dependants() -> None:
    plan = "1. search(q='a')\n2. add(x=$1, y=2)\n3. fetch(key='a')\n4. join()"
    model, runner = Scripted([plan], [{"action": "finish", "answer": "3"}]), Runner()
    outcome = await DagPlanner(model, TOOLS, runner).run("Look a up.")
    assert runner.ran == [3]
    assert outcome.rounds[0].problems == [
        "$1: unknown tool 'search'; the tools are: add, fetch",
        "$2: needs $1, which was rejected",
    ]


async def test_replanning_is_bounded() -> None:
    again = {"action": "replan", "feedback": "more"}
    model = Scripted([GOOD] * 3, [again] * 3)
    outcome = await DagPlanner(model, TOOLS, Runner(), max_replans=2).run("Add a and b.")
    assert len(outcome.rounds) == 3 and not outcome.finished and outcome.answer is None


async def test_a_reply_that_is_no_verdict_becomes_a_replan() -> None:
    model = Scripted([GOOD, GOOD], [{"action": "maybe"}, FINISH])
    outcome = await DagPlanner(model, TOOLS, Runner()).run("Add a and b.")
    first = outcome.rounds[0].verdict
    assert first is not None and first.action == "replan"
    assert first.feedback and first.feedback.startswith("the joiner's reply is no verdict")
    assert outcome.finished


async def test_a_resumed_plan_does_not_run_its_finished_nodes_again(tmp_path: Path) -> None:
    checkpoint = tmp_path / "plan.sqlite"
    model, runner = Scripted([GOOD], []), Runner()
    runner.interrupt_at = 3

    async def hold_until_both_lookups_end(number: int) -> None:
        if number == 2:
            await asyncio.wait_for(asyncio.gather(runner.started[1].wait(),
                                                  runner.started[2].wait()), 60)  # fmt: skip

    model.between_lines = hold_until_both_lookups_end
    with pytest.raises(BaseException) as stopped:
        await DagPlanner(model, TOOLS, runner).run("Add a and b.", checkpoint=checkpoint,
                                                    thread="t1")  # fmt: skip
    assert stopped.group_contains(Interrupted) if isinstance(stopped.value, BaseExceptionGroup) \
        else isinstance(stopped.value, Interrupted)  # fmt: skip
    assert sorted(runner.ran) == [1, 2, 3]

    resumed_model, again = Scripted([], [FINISH]), Runner()
    outcome = await DagPlanner(resumed_model, TOOLS, again).run("Add a and b.",
                                                                checkpoint=checkpoint,
                                                                thread="t1")  # fmt: skip
    assert again.ran == [3]  # 1 and 2 finished before the stop
    assert resumed_model.calls["planner"] == []  # the stored plan, not a new one
    assert outcome.finished and outcome.rounds[0].results[2].output == "7"
