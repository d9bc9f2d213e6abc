"""load_run: a run directory read back, with corrupted files named and pandas access."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentlab import Campaign, load_run, load_tasks
from agentlab.analysis.run import RunDirError
from agentlab.campaign.store import Store
from agentlab.cost import ROLES
from agentlab.sandbox.local import LocalProvider
from environments.os_tasks import TASKS_DIR


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    tasks = load_tasks([TASKS_DIR])[:3]
    Campaign(tasks, ["react"], ["sim/0.5", "sim/0.9"], seeds=2, out=out,
             judges=["verifier", "llm_judge:model=sim/0.9"], sandbox=LocalProvider()).run_sync()
    return out


def test_a_run_reads_back_with_its_spec_rows_and_trajectories(run_dir: Path) -> None:
    run = load_run(run_dir)
    assert run.spec is not None and run.spec.models == ["sim/0.5", "sim/0.9"]
    assert len(run.trials) == 12 and {t.status for t in run.trials} == {"finished"}
    pairs = list(run.trajectories())
    assert [row.id for row, _ in pairs] == [t.id for t in run.trials] and not run.errors
    row, trajectory = pairs[0]
    assert trajectory.trial_id == row.id and trajectory.cost == row.roles


def test_to_pandas_gives_a_row_per_trial_with_cost_by_role(run_dir: Path) -> None:
    frame = load_run(run_dir).to_pandas()
    assert len(frame) == 12
    for role in ROLES:
        assert {f"{role}_usd", f"{role}_tokens", f"{role}_sandbox_s"} <= set(frame.columns)
    tokens = frame["prompt_tokens"] + frame["completion_tokens"]
    assert (frame["policy_tokens"] + frame["judge_tokens"] == tokens).all()
    assert (frame["verifier_sandbox_s"] > 0).all() and (frame["verifier_tokens"] == 0).all()
    by_model = frame.groupby("model")["passed"].mean()
    assert set(by_model.index) == {"sim/0.5", "sim/0.9"}


def test_a_corrupted_trajectory_is_named_and_the_others_still_load(
    run_dir: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    run = load_run(copy)
    broken, truncated = run.trials[0].id, run.trials[1].id
    (copy / "trajectories" / f"{broken}.json.gz").write_bytes(b"not gzip")
    whole = (copy / "trajectories" / f"{truncated}.json.gz").read_bytes()
    (copy / "trajectories" / f"{truncated}.json.gz").write_bytes(whole[: len(whole) // 2])
    loaded = [row.id for row, _ in run.trajectories()]
    assert len(loaded) == 10 and broken not in loaded and truncated not in loaded
    assert len(run.errors) == 2
    assert f"{broken}.json.gz: not a gzip-compressed JSON trajectory" in run.errors[0]
    assert f"{truncated}.json.gz" in run.errors[1]


def test_a_run_in_progress_shows_its_unfinished_trials(run_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    store = Store(copy / "store.sqlite")
    rows = store.rows()
    store.start(rows[0].id)  # a trial running again, as after an interruption
    store.db.execute("UPDATE trials SET status='pending' WHERE id=?", (rows[1].id,))
    store.close()
    run = load_run(copy)
    assert [t.status for t in run.trials[:2]] == ["running", "pending"]
    assert len(list(run.trajectories())) == 10  # only what is finished


def test_a_directory_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RunDirError, match=r"not a run directory \(no store\.sqlite\)"):
        load_run(tmp_path)
