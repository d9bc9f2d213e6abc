"""The event-driven scheduler, driven by tools the test releases by hand: no sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentlab.planner import NodeResult, PlanNode, Scheduler, critical_path, makespan, parse_plan


class Gated:
    """Tool calls that finish when the test says so; it records what ran when."""

    def __init__(self) -> None:
        self.gates: dict[int, asyncio.Event] = {}
        self.started: list[int] = []
        self.running = 0
        self.most = 0
        self.failing: set[int] = set()

    def gate(self, index: int) -> asyncio.Event:
        return self.gates.setdefault(index, asyncio.Event())

    async def __call__(self, node: PlanNode, args: dict[str, Any]) -> str:
        self.started.append(node.index)
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await self.gate(node.index).wait()
        finally:
            self.running -= 1
        if node.index in self.failing:
            raise RuntimeError(f"tool {node.tool} broke")
        return f"out{node.index}({','.join(f'{k}={v}' for k, v in sorted(args.items()))})"


async def until(condition: Any) -> None:
    """Lets the scheduler's tasks run until `condition()` holds (a bounded number of turns)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


DIAMOND = '1. a()\n2. b(x=$1)\n3. c(x="in " + $1)\n4. d(x=[$2, $3])\n5. e()'


async def test_a_node_starts_when_its_last_dependency_ends_not_when_a_wave_does() -> None:
    tools = Gated()
    run = asyncio.create_task(Scheduler(tools).run(parse_plan(DIAMOND).nodes))
    await until(lambda: tools.started == [1, 5])  # roots at once
    tools.gate(1).set()
    await until(lambda: sorted(tools.started) == [1, 2, 3, 5])
    tools.gate(2).set()
    await asyncio.sleep(0)
    assert 4 not in tools.started  # still waits for $3
    tools.gate(3).set()
    await until(lambda: 4 in tools.started)
    assert tools.running == 2  # $4 and $5, which still runs: no waiting for a wave to end
    tools.gate(4).set()
    tools.gate(5).set()
    results = await run
    assert results[4].args == {"x": ["out2(x=out1())", "out3(x=in out1())"]}
    for result in results.values():
        assert result.ok and result.started_s is not None
        assert all(result.started_s >= results[d].ended_s for d in result.deps)  # type: ignore[operator]


async def test_a_tool_takes_at_most_its_concurrency() -> None:
    tools = Gated()
    plan = parse_plan("\n".join(f"{i}. slow()" for i in range(1, 7)) + "\n7. fast()")
    run = asyncio.create_task(Scheduler(tools, concurrency={"slow": 2}).run(plan.nodes))
    await until(lambda: len(tools.started) == 3)
    assert sorted(tools.started) == [1, 2, 7]
    for index in range(1, 8):
        tools.gate(index).set()
    await run
    assert tools.most <= 3 and sorted(tools.started) == list(range(1, 8))


@pytest.mark.parametrize("cancel", [True, False])
async def test_a_failure_is_an_observation_and_its_dependants_follow_the_setting(
    cancel: bool,
) -> None:
    tools = Gated()
    tools.failing = {1}
    for index in range(1, 6):
        tools.gate(index).set()
    results = await Scheduler(tools, cancel_dependants=cancel).run(parse_plan(DIAMOND).nodes)
    assert results[1].status == "failed" and results[1].output == "RuntimeError: tool a broke"
    assert results[5].ok  # independent of the failure
    if cancel:
        assert [results[i].status for i in (2, 3, 4)] == ["cancelled"] * 3
        assert results[2].output.startswith("cancelled: $1 failed: RuntimeError")
        assert results[4].started_s is None
    else:
        assert results[2].ok and results[2].args == {"x": "RuntimeError: tool a broke"}


async def test_a_hanging_tool_times_out_and_the_rest_goes_on() -> None:
    tools = Gated()
    for index in (2, 3, 4, 5):
        tools.gate(index).set()  # $1 never returns
    scheduler = Scheduler(tools, timeouts={"a": 0.01}, cancel_dependants=True)
    results = await scheduler.run(parse_plan(DIAMOND).nodes)
    assert results[1].status == "timeout" and results[1].output == "timed out after 0.01s"
    assert results[2].status == "cancelled" and results[5].ok


async def test_nodes_dispatch_as_they_stream_in_and_finished_ones_are_not_rerun() -> None:
    tools = Gated()
    arrived = asyncio.Event()

    async def stream() -> AsyncIterator[PlanNode]:
        nodes = parse_plan(DIAMOND).nodes
        yield nodes[0]
        await arrived.wait()  # the rest of the plan is still being written
        for node in nodes[1:]:
            yield node

    done = {1: NodeResult(index=1, tool="a", status="done", output="kept")}
    run = asyncio.create_task(Scheduler(tools).run(stream(), done=done))
    await until(lambda: not tools.started)
    arrived.set()
    await until(lambda: sorted(tools.started) == [2, 3, 5])
    for index in (2, 3, 4, 5):
        tools.gate(index).set()
    results = await run
    assert 1 not in tools.started and results[1].output == "kept"
    assert results[2].args == {"x": "kept"}


def test_the_critical_path_is_the_longest_chain_by_run_time() -> None:
    def node(index: int, deps: list[int], start: float, end: float) -> NodeResult:
        return NodeResult(index=index, tool="t", deps=deps, status="done", output="",
                          started_s=start, ended_s=end)  # fmt: skip

    results = {1: node(1, [], 0, 1), 2: node(2, [1], 1, 4), 3: node(3, [1], 1, 2),
               4: node(4, [2, 3], 4, 5), 5: node(5, [], 0, 4.5)}  # fmt: skip
    assert critical_path(results) == (5.0, [1, 2, 4])
    assert makespan(results) == 5.0


def test_a_concurrency_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match=r"concurrency\['a'\]=0 must be >= 1"):
        Scheduler(Gated(), concurrency={"a": 0})
