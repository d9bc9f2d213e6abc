"""DAG scheduler benchmarks: its overhead, and how close to the critical path it finishes.

    python bench/dag.py [--json]

scheduler_overhead_ms_per_node      a 2000-node plan of instant tools: wall time per node,
                                    validation not included (goal < 1)
gather_ms_per_node                  the floor: the same 2000 instant calls by asyncio.gather
makespan_over_critical_path         a seeded 100-node DAG whose tools take 20-200 ms: the
                                    makespan over its critical path (goal <= 1.05)
speedup_vs_langgraph_supersteps     the same DAG as plain LangGraph nodes (an edge from every
                                    dependency, joins waiting for all), run by LangGraph's
                                    superstep executor: its wall time over ours
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import random
import time
from typing import Annotated, Any, TypedDict

from langgraph.graph import START, StateGraph

from agentlab.planner import PlanNode, Ref, Scheduler, critical_path, makespan


def random_dag(size: int, seed: int) -> tuple[list[PlanNode], dict[int, float]]:
    """`size` nodes, each depending on up to three earlier ones, and each one's latency."""
    rng = random.Random(seed)
    nodes, latency = [], {}
    for index in range(1, size + 1):
        earlier = range(max(1, index - 12), index)
        deps = sorted(rng.sample(earlier, min(len(earlier), rng.randint(0, 3))))
        nodes.append(
            PlanNode(index=index, tool="work", args={"inputs": [Ref(node=d) for d in deps]})
        )
        latency[index] = rng.uniform(0.02, 0.2)
    return nodes, latency


async def overhead(size: int) -> tuple[float, float]:
    """Milliseconds per node for instant tools: through the scheduler, and by a bare gather."""
    nodes, _ = random_dag(size, seed=1)

    async def instant(node: PlanNode, args: dict[str, Any]) -> str:
        return "x"

    start = time.perf_counter()
    await Scheduler(instant).run(nodes)
    scheduled = time.perf_counter() - start
    start = time.perf_counter()
    await asyncio.gather(*(instant(node, {}) for node in nodes))
    gathered = time.perf_counter() - start
    return scheduled * 1e3 / size, gathered * 1e3 / size


async def ours(nodes: list[PlanNode], latency: dict[int, float]) -> tuple[float, float]:
    """Our makespan and the run's critical path, in seconds."""

    async def work(node: PlanNode, args: dict[str, Any]) -> str:
        await asyncio.sleep(latency[node.index])  # the tool's latency
        return str(node.index)

    results = await Scheduler(work).run(nodes)
    return makespan(results), critical_path(results)[0]


class _State(TypedDict):
    done: Annotated[list[int], operator.add]


async def langgraph_supersteps(nodes: list[PlanNode], latency: dict[int, float]) -> float:
    """Wall seconds of the same DAG as LangGraph nodes, joins waiting for all their inputs."""
    graph = StateGraph(_State)
    for node in nodes:

        async def work(state: _State, index: int = node.index) -> dict[str, list[int]]:
            await asyncio.sleep(latency[index])
            return {"done": [index]}

        graph.add_node(f"n{node.index}", work)
        deps = sorted(node.deps)
        if not deps:
            graph.add_edge(START, f"n{node.index}")
        elif len(deps) == 1:
            graph.add_edge(f"n{deps[0]}", f"n{node.index}")
        else:
            graph.add_edge([f"n{d}" for d in deps], f"n{node.index}")
    app = graph.compile()
    start = time.perf_counter()
    final = await app.ainvoke({"done": []}, {"recursion_limit": 10_000})
    assert sorted(final["done"]) == [n.index for n in nodes], "LangGraph skipped nodes"
    return time.perf_counter() - start


async def main() -> dict[str, float]:
    per_node, floor = await overhead(2000)
    nodes, latency = random_dag(100, seed=0)
    span, critical = await ours(nodes, latency)
    supersteps = await langgraph_supersteps(nodes, latency)
    return {
        "scheduler_overhead_ms_per_node": per_node,
        "gather_ms_per_node": floor,
        "makespan_s": span,
        "critical_path_s": critical,
        "makespan_over_critical_path": span / critical,
        "langgraph_supersteps_s": supersteps,
        "speedup_vs_langgraph_supersteps": supersteps / span,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = asyncio.run(main())
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    else:
        for key, value in figures.items():
            print(f"{key:<34} {value:10.4f}")
