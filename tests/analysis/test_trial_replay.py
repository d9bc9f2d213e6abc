"""Replay against a fresh environment, and counterfactuals, on real run directories."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from agentlab import Campaign, load_task, load_tasks
from agentlab.analysis.replay import counterfactual, replay
from agentlab.analysis.report import write_report
from agentlab.analysis.run import load_run
from agentlab.cli import main
from agentlab.trajectory import load, save
from environments.os_tasks import TASKS_DIR

SOLVE = "cat data.txt && pwd\n\necho done > out.txt\n"  # the sim runs it as two bash calls
BUNDLED = "archive-build-release"


def make_task(folder: Path, data: str = "alpha\n") -> Path:
    """A task whose first tool call reads a file of its environment, then writes out.txt."""
    for sub in ("environment", "solution", "tests"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "task.toml").write_text('id = "read-then-write"\ndifficulty = "easy"\n')
    (folder / "instruction.md").write_text("Read data.txt, then write done to out.txt.")
    (folder / "environment" / "data.txt").write_text(data)
    (folder / "solution" / "solve.sh").write_text(SOLVE)
    (folder / "tests" / "test.sh").write_text(
        'grep -q done out.txt && r=1 || r=0; echo $r > "$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A run of react and best_of_n with the sim on our task and a bundled one; its task dir."""
    base = tmp_path_factory.mktemp("replay")
    task_dir = make_task(base / "tasks" / "read-then-write")
    tasks = [load_task(task_dir), *(t for t in load_tasks([TASKS_DIR]) if t.id == BUNDLED)]
    Campaign(tasks, ["react", "best_of_n:n=2"], ["sim/1.0"], out=base / "run",
             sandbox="local").run_sync()  # fmt: skip
    return base / "run", task_dir


