"""The failure taxonomy: each category from the trajectory that shows it, and a real run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentlab import Campaign, load_task
from agentlab.analysis.failures import classify, failures
from agentlab.cli import main
from agentlab.types import Score, Step, Trajectory

OS_TASKS = Path(__file__).parents[2] / "environments" / "os_tasks" / "tasks"


def call(command: str, output: str = "ok") -> Step:
    return Step(kind="tool_call", inputs={"id": "c", "name": "bash",
                                          "arguments": json.dumps({"command": command})},
                outputs={"output": output, "error": output.startswith("Error")})  # fmt: skip


def trial(
    steps: list[Step],
    end: str | None,
    *,
    passed: bool = False,
    status: str = "finished",
    error: str | None = None,
    metrics: dict[str, float] | None = None,
) -> Trajectory:
    score = Score(judge="verifier", value=float(passed), passed=passed, rationale="reward 0",
                  metrics=metrics or {})  # fmt: skip
    return Trajectory(task_id="t", steps=steps, end_reason=end, status=status,  # type: ignore[arg-type]
                      error=error, scores=[score])  # fmt: skip


@pytest.mark.parametrize(
    ("trajectory", "category", "step"),
    [
        (
            trial([], None, status="error", error="Traceback...\nSandboxError: gone"),
            "env_error",
            None,
        ),
        (
            trial([call("ls"), Step(kind="model_call", error="429")], "model_error"),
            "model_error",
            1,
        ),
        (trial([call("ls")] + [call("make")] * 3, "max_steps"), "loop", 1),
        (
            trial([call("x", "Error: bad arguments to bash: ..."), call("ls")], "max_steps"),
            "format_error",
            0,
        ),
        (trial([call("ls"), call("pwd")], "max_steps"), "max_steps", 1),
        (trial([call("sleep 9")], "timeout"), "timeout", 0),
        (trial([call("ls")], "budget"), "budget", 0),
        (trial([call("ls")], None), "no_submission", None),
        (trial([call("ls")], "submitted", metrics={"pass_to_pass": 0.5}), "regression", None),
        (trial([call("ls")], "submitted"), "wrong_solution", None),
    ],
)
def test_each_category_comes_from_what_the_trajectory_shows(
    trajectory: Trajectory, category: str, step: int | None
) -> None:
    verdict = classify(trajectory)
    assert verdict is not None and verdict[:2] == (category, step), verdict


def test_a_passed_or_unjudged_trial_is_no_failure() -> None:
    assert classify(trial([call("ls")], "submitted", passed=True)) is None
    assert classify(Trajectory(task_id="t", status="finished")) is None


async def test_a_real_run_is_tabulated_and_a_corrupt_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = [
        load_task(OS_TASKS / name) for name in ("files-purge-stale-tmp", "perms-normalize-site")
    ]
    rows = await Campaign(tasks, ["react:max_steps=2"], ["sim/0.3"], out=tmp_path, seeds=2,
                          sandbox="local").run()  # fmt: skip
    found, errors = failures(tmp_path)
    failed = {r.id for r in rows if r.passed is False}
    assert failed and {f.trial_id for f in found} == failed and errors == []
    assert {f.category for f in found} <= {"max_steps", "loop", "wrong_solution", "format_error"}
    assert main(["failures", str(tmp_path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert sorted(f["trial_id"] for f in shown) == sorted(failed)
    first = shown[0]
    assert first["viewer"] == f"{tmp_path}/report/index.html#trial={first['trial_id']}"
    assert main(["failures", str(tmp_path)]) == 0
    assert first["viewer"] in capsys.readouterr().out
    broken = next(iter(failed))
    (tmp_path / "trajectories" / f"{broken}.json.gz").write_bytes(b"not gzip")
    assert main(["failures", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"{broken}.json.gz" in err and "category" in out
