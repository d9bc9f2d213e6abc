"""Strategy benchmarks: what a search costs in wall time against one rollout.

    python bench/strategies.py [--json]

best_of_64_wall_ratio       best-of-64 (all samples at once) over one rollout, the sim answering
                            in 0.5 s a call, local sandboxes from a pool warmed with 64 before
                            each; goal <= 1.3
best_of_64_cold_wall_ratio  the same without a pool: every sandbox started and closed in line
"""

from __future__ import annotations

import sys
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this file would shadow the `strategies` package

import argparse
import asyncio
import json
import tempfile
import time

from agentlab.agent import Limits
from agentlab.environment import sandbox_spec
from agentlab.models.sim import Latency, SimModel
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


async def ratio(task: Task, pool: SandboxPool | None) -> tuple[float, float]:
    """One rollout's wall time and best-of-64's, both under the same sandbox setup."""
    single = await wall(task, React(), pool)
    best = await wall(task, BestOfN(n=64, select="vote", concurrency=64), pool)
    return single, best


async def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-strategies-") as root:
        task = make_task(Path(root))
        cold_single, cold_best = await ratio(task, None)
        async with SandboxPool(LocalProvider(), size=64) as pool:
            single, best = await ratio(task, pool)
    return {
        "single_rollout_s": single,
        "best_of_64_s": best,
        "best_of_64_wall_ratio": best / single,
        "cold_single_rollout_s": cold_single,
        "cold_best_of_64_s": cold_best,
        "best_of_64_cold_wall_ratio": cold_best / cold_single,
    }


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
