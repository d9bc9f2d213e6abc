"""Executor benchmarks: the asyncio executor against the Ray executor on one machine.

    python bench/executors.py [--json]

trials_per_s_asyncio            48 react trials (2 OS tasks x 24 seeds, sim/0.8 at realistic
trials_per_s_ray                latency, local sandboxes, 8 at once) on each executor; Ray is
ray_vs_asyncio                  one local node (started before the clock), its actor included
ray_overhead_ms_per_trial       what Ray adds to a trial that does nothing, one at a time: the
                                difference of the two executors' marginal time per trial
                                between a 100- and a 1100-trial campaign
driver_peak_rss_mb_5000_trials  the driver's peak RSS while 5000 trials of ~100 KB
driver_peak_rss_mb_500_trials   trajectories each (530 MB of JSON in all) stream through it,
asyncio_peak_rss_mb_5000_trials 8 at once; the same for 500 trials (flat: nothing piles up);
                                the asyncio executor's for 5000, for reference

Every figure comes from a fresh child process (`--child`), so Ray's start and one campaign's
memory do not leak into another. Ray runs on loopback only (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, bench/strategies.py would shadow the `strategies` package

from agentlab.campaign.runner import Campaign
from agentlab.registry import strategy
from agentlab.tasks import load_tasks
from agentlab.trial import TrialContext
from agentlab.types import Message, Step, Task, Trajectory
from environments.os_tasks import TASKS_DIR

EASY = ["files-purge-stale-tmp", "perms-normalize-site"]
WORDS = ["the", "file", "line", "test", "error", "patch", "value", "list", "run", "step"]


@strategy("bench-sized")
class Sized:
    """Returns at once a trajectory of about `kb` KB of JSON, as a 30-step rollout writes;
    kb=0 is a trial that does nothing. Defined here, it reaches Ray's workers by value."""

    def __init__(self, kb: int = 100) -> None:
        self.kb = kb

    async def solve(self, task: Task, ctx: TrialContext) -> Trajectory:
        rng = random.Random(ctx.seed)
        steps = []
        for i in range(30 if self.kb else 0):
            text = " ".join(rng.choices(WORDS, k=self.kb * 1024 // 30 // 5))
            kind = "model_call" if i % 2 == 0 else "tool_call"
            steps.append(Step(kind=kind, outputs={"text": text}))
        return Trajectory(task_id=task.id, seed=ctx.seed, steps=steps, status="finished",
                          messages=[Message(role="user", content=task.instruction)],
                          answer="done", end_reason="submitted")  # fmt: skip


def tasks() -> list[Task]:
    return [t for t in load_tasks([TASKS_DIR]) if t.id in EASY]


def campaign(root: Path, kind: str, executor: str, trials: int) -> dict[str, float]:
    """One campaign of `kind` in this process; its wall time and this process's peak RSS."""
    if executor == "ray":
        import ray

        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    if kind == "react":
        made = Campaign(tasks(), ["react"], ["sim/0.8"], out=root / "run", sandbox="local",
                        seeds=trials // 2, concurrency=8)  # fmt: skip
    else:
        strategy = "bench-sized:kb=0" if kind == "noop" else "bench-sized:kb=100"
        made = Campaign(tasks()[:1], [strategy], ["sim/0.8"], out=root / "run", judges=[],
                        sandbox="local", seeds=trials,
                        concurrency=1 if kind == "noop" else 8)  # fmt: skip
    start = time.perf_counter()
    rows = made.run_sync(executor)  # type: ignore[arg-type]
    wall = time.perf_counter() - start
    assert len(rows) == trials and all(r.status == "finished" for r in rows), rows[:3]
    return {"wall_s": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child(kind: str, executor: str, trials: int) -> dict[str, float]:
    """`campaign` in a fresh process."""
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    if kind == "react":
        env["AGENTLAB_SIM_LATENCY"] = "realistic"
    with tempfile.TemporaryDirectory() as root:
        argv = [sys.executable, __file__, "--child", kind, executor, str(trials), root]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=1800, env=env)
    if out.returncode:
        raise RuntimeError(f"{' '.join(argv[2:6])} failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> dict[str, float]:
    figures = {}
    for executor in ("asyncio", "ray"):
        figures[f"trials_per_s_{executor}"] = 48 / child("react", executor, 48)["wall_s"]
    figures["ray_vs_asyncio"] = figures["trials_per_s_ray"] / figures["trials_per_s_asyncio"]
    marginal = {}
    for executor in ("asyncio", "ray"):
        small, large = child("noop", executor, 100), child("noop", executor, 1100)
        marginal[executor] = (large["wall_s"] - small["wall_s"]) / 1000
    figures["ray_overhead_ms_per_trial"] = (marginal["ray"] - marginal["asyncio"]) * 1e3
    figures["driver_peak_rss_mb_500_trials"] = child("sized", "ray", 500)["rss_mb"]
    figures["driver_peak_rss_mb_5000_trials"] = child("sized", "ray", 5000)["rss_mb"]
    figures["asyncio_peak_rss_mb_5000_trials"] = child("sized", "asyncio", 5000)["rss_mb"]
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "EXECUTOR", "TRIALS", "ROOT"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        kind, executor, trials, root = args.child
        print(json.dumps(campaign(Path(root), kind, executor, int(trials))))
        sys.exit(0)
    figures = main()
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in figures.items()}))
    else:
        for key, value in figures.items():
            print(f"{key:<32} {value:10.3f}")
