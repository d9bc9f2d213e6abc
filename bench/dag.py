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
speedup_vs_react                    the parallel-tools suite (environments/parallel_tools), sim/1.0
                                    with realistic latency, local sandboxes: ReAct's total wall
                                    time over the dag strategy's, every answer right
ideal_speedup                       what the suite's DAGs allow for their tool time: the oracle
                                    plans' calls one after another over their critical paths
                                    (totals; measured by running the plans through the scheduler).
                                    Model calls aside: ReAct also makes one per call, dag two
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import random
import sys
import time
from pathlib import Path
from typing import Annotated, Any, TypedDict

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # as a script, bench/ would come first; keep the packages' own names

from langgraph.graph import START, StateGraph

from agentlab.agent import Limits
from agentlab.config import parse_sim_latency
from agentlab.environment import start as start_sandbox
from agentlab.models.sim import Latency, SimModel
from agentlab.planner import PlanNode, Ref, Scheduler, critical_path, makespan, parse_plan
from agentlab.planner.tools import shell
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.trial import TrialContext
from agentlab.types import Task
from environments.parallel_tools import TASKS_DIR
from judges.verifier import VerifierJudge


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


async def trial_s(task: Task, spec: str, model: SimModel) -> float:
    """Wall seconds of one seeded trial of `spec` on `task`; its answer must be right."""
    ctx = TrialContext(model, LocalProvider(), [VerifierJudge()], Limits(max_steps=20), seed=0)
    start = time.perf_counter()
    trajectory = await build(parse_spec("strategy", spec)).solve(task, ctx)
    elapsed = time.perf_counter() - start
    assert trajectory.scores[0].passed, (spec, task.id, trajectory.answer, trajectory.error)
    return elapsed


async def oracle_times(task: Task) -> tuple[float, float]:
    """The oracle plan's tool seconds one node after another, and its critical path."""
    sandbox = await start_sandbox(task, LocalProvider())
    try:

        async def run(node: PlanNode, args: dict[str, Any]) -> str:
            return await shell.fn(sandbox, **args)

        plan = (task.solution_dir or task.path) / "plan.txt"  # type: ignore[operator]
        results = await Scheduler(run).run(parse_plan(plan.read_text()).nodes)
    finally:
        await sandbox.close()
    assert all(r.ok for r in results.values()), task.id
    return sum(r.duration_s for r in results.values()), critical_path(results)[0]


async def suite() -> dict[str, float]:
    """ReAct against dag on every parallel-tools task, and what the DAGs allow at most."""
    model = SimModel(1.0, latency=Latency(*parse_sim_latency("realistic")))
    tasks = load_tasks([TASKS_DIR])
    react = [await trial_s(task, "react", model) for task in tasks]
    dag = [await trial_s(task, "dag", model) for task in tasks]
    oracle = [await oracle_times(task) for task in tasks]
    return {
        "suite_tasks": float(len(tasks)),
        "react_s": sum(react),
        "dag_s": sum(dag),
        "speedup_vs_react": sum(react) / sum(dag),
        "oracle_sequential_s": sum(s for s, _ in oracle),
        "oracle_critical_path_s": sum(c for _, c in oracle),
        "ideal_speedup": sum(s for s, _ in oracle) / sum(c for _, c in oracle),
    }


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
        **await suite(),
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
