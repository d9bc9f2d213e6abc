"""Analysis benchmarks: reading a large run back, and writing its report.

    python bench/analysis.py [--json]

load_10k_trajectories_s        load_run + every trajectory parsed and validated, 10,000 trials
load_10k_baseline_s            the floor: the same files gunzipped and json.loads'ed, no models
load_10k_ratio                 the two over each other
load_10k_peak_rss_mb           peak resident memory of the process that loaded them
load_10k_baseline_peak_rss_mb  the same for the floor (the interpreter and agentlab's imports)
report_1k_trials_s             agentlab report on 1,000 trials: tables, charts, failure
                               categories and a viewer file per trial
report_1k_vs_load_ratio        that over loading the same 1,000 trajectories

The runs are made of the trajectories of a real campaign (OS tasks; react and best_of_n:n=2;
sim/0.5 and sim/0.9; local sandboxes), copied under new trial ids. Each measurement runs in a
fresh interpreter, so peak memory is that measurement's.
"""

from __future__ import annotations

import sys
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, bench/strategies.py would shadow the `strategies` package

import argparse
import gzip
import json
import resource
import shutil
import subprocess
import tempfile
import time

from agentlab import Campaign, load_run, load_tasks
from agentlab.campaign.store import Store
from agentlab.trajectory import save
from environments.os_tasks import TASKS_DIR


def make_seed_run(out: Path) -> None:
    tasks = load_tasks([TASKS_DIR])[:4]
    Campaign(tasks, ["react", "best_of_n:n=2"], ["sim/0.5", "sim/0.9"], out=out,
             sandbox="local", concurrency=4).run_sync()  # fmt: skip


def make_run(seed: Path, out: Path, trials: int) -> None:
    """A run of `trials` trials, each a copy of one of the seed run's, under a new id."""
    source = load_run(seed)
    pairs = list(source.trajectories())
    out.mkdir(parents=True)
    shutil.copy(seed / "campaign.json", out / "campaign.json")
    store = Store(out / "store.sqlite")
    rows = []
    for number in range(trials):
        row, trajectory = pairs[number % len(pairs)]
        trial_id = f"{number:016x}"
        trajectory.trial_id = trial_id
        save(trajectory, out / "trajectories" / f"{trial_id}.json.gz")
        rows.append(row.model_copy(update={"id": trial_id, "seed": number}))
    store.add(rows)
    for row in rows:
        fields = row.model_dump(exclude={"id", "task_id", "strategy", "model", "seed",
                                         "parent", "from_step", "attempts"})  # fmt: skip
        fields["roles"] = row.roles
        store.finish(row.id, **fields)
    store.close()


def child(kind: str, run: Path) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    started = time.perf_counter()
    if kind == "load":
        loaded = load_run(run)
        count = sum(1 for _ in loaded.trajectories())
        assert count == len(loaded.trials) and not loaded.errors
    elif kind == "raw":
        for path in sorted((run / "trajectories").glob("*.json.gz")):
            json.loads(gzip.decompress(path.read_bytes()))
    elif kind == "report":
        from agentlab.analysis.report import write_report

        write_report(run, None)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": peak_mb}


def measure(kind: str, run: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(run)], check=True,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="agentlab-bench-analysis-") as tmp:
        root = Path(tmp)
        make_seed_run(root / "seed")
        make_run(root / "seed", root / "10k", 10_000)
        make_run(root / "seed", root / "1k", 1_000)
        load = measure("load", root / "10k")
        raw = measure("raw", root / "10k")
        report = measure("report", root / "1k")
        load_1k = measure("load", root / "1k")
    return {
        "load_10k_trajectories_s": load["seconds"],
        "load_10k_baseline_s": raw["seconds"],
        "load_10k_ratio": load["seconds"] / raw["seconds"],
        "load_10k_peak_rss_mb": load["peak_rss_mb"],
        "load_10k_baseline_peak_rss_mb": raw["peak_rss_mb"],
        "report_1k_trials_s": report["seconds"],
        "report_1k_vs_load_ratio": report["seconds"] / load_1k["seconds"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        sys.exit(0)
    figures = main()
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    else:
        for key, value in figures.items():
            print(f"{key:<32} {value:10.4f}")
