"""Importing SWE-agent and mini-swe-agent trajectories, and exporting SWE-bench predictions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from agentlab.analysis.importers import (
    IMPORTERS,
    export_predictions,
    import_files,
    import_mini_swe_agent,
    import_swe_agent,
)
from agentlab.campaign.runner import Campaign
from agentlab.campaign.store import Store
from agentlab.cli import main
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.trajectory import TrajectoryFormatError, load, save
from environments.os_tasks import TASKS_DIR
from environments.repo_issue.instances import read_predictions

FIXTURES = Path(__file__).parents[1] / "fixtures" / "trajectories"
SWE_AGENT = FIXTURES / "swe-agent" / "marshmallow-code__marshmallow-1867.traj"
MINI = FIXTURES / "mini-swe-agent" / "psf__requests-1724.traj.json"


def raw(path: Path) -> Any:
    return json.loads(path.read_text())


def test_a_swe_agent_trajectory_imports_step_by_step() -> None:
    source = raw(SWE_AGENT)
    trajectory = import_swe_agent(SWE_AGENT)
    assert trajectory.task_id == "marshmallow-code__marshmallow-1867"
    assert trajectory.model == "gpt-4o" and trajectory.strategy is not None
    assert trajectory.strategy.name == "swe-agent"
    assert trajectory.answer == source["info"]["submission"]  # verbatim, CRLF and all
    assert trajectory.end_reason == "submitted" and trajectory.error is None
    assert trajectory.image == source["replay_config"]["env"]["deployment"]["image"]
    calls = [s for s in trajectory.steps if s.kind == "model_call"]
    tools = [s for s in trajectory.steps if s.kind == "tool_call"]
    assert len(calls) == len(tools) == len(source["trajectory"]) == 11
    assert [t.inputs["command"] for t in tools] == [e["action"] for e in source["trajectory"]]
    assert [t.outputs["output"] for t in tools] == [e["observation"] for e in source["trajectory"]]
    assert tools[0].inputs["name"] == "create" and tools[-1].inputs["name"] == "submit"
    assert tools[0].duration_s == source["trajectory"][0]["execution_time"]
    assert calls[0].outputs["message"]["tool_calls"][0]["id"] == tools[0].inputs["id"]
    # totals only: on the first model call, as the file gives them (a demonstration: 0 tokens)
    assert calls[0].outputs["model_stats"] == source["info"]["model_stats"]
    assert calls[0].outputs["model_stats"]["api_calls"] == len(calls)
    assert calls[0].usage is not None and all(s.usage is None for s in trajectory.steps[1:])
    assert trajectory.usage.prompt_tokens == 0 == trajectory.usage.completion_tokens
    assert len(trajectory.messages) == len(source["history"])
    assert [m.role for m in trajectory.messages[:4]] == ["system", "user", "assistant", "tool"]
    assert trajectory.messages[3].tool_call_id == trajectory.messages[2].tool_calls[0].id


def test_a_mini_swe_agent_trajectory_imports_with_per_call_usage() -> None:
    source = raw(MINI)
    trajectory = import_mini_swe_agent(MINI)
    assert trajectory.task_id == "psf__requests-1724"
    assert trajectory.model == "google/gemini-3-pro-preview"
    assert trajectory.strategy is not None and str(trajectory.strategy) == (
        "mini-swe-agent:version=1.15.0")  # fmt: skip
    assert trajectory.answer == source["info"]["submission"]
    assert trajectory.end_reason == "submitted" and trajectory.error is None
    said = [m for m in source["messages"] if m["role"] == "assistant"]
    calls = [s for s in trajectory.steps if s.kind == "model_call"]
    tools = [s for s in trajectory.steps if s.kind == "tool_call"]
    assert len(calls) == len(said) == source["info"]["model_stats"]["api_calls"] == 32
    assert len(tools) == 32  # every reply had its one bash block
    usages = [m["extra"]["response"]["usage"] for m in said]
    assert trajectory.usage.prompt_tokens == sum(u["prompt_tokens"] for u in usages)
    assert trajectory.usage.completion_tokens == sum(u["completion_tokens"] for u in usages)
    assert trajectory.usage.cached_tokens == sum(
        u["prompt_tokens_details"]["cached_tokens"] for u in usages)  # fmt: skip
    assert sum(s.outputs["cost_usd"] for s in calls) == pytest.approx(
        source["info"]["model_stats"]["instance_cost"])  # fmt: skip
    assert calls[0].outputs["model_stats"] == source["info"]["model_stats"]
    assert tools[0].inputs == {"command": "ls -la"} and tools[0].outputs["returncode"] == 0
    assert "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT" in tools[-1].inputs["command"]
    assert tools[-1].outputs["output"] == trajectory.answer
    assert [m.content for m in trajectory.messages] == [m["content"] for m in source["messages"]]


def test_exit_statuses_map_to_end_reasons_and_are_kept(tmp_path: Path) -> None:
    source = raw(MINI)
    source["info"].update(exit_status="LimitsExceeded", submission="")
    path = tmp_path / "limits.traj.json"
    path.write_text(json.dumps(source))
    trajectory = import_mini_swe_agent(path)
    assert trajectory.end_reason == "budget" and trajectory.answer is None
    assert trajectory.error == "mini-swe-agent exit status 'LimitsExceeded'"
    swe = raw(SWE_AGENT)
    swe["info"]["exit_status"] = "submitted (exit_cost)"
    path = tmp_path / "cost.traj"
    path.write_text(json.dumps(swe))
    trajectory = import_swe_agent(path)
    assert trajectory.end_reason == "budget" and trajectory.answer == swe["info"]["submission"]


def broken(tmp_path: Path, name: str, source: Path) -> Path:
    """Broken versions of a fixture: `name` says how."""
    path = tmp_path / f"{name}{''.join(source.suffixes)}"
    data = source.read_bytes()
    if name == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif name == "binary":
        path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    else:  # the instance id gone (and with SWE-agent's, all of replay_config)
        content = raw(source)
        content.pop("instance_id" if "instance_id" in content else "replay_config")
        path.write_text(json.dumps(content))
    return path


@pytest.mark.parametrize(
    ("name", "says"),
    [("truncated", "not valid JSON, truncated or corrupt (Unterminated"),
     ("binary", "not valid JSON, truncated or corrupt ('utf-8' codec"),
     ("lacking", "Field required")],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["swe-agent", "mini-swe-agent"])
def test_a_broken_file_is_an_error_naming_it_and_what_is_wrong(
    tmp_path: Path, fmt: str, name: str, says: str
) -> None:
    path = broken(tmp_path, name, SWE_AGENT if fmt == "swe-agent" else MINI)
    with pytest.raises(TrajectoryFormatError) as caught:
        IMPORTERS[fmt](path)
    assert str(caught.value).startswith(f"{path}: ") and says in str(caught.value)
    if name == "lacking":
        assert ("replay_config" if fmt == "swe-agent" else "instance_id") in str(caught.value)


def test_a_file_of_the_other_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TrajectoryFormatError, match="trajectory_format"):
        import_mini_swe_agent(SWE_AGENT)
    newer = raw(MINI) | {"trajectory_format": "mini-swe-agent-1.1"}
    (tmp_path / "v2.traj.json").write_text(json.dumps(newer))
    with pytest.raises(TrajectoryFormatError, match="mini-swe-agent-1"):
        import_mini_swe_agent(tmp_path / "v2.traj.json")


def rows(run: Path) -> list[sqlite3.Row]:
    store = Store(run / "store.sqlite")
    try:
        return list(store.db.execute("SELECT * FROM trials ORDER BY task_id"))
    finally:
        store.close()


def test_the_cli_imports_and_exports_predictions_the_swebench_loader_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, out = tmp_path / "run", tmp_path / "preds.jsonl"
    assert main(["import", "swe-agent", str(SWE_AGENT), "--out", str(run)]) == 0
    assert main(["import", "mini-swe-agent", str(MINI), "--out", str(run)]) == 0
    stored = rows(run)
    assert [(r["task_id"], r["status"], r["end_reason"]) for r in stored] == [
        ("marshmallow-code__marshmallow-1867", "finished", "submitted"),
        ("psf__requests-1724", "finished", "submitted")]  # fmt: skip
    mini = stored[1]
    assert mini["usd"] == pytest.approx(raw(MINI)["info"]["model_stats"]["instance_cost"])
    assert mini["prompt_tokens"] == import_mini_swe_agent(MINI).usage.prompt_tokens
    assert mini["wall_s"] is None and mini["passed"] is None  # not in the files
    spec = json.loads((run / "campaign.json").read_text())
    assert spec["models"] == ["gpt-4o", "google/gemini-3-pro-preview"]
    assert [s["name"] for s in spec["strategies"]] == ["swe-agent", "mini-swe-agent"]
    trajectories = {t.task_id: t for t in map(load, (run / "trajectories").glob("*.json.gz"))}
    assert sorted(trajectories) == [r["task_id"] for r in stored]
    assert {t.trial_id for t in trajectories.values()} == {r["id"] for r in stored}

    assert main(["export", "predictions", str(run), "--out", str(out)]) == 0
    assert "wrote 2 predictions" in capsys.readouterr().out
    predictions = read_predictions(out)  # what `agentlab swebench eval --predictions` loads
    assert [p.instance_id for p in predictions] == sorted(trajectories)
    for prediction, source in zip(predictions, (SWE_AGENT, MINI), strict=True):
        assert prediction.model_patch == trajectories[prediction.instance_id].answer
        assert prediction.model_patch == raw(source)["info"]["submission"]
    assert [p.model_name_or_path for p in predictions] == ["gpt-4o", "google/gemini-3-pro-preview"]
    assert main(["export", "predictions", str(run), "--out", str(out), "--model-name", "x"]) == 0
    assert {p.model_name_or_path for p in read_predictions(out)} == {"x"}


def test_a_bad_file_is_reported_and_the_others_are_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = broken(tmp_path, "truncated", MINI)
    run = tmp_path / "run"
    code = main(["import", "mini-swe-agent", str(bad), str(MINI), str(tmp_path / "none.traj.json"),
                 "--out", str(run)])  # fmt: skip
    assert code == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and str(bad) in errors[0] and "none.traj.json" in errors[1]
    assert [r["task_id"] for r in rows(run)] == ["psf__requests-1724"]


def test_importing_the_same_files_again_does_not_duplicate_trials(tmp_path: Path) -> None:
    run = tmp_path / "run"
    for _ in range(2):
        assert import_files(import_mini_swe_agent, [MINI, MINI], run) == (2, [])
        assert import_files(import_swe_agent, [SWE_AGENT], run) == (1, [])
    assert len(rows(run)) == 2 and len(list((run / "trajectories").iterdir())) == 2
    spec = json.loads((run / "campaign.json").read_text())
    assert len(spec["tasks"]) == len(spec["imported"]) == 2 and spec["seeds"] == [0]


def test_export_reports_a_corrupt_trajectory_and_exports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, out = tmp_path / "run", tmp_path / "preds.jsonl"
    import_files(import_mini_swe_agent, [MINI], run)
    (run / "trajectories" / "0badc0de.json.gz").write_bytes(b"not gzip")
    assert main(["export", "predictions", str(run), "--out", str(out)]) == 1
    assert "0badc0de.json.gz: not a gzip-compressed JSON trajectory" in capsys.readouterr().err
    assert [p.instance_id for p in read_predictions(out)] == ["psf__requests-1724"]


def test_export_refuses_two_answers_to_one_instance(tmp_path: Path) -> None:
    run = tmp_path / "run"
    import_files(import_mini_swe_agent, [MINI], run)
    other = import_mini_swe_agent(MINI).model_copy(update={"trial_id": "another"})
    save(other, run / "trajectories" / "another.json.gz")
    with pytest.raises(ValueError, match="both answer psf__requests-1724"):
        export_predictions(run, tmp_path / "preds.jsonl")


def test_predictions_export_from_a_native_run(tmp_path: Path) -> None:
    wanted = ("files-purge-stale-tmp", "text-top-404-ip")
    tasks = [t for t in load_tasks([TASKS_DIR]) if t.id in wanted]
    run, out = tmp_path / "run", tmp_path / "preds.jsonl"
    Campaign(tasks, ["react"], ["sim/1.0"], out=run, sandbox=LocalProvider()).run_sync()
    trials = list(map(load, (run / "trajectories").glob("*.json.gz")))
    assert export_predictions(run, out) == (2, [])
    assert {(p.instance_id, p.model_name_or_path, p.model_patch) for p in read_predictions(out)} \
        == {(t.task_id, t.model, t.answer) for t in trials}  # fmt: skip


def test_export_needs_a_run_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no trajectories"):
        export_predictions(tmp_path, tmp_path / "preds.jsonl")


def test_a_replay_config_stored_as_a_json_string_reads_the_same(tmp_path: Path) -> None:
    source = raw(SWE_AGENT)
    source["replay_config"] = json.dumps(source["replay_config"])
    (tmp_path / "s.traj").write_text(json.dumps(source))
    assert import_swe_agent(tmp_path / "s.traj").model_dump(exclude={"trial_id"}) == (
        import_swe_agent(SWE_AGENT).model_dump(exclude={"trial_id"}))  # fmt: skip
