"""The OS family: bundled tasks and AgentBench items validate through the agent's pipeline."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agentlab.cli import main
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import TaskFormatError, load_tasks
from agentlab.validate import validate_tasks
from environments.os_tasks import TASKS_DIR
from environments.os_tasks.agentbench import write_tasks

AGENTBENCH = Path(__file__).parents[1] / "fixtures" / "agentbench" / "6-new.json"
CATEGORIES = ["files", "permissions", "users-and-groups", "processes", "text-processing",
              "archives", "scripting"]  # fmt: skip


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports land in a fresh cache; image builds still share the engine's image cache."""
    monkeypatch.setenv("AGENTLAB_CACHE", str(tmp_path / "cache"))


def test_the_bundled_family_covers_every_category_and_difficulty() -> None:
    tasks = load_tasks([TASKS_DIR])
    assert len(tasks) >= 15
    categories = Counter(t.tags[0] for t in tasks)
    assert all(categories[c] >= 2 for c in CATEGORIES), categories
    assert {t.difficulty for t in tasks} == {"easy", "medium", "hard"}
    assert all(t.family == "os_tasks" and t.checklist.items for t in tasks)
    assert all(not t.environment.needs_container for t in tasks)


async def test_every_bundled_task_is_valid_on_local_sandboxes() -> None:
    results = await validate_tasks(load_tasks([TASKS_DIR]), LocalProvider(), concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


@pytest.mark.docker
@pytest.mark.slow
async def test_every_bundled_task_is_valid_on_docker(docker_provider: DockerProvider) -> None:
    results = await validate_tasks(load_tasks([TASKS_DIR]), docker_provider, concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


def test_agentbench_items_become_task_directories() -> None:
    tasks = load_tasks([AGENTBENCH])
    assert [t.id for t in tasks] == [f"agentbench-6-new-{i:03d}" for i in range(9)]
    first = tasks[0]
    assert first.agent.wants_answer and first.environment.user == "jack"
    assert first.environment.workdir == "/home/jack"
    assert first.instruction.strip() == "execute ~/test and get the output"
    assert (first.solution_dir / "solve.sh").read_text().startswith("#!/bin/sh\n")  # type: ignore[operator]
    setup = (first.environment_dir / "setup.sh").read_text()  # type: ignore[operator]
    assert "su - jack" not in setup and "useradd" in setup
    assert [t.environment.offline_apt_packages for t in tasks].count(["sudo"]) == 3
    assert all("CHOWN" in t.environment.cap_add for t in tasks)
    nested = tasks[2]  # its example sits inside "evaluation"
    assert nested.solution_dir is not None and not nested.agent.wants_answer


def test_a_start_command_runs_in_the_background_and_checks_get_the_answer(tmp_path: Path) -> None:
    items = [{
        "description": "What is the server's port?",
        "create": {"init": "echo 8080 > /srv/port"},
        "start": "python3 -m http.server 8080",
        "evaluation": {"check": [None, {"language": "python", "code": "import sys; sys.exit(0)"}],
                       "example": "cat /srv/port"},
    }]  # fmt: skip
    [folder] = write_tasks(tmp_path / "src.json", items, tmp_path / "out")
    setup = (folder / "environment" / "setup.sh").read_text()
    assert "nohup bash -c 'python3 -m http.server 8080' >/dev/null 2>&1 &" in setup
    assert sorted(p.name for p in (folder / "tests").iterdir()) == [
        "check_00.sh", "check_01.py", "test.sh"]  # fmt: skip
    assert (folder / "tests" / "check_00.sh").read_text() == "cat /srv/port\n"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"description": "x", "evaluation": {}}, "needs match or check"),
        ({"description": "x", "evaluation": {"check": [None]}}, "null entry needs an example"),
        ({"description": "x", "evaluation": {"match": 3}}, "expected a string, answer or regex"),
        (
            {"description": "x", "evaluation": {"check": {"language": "c++", "code": "int main"}}},
            "language 'c++' is not supported",
        ),
    ],
)
def test_bad_items_name_the_file_the_item_and_the_field(
    tmp_path: Path, item: dict[str, object], message: str
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([{"description": "fine", "evaluation": {"match": "y"}}, item]))
    with pytest.raises(TaskFormatError) as err:
        load_tasks([source])
    assert f"{source} item 1" in str(err.value) and message in str(err.value)


@pytest.mark.docker
@pytest.mark.slow
def test_the_nine_agentbench_items_validate_under_docker(
    docker_provider: DockerProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["tasks", "validate", str(AGENTBENCH), "--sandbox", "docker", "--json"])
    results = json.loads(capsys.readouterr().out)
    assert [r for r in results if not r["valid"]] == []
    assert len(results) == 9 and code == 0
    assert set(results[0]) == {"task_id", "valid", "oracle_passed", "noop_failed", "error"}


HARBOR = Path(__file__).parents[1] / "fixtures" / "harbor" / "hello-world"


@pytest.mark.docker
async def test_a_harbor_task_runs_unmodified(docker_provider: DockerProvider) -> None:
    from agentlab import environment

    [task] = load_tasks([HARBOR])
    [result] = await validate_tasks([task], docker_provider)
    assert result.valid, result.error
    sandbox = await environment.start(task, docker_provider)
    try:
        assert sandbox.workspace == "/app"  # the image's WORKDIR, as Harbor runs it
        assert (await sandbox.exec("cat README")).stdout == "greetings live here\n"
    finally:
        await sandbox.close()
