"""Strategy benchmarks: what a search costs in wall time against one rollout.

    python bench/strategies.py [--json]

best_of_64_wall_ratio       best-of-64 (all samples at once, majority vote) over one rollout,
                            the sim answering in 0.5 s a call, local sandboxes from a pool
                            warmed with 64 before each; goal <= 1.3
best_of_64_core_s           CPU seconds the whole machine spent during that best-of-64 (every
                            process: ours, the shell servers, the commands); over `cores`, the
                            least wall time the machine needs for that work
best_of_64_cold_wall_ratio  the same without a pool: every sandbox started and closed in line
mcts_nodes_per_s_fork       tree nodes an MCTS (sim/0.9 policy and value, 12 simulations of 3
                            actions, no latency) makes per second under Docker, children forked
                            from snapshots; on a chain of 8 steps each running `work_s` of work
mcts_nodes_per_s_replay     the same search (the same tree) re-running the path's tool calls in a
                            fresh container for every child
"""

from __future__ import annotations

import sys
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this file would shadow the `strategies` package

import argparse
import asyncio
import json
import os
import tempfile
import time

from agentlab.agent import Limits
from agentlab.environment import sandbox_spec
from agentlab.models.registry import get_model
from agentlab.models.sim import Latency, SimModel
from agentlab.registry import build, parse_spec
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.local import LocalProvider
from agentlab.sandbox.pool import SandboxPool
from agentlab.tasks import load_task
from agentlab.trial import TrialContext
from agentlab.types import Task
from judges.verifier import VerifierJudge
from strategies.best_of_n import BestOfN
from strategies.react import React


def make_task(root: Path) -> Task:
    """Three oracle steps and a file check: four model calls per successful rollout."""
    folder = root / "bench-strategy"
    for sub in ("solution", "tests"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "easy"\n')
    (folder / "instruction.md").write_text("Write 1, 2 and 3 to numbers.txt.")
    (folder / "solution" / "solve.sh").write_text(
        "echo 1 >> numbers.txt\n\necho 2 >> numbers.txt\n\necho 3 >> numbers.txt\n"
    )
    (folder / "tests" / "test.sh").write_text(
        '[ "$(cat numbers.txt)" = "$(printf "1\\n2\\n3")" ] && r=1 || r=0; '
        'echo $r > "$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return load_task(folder)


def busy_s() -> float:
    """CPU seconds the machine has spent (every core, user and system) since boot."""
    with open("/proc/stat") as stat:
        ticks = [int(t) for t in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


async def wall(task: Task, solver: React | BestOfN, pool: SandboxPool | None) -> float:
    """Seconds `solver` takes on `task`; with a pool, warmed with 64 sandboxes beforehand."""
    provider = pool.provider if pool else LocalProvider()
    if pool:
        await pool.idle()  # the previous run's closes and refills are not this run's
        await pool.warm(await sandbox_spec(task, provider))
    model = SimModel(1.0, latency=Latency(ttft_s=0.5))
    ctx = TrialContext(model, provider, [VerifierJudge()], Limits(max_steps=10), seed=1, pool=pool)
    start = time.perf_counter()
    trajectory = await solver.solve(task, ctx)
    elapsed = time.perf_counter() - start
    assert trajectory.scores and trajectory.scores[0].passed, trajectory.scores
    return elapsed


async def ratio(task: Task, pool: SandboxPool | None) -> tuple[float, float, float]:
    """One rollout's wall time, best-of-64's, and the machine's CPU seconds during the latter."""
    single = await wall(task, React(), pool)
    before = busy_s()
    best = await wall(task, BestOfN(n=64, select="vote", concurrency=64), pool)
    return single, best, busy_s() - before


def chain_task(root: Path, work_s: float) -> Task:
    """Append 1 to 8 to chain.txt in order, each step first busy for about `work_s`."""
    folder = root / f"chain-{work_s}"
    for sub in ("solution", "tests"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "hard"\n')
    (folder / "instruction.md").write_text("Append the numbers 1 to 8 to chain.txt, in order.")
    busy = f"timeout {work_s} sh -c 'while :; do :; done'; " if work_s else ""
    steps = "\n\n".join(f"{busy}echo {i} >> chain.txt" for i in range(1, 9))
    (folder / "solution" / "solve.sh").write_text(steps + "\n")
    (folder / "tests" / "test.sh").write_text(
        '[ "$(cat chain.txt)" = "$(seq 1 8)" ] && r=1 || r=0; '
        'echo $r > "$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return load_task(folder)


async def mcts_nodes_per_s(task: Task, state: str) -> float:
    """Nodes per second of one seeded MCTS under Docker, children made by `state`."""
    mcts = build(parse_spec("strategy", f"mcts:value_model=sim/0.9,simulations=12,state={state}"))
    ctx = TrialContext(get_model("sim/0.9"), DockerProvider(), [VerifierJudge()],
                       Limits(max_steps=10), seed=3)  # fmt: skip
    start = time.perf_counter()
    trajectory = await mcts.solve(task, ctx)
    return len(trajectory.steps[0].outputs["nodes"]) / (time.perf_counter() - start)


async def main() -> dict[str, float]:
    figures: dict[str, float] = {"cores": float(os.cpu_count() or 1)}
    with tempfile.TemporaryDirectory(prefix="bench-strategies-") as root:
        task = make_task(Path(root))
        cold_single, cold_best, _ = await ratio(task, None)
        async with SandboxPool(LocalProvider(), size=64) as pool:
            single, best, core_s = await ratio(task, pool)
        figures |= {
            "single_rollout_s": single,
            "best_of_64_s": best,
            "best_of_64_wall_ratio": best / single,
            "best_of_64_core_s": core_s,
            "cold_single_rollout_s": cold_single,
            "cold_best_of_64_s": cold_best,
            "best_of_64_cold_wall_ratio": cold_best / cold_single,
        }
        for work_s in (0.0, 0.5):
            chain = chain_task(Path(root), work_s)
            fork = await mcts_nodes_per_s(chain, "fork")
            replay = await mcts_nodes_per_s(chain, "replay")
            suffix = f"_work_{work_s:g}s"
            figures |= {
                f"mcts_nodes_per_s_fork{suffix}": fork,
                f"mcts_nodes_per_s_replay{suffix}": replay,
                f"mcts_fork_speedup{suffix}": fork / replay,
            }
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = asyncio.run(main())
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in figures.items()}))
    else:
        for key, value in figures.items():
            print(f"{key:<28} {value:10.3f}")
