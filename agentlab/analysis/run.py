"""A run directory, read back for analysis: its spec, its trials' rows and their trajectories.

    run = load_run(Path("runs/demo"))
    df = run.to_pandas()                       # one row per trial, cost by role included
    for row, trajectory in run.trajectories(): # corrupted files are skipped, named in errors
        ...

A run still in progress can be read (the store is in WAL mode): its unfinished trials show
as pending or running.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentlab.campaign.runner import CampaignSpec
from agentlab.campaign.store import DONE, Store, TrialRow
from agentlab.cost import ROLES
from agentlab.trajectory import TrajectoryFormatError, load
from agentlab.types import Trajectory

if TYPE_CHECKING:
    import pandas


class RunDirError(ValueError):
    """A directory is not a run directory: the message names what is missing."""


@dataclass
class Run:
    """A run directory's contents. `errors` names every trajectory file that could not be read
    (each once), as `trajectories()` and `trajectory()` meet them."""

    dir: Path
    spec: CampaignSpec | None
    trials: list[TrialRow]
    errors: list[str] = field(default_factory=list)

    def path(self, trial_id: str) -> Path:
        return self.dir / "trajectories" / f"{trial_id}.json.gz"

    def trajectory(self, trial_id: str) -> Trajectory:
        """One trial's trajectory; TrajectoryFormatError (naming the file) if it is unreadable,
        FileNotFoundError if the trial has none yet."""
        return load(self.path(trial_id))

    def trajectories(self) -> Iterator[tuple[TrialRow, Trajectory]]:
        """Every finished trial with its trajectory; unreadable files go to `errors`."""
        for row in self.trials:
            if row.status not in DONE:
                continue
            try:
                yield row, self.trajectory(row.id)
            except (OSError, TrajectoryFormatError) as exc:
                message = str(exc) if isinstance(exc, TrajectoryFormatError) else \
                    f"{self.path(row.id)}: {exc}"  # fmt: skip
                if message not in self.errors:
                    self.errors.append(message)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per trial: the store's columns, plus USD, tokens and sandbox seconds of each
        role as `<role>_usd`, `<role>_tokens`, `<role>_sandbox_s` (needs pandas)."""
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("Run.to_pandas() needs pandas: pip install pandas") from exc
        return pandas.DataFrame([flat(row) for row in self.trials])


def flat(row: TrialRow) -> dict[str, Any]:
    """A trial's row as flat columns, its cost by role spread out."""
    record = row.model_dump(exclude={"roles"})
    for role in ROLES:
        spent = row.roles.get(role)
        record[f"{role}_usd"] = spent.usd if spent else 0.0
        record[f"{role}_tokens"] = spent.tokens if spent else 0
        record[f"{role}_sandbox_s"] = spent.sandbox_wall_s if spent else 0.0
    return record


def load_run(path: str | Path) -> Run:
    """Reads a run directory (agentlab's own, or one an importer wrote)."""
    path = Path(path)
    database = path / "store.sqlite"
    if not database.is_file():
        raise RunDirError(f"{path}: not a run directory (no store.sqlite)")
    store = Store(database)
    try:
        trials = store.rows()
    finally:
        store.close()
    spec_file = path / "campaign.json"
    spec = CampaignSpec.model_validate_json(spec_file.read_text()) if spec_file.is_file() else None
    return Run(path, spec, trials)
