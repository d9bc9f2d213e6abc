"""The event-driven scheduler: each plan node starts the moment its last dependency finishes.

Nodes may arrive while earlier ones run (from a plan still streaming in): each gets a task that
awaits its dependencies' futures, takes its tool's concurrency slot, and runs under its timeout.
Nothing polls. A node's failure is an observation like any output: its dependants are cancelled
(the default) or run with the error text in place of the output. Every node's start and end are
kept, so the critical path and the makespan can be compared.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from agentlab.planner.plan import Concat, PlanNode, Ref

NodeStatus = Literal["done", "failed", "timeout", "cancelled"]
NodeCall = Callable[[PlanNode, dict[str, Any]], Awaitable[str]]
DEFAULT_TIMEOUT_S = 300.0


class NodeResult(BaseModel):
    """What one plan node did; `output` is its result, or what went wrong, for the joiner."""

    index: int
    tool: str
    line: str = Field("", description="the plan line it came from")
    deps: list[int] = Field(default_factory=list)
    args: dict[str, Any] = Field(default_factory=dict, description="references resolved")
    status: NodeStatus
    output: str
    started_s: float | None = Field(None, description="since the schedule began; None: never ran")
    ended_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "done"

    @property
    def duration_s(self) -> float:
        if self.started_s is None or self.ended_s is None:
            return 0.0
        return self.ended_s - self.started_s


class Scheduler:
    """Runs plan nodes through `call` (a node and its resolved arguments -> output text; raising
    is the node's failure), at most `concurrency[tool]` of a tool at once and each within
    `timeouts[tool]` (else `default_timeout`) seconds."""

    def __init__(
        self,
        call: NodeCall,
        *,
        concurrency: Mapping[str, int] | None = None,
        timeouts: Mapping[str, float] | None = None,
        default_timeout: float = DEFAULT_TIMEOUT_S,
        cancel_dependants: bool = True,
    ) -> None:
        for name, limit in (concurrency or {}).items():
            if limit < 1:
                raise ValueError(f"Scheduler: concurrency[{name!r}]={limit} must be >= 1")
        self.call = call
        self.slots = {name: asyncio.Semaphore(n) for name, n in (concurrency or {}).items()}
        self.timeouts = dict(timeouts or {})
        self.default_timeout = default_timeout
        self.cancel_dependants = cancel_dependants

    async def run(
        self,
        nodes: Iterable[PlanNode] | AsyncIterable[PlanNode],
        done: Mapping[int, NodeResult] | None = None,
        on_result: Callable[[NodeResult], None] | None = None,
    ) -> dict[int, NodeResult]:
        """Every node's result, in plan order. Nodes in `done` (a resumed plan's finished
        ones; read as each node arrives) are not run again: their results stand. `on_result`
        hears of each result run here as it comes, e.g. to store it."""
        started = time.monotonic()
        futures: dict[int, asyncio.Future[NodeResult]] = {}
        loop = asyncio.get_running_loop()
        async with asyncio.TaskGroup() as group:
            async for node in _each(nodes):
                future: asyncio.Future[NodeResult] = loop.create_future()
                futures[node.index] = future
                if done and node.index in done:
                    future.set_result(done[node.index])
                else:
                    finish = _finisher(future, on_result)
                    group.create_task(self._run(node, futures, started, finish))
        return {index: future.result() for index, future in futures.items()}

    async def _run(
        self,
        node: PlanNode,
        futures: Mapping[int, asyncio.Future[NodeResult]],
        started: float,
        finish: Callable[[NodeResult], None],
    ) -> None:
        deps = sorted(node.deps)
        base = {"index": node.index, "tool": node.tool, "line": node.line, "deps": deps}
        missing = [d for d in deps if d not in futures]
        if missing:  # a plan validated first never gets here
            why = f"refers to ${missing[0]}, not in the plan"
            finish(NodeResult(**base, status="failed", output=why))
            return
        inputs = {d: await futures[d] for d in deps}  # event-driven: no polling
        failed = [r for r in inputs.values() if not r.ok]
        if failed and self.cancel_dependants:
            why = f"cancelled: ${failed[0].index} {failed[0].status}: {failed[0].output}"
            finish(NodeResult(**base, status="cancelled", output=why))
            return
        args = {key: _resolve(value, inputs) for key, value in node.args.items()}
        slot = self.slots.get(node.tool)
        if slot is not None:
            await slot.acquire()
        timeout = self.timeouts.get(node.tool, self.default_timeout)
        start = time.monotonic() - started
        status: NodeStatus = "done"
        try:
            output = await asyncio.wait_for(self.call(node, args), timeout)
        except TimeoutError:
            status, output = "timeout", f"timed out after {timeout:g}s"
        except Exception as exc:  # the node's failure, for the joiner to see
            status, output = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            if slot is not None:
                slot.release()
        end = time.monotonic() - started
        finish(NodeResult(**base, args=args, status=status, output=output, started_s=start,
                          ended_s=end))  # fmt: skip


def critical_path(results: Mapping[int, NodeResult]) -> tuple[float, list[int]]:
    """The longest chain of dependent nodes by run time: its seconds and its nodes. No schedule
    can finish sooner, so makespan over this is the scheduler's overhead and waiting."""
    graph: nx.DiGraph[int] = nx.DiGraph()
    for result in results.values():
        graph.add_node(result.index)
        graph.add_edges_from((d, result.index) for d in result.deps if d in results)
    longest: dict[int, tuple[float, list[int]]] = {}
    for index in nx.topological_sort(graph):
        before = max((longest[d] for d in graph.predecessors(index)), default=(0.0, []))
        longest[index] = (before[0] + results[index].duration_s, [*before[1], index])
    return max(longest.values(), default=(0.0, []))


def makespan(results: Mapping[int, NodeResult]) -> float:
    """Seconds from the first node's start to the last one's end."""
    ran = [r for r in results.values() if r.started_s is not None and r.ended_s is not None]
    if not ran:
        return 0.0
    return max(r.ended_s for r in ran if r.ended_s is not None) - min(
        r.started_s for r in ran if r.started_s is not None
    )


def _finisher(
    future: asyncio.Future[NodeResult], on_result: Callable[[NodeResult], None] | None
) -> Callable[[NodeResult], None]:
    def finish(result: NodeResult) -> None:
        if on_result is not None:
            on_result(result)
        future.set_result(result)

    return finish


async def _each(nodes: Iterable[PlanNode] | AsyncIterable[PlanNode]) -> AsyncIterable[PlanNode]:
    if isinstance(nodes, AsyncIterable):
        async for node in nodes:
            yield node
    else:
        for node in nodes:
            yield node


def _resolve(value: Any, inputs: Mapping[int, NodeResult]) -> Any:
    """`value` with each reference replaced by that node's output text."""
    if isinstance(value, Ref):
        return inputs[value.node].output
    if isinstance(value, Concat):
        return "".join(_resolve(part, inputs) for part in value.parts)
    if isinstance(value, list):
        return [_resolve(item, inputs) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, inputs) for key, item in value.items()}
    return value
