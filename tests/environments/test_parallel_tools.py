"""The parallel_tools family: its generator, tools and oracles, and the DAGs its plans make.

Lookups sleep (0.2 to 1 s), so only a few oracles and plans run in full; every task's plan is
checked structurally against its solve.sh, with lookups answered from data.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from agentlab import environment
from agentlab.models.sim import split_steps
from agentlab.planner import (
    Concat,
    PlanNode,
    Scheduler,
    makespan,
    named_args,
    parse_plan,
    validate_plan,
)
from agentlab.planner.tools import shell
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.types import Task
from agentlab.validate import validate_tasks
from environments.parallel_tools import TASKS_DIR, make_tasks

FAMILY = TASKS_DIR.parent.resolve()
TOOLS = {"shell": shell}
TASK_IDS = sorted(p.name for p in TASKS_DIR.iterdir())
SHAPES = {"fan-in", "chain", "diamond", "parallel-chains"}


def plan_of(task_id: str) -> list[PlanNode]:
    plan = parse_plan((TASKS_DIR / task_id / "solution/plan.txt").read_text())
    assert plan.joined
    return plan.nodes


def expected(task_id: str) -> dict[str, str]:
    answer: dict[str, str] = json.loads((TASKS_DIR / task_id / "tests/expected.json").read_text())
    return answer


def command(node: PlanNode, outputs: dict[int, str]) -> str:
    """The node's shell command with the outputs it refers to written in."""
    value = node.args["command"]
    if isinstance(value, Concat):
        return "".join(p if isinstance(p, str) else outputs[p.node] for p in value.parts)
    assert isinstance(value, str)
    return value


def graph_of(task_id: str) -> nx.DiGraph[int]:
    return validate_plan(parse_plan((TASKS_DIR / task_id / "solution/plan.txt").read_text()), TOOLS)


def test_the_committed_tasks_are_what_the_generator_writes(tmp_path: Path) -> None:
    make_tasks.write_tasks(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert written == sorted(p.relative_to(TASKS_DIR) for p in TASKS_DIR.rglob("*"))
    for rel in written:
        ours, theirs = tmp_path / rel, TASKS_DIR / rel
        if theirs.is_symlink():
            assert ours.is_symlink() and os.readlink(ours) == os.readlink(theirs), rel
        elif theirs.is_file():
            assert ours.read_bytes() == theirs.read_bytes(), f"{rel}: rerun make_tasks"
            assert os.access(ours, os.X_OK) == os.access(theirs, os.X_OK), rel


def test_the_suite_spans_sizes_shapes_and_difficulties() -> None:
    tasks = load_tasks([TASKS_DIR])
    assert 12 <= len(tasks) <= 16 and sorted(t.id for t in tasks) == TASK_IDS
    assert {t.difficulty for t in tasks} == {"easy", "medium", "hard"}
    assert {t.tags[0] for t in tasks} == SHAPES
    for task in tasks:
        assert task.family == "parallel_tools" and task.agent.wants_answer
        assert not task.environment.needs_container
        nodes = plan_of(task.id)
        lookups = sum(str(n.args["command"]).count("./lookup ") for n in nodes)
        assert 3 <= lookups <= 8, (task.id, lookups)
        assert task.difficulty == make_tasks.difficulty(len(nodes)), task.id
        for tool in make_tasks.TOOLS:
            copy = TASKS_DIR / task.id / "environment" / tool
            assert copy.read_bytes() == (FAMILY / "tools" / tool).read_bytes()
            assert os.access(copy, os.X_OK) and not copy.is_symlink()
        assert (TASKS_DIR / task.id / "tests/test.sh").resolve() == FAMILY / "verify.sh"


def step_output(step: str, workspace: Path, facts: dict[str, Any]) -> str:
    """What an oracle step prints: a lookup's value from data.json (without its latency), else
    what the command prints when run in the workspace."""
    step = step.removesuffix(" >&2")
    if step.startswith("./lookup "):
        return str(facts[step.removeprefix("./lookup ")]["value"])
    done = subprocess.run(["bash", "-c", step], cwd=workspace, capture_output=True, text=True,
                          timeout=30, check=True)  # fmt: skip
    return done.stdout.rstrip("\n")


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_every_plan_is_a_dag_doing_what_solve_sh_does(task_id: str) -> None:
    task = TASKS_DIR / task_id
    graph = graph_of(task_id)
    assert nx.is_directed_acyclic_graph(graph) and nx.is_weakly_connected(graph)
    nodes = plan_of(task_id)
    assert [n.index for n in nodes] == list(range(1, len(nodes) + 1))
    assert all(n.tool == "shell" for n in nodes)
    steps = split_steps((task / "solution/solve.sh").read_text())
    assert len(steps) == len(nodes)
    assert all(s.endswith(" >&2") for s in steps[:-1]) and not steps[-1].endswith(" >&2")
    facts = json.loads((task / "environment/data.json").read_text())
    assert all(0.2 <= fact["latency_s"] <= 1.0 for fact in facts.values())
    outputs: dict[int, str] = {}
    for node, step in zip(nodes, steps, strict=True):
        assert command(node, outputs) == step.removesuffix(" >&2"), node.line
        outputs[node.index] = step_output(step, task / "environment", facts)
    assert outputs[len(nodes)] == expected(task_id)["answer"]
    assert list(graph.successors(len(nodes))) == []  # the answer is the plan's sink


def test_the_suite_has_real_parallelism() -> None:
    """Critical path over node count, by task: 1 is a chain, less leaves room to overlap."""
    ratios = {}
    for task_id in TASK_IDS:
        graph = graph_of(task_id)
        ratios[task_id] = (nx.dag_longest_path_length(graph) + 1) / graph.number_of_nodes()
    assert min(ratios.values()) < 0.25 and max(ratios.values()) == 1.0  # wide and chains
    assert statistics.mean(ratios.values()) < 0.6, ratios


# -- the tools ------------------------------------------------------------------------------

evaluate = runpy.run_path(str(FAMILY / "tools/calc"))["evaluate"]


@pytest.mark.parametrize(
    ("expr", "value"),
    [("(3 + 4) * 2", "14"), ("412000 / 105.4", "3908.9184"), ("6 / 3", "2"), ("-1.5 * 3", "-4.5"),
     ("7 // 2 + 7 % 2", "4"), ("2 ** 10", "1024"), ("1e3 / 8", "125")],
)  # fmt: skip
def test_calc_evaluates_arithmetic(expr: str, value: str) -> None:
    assert evaluate(expr) == value


@pytest.mark.parametrize("expr", ["1 / 0", "abc", "__import__('os')", "2 ** 1000", "(-8) ** 0.5",
                                  "", "1 +"])  # fmt: skip
def test_calc_rejects_what_is_not_arithmetic(expr: str) -> None:
    with pytest.raises((ValueError, ZeroDivisionError)):
        evaluate(expr)


def test_the_tools_print_values_and_fail_with_a_message(tmp_path: Path) -> None:
    for tool in make_tasks.TOOLS:
        shutil.copy2(FAMILY / "tools" / tool, tmp_path / tool)
    facts = {"a.x": {"value": "12", "latency_s": 0.2}, "b.y": {"value": "ostrin", "latency_s": 0.3}}
    (tmp_path / "data.json").write_text(json.dumps(facts))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=30,
                              check=False)  # fmt: skip

    assert run("./lookup", "--keys").stdout == "a.x\nb.y\n"
    assert run("./lookup", "b.y").stdout == "ostrin\n"
    unknown = run("./lookup", "c.z")
    assert unknown.returncode == 1 and "unknown key 'c.z'" in unknown.stderr
    assert run("./lookup").returncode == 2
    assert run("./calc", "(3 + 4) * 2").stdout == "14\n"
    bad = run("./calc", "1 / 0")
    assert bad.returncode == 1 and bad.stderr == "calc: bad expression '1 / 0': division by zero\n"


