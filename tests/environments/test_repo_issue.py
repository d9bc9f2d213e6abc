"""The bundled repo_issue instances: well-formed rows, valid tasks, and gold resolves them all."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agentlab.campaign.runner import Campaign
from agentlab.cli import main
from agentlab.sandbox.docker import DockerProvider
from agentlab.tasks import load_tasks
from agentlab.validate import validate_tasks
from environments.repo_issue import BUNDLED
from environments.repo_issue.importer import touched_files
from environments.repo_issue.instances import read_instances


@pytest.fixture(scope="module")
def instance_ids() -> list[str]:
    return sorted(i.instance_id for i in read_instances(BUNDLED))


def test_ten_repositories_with_hidden_splits_and_separate_patches() -> None:
    instances = read_instances(BUNDLED)
    assert len(instances) >= 10 and len({i.repo for i in instances}) == len(instances)
    for instance in instances:
        name = instance.repo.partition("/")[2]
        assert (BUNDLED.parent / "repos" / f"{name}.bundle").is_file()
        assert instance.FAIL_TO_PASS and instance.PASS_TO_PASS, instance.instance_id
        assert all(f.startswith("tests/") for f in touched_files(instance.test_patch))
        assert not any(f.startswith("tests/") for f in touched_files(instance.patch))
        assert instance.environment_setup_commit == instance.base_commit
    tasks = load_tasks([BUNDLED])
    assert Counter(t.difficulty for t in tasks).keys() == {"easy", "medium", "hard"}
    assert all(t.family == "repo_issue" and "FAIL_TO_PASS" not in t.instruction for t in tasks)


@pytest.mark.docker
@pytest.mark.slow
async def test_every_bundled_instance_is_valid_on_docker(docker_provider: DockerProvider) -> None:
    results = await validate_tasks(load_tasks([BUNDLED]), docker_provider, concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


@pytest.mark.docker
@pytest.mark.slow
def test_swebench_eval_resolves_them_with_gold_and_not_with_empty(
    docker_provider: DockerProvider, tmp_path: Path, instance_ids: list[str]
) -> None:
    for predictions, resolved in (("gold", instance_ids), ("empty", [])):
        out = tmp_path / predictions
        args = ["swebench", "eval", "--instances", str(BUNDLED), "--predictions", predictions,
                "--max-workers", "2", "--out", str(out)]  # fmt: skip
        assert main(args) == 0
        summary = json.loads((out / "summary.json").read_text())
        assert summary["resolved"] == resolved and summary["errors"] == []
        for instance_id in instance_ids:
            report = json.loads((out / instance_id / "report.json").read_text())[instance_id]
            assert report["resolved"] is bool(resolved)
            assert (
                report["tests_status"]["FAIL_TO_PASS"]["failure" if resolved else "success"] == []
            )


@pytest.mark.docker
@pytest.mark.slow
def test_a_runs_exported_predictions_grade_as_its_verifier_judged_them(
    docker_provider: DockerProvider, tmp_path: Path
) -> None:
    tasks = load_tasks([BUNDLED])[:2]
    for model in ("sim/1.0", "sim/0.0"):
        run = tmp_path / model.replace("/", "-")
        rows = Campaign(tasks, ["react"], [model], out=run,
                        sandbox=docker_provider).run_sync()  # fmt: skip
        passed = {r.task_id for r in rows if r.passed}
        assert passed if model == "sim/1.0" else not passed
        predictions = run / "predictions.jsonl"
        assert main(["export", "predictions", str(run), "--out", str(predictions)]) == 0
        out = run / "eval"
        assert main(["swebench", "eval", "--instances", str(BUNDLED), "--predictions",
                     str(predictions), "--instance-ids", *(t.id for t in tasks),
                     "--max-workers", "2", "--out", str(out)]) == 0  # fmt: skip
        summary = json.loads((out / "summary.json").read_text())
        assert set(summary["resolved"]) == passed
