"""The HTML report: what it shows, that it escapes everything, and that it survives a run in
progress, a corrupted trajectory, an unpriced model and imported trajectories."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_runs import (
    EVIL,
    FIXTURES,
    OS_TASKS,
    hostile_trajectory,
    make_run,
    records,
    row,
    trial_data,
)

from agentlab import Campaign, load_tasks, write_report
from agentlab.analysis.importers import import_files, import_mini_swe_agent, import_swe_agent
from agentlab.cli import main
from agentlab.types import Cost, Score, Step, Trajectory


def test_what_a_model_or_sandbox_wrote_is_escaped_in_every_file(tmp_path: Path) -> None:
    task, model = f"task-{EVIL[0]}", f"openai/{EVIL[1]}"
    roles = {"policy": Cost(calls=1, prompt_tokens=10, completion_tokens=5, usd=None,
                            unpriced=[model])}  # fmt: skip
    run = make_run(tmp_path / "run", [
        (row("bad", task, model, status="finished", passed=False, score=0.0, usd=None,
             prompt_tokens=10, completion_tokens=5, roles=roles, end_reason="submitted"),
         hostile_trajectory("bad", task, model)),
    ])  # fmt: skip
    index = write_report(run)
    report = index.parent
    files = [p for p in report.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".js", ".css", ".svg", ".png"}
    for path in files:
        data = path.read_bytes()
        for evil in EVIL:
            assert evil.encode() not in data, f"{evil!r} unescaped in {path}"
    page = index.read_text()
    assert html_escaped(EVIL[0]) in page  # the task id and model in the tables, as text
    assert "unpriced (openai/&lt;/script&gt;" in page
    # the viewer gets the exact strings back once its JSON is parsed
    (record,) = records(index)
    assert record["task"] == task and record["model"] == model
    shown = trial_data(report, record["file"])["trajectory"]
    assert shown["steps"][0]["outputs"]["message"]["content"] == EVIL[0]
    assert shown["steps"][1]["outputs"]["output"] == EVIL[1]
    assert shown["answer"].endswith(EVIL[1])


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_a_run_in_progress_with_a_corrupted_file_still_reports(tmp_path: Path) -> None:
    good = Trajectory(trial_id="ok", task_id="t1", status="finished", end_reason="submitted",
                      scores=[Score(judge="verifier", value=1.0, passed=True)])  # fmt: skip
    run = make_run(tmp_path / "run", [
        (row("ok", status="finished", passed=True, score=1.0), good),
        (row("broken", "t2", status="finished", passed=True, score=1.0), b"\x1f\x8bnot gzip"),
        (row("waiting", "t3"), None),
        (row("busy", "t4", status="running"), None),
    ])  # fmt: skip
    index = write_report(run)
    page = index.read_text()
    broken = run / "trajectories" / "broken.json.gz"
    assert "Unreadable trajectories" in page and f"{broken}: not a gzip" in page
    assert "2 of 4 trials done (in progress: 1 pending, 1 running)" in page
    assert page.count("0/0 +1 to run") == 2  # the per-task grid
    by_id = {r["id"]: r for r in records(index)}
    assert {i: r["outcome"] for i, r in by_id.items()} == {
        "ok": "passed",
        "broken": "passed",
        "waiting": "pending",
        "busy": "running",
    }
    assert by_id["broken"]["error"].startswith(str(broken)) and by_id["broken"]["file"] is None
    assert by_id["waiting"]["file"] is None and by_id["ok"]["file"] == "ok.js"
    assert (index.parent / "trials" / "ok.js").is_file()


def test_search_trees_and_plan_dags_are_laid_out_in_layers(tmp_path: Path) -> None:
    tree = Step(kind="plan", outputs={"chosen": 2, "nodes": [
        {"id": 0, "parent": None, "depth": 0, "action": [], "value": 0.0},
        {"id": 1, "parent": 0, "depth": 1, "action": ["bash ls"], "value": 0.25},
        {"id": 2, "parent": 0, "depth": 1, "action": ["submit x"], "value": 0.9,
         "end": "submitted"}]})  # fmt: skip
    dag = Step(
        kind="plan",
        outputs={
            "plan": "...",
            "critical_path": [1, 3],
            "results": [
                {"index": 1, "tool": "shell", "deps": [], "status": "done", "output": "4"},
                {"index": 2, "tool": "shell", "deps": [], "status": "failed", "output": "boom"},
                {"index": 3, "tool": "shell", "deps": [1, 2], "status": "cancelled", "output": ""},
            ],
        },
    )
    sample = Trajectory(task_id="t1", status="finished", answer="a",
                        scores=[Score(judge="verifier", value=1.0, passed=True)])  # fmt: skip
    trajectory = Trajectory(trial_id="x", task_id="t1", status="finished", steps=[tree, dag],
                            branches=[sample, sample])  # fmt: skip
    best_of = Trajectory(trial_id="y", task_id="t1", status="finished", branches=[sample] * 3)
    run = make_run(tmp_path / "run", [(row("x", status="finished"), trajectory),
                                      (row("y", status="finished"), best_of)])  # fmt: skip
    report = write_report(run).parent
    steps = trial_data(report, "x.js")["trajectory"]["steps"]
    drawn = steps[0]["drawing"]
    assert drawn["kind"] == "tree" and len(drawn["edges"]) == 2
    root, left, right = drawn["nodes"]
    assert left["y"] == right["y"] > root["y"] and left["x"] != right["x"]
    assert right["state"] == "chosen" and left["label"] == "1 · 0.25" and right["branch"] == 2
    dag_drawn = steps[1]["drawing"]
    one, two, three = dag_drawn["nodes"]
    assert one["y"] == two["y"] < three["y"]
    assert (one["state"], two["state"], three["state"]) == ("done", "failed", "cancelled")
    assert [e["critical"] for e in dag_drawn["edges"]] == [True, False]
    assert "tree" not in trial_data(report, "x.js")["trajectory"]  # the plan step draws it
    samples = trial_data(report, "y.js")["trajectory"]["tree"]  # best_of_n: its samples
    assert [n["label"] for n in samples["nodes"]] == ["trial", "#0 · 1.00", "#1 · 1.00",
                                                      "#2 · 1.00"]  # fmt: skip


def test_a_real_campaign_report_lists_every_trial_and_links_its_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = load_tasks([OS_TASKS])[:3]
    Campaign(tasks, ["react"], ["sim/0.6"], out=tmp_path / "run", sandbox="local").run_sync()
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "out")]) == 0
    index = Path(capsys.readouterr().out.strip())
    assert index == tmp_path / "out" / "index.html"
    listed = records(index)
    assert len(listed) == 3 and all(r["file"] for r in listed)
    failed = [r for r in listed if r["outcome"] == "failed"]
    assert failed, "sim/0.6 fails files-find-duplicates at seed 0"
    page = index.read_text()
    for r in failed:
        assert r["category"] and f'href="#trial={r["id"]}"' in page
    for r in listed:
        data = trial_data(index.parent, r["file"])
        assert data["trajectory"]["trial_id"] == r["id"] and data["trajectory"]["steps"]
    assert page.count('<img src="charts/') >= 4 and "sim/0.6" in page
    assert "Per-task results" in page and "files-find-duplicates" in page


def test_imported_trajectories_show_in_the_viewer(tmp_path: Path) -> None:
    run = tmp_path / "run"
    import_files(import_swe_agent, sorted((FIXTURES / "swe-agent").iterdir()), run)
    import_files(import_mini_swe_agent, sorted((FIXTURES / "mini-swe-agent").iterdir()), run)
    index = write_report(run)
    assert index.read_text().count("0/0 +1 unjudged") == 2
    listed = records(index)
    assert sorted(r["strategy"].split(":")[0] for r in listed) == ["mini-swe-agent", "swe-agent"]
    for r in listed:
        trajectory = trial_data(index.parent, r["file"])["trajectory"]
        assert r["outcome"] == "unjudged" and "diff --git a/" in trajectory["answer"]
        assert {s["kind"] for s in trajectory["steps"]} == {"model_call", "tool_call"}


def test_a_directory_that_is_not_a_run_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert f"{tmp_path}: not a run directory" in capsys.readouterr().err