@pytest.fixture
def run(made: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the run, for the test to change."""
    return Path(shutil.copytree(made[0], tmp_path / "run"))


def trial(run: Path, task_id: str = "read-then-write", strategy: str = "react") -> str:
    return next(r.id for r in load_run(run).trials
                if r.task_id == task_id and r.strategy == strategy)  # fmt: skip


def replay_json(run: Path, trial_id: str, tasks: Path | None,
                capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:  # fmt: skip
    where = ["--tasks", str(tasks)] if tasks else []
    code = main(["replay", str(run), "--trial", trial_id, *where, "--sandbox", "local", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_trial_replays_without_divergence(
    run: Path, made: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trial_id = trial(run)
    first = load_run(run).trajectory(trial_id).steps[1].outputs["output"]
    assert "/agentlab-sandbox-" in first  # pwd: a local sandbox's directory, new each time
    code, shown = replay_json(run, trial_id, made[1], capsys)
    assert code == 0
    assert shown == {"trial": trial_id, "steps": 3, "diverged": False,
                     "first_divergence_step": None, "diff": None}  # fmt: skip
    # without --tasks, the task comes from the directory campaign.json recorded for it
    code, shown = replay_json(run, trial(run, BUNDLED), None, capsys)
    assert code == 0 and not shown["diverged"] and shown["steps"] >= 2
    code, shown = replay_json(run, trial_id, None, capsys)
    assert code == 0 and not shown["diverged"]


def test_a_tampered_observation_diverges_at_its_step_with_a_diff(
    run: Path, made: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trial_id = trial(run)
    path = run / "trajectories" / f"{trial_id}.json.gz"
    recorded = load(path)
    index, step = next((i, s) for i, s in enumerate(recorded.steps) if s.kind == "tool_call")
    assert step.outputs["output"].startswith("alpha\n")
    step.outputs["output"] = step.outputs["output"].replace("alpha", "gamma")
    save(recorded, path)
    code, shown = replay_json(run, trial_id, made[1], capsys)
    assert code == 1
    assert shown["diverged"] and shown["first_divergence_step"] == index and shown["steps"] == 1
    diff = str(shown["diff"])
    assert "-gamma" in diff and "+alpha" in diff and f"recorded step {index}" in diff
    # a counterfactual cannot rebuild the state from a prefix that diverges
    code = main(["replay", str(run), "--trial", trial_id, "--tasks", str(made[1]),
                 "--sandbox", "local", "--from-step", "4", "--model", "sim/0.5"])  # fmt: skip
    assert code == 1 and "diverged at step 1" in capsys.readouterr().out
    assert len(load_run(run).trials) == 4  # nothing was stored


def test_an_environment_in_another_state_diverges(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = make_task(tmp_path / "changed" / "read-then-write", data="beta\n")
    code, shown = replay_json(run, trial(run), changed, capsys)
    assert code == 1 and shown["first_divergence_step"] == 1
    assert "-alpha" in str(shown["diff"]) and "+beta" in str(shown["diff"])


def test_the_selected_sample_of_a_best_of_n_trial_is_replayed(
    run: Path, made: tuple[Path, Path]
) -> None:
    trial_id = trial(run, strategy="best_of_n:n=2")
    selected = load_run(run).trajectory(trial_id).steps[0].outputs["selected"]
    result = replay(run, trial_id, tasks=[made[1]], sandbox="local")
    assert not result.diverged and result.steps == 3
    assert f"branches[{selected}]" in result.line


def test_a_counterfactual_is_a_new_trial_linked_to_its_original(
    run: Path, made: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trial_id = trial(run)
    path = run / "trajectories" / f"{trial_id}.json.gz"
    before = path.read_bytes()
    original = load(path)
    k = [i for i, s in enumerate(original.steps) if s.kind == "model_call"][1]
    code = main(["replay", str(run), "--trial", trial_id, "--tasks", str(made[1]), "--sandbox",
                 "local", "--from-step", str(k), "--model", "sim/0.3", "--json"])  # fmt: skip
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"trial", "parent", "from_step", "model", "strategy", "passed",
                          "end_reason"}  # fmt: skip
    linked = (shown["parent"], shown["from_step"], shown["model"], shown["strategy"])
    assert linked == (trial_id, k, "sim/0.3", "react")
    rows = {r.id: r for r in load_run(run).trials}
    row = rows[shown["trial"]]
    assert (row.parent, row.from_step, row.model, row.status) == (trial_id, k, "sim/0.3",
                                                                  "finished")  # fmt: skip
    assert row.roles["policy"].calls >= 1 and row.passed == shown["passed"]
    new = load(run / "trajectories" / f"{shown['trial']}.json.gz")
    assert (new.parent, new.from_step, new.trial_id) == (trial_id, k, shown["trial"])
    prompt = original.steps[k].inputs["messages"]
    assert new.steps[0].kind == "model_call" and new.steps[0].inputs["messages"] == prompt
    assert new.messages[:prompt] == original.messages[:prompt]
    assert new.scores and new.cost["policy"].calls == row.roles["policy"].calls
    assert path.read_bytes() == before and rows[trial_id].parent is None  # original untouched
    # the same model from the same step goes the way the original went; ids are stable
    again = counterfactual(run, trial_id, k, original.model, tasks=[made[1]], sandbox="local")
    assert load(run / "trajectories" / f"{again.trial}.json.gz").messages == original.messages
    assert again.trial == counterfactual(run, trial_id, k, original.model, tasks=[made[1]],
                                         sandbox="local").trial  # fmt: skip
    assert len(load_run(run).trials) == 6
    # the report lists it, linked, but keeps it out of the campaign's statistics
    index = write_report(run).read_text()
    listed = json.loads(index.split('id="trial-data">')[1].split("</script>")[0])
    assert {r["id"]: r["parent"] for r in listed}[shown["trial"]] == trial_id
    assert "sim/0.3" not in index.split('id="summary"')[1].split("</section>")[0]


def test_a_counterfactual_with_another_strategy_starts_from_the_rebuilt_state(
    run: Path, made: tuple[Path, Path]
) -> None:
    trial_id = trial(run)
    # sim/0.0 submits at once: it passes only where the steps before wrote out.txt
    outcomes = [counterfactual(run, trial_id, k, "sim/0.0", "best_of_n:n=2", tasks=[made[1]],
                               sandbox="local") for k in (0, 4)]  # fmt: skip
    assert [o.passed for o in outcomes] == [False, True]
    new = load(run / "trajectories" / f"{outcomes[1].trial}.json.gz")
    assert outcomes[1].strategy == "best_of_n:n=2" and len(new.branches) == 2
    assert (new.parent, new.from_step) == (trial_id, 4)


def test_bad_input_is_a_clear_error(
    run: Path, made: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = ["--tasks", str(made[1]), "--sandbox", "local"]
    assert main(["replay", str(run), "--trial", "nope", *tasks]) == 2
    error = capsys.readouterr().err
    assert "no trial 'nope'" in error and trial(run) in error
    react = trial(run)
    assert main(["replay", str(run), "--trial", react, "--from-step", "1",
                 "--model", "sim/0.5", *tasks]) == 2  # fmt: skip
    assert "not one of its model calls" in capsys.readouterr().err
    best = trial(run, strategy="best_of_n:n=2")
    assert main(["replay", str(run), "--trial", best, "--from-step", "0",
                 "--model", "sim/0.5", *tasks]) == 2  # fmt: skip
    assert "no conversation to continue" in capsys.readouterr().err
    assert main(["replay", str(run), "--trial", react, "--model", "sim/0.5"]) == 2
    assert "go together" in capsys.readouterr().err
    path = run / "trajectories" / f"{react}.json.gz"
    path.write_bytes(gzip.compress(b'{"schema_version": 1, "task_')[:-5])  # truncated
    assert main(["replay", str(run), "--trial", react, *tasks]) == 2
    assert str(path) in capsys.readouterr().err
