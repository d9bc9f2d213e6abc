"""The `agentlab` command line.

Environment families add their own commands through the `agentlab.cli` entry-point group: each
entry is a function that receives the top-level subparsers and adds its parser with a
`handler` default (a function of the parsed arguments returning the exit code).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from agentlab import doctor
from agentlab.environment import sandbox_provider
from agentlab.sandbox.errors import SandboxError
from agentlab.tasks import TaskFormatError, load_tasks
from agentlab.validate import ValidationResult, validate_tasks

Handler = Callable[[argparse.Namespace], int]


def cmd_doctor(args: argparse.Namespace) -> int:
    checks = doctor.run_checks()
    if args.json:
        print(json.dumps([c.model_dump() for c in checks], indent=2))
    else:
        print(doctor.render(checks))
    return 0 if all(c.ok or not c.required for c in checks) else 1


def cmd_images_bootstrap(args: argparse.Namespace) -> int:
    from agentlab.sandbox.docker import docker_client
    from agentlab.sandbox.images import bootstrap_base

    name = bootstrap_base(
        docker_client(), args.name, suite=args.suite, pull=args.pull, force=args.force
    )
    print(name)
    return 0


def cmd_images_build(args: argparse.Namespace) -> int:
    from agentlab.sandbox.docker import docker_client
    from agentlab.sandbox.images import ensure_image

    tasks = load_tasks(args.paths)
    client = docker_client()
    tags: list[str] = []
    for task in tasks:
        tag = ensure_image(client, task.environment, task.environment_dir)
        if tag not in tags:
            tags.append(tag)
            print(tag)
    return 0


def cmd_sandbox_prune(args: argparse.Namespace) -> int:
    from agentlab.sandbox.docker import docker_client, prune

    removed = prune(docker_client(), everything=args.all)
    print(f"removed {len(removed)}: {' '.join(removed)}" if removed else "nothing to remove")
    return 0


def cmd_tasks_validate(args: argparse.Namespace) -> int:
    tasks = load_tasks(args.paths)
    provider = sandbox_provider(args.sandbox)
    results = asyncio.run(validate_tasks(tasks, provider, concurrency=args.concurrency))
    if args.json:
        print(json.dumps([r.model_dump() for r in results], indent=2))
    else:
        print(render_validation(results, provider.name))
    return 0 if all(r.valid for r in results) else 1


def render_validation(results: Sequence[ValidationResult], backend: str) -> str:
    width = max([len(r.task_id) for r in results] + [7])
    lines = [f"{'task':<{width}}  valid  oracle  no-op   error", "-" * (width + 40)]
    for r in results:
        lines.append(
            f"{r.task_id:<{width}}  {_mark(r.valid):<5}  {_mark(r.oracle_passed):<6}  "
            f"{'fails' if r.noop_failed else 'PASSES':<6}  {r.error or ''}"
        )
    valid = sum(r.valid for r in results)
    lines.append(f"{valid}/{len(results)} valid ({backend} sandboxes)")
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "yes" if ok else "NO"


def cmd_tasks_list(args: argparse.Namespace) -> int:
    for task in load_tasks(args.paths):
        print(f"{task.id}\t{task.family}\t{task.difficulty}\t{','.join(task.tags)}")
    return 0


def cmd_serve_sim(args: argparse.Namespace) -> int:
    from agentlab.config import parse_sim_latency
    from agentlab.models.sim import Faults, Latency
    from agentlab.models.sim_server import SimServer

    faults = Faults(rate_limit=args.rate_limit, server_error=args.server_error,
                    timeout=args.timeout_fault, malformed_json=args.malformed_json,
                    disconnect=args.disconnect)  # fmt: skip
    latency = Latency(*parse_sim_latency(args.latency))
    server = SimServer(args.host, args.port, latency, faults)
    print(f"serving sim/<skill> at {server.base_url} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from agentlab.agent import Limits
    from agentlab.campaign.runner import Campaign
    from agentlab.campaign.summary import render, summarize
    from agentlab.cost import Budget

    tasks = load_tasks(args.tasks)
    provider = sandbox_provider(args.sandbox)
    campaign = Campaign(
        tasks, args.strategy or ["react"], args.model, out=Path(args.out), sandbox=provider,
        seeds=args.seeds, judges=args.judge or ["verifier"], concurrency=args.concurrency,
        budget=Limits(max_steps=args.max_steps, max_tokens=args.max_tokens,
                      max_seconds=args.max_seconds, max_usd=args.max_usd),
        trial_budget=Budget(max_usd=args.trial_max_usd, max_tokens=args.trial_max_tokens,
                            max_seconds=args.trial_max_seconds),
        campaign_budget=Budget(max_usd=args.campaign_max_usd,
                               max_tokens=args.campaign_max_tokens,
                               max_seconds=args.campaign_max_seconds),
        prices=Path(args.prices) if args.prices else None,
        progress=sys.stderr.isatty(),
    )  # fmt: skip
    rows = campaign.run_sync(args.executor, args.ray_address)
    print(render(summarize(rows)))
    if campaign.stopped:
        pending = sum(r.status == "pending" for r in rows)
        print(f"\n{campaign.stopped}: {pending} trials did not start; "
              "run again with a larger budget to finish them")  # fmt: skip
    print(f"\nresults in {args.out} ({provider.name} sandboxes)")
    return 0


def cmd_plugins_list(args: argparse.Namespace) -> int:
    from agentlab.registry import available

    for name, cls in available(args.kind).items():
        doc = (cls.__doc__ or "").strip().splitlines()
        print(f"{name:<16} {cls.__module__}.{cls.__qualname__}  {doc[0] if doc else ''}")
    return 0


def cmd_judges_agreement(args: argparse.Namespace) -> int:
    from agentlab.analysis.agreement import render_agreement, verifier_agreement
    from agentlab.trajectory import load

    paths = sorted((args.dir / "trajectories").glob("*.json.gz"))
    if not paths:
        raise ValueError(f"{args.dir}: no trajectories/*.json.gz; is it a campaign run directory?")
    trajectories = [load(path) for path in paths]
    try:
        agreements = verifier_agreement(trajectories)
    except ValueError as exc:
        raise ValueError(f"{args.dir}: {exc}") from exc
    if args.json:
        print(json.dumps([a.model_dump() for a in agreements], indent=2))
    else:
        print(render_agreement(agreements))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from agentlab.analysis.importers import IMPORTERS, import_files

    imported, errors = import_files(IMPORTERS[args.format], args.files, args.out)
    for error in errors:
        print(f"agentlab: error: {error}", file=sys.stderr)
    print(f"imported {imported} of {len(args.files)} {args.format} trajectories into {args.out}")
    return 1 if errors else 0


def cmd_export_predictions(args: argparse.Namespace) -> int:
    from agentlab.analysis.importers import export_predictions

    written, errors = export_predictions(args.dir, args.out, args.model_name)
    for error in errors:
        print(f"agentlab: error: {error}", file=sys.stderr)
    print(f"wrote {written} predictions to {args.out}")
    return 1 if errors else 0


def cmd_failures(args: argparse.Namespace) -> int:
    from agentlab.analysis.failures import failures, tabulate

    found, errors = failures(args.dir)
    for error in errors:
        print(f"agentlab: error: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps([f.model_dump() for f in found], indent=2))
    else:
        print(tabulate(found) if found else "no failed trials")
    return 1 if errors else 0


def cmd_report(args: argparse.Namespace) -> int:
    from agentlab.analysis.report import write_report

    print(write_report(args.dir, args.out))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from agentlab.analysis.replay import PrefixDiverged, counterfactual, replay

    if (args.from_step is None) != (args.model is None):
        raise ValueError("replay: --from-step K and --model M go together (a counterfactual)")
    if args.strategy is not None and args.from_step is None:
        raise ValueError("replay: --strategy is for a counterfactual (with --from-step, --model)")
    where = {"tasks": args.tasks, "sandbox": args.sandbox}
    if args.from_step is None:
        result = replay(args.dir, args.trial, **where)
        print(json.dumps(result.summary(), indent=2) if args.json else result.render())
        if args.json and not result.steps:
            print(f"agentlab: trial {args.trial}: {result.line}", file=sys.stderr)
        return 1 if result.diverged else 0
    try:
        made = counterfactual(args.dir, args.trial, args.from_step, args.model,
                              args.strategy or "react", **where)  # fmt: skip
    except PrefixDiverged as exc:
        print(json.dumps(exc.result.summary(), indent=2) if args.json else exc.result.render())
        return 1
    print(json.dumps(made.summary(), indent=2) if args.json else made.render())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agentlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="report what this machine has and how to fix what's missing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_doctor)

    images = sub.add_parser("images", help="build sandbox images offline").add_subparsers(
        dest="images_command", required=True
    )
    p = images.add_parser("bootstrap-base", help="make the base image with debootstrap")
    p.add_argument("--name", help="image name (default: $AGENTLAB_BASE_IMAGE or the built-in)")
    p.add_argument("--suite", default="bookworm", help="Debian suite (bullseye has Python 3.9)")
    p.add_argument("--pull", metavar="IMAGE", help="pull IMAGE from a registry instead")
    p.add_argument("--force", action="store_true", help="rebuild even if the image exists")
    p.set_defaults(handler=cmd_images_bootstrap)
    p = images.add_parser("build", help="build the images of a task or a family folder")
    p.add_argument("paths", nargs="+")
    p.set_defaults(handler=cmd_images_build)

    sandbox = sub.add_parser("sandbox", help="manage sandboxes").add_subparsers(
        dest="sandbox_command", required=True
    )
    p = sandbox.add_parser("prune", help="remove leftover containers and fork images")
    p.add_argument("--all", action="store_true", help="also those of processes still running")
    p.set_defaults(handler=cmd_sandbox_prune)

    p = sub.add_parser("run", help="run a campaign: tasks x strategies x models x seeds")
    p.add_argument("--tasks", nargs="+", required=True, help="task dirs, family folders, files")
    p.add_argument("--model", action="append", required=True, help="e.g. sim/0.6 (repeatable)")
    p.add_argument("--strategy", action="append", help="NAME[:key=value,...] (default react)")
    p.add_argument("--judge", action="append", help="NAME[:key=value,...] (default verifier)")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--out", required=True, help="the run directory; re-running resumes it")
    p.add_argument("--sandbox", choices=["docker", "local", "auto"], default="auto")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--max-steps", type=int, default=30, help="model calls per rollout")
    p.add_argument("--max-tokens", type=int, help="prompt + completion tokens per rollout")
    p.add_argument("--max-seconds", type=float, help="wall time per rollout (default: task's)")
    p.add_argument("--max-usd", type=float, help="model cost per rollout (see --prices)")
    for scope in ("trial", "campaign"):
        p.add_argument(f"--{scope}-max-usd", type=float, help=f"model cost per {scope}")
        p.add_argument(f"--{scope}-max-tokens", type=int, help=f"tokens per {scope}")
        p.add_argument(f"--{scope}-max-seconds", type=float, help=f"wall time per {scope}")
    p.add_argument("--prices", help="JSON file of prices over the pinned table (docs/cost.md)")
    p.add_argument("--executor", choices=["asyncio", "ray"], default="asyncio",
                   help="ray: run the trials on a Ray cluster (docs/distributed.md)")  # fmt: skip
    p.add_argument("--ray-address", help="the Ray cluster (default: $RAY_ADDRESS, else local)")
    p.set_defaults(handler=cmd_run)

    for kind, plural in (("strategy", "strategies"), ("judge", "judges")):
        group = sub.add_parser(plural, help=f"registered {kind} plug-ins").add_subparsers(
            dest=f"{plural}_command", required=True)  # fmt: skip
        p = group.add_parser("list", help=f"list registered {kind} plug-ins")
        p.set_defaults(handler=cmd_plugins_list, kind=kind)
        if kind == "judge":
            p = group.add_parser("agreement", help="each judge's agreement with the verifier")
            p.add_argument("dir", type=Path, help="a campaign run directory")
            p.add_argument("--json", action="store_true")
            p.set_defaults(handler=cmd_judges_agreement)

    p = sub.add_parser("failures", help="why each failed trial of a run failed, and where")
    p.add_argument("dir", type=Path, help="a campaign run directory")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_failures)

    p = sub.add_parser("report", help="an HTML report of a run, with a trajectory viewer")
    p.add_argument("dir", type=Path, help="a run directory (run here, in progress, or imported)")
    p.add_argument("--out", type=Path, help="the report's directory (default DIR/report)")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("replay", help="re-run a trial's tool calls in a fresh environment; "
                       "--from-step K --model M continues it (a counterfactual)")  # fmt: skip
    p.add_argument("dir", type=Path, help="a campaign run directory")
    p.add_argument("--trial", required=True, help="the trial's id")
    p.add_argument("--tasks", nargs="+", type=Path,
                   help="where the run's tasks are (default: where it loaded them)")  # fmt: skip
    p.add_argument("--sandbox", choices=["docker", "local", "auto"], default="auto")
    p.add_argument("--from-step", type=int, metavar="K", help="continue from step K (a model call)")
    p.add_argument("--model", help="the model that continues, e.g. sim/0.9")
    p.add_argument("--strategy", help="what continues (default react)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_replay)

    from agentlab.analysis.importers import IMPORTERS

    p = sub.add_parser("import", help="other agents' trajectories as a run directory")
    p.add_argument("format", choices=list(IMPORTERS))
    p.add_argument("files", nargs="+", type=Path, help=".traj or .traj.json files")
    p.add_argument("--out", type=Path, required=True, help="run directory (new or not)")
    p.set_defaults(handler=cmd_import)
    export = sub.add_parser("export", help="export a run's results").add_subparsers(
        dest="export_command", required=True)  # fmt: skip
    p = export.add_parser("predictions", help="SWE-bench predictions JSONL from a run directory")
    p.add_argument("dir", type=Path, help="a run directory (imported or run here)")
    p.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    p.add_argument("--model-name", help="model_name_or_path (default: each trial's model)")
    p.set_defaults(handler=cmd_export_predictions)

    p = sub.add_parser("serve-sim", help="serve the simulated model over the OpenAI chat API")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--latency", default=os.environ.get("AGENTLAB_SIM_LATENCY", "zero"),
                   help="zero, realistic, or TTFT_S,TOKENS_PER_S (default: the "
                   "AGENTLAB_SIM_LATENCY setting)")  # fmt: skip
    for name in ("rate-limit", "server-error", "timeout-fault", "malformed-json", "disconnect"):
        p.add_argument(f"--{name}", type=float, default=0.0, metavar="P",
                       help=f"probability of a {name.replace('-', ' ')} per call")  # fmt: skip
    p.set_defaults(handler=cmd_serve_sim)

    tasks = sub.add_parser("tasks", help="work with task directories").add_subparsers(
        dest="tasks_command", required=True
    )
    p = tasks.add_parser("validate", help="oracle must pass, doing nothing must fail")
    p.add_argument("paths", nargs="+", help="task dirs, family folders, AgentBench OS JSON")
    p.add_argument("--sandbox", choices=["docker", "local", "auto"], default="auto")
    p.add_argument("--json", action="store_true")
    p.add_argument("--concurrency", type=int, default=2)
    p.set_defaults(handler=cmd_tasks_validate)
    p = tasks.add_parser("list", help="list tasks")
    p.add_argument("paths", nargs="+")
    p.set_defaults(handler=cmd_tasks_list)

    for entry in entry_points(group="agentlab.cli"):  # commands of installed families
        entry.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpx2", "openai"):  # a line per HTTP request is not news
        logging.getLogger(noisy).setLevel(logging.WARNING)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (TaskFormatError, SandboxError, ValueError) as exc:  # bad input: say what, no trace
        print(f"agentlab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
