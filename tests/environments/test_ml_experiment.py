"""The ml_experiment family: its tasks validate, and its verifiers rescore the agent's code on
hidden data, on the RE-Bench scale, without trusting anything the agent wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentlab import environment
from agentlab.sandbox.base import SandboxProvider
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.types import Score, Task
from agentlab.validate import run_oracle, validate_tasks
from agentlab.verifier import run_verifier, verifier_paths
from environments.ml_experiment import TASKS_DIR, datagen, rescore

KINDS = {"fix-bug", "tune", "data-leak", "feature-engineering", "speed-up", "improve-score"}
TIMED = {"speed-up-softmax"}  # scored against times measured in each run, not stored constants


def tasks() -> list[Task]:
    return load_tasks([TASKS_DIR])


def task(task_id: str) -> Task:
    [found] = [t for t in tasks() if t.id == task_id]
    return found


def test_the_family_mixes_difficulties_and_kinds() -> None:
    found = tasks()
    assert len(found) >= 5
    assert {t.difficulty for t in found} == {"easy", "medium", "hard"}
    assert {t.tags[0] for t in found} == KINDS
    for t in found:
        assert t.family == "ml_experiment" and 3 <= len(t.checklist.items) <= 5, t.id
        assert t.verifier.pass_threshold == (0.5 if t.id in TIMED else 0.9), t.id
        assert t.environment.python_packages in ([], ["numpy==2.1.3"]), t.id
    assert sum(not t.environment.needs_container for t in found) >= 4


def test_verifiers_share_one_scoring_module_through_symlinks() -> None:
    for t in tasks():
        assert t.tests_dir is not None
        link = t.tests_dir / "rescore.py"
        assert link.is_symlink() and os.readlink(link) == "../../../rescore.py", t.id
        assert link.resolve() == Path(rescore.__file__).resolve()
        datagen_link = t.tests_dir / "datagen.py"
        if datagen_link.exists():
            assert datagen_link.resolve() == Path(datagen.__file__).resolve(), t.id


def test_workspace_data_is_what_datagen_generates() -> None:
    for name, make in datagen.WORKSPACE_FILES.items():
        assert (TASKS_DIR / name).read_bytes() == datagen.csv_bytes(make()), name


def test_the_speed_verifier_times_the_starting_and_the_reference_code() -> None:
    folder = TASKS_DIR / "speed-up-softmax"
    start = folder / "tests" / "baseline" / "softmax_start.py"
    assert start.resolve() == folder / "environment" / "softmax.py"
    solve = (folder / "solution" / "solve.sh").read_text()
    written = solve.split("cat > softmax.py <<'PY'\n", 1)[1].split("\nPY\n", 1)[0] + "\n"
    assert written == (folder / "tests" / "baseline" / "softmax_reference.py").read_text()


# --- validation ---------------------------------------------------------------------------------


async def test_container_free_tasks_are_valid_on_local_sandboxes() -> None:
    local = [t for t in tasks() if not t.environment.needs_container]
    results = await validate_tasks(local, LocalProvider(), concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


@pytest.mark.docker
@pytest.mark.slow
async def test_every_task_is_valid_on_docker(docker_provider: DockerProvider) -> None:
    results = await validate_tasks(tasks(), docker_provider, concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


async def _score(task: Task, provider: SandboxProvider, *, oracle: bool, edit: str = "") -> Score:
    """The verifier's score in a fresh sandbox, after the oracle or after the shell `edit`."""
    sandbox = await environment.start(task, provider)
    try:
        if oracle:
            assert (await run_oracle(task, sandbox)).exit_code == 0
        if edit:
            tests = verifier_paths(sandbox)["AGENTLAB_TESTS_DIR"]
            done = await sandbox.exec(edit.replace("{tests}", tests), timeout=60)
            assert done.ok, done.stderr
        return await run_verifier(task, sandbox, None)
    finally:
        await sandbox.close()


