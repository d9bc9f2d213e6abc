"""Run directories for the report's tests, written directly: hostile, in progress, corrupted."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agentlab.campaign.store import Store, TrialRow
from agentlab.trajectory import save
from agentlab.types import (
    ChecklistItem,
    Cost,
    Message,
    PluginSpec,
    Score,
    Step,
    ToolCall,
    Trajectory,
    Usage,
)

ROOT = Path(__file__).parents[2]
OS_TASKS = ROOT / "environments" / "os_tasks" / "tasks"
FIXTURES = ROOT / "tests" / "fixtures" / "trajectories"
EVIL = ("<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>")
PATCH = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n"


def hostile_trajectory(trial_id: str, task_id: str, model: str) -> Trajectory:
    """Every place a model or a sandbox writes into, filled with markup."""
    a, b = EVIL
    arguments = json.dumps({"command": f"echo '{a}'"})
    return Trajectory(
        trial_id=trial_id, task_id=task_id, model=model, status="finished",
        strategy=PluginSpec(kind="strategy", name="react"), end_reason="submitted",
        answer=f"{PATCH}{b}",
        steps=[
            Step(kind="model_call", usage=Usage(prompt_tokens=10, completion_tokens=5),
                 outputs={"message": Message(role="assistant", content=a, tool_calls=[
                     ToolCall(id="c1", name="bash", arguments=arguments)]).model_dump()}),
            Step(kind="tool_call", inputs={"id": "c1", "name": "bash", "arguments": arguments},
                 outputs={"output": b, "error": False}, error=a),
        ],
        scores=[Score(judge="verifier", value=0.0, passed=False, rationale=b,
                      items=[ChecklistItem(text=a, met=False, rationale=b)])],
        cost={"policy": Cost(calls=1, prompt_tokens=10, completion_tokens=5, usd=None,
                             unpriced=[model])},
    )  # fmt: skip


def make_run(path: Path, trials: list[tuple[TrialRow, Trajectory | bytes | None]]) -> Path:
    """Trials written into a run directory (new or not) directly: each row in the store, each
    trajectory (or raw bytes standing for a corrupted file) on disk; a `running` row is
    started, a `pending` one only added."""
    path.mkdir(parents=True, exist_ok=True)
    store = Store(path / "store.sqlite")
    store.add([row for row, _ in trials])
    for row, trajectory in trials:
        if row.status == "running":
            store.start(row.id)
        elif row.status != "pending":
            outcome = set(TrialRow.model_fields) - {"id", "task_id", "strategy", "model", "seed"}
            store.finish(row.id, **{name: getattr(row, name) for name in outcome})
        file = path / "trajectories" / f"{row.id}.json.gz"
        if isinstance(trajectory, Trajectory):
            save(trajectory, file)
        elif isinstance(trajectory, bytes):
            file.parent.mkdir(exist_ok=True)
            file.write_bytes(trajectory)
    store.close()
    return path


def row(trial_id: str, task_id: str = "t1", model: str = "sim/0.5", **fields: Any) -> TrialRow:
    return TrialRow(id=trial_id, task_id=task_id, strategy="react", model=model, seed=0, **fields)


def records(index: Path) -> list[dict[str, Any]]:
    """The trial list index.html embeds for the viewer."""
    match = re.search(r'<script type="application/json" id="trial-data">(.*?)</script>',
                      index.read_text(), re.S)  # fmt: skip
    assert match
    result: list[dict[str, Any]] = json.loads(match.group(1))
    return result


def trial_data(report: Path, file: str) -> dict[str, Any]:
    """What the viewer receives for one trial (report/trials/<file>)."""
    text = (report / "trials" / file).read_text()
    assert text.startswith("window.agentlabTrial(") and text.endswith(");\n")
    result: dict[str, Any] = json.loads(text[len("window.agentlabTrial(") : -3])
    return result
