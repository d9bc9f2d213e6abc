"""The failure taxonomy: why a trial failed, and at which step.

    env_error       the sandbox, the task's setup or the harness broke (or the trial errored)
    model_error     a model call failed for good
    format_error    the model's tool calls did not fit the tools (bad JSON, arguments, names)
    loop            the same action again and again (three or more identical calls in a row)
    timeout         the wall-time limit ended it
    budget          the token or dollar limit ended it
    max_steps       the step limit ended it
    no_submission   it stopped without submitting, for no limit's sake
    regression      its work broke tests that passed before (PASS_TO_PASS below 1)
    wrong_solution  it submitted, and the verifier failed it

The first that applies, in this order, is the category: a loop that ran into the step limit is
a loop. `step` is the index in `trajectory.steps` where it happened, when one step is to blame.
A trial the verifier passed, or that no judge scored, has no category.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from agentlab.campaign.store import Store
from agentlab.trajectory import TrajectoryFormatError, load
from agentlab.types import Step, Trajectory
from agentlab.verifier import JUDGE_NAME

Category = Literal["env_error", "model_error", "format_error", "loop", "timeout", "budget",
                   "max_steps", "no_submission", "regression", "wrong_solution"]  # fmt: skip
LOOP = 3  # identical calls in a row that make a loop
_FORMAT_ERRORS = ("Error: the arguments to", "Error: bad arguments to",
                  "Error: there is no tool named")  # fmt: skip


class Failure(BaseModel):
    """One failed trial's category, the step it happened at, and what says so."""

    trial_id: str
    task_id: str
    strategy: str
    model: str
    category: Category
    step: int | None = None
    detail: str = ""
    trajectory: str = ""
    viewer: str = ""  # the trial in the run's report (agentlab report DIR writes it)


def classify(trajectory: Trajectory) -> tuple[Category, int | None, str] | None:
    """(category, step, detail) of a failed trajectory; None when it passed or was not judged."""
    verdict = next((s for s in trajectory.scores if s.judge == JUDGE_NAME), None)
    if trajectory.status != "error" and (verdict is None or verdict.missing or verdict.passed):
        return None
    steps = trajectory.steps
    if trajectory.status == "error":
        return "env_error", None, _first_line(trajectory.error)
    reason = trajectory.end_reason
    if reason in ("env_error", "model_error"):
        kind = "tool_call" if reason == "env_error" else "model_call"
        at = _last(steps, lambda s: s.kind == kind and s.error is not None)
        return reason, at, _first_line(trajectory.error)
    looped = _loop(steps)
    if looped is not None:
        return "loop", looped, f"{LOOP} or more identical calls in a row from step {looped}"
    bad = [i for i, s in enumerate(steps) if s.kind == "tool_call" and _format_error(s)]
    if bad and reason != "submitted":
        return "format_error", bad[0], f"{len(bad)} malformed tool calls"
    if reason in ("timeout", "budget", "max_steps"):
        return reason, len(steps) - 1 if steps else None, trajectory.error or ""
    if reason != "submitted":
        return "no_submission", None, f"ended ({reason}) without submitting"
    assert verdict is not None
    if verdict.metrics.get("pass_to_pass", 1.0) < 1.0:
        share = verdict.metrics["pass_to_pass"]
        return "regression", None, f"PASS_TO_PASS {share:.0%}: it broke tests that passed"
    return "wrong_solution", None, verdict.rationale


def failures(run: Path) -> tuple[list[Failure], list[str]]:
    """Every failed trial of a run directory, and the trajectories that could not be read."""
    store = Store(run / "store.sqlite")
    try:
        rows = store.rows()
    finally:
        store.close()
    found, errors = [], []
    for row in rows:
        if row.status not in ("finished", "error"):
            continue  # still running: not yet a failure
        path = run / "trajectories" / f"{row.id}.json.gz"
        try:
            trajectory = load(path)
        except (OSError, TrajectoryFormatError) as exc:
            errors.append(f"{path}: {exc}")
            continue
        verdict = classify(trajectory)
        if verdict is not None:
            category, step, detail = verdict
            found.append(Failure(
                trial_id=row.id, task_id=row.task_id, strategy=row.strategy, model=row.model,
                category=category, step=step, detail=detail, trajectory=str(path),
                viewer=viewer_link(run, row.id)))  # fmt: skip
    return found, errors


def viewer_link(run: Path, trial_id: str) -> str:
    """Where the report's trajectory viewer shows a trial."""
    return f"{run / 'report' / 'index.html'}#trial={trial_id}"


def tabulate(found: Sequence[Failure]) -> str:
    """Counts per category and strategy x model, then one line per trial."""
    groups = sorted({(f.strategy, f.model) for f in found})
    categories = sorted({f.category for f in found})
    header = f"{'category':<16}" + "".join(f" {s[:18] + ' ' + m[:10]:>30}" for s, m in groups)
    lines = [header, "-" * len(header)]
    for category in categories:
        counts = [sum(f.category == category and (f.strategy, f.model) == g for f in found)
                  for g in groups]  # fmt: skip
        lines.append(f"{category:<16}" + "".join(f" {c:>30}" for c in counts))
    lines.append("")
    for f in sorted(found, key=lambda f: (f.category, f.task_id)):
        where = f" at step {f.step}" if f.step is not None else ""
        lines.append(f"{f.category:<16} {f.task_id}  {f.strategy}  {f.model}{where}: "
                     f"{f.detail[:100]}  {f.viewer}")  # fmt: skip
    return "\n".join(lines)


def _loop(steps: Sequence[Step]) -> int | None:
    """The step where `LOOP` identical tool calls in a row begin, if any."""
    calls = [(i, json.dumps([s.inputs.get("name"), s.inputs.get("arguments")], sort_keys=True))
             for i, s in enumerate(steps) if s.kind == "tool_call"]  # fmt: skip
    run = 1
    for k in range(1, len(calls)):
        run = run + 1 if calls[k][1] == calls[k - 1][1] else 1
        if run == LOOP:
            return calls[k - LOOP + 1][0]
    return None


def _format_error(step: Step) -> bool:
    output = str(step.outputs.get("output", ""))
    return output.startswith(_FORMAT_ERRORS)


def _last(steps: Sequence[Step], match: Callable[[Step], bool]) -> int | None:
    hits = [i for i, s in enumerate(steps) if match(s)]
    return hits[-1] if hits else None


def _first_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