async def _check_stored_constants(task: Task, provider: SandboxProvider) -> None:
    """The starting code scores exactly 0 and the oracle exactly 1: START and REFERENCE in the
    task's score.py are what its verifier measures. After changing a task's data or code, read
    the new values from the failure message."""
    noop = await _score(task, provider, oracle=False)
    best = await _score(task, provider, oracle=True)
    measured = {"start": noop.metrics["metric"], "reference": best.metrics["metric"]}
    stored = {"start": noop.metrics["start"], "reference": noop.metrics["reference"]}
    assert measured == pytest.approx(stored, abs=1e-5), f"{task.id}: measured {measured}"
    assert [noop.value, best.value] == pytest.approx([0.0, 1.0], abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize(
    "task_id", [t.id for t in tasks() if t.id not in TIMED and not t.environment.needs_container]
)
async def test_stored_start_and_reference_are_measured_values(task_id: str) -> None:
    await _check_stored_constants(task(task_id), LocalProvider())


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize(
    "task_id", [t.id for t in tasks() if t.id not in TIMED and t.environment.needs_container]
)
async def test_stored_start_and_reference_are_measured_values_on_docker(
    task_id: str, docker_provider: DockerProvider
) -> None:
    await _check_stored_constants(task(task_id), docker_provider)


# --- the verifier does not trust the agent ------------------------------------------------------

FAKE_RESULTS = """
python3 - <<'PY'
import csv, json
labels = [row["label"] for row in csv.DictReader(open("data/train.csv"))]
json.dump({"accuracy": 1.0, "reward": 1.0}, open("metrics.json", "w"))
json.dump({"reward": 1.0}, open("reward.json", "w"))
json.dump([int(v) for v in labels] * 5, open("predictions.json", "w"))
open("predictions.csv", "w").write("label\\n" + "\\n".join(labels * 5) + "\\n")
PY
"""

CHEAT = """
import os, re, sys

def fit_predict(X_train, y_train, X_test):
    folder = {folder!r}
    score = os.path.join(folder, "score.py")
    if not os.path.isfile(score):
        sys.exit("no hidden files found")
    sys.path.insert(0, folder)
    import datagen
    seed = int(re.search(r"TEST_SEED = \\d+, (\\d+)", open(score).read()).group(1))
    return [row[-1] for row in datagen.sensor_alarms(seed, len(X_test))[1]]
"""


async def test_results_the_agent_wrote_are_ignored(provider: SandboxProvider) -> None:
    fix = task("fix-logistic-gradient")
    score = await _score(fix, provider, oracle=False, edit=FAKE_RESULTS)
    assert score.value == 0.0 and score.metrics["metric"] == score.metrics["start"]


async def test_the_agents_code_cannot_read_the_hidden_files(
    provider: SandboxProvider, tmp_path: Path
) -> None:
    fix = task("fix-logistic-gradient")
    assert fix.tests_dir is not None
    # where the verifier's files are readable (the repository's, never sealed), the cheat wins
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "model.py").write_text(CHEAT.format(folder=str(fix.tests_dir)))
    env = {
        **os.environ,
        "AGENTLAB_WORKSPACE": str(workspace),
        "AGENTLAB_TESTS_DIR": str(fix.tests_dir),
        "AGENTLAB_VERIFIER_DIR": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    subprocess.run([sys.executable, str(fix.tests_dir / "score.py")], env=env, check=True)
    assert json.loads((tmp_path / "reward.json").read_text())["metric"] == 1.0
    assert (fix.tests_dir / "score.py").is_file()
    # in a sandbox the verifier deletes its copy before running the agent's code
    write = f"cat > model.py <<'PY'\n{CHEAT.format(folder='{tests}')}\nPY\n"
    score = await _score(fix, provider, oracle=False, edit=write)
    assert score.value == 0.0 and "no hidden files found" in str(score.details["stdout_tail"])


# --- rescore.py ---------------------------------------------------------------------------------


def test_normalize_is_zero_at_the_start_and_one_at_the_reference_either_way() -> None:
    assert rescore.normalize(0.912, start=0.85, reference=0.935) == pytest.approx(0.62 / 0.85)
    assert rescore.normalize(0.85, 0.85, 0.935) == 0.0
    assert rescore.normalize(0.935, 0.85, 0.935) == 1.0
    # lower is better: an error falling from 0.30 to 0.10
    assert rescore.normalize(0.15, start=0.30, reference=0.10) == pytest.approx(0.75)
    assert rescore.normalize(0.30, 0.30, 0.10) == 0.0
    with pytest.raises(ValueError, match="undefined"):
        rescore.normalize(0.5, 0.4, 0.4)


def test_the_reward_is_clipped_and_the_raw_values_kept() -> None:
    better = rescore.reward_record(rescore.Measurement(0.95, start=0.85, reference=0.935))
    assert better["reward"] == 1.0 and better["score_raw"] == pytest.approx(0.1 / 0.085)
    worse = rescore.reward_record(rescore.Measurement(0.80, start=0.85, reference=0.935))
    assert worse["reward"] == 0.0 and worse["score_raw"] < 0
    assert worse == {"reward": 0.0, "score_raw": worse["score_raw"], "metric": 0.80,
                     "start": 0.85, "reference": 0.935}  # fmt: skip


def test_times_are_compared_on_a_log_scale() -> None:
    assert rescore.log_time_score(2.0, start=8.0, reference=0.5) == pytest.approx(0.5)
    assert rescore.log_time_score(0.5, 8.0, 0.5) == pytest.approx(1.0)
    assert rescore.log_time_score(8.0, 8.0, 0.5) == 0.0
    assert rescore.log_time_score(16.0, 8.0, 0.5) == pytest.approx(-0.25)
    timed = rescore.reward_record(rescore.Measurement(0.25, 8.0, 0.5), log_scale=True)
    assert timed["reward"] == 1.0 and timed["score_raw"] == pytest.approx(1.25)


def _verify(evaluate: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    monkeypatch.setenv("AGENTLAB_VERIFIER_DIR", str(tmp_path))
    monkeypatch.delenv("AGENTLAB_TESTS_DIR", raising=False)
    rescore.verify(evaluate)  # type: ignore[arg-type]
    result: dict[str, float] = json.loads((tmp_path / "reward.json").read_text())
    return result


def test_a_crash_or_a_timeout_of_the_agents_code_scores_zero_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(hidden: dict[str, bytes]) -> rescore.Measurement:
        rescore.run(["python3", "-c", "import sys; sys.exit('model diverged')"], timeout=30,
                    output="out.json", label="model.fit_predict")  # fmt: skip
        raise AssertionError("unreachable")

    def hang(hidden: dict[str, bytes]) -> rescore.Measurement:
        rescore.run(["sleep", "30"], timeout=0.3, output="out.json")
        raise AssertionError("unreachable")

    assert _verify(crash, tmp_path, monkeypatch) == {"reward": 0.0}
    assert "model.fit_predict exited 1:\nmodel diverged" in capsys.readouterr().out
    assert _verify(hang, tmp_path, monkeypatch) == {"reward": 0.0}
    assert "sleep 30 timed out after 0.3 s" in capsys.readouterr().out


def test_a_measurement_is_written_with_its_raw_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _verify(lambda hidden: rescore.Measurement(0.9, 0.8, 1.0), tmp_path, monkeypatch)
    assert record == pytest.approx(
        {"reward": 0.5, "score_raw": 0.5, "metric": 0.9, "start": 0.8, "reference": 1.0}
    )


def test_calls_run_on_a_copy_with_a_clean_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "probe.py").write_text(
        "import os\n"
        "def look(extra):\n"
        "    open('mark.txt', 'w').write('x')\n"
        "    return [sorted(k for k in os.environ if k.startswith('AGENTLAB')), extra]\n"
    )
    monkeypatch.setenv("AGENTLAB_VERIFIER_DIR", str(tmp_path))
    called = rescore.call("probe", "look", [{"a": 1}], timeout=30, source=tmp_path)
    assert called.value == [[], {"a": 1}] and called.seconds > 0
    assert not (tmp_path / "mark.txt").exists()


def test_outputs_are_read_without_following_symlinks(tmp_path: Path) -> None:
    secret = tmp_path / "labels.csv"
    secret.write_text("id,label\n")
    with pytest.raises(rescore.RunError, match="symlink"):
        rescore.run(["ln", "-s", str(secret), "{io}/predictions.csv"], timeout=30,
                    output="predictions.csv")  # fmt: skip
    with pytest.raises(rescore.RunError, match=r"wrote no predictions\.csv"):
        rescore.run(["true"], timeout=30, output="predictions.csv")


def test_predictions_must_be_one_finite_number_per_row() -> None:
    assert rescore.accuracy([1, 0, "1", 1.0], [1, 1, 1, 1]) == 0.75
    assert rescore.rmse([1.0, 3.0], [1.0, 1.0]) == pytest.approx(2**0.5)
    for bad, reason in (([1, 0], "got 2"), ({"a": 1}, "got dict"), ([1, "x", 0], "'x'"),
                        ([1, float("nan"), 0], "not finite")):  # fmt: skip
        with pytest.raises(rescore.RunError, match=reason):
            rescore.accuracy(bad, [1, 1, 1])


def test_seal_deletes_a_sandbox_copy_of_the_tests_but_never_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "tests"
    copy.mkdir()
    for name in ("test.sh", "rescore.py", "score.py"):
        (copy / name).write_text(name)
    monkeypatch.setenv("AGENTLAB_TESTS_DIR", str(copy))
    assert rescore.seal() == {"test.sh": b"test.sh", "rescore.py": b"rescore.py",
                              "score.py": b"score.py"}  # fmt: skip
    assert not copy.exists()
    repository = task("fix-logistic-gradient").tests_dir
    monkeypatch.setenv("AGENTLAB_TESTS_DIR", str(repository))
    assert "score.py" in rescore.seal() and (repository / "score.py").is_file()  # type: ignore[operator]
