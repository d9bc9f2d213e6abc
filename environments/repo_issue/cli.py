"""`agentlab swebench eval`: grade predictions on SWE-bench instances, as the official harness."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from agentlab.environment import sandbox_provider
from environments.repo_issue.evaluate import empty_predictions, evaluate, gold_predictions
from environments.repo_issue.importer import instance_tasks
from environments.repo_issue.instances import read_instances, read_predictions


def cmd_eval(args: argparse.Namespace) -> int:
    instances_path = Path(args.instances)
    instances = read_instances(instances_path)
    if args.instance_ids:
        wanted = set(args.instance_ids)
        if missing := sorted(wanted - {i.instance_id for i in instances}):
            raise ValueError(f"{instances_path}: no instance {', '.join(missing)}")
        instances = [i for i in instances if i.instance_id in wanted]
    if args.predictions == "gold":
        predictions = gold_predictions(instances)
    elif args.predictions == "empty":
        predictions = empty_predictions(instances)
    else:
        chosen = {i.instance_id for i in instances}
        predictions = [p for p in read_predictions(Path(args.predictions))
                       if p.instance_id in chosen or not args.instance_ids]  # fmt: skip
    tasks = instance_tasks(instances_path, repo_url_template=args.repo_url_template)
    provider = sandbox_provider("docker")
    out = Path(args.out)
    summary = asyncio.run(evaluate(tasks, predictions, provider, out, max_workers=args.max_workers))
    print(render(summary, out))
    return 0


def render(summary: dict[str, list[str]], out: Path) -> str:
    total = sum(len(v) for v in summary.values())
    lines = [f"{len(summary['resolved'])}/{total} resolved"]
    for group in ("unresolved", "errors"):
        if summary[group]:
            lines.append(f"{group}: {' '.join(summary[group])}")
    for instance_id in summary["errors"]:
        log = out / instance_id / "run_instance.log"
        reason = log.read_text().rstrip().rpartition("\n")[2] if log.is_file() else ""
        lines.append(f"  {instance_id}: {reason}")
    lines.append(f"reports in {out}/<instance_id>/report.json; summary in {out}/summary.json")
    return "\n".join(lines)


def register(sub: Any) -> None:
    """Adds `agentlab swebench ...` to the command line (entry point group agentlab.cli)."""
    group = sub.add_parser("swebench", help="SWE-bench instances: evaluate predictions")
    commands = group.add_subparsers(dest="swebench_command", required=True)
    p = commands.add_parser("eval", help="grade predictions the way the SWE-bench harness does")
    p.add_argument("--instances", required=True, help="SWE-bench rows: JSONL, JSON or parquet")
    p.add_argument("--predictions", required=True,
                   help="predictions JSONL, or gold / empty (the gold patch, none)")  # fmt: skip
    p.add_argument("--repo-url-template", metavar="T",
                   help="where repositories come from, e.g. file:///mirrors/{repo}.git "
                   "(default: swebench.toml beside the instances, else GitHub)")  # fmt: skip
    p.add_argument("--max-workers", type=int, default=1)
    p.add_argument("--instance-ids", nargs="+", metavar="ID", help="only these instances")
    p.add_argument("--out", required=True, help="folder for reports and summary.json")
    p.set_defaults(handler=cmd_eval)
