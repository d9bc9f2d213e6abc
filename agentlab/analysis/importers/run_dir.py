"""Imported trajectories into a run directory, and SWE-bench predictions out of any run directory.

An imported run directory is laid out as a campaign's (docs/campaigns.md): `campaign.json`,
`store.sqlite` (a finished row per trial, no verdict), `trajectories/<trial id>.json.gz`. A trial's
id is a digest of the source file's bytes, so importing the same file again rewrites the same
trial instead of adding one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agentlab.analysis.importers.reading import STATS
from agentlab.campaign.store import Store, TrialRow
from agentlab.trajectory import TrajectoryFormatError, load, save
from agentlab.types import Trajectory

Importer = Callable[[Path], Trajectory]


def import_files(importer: Importer, paths: Sequence[Path], out: Path) -> tuple[int, list[str]]:
    """Imports every file it can into `out`; (how many were imported, an error per file that
    could not be, naming it)."""
    imported: list[tuple[Path, Trajectory]] = []
    errors: list[str] = []
    for path in paths:
        try:
            imported.append((path, importer(path)))
        except TrajectoryFormatError as exc:
            errors.append(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out / "store.sqlite")
    try:
        for _, trajectory in imported:
            _record(store, out, trajectory)
    finally:
        store.close()
    _update_spec(out / "campaign.json", imported)
    return len(imported), errors


def _record(store: Store, out: Path, trajectory: Trajectory) -> None:
    """The trajectory file, then its row (a campaign's order); the row holds what the file said
    it cost (0 where it says nothing) and no wall time (the files give none)."""
    save(trajectory, out / "trajectories" / f"{trajectory.trial_id}.json.gz")
    store.add([TrialRow(id=trajectory.trial_id, task_id=trajectory.task_id,
                        strategy=str(trajectory.strategy), model=trajectory.model,
                        seed=trajectory.seed)])  # fmt: skip
    usage = trajectory.usage
    stats = [s.outputs[STATS] for s in trajectory.steps if STATS in s.outputs]
    store.finish(
        trajectory.trial_id,
        status=trajectory.status,
        end_reason=trajectory.end_reason,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cached_tokens=usage.cached_tokens,
        usd=sum(s.get("instance_cost", 0.0) for s in stats),
        error=trajectory.error,
    )


def _update_spec(path: Path, imported: Sequence[tuple[Path, Trajectory]]) -> None:
    """campaign.json with what the files say: tasks, agents (as strategies), models, seeds and
    the files imported; no judges, and no budget (the files' limits are their agents' config)."""
    spec: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    found: dict[str, list[Any]] = {
        "tasks": [t.task_id for _, t in imported],
        "strategies": [t.strategy.model_dump() for _, t in imported if t.strategy],
        "models": [t.model for _, t in imported],
        "seeds": [t.seed for _, t in imported],
        "judges": [],
        "imported": [{"file": str(p.resolve()), "trial": t.trial_id} for p, t in imported],
    }
    for key, items in found.items():
        known = spec.setdefault(key, [])
        known.extend(i for i in _unique(items) if i not in known)
    path.write_text(json.dumps(spec, indent=2) + "\n")


def _unique(items: list[Any]) -> list[Any]:
    return [item for n, item in enumerate(items) if item not in items[:n]]


def export_predictions(
    run_dir: Path, out: Path, model_name: str | None = None
) -> tuple[int, list[str]]:
    """SWE-bench predictions (instance_id, model_name_or_path, model_patch) as JSONL, one per
    trial with a patch or an answer: the task id, `model_name` or the trial's model, and the
    workspace's diff the trial recorded (`trajectory.patch`), else its answer verbatim (an
    imported trajectory's submission is its patch).
    (how many were written, an error per trajectory file that could not be read, naming it)."""
    paths = sorted((run_dir / "trajectories").glob("*.json.gz"))
    if not paths:
        raise ValueError(f"{run_dir}: no trajectories/*.json.gz; is it a run directory?")
    predictions: dict[str, dict[str, str]] = {}
    trials: dict[str, str] = {}
    errors: list[str] = []
    for path in paths:
        try:
            trajectory = load(path)
        except TrajectoryFormatError as exc:
            errors.append(str(exc))
            continue
        patch = trajectory.patch if trajectory.patch is not None else trajectory.answer
        if patch is None:
            continue
        task = trajectory.task_id
        if task in predictions:
            raise ValueError(f"{run_dir}: trials {trials[task]} and {trajectory.trial_id} "
                             f"both answer {task}; predictions hold one per instance")  # fmt: skip
        name = model_name or trajectory.model
        if not name:
            raise ValueError(f"{path}: the trial names no model; give --model-name")
        trials[task] = trajectory.trial_id
        predictions[task] = {"instance_id": task, "model_name_or_path": name,
                             "model_patch": patch}  # fmt: skip
    out.write_text("".join(json.dumps(predictions[t]) + "\n" for t in sorted(predictions)))
    return len(predictions), errors
