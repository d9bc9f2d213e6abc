"""`agentlab swebench eval` throughput on the bundled instances, with 1 and 2 workers.

    python bench/swebench_eval.py [--json]

instances_per_min_1  gold predictions for every bundled instance, one at a time
instances_per_min_2  the same with two workers
speedup_2_vs_1       the ratio, measured in the same run (2 cores: 2.0 is the ceiling)

Images are built (untimed) before either run, so the figures are evaluation alone: a sandbox
start, the patch, the tests, the grading.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from agentlab.sandbox.docker import DockerProvider, docker_client
from agentlab.sandbox.images import ensure_image
from environments.repo_issue import BUNDLED
from environments.repo_issue.evaluate import evaluate, gold_predictions
from environments.repo_issue.importer import instance_tasks
from environments.repo_issue.instances import read_instances


def main() -> dict[str, float]:
    tasks = instance_tasks(BUNDLED)
    predictions = gold_predictions(read_instances(BUNDLED))
    client = docker_client()
    for task in tasks:
        ensure_image(client, task.environment, task.environment_dir)
    provider = DockerProvider(client)
    figures: dict[str, float] = {"instances": len(tasks)}
    with tempfile.TemporaryDirectory(prefix="bench-swebench-") as out:
        for workers in (1, 2):
            start = time.perf_counter()
            folder = Path(out) / str(workers)
            run = evaluate(tasks, predictions, provider, folder, max_workers=workers)
            summary = asyncio.run(run)
            elapsed = time.perf_counter() - start
            if len(summary["resolved"]) != len(tasks):
                raise SystemExit(f"gold did not resolve every instance: {summary}")
            figures[f"instances_per_min_{workers}"] = len(tasks) / elapsed * 60
    figures["speedup_2_vs_1"] = figures["instances_per_min_2"] / figures["instances_per_min_1"]
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results = main()
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in results.items()}))
    else:
        for key, value in results.items():
            print(f"{key:<22} {value:10.3f}")
