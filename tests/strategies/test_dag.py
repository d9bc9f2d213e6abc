"""The `dag` strategy: a plan's nodes run in the task's sandbox, outputs flow into commands,
sub-tasks go to another strategy, and the verifier judges the joiner's answer. The model is a
scripted fake of our ModelClient protocol: the simulated planner is not there yet."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agentlab import Campaign
from agentlab.agent import Limits
from agentlab.campaign.store import Store
from agentlab.cli import main
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_task
from agentlab.trial import TrialContext
from agentlab.types import Choice, Completion, Message, Task, ToolCall, Usage
from judges.verifier import VerifierJudge

PLAN = """Thought: both factors are independent; the product needs both.
1. shell(command="echo 6")
2. shell(command="echo 7 | tee seven.txt")
3. shell(command="echo $((" + $1 + " * " + $2 + "))")
4. solve(subtask="Say 42.")
5. join()
"""


class Scripted:
    """Planner: PLAN, line by line. Joiner: finishes with the product node's output. Policy
    (the sub-task's react): submits "42"."""

    name = "scripted"

    def __init__(self, plan: str = PLAN) -> None:
        self.roles: list[str] = []
        self.plan = plan

    async def complete(self, messages: Sequence[Message], *, on_text: Any = None,
                       metadata: dict[str, str] | None = None, **_: Any) -> Completion:  # fmt: skip
        role = (metadata or {}).get("role", "policy")
        self.roles.append(role)
        calls: list[ToolCall] = []
        text = ""
        if role == "planner":
            text = self.plan
            for line in text.splitlines(keepends=True):
                if on_text is not None:
                    on_text(line)
        elif role == "joiner":
            shown = messages[-1].content or ""
            product = shown.split(' + $2 + "))") -> done: ')[-1].split("\n")[0]
            text = json.dumps({"action": "finish", "answer": product})
        else:
            calls = [ToolCall(id="c1", name="submit", arguments='{"answer": "42"}')]
        message = Message(role="assistant", content=text, tool_calls=calls)
        return Completion(model=self.name, choices=[Choice(message=message)],
                          usage=Usage(prompt_tokens=20, completion_tokens=10))  # fmt: skip


async def test_the_plan_runs_in_the_sandbox_and_the_joiners_answer_is_judged(
    product_task: Task,
) -> None:
    model = Scripted()
    ctx = TrialContext(model, LocalProvider(), [VerifierJudge()], Limits(max_steps=5), seed=3)
    trial = await build(parse_spec("strategy", "dag")).solve(product_task, ctx)
    assert trial.answer == "42" and trial.scores[0].passed and trial.end_reason == "submitted"
    [plan] = [s for s in trial.steps if s.kind == "plan"]
    nodes = {r["index"]: r for r in plan.outputs["results"]}
    assert plan.outputs["critical_path"] in ([1, 3], [2, 3], [4])  # chains of the DAG
    assert 0 < plan.outputs["critical_path_s"] <= plan.outputs["makespan_s"]
    assert nodes[3]["args"] == {"command": "echo $((6 * 7))"} and nodes[3]["output"] == "42"
    assert nodes[4]["output"] == "42" and len(trial.branches) == 1  # the sub-task's react
    ran = [s for s in trial.steps if s.kind == "tool_call"]
    assert len(ran) == 4
    third = next(s for s in ran if s.inputs["node"] == 3)
    assert all(third.started_s >= s.started_s + s.duration_s for s in ran
               if s.inputs["node"] in (1, 2))  # fmt: skip
    assert model.roles.count("planner") == 1 and model.roles.count("joiner") == 1
    assert trial.usage.prompt_tokens == 20 * len(model.roles)  # planner, joiner, sub-task


HANGS = """1. shell(command="sleep 30")
2. shell(command="echo after " + $1)
3. shell(command="echo 42")
4. join()
"""


@pytest.mark.parametrize("cancel", [True, False])
async def test_a_hanging_node_times_out_and_its_dependants_follow_the_setting(
    product_task: Task, cancel: bool
) -> None:
    ctx = TrialContext(Scripted(HANGS), LocalProvider(), [], Limits(max_steps=5), seed=0)
    spec = f"dag:max_replans=0,timeout=0.5,cancel_dependants={str(cancel).lower()}"
    trial = await build(parse_spec("strategy", spec)).solve(product_task, ctx)
    [plan] = [s for s in trial.steps if s.kind == "plan"]
    status = {r["index"]: (r["status"], r["output"]) for r in plan.outputs["results"]}
    assert status[1] == ("timeout", "timed out after 0.5s") and status[3] == ("done", "42")
    if cancel:
        assert status[2][0] == "cancelled"
    else:
        assert status[2] == ("done", "after timed out after 0.5s")


def test_bad_arguments_are_errors() -> None:
    with pytest.raises(ValueError, match="max_replans=-1 must be >= 0"):
        build(parse_spec("strategy", "dag:max_replans=-1"))
    with pytest.raises(ValueError, match="unknown strategy 'nope'"):
        build(parse_spec("strategy", "dag:sub_strategy=nope"))


SUITE = Path(__file__).parents[2] / "environments" / "parallel_tools" / "tasks"
PAIR = [SUITE / "city-density-pair", SUITE / "founder-home-currency"]


def solved(out: Path) -> list[tuple[str, bool | None]]:
    store = Store(out / "store.sqlite")
    rows = store.rows()
    store.close()
    assert all(r.status == "finished" for r in rows), [r.error for r in rows]
    return sorted((r.strategy, r.passed) for r in rows)


async def test_dag_and_react_run_in_a_campaign_on_the_sim_from_python(tmp_path: Path) -> None:
    tasks = [load_task(p) for p in PAIR]
    await Campaign(tasks, ["dag", "react"], ["sim/1.0"], out=tmp_path, sandbox="local").run()
    assert solved(tmp_path) == [("dag", True)] * 2 + [("react", True)] * 2


def test_dag_runs_in_a_campaign_from_the_cli(tmp_path: Path) -> None:
    args = ["run", "--tasks", *map(str, PAIR), "--model", "sim/0.7", "--strategy",
            "dag:max_replans=3", "--out", str(tmp_path), "--sandbox", "local"]  # fmt: skip
    assert main(args) == 0
    outcomes = solved(tmp_path)
    assert [s for s, _ in outcomes] == ["dag:max_replans=3"] * 2