# -- oracles and plans, run -----------------------------------------------------------------

SAMPLE = ["founder-age-at-founding", "capital-density", "hq-population-gap"]


async def test_a_sample_of_tasks_is_valid_on_local_sandboxes() -> None:
    tasks = load_tasks([TASKS_DIR / t for t in SAMPLE])
    results = await validate_tasks(tasks, LocalProvider(), concurrency=len(SAMPLE))
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


async def run_plan(task: Task) -> tuple[str, float, float]:
    """The plan run by the scheduler in a local sandbox: the last node's output, the schedule's
    makespan and the sum of the nodes' run times."""
    sandbox = await environment.start(task, LocalProvider())
    try:

        async def call(node: PlanNode, args: dict[str, Any]) -> str:
            resolved = node.model_copy(update={"args": args})
            arguments = shell.arguments.model_validate(named_args(resolved, shell))
            return str(await shell.fn(sandbox, **dict(arguments)))

        results = await Scheduler(call).run(plan_of(task.id))
    finally:
        await sandbox.close()
    assert all(r.ok for r in results.values()), [r.output for r in results.values()]
    busy = sum(r.duration_s for r in results.values())
    return results[len(results)].output, makespan(results), busy


async def test_plans_run_through_the_scheduler_give_the_answer_in_parallel() -> None:
    ids = ["city-density-four", "capitals-combined-population"]
    runs = await asyncio.gather(*(run_plan(t) for t in load_tasks([TASKS_DIR / i for i in ids])))
    for task_id, (answer, span, busy) in zip(ids, runs, strict=True):
        assert answer == expected(task_id)["answer"]
        assert span < 0.75 * busy, (task_id, span, busy)


@pytest.mark.docker
@pytest.mark.slow
async def test_every_task_is_valid_on_docker(docker_provider: DockerProvider) -> None:
    results = await validate_tasks(load_tasks([TASKS_DIR]), docker_provider, concurrency=4)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]
