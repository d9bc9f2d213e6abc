"""The SWE-bench pipeline on a small repository made here: import, layered images, evaluation.

The repository's history: init (mean() is wrong) -> fix mean -> add clamp() (wrong) -> fix
clamp (a new test file) -> later work. Instance 1 sits at init, instance 2 at "add clamp".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow
import pyarrow.parquet
import pytest

from agentlab import environment
from agentlab.cli import main
from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.downloads import wheelhouse
from agentlab.sandbox.errors import ImageBuildError
from agentlab.tasks import TaskFormatError, load_tasks
from environments.os_tasks import import_agentbench
from environments.repo_issue import grading
from environments.repo_issue.images import mirror, redact
from environments.repo_issue.importer import import_swebench, instance_tasks, touched_files
from environments.repo_issue.instances import read_instances
from environments.repo_issue.specs import repo_url

AGENTBENCH = Path(__file__).parents[1] / "fixtures" / "agentbench" / "6-new.json"
SPEC = '[specs."demo/calc"."*"]\npip_packages = ["pytest==8.3.5"]\n'


def git(repo: Path, *args: str, date: str = "2024-03-01T12:00:00Z") -> str:
    env = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=True, timeout=60)  # fmt: skip
    return done.stdout


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


CALC = "def add(a, b):\n    return a + b\n\n\ndef mean(xs):\n    return sum(xs) / {}\n"
CLAMP = "\n\ndef clamp(x, lo, hi):\n    return {}\n"
TESTS = "from calc import add, mean\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
TEST_MEAN = "\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n"
TEST_CLAMP = "from calc import clamp\n\n\ndef test_clamp():\n    assert clamp(5, 0, 3) == 3\n"


def make_dataset(root: Path, spec: str = SPEC) -> Path:
    """Builds the repository, its bundle, two instance rows and swebench.toml under `root`."""
    repo = root / "src"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    calc_bad, calc_ok = CALC.format("(len(xs) - 1)"), CALC.format("len(xs)")
    base1 = commit(repo, {"calc/__init__.py": calc_bad, "tests/test_calc.py": TESTS}, "init")
    fix1 = commit(repo, {"calc/__init__.py": calc_ok, "tests/test_calc.py": TESTS + TEST_MEAN},
                  "Fix mean")  # fmt: skip
    base2 = commit(repo, {"calc/__init__.py": calc_ok + CLAMP.format("min(lo, max(x, hi))")},
                   "Add clamp")  # fmt: skip
    fix2 = commit(repo, {"calc/__init__.py": calc_ok + CLAMP.format("max(lo, min(x, hi))"),
                         "tests/test_clamp.py": TEST_CLAMP}, "Fix clamp")  # fmt: skip
    commit(repo, {"README.md": "# calc\n"}, "Later work")
    (root / "repos").mkdir()
    git(repo, "bundle", "create", str(root / "repos" / "calc.bundle"), "--all")

    def row(number: int, base: str, fix: str, f2p: list[str], p2p: list[str]) -> str:
        return json.dumps({
            "instance_id": f"demo__calc-{number}", "repo": "demo/calc", "version": "1.0",
            "base_commit": base, "environment_setup_commit": base1,
            "patch": git(repo, "diff", base, fix, "--", "calc"),
            "test_patch": git(repo, "diff", base, fix, "--", "tests"),
            "problem_statement": f"Issue {number}: the result is wrong.",
            "FAIL_TO_PASS": json.dumps(f2p), "PASS_TO_PASS": json.dumps(p2p),
        })  # fmt: skip

    calc, clamp = "tests/test_calc.py::test_", "tests/test_clamp.py::test_"
    rows = [row(1, base1, fix1, [calc + "mean"], [calc + "add"]),
            row(2, base2, fix2, [clamp + "clamp"], [])]  # fmt: skip
    (root / "instances.jsonl").write_text("\n".join(rows) + "\n")
    (root / "swebench.toml").write_text(f'repo_url_template = "repos/{{name}}.bundle"\n\n{spec}')
    return root / "instances.jsonl"


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENTLAB_CACHE", str(tmp_path / "cache"))
    return make_dataset(tmp_path / "data")


# --- importing ------------------------------------------------------------------------------


def test_rows_import_as_task_directories_without_fetching_anything(dataset: Path) -> None:
    (dataset.parent / "repos" / "calc.bundle").unlink()  # nothing is fetched at import
    first, second = load_tasks([dataset])
    assert (first.id, first.family, first.environment.workdir) == ("demo__calc-1", "repo_issue",
                                                                   "/testbed")  # fmt: skip
    assert first.instruction.startswith("Issue 1: the result is wrong.")
    assert "test_mean" not in first.instruction  # the split stays hidden
    assert first.environment.image == second.environment.image  # one env layer per version
    assert first.environment.image.startswith("swebench-env/demo__calc:1.0-")
    spec = json.loads((first.tests_dir / "eval.json").read_text())  # type: ignore[operator]
    assert spec["test_files"] == ["tests/test_calc.py"]
    assert spec["test_command"].endswith("pytest -rA -p no:cacheprovider tests/test_calc.py")
    assert spec["FAIL_TO_PASS"] == ["tests/test_calc.py::test_mean"]
    solve = (first.solution_dir / "solve.sh").read_text()  # type: ignore[operator]
    assert "git apply -v <<'AGENTLAB_GOLD_PATCH'\ndiff --git a/calc/__init__.py" in solve
    dockerfile = (first.environment_dir / "Dockerfile").read_text()  # type: ignore[operator]
    assert read_instances(dataset)[0].base_commit in dockerfile


def test_a_repository_without_a_spec_is_named(dataset: Path) -> None:
    (dataset.parent / "swebench.toml").write_text('repo_url_template = "x/{name}"\n')
    with pytest.raises(TaskFormatError, match=r'no spec for demo/calc@1\.0: add \[specs\."demo'
                       r'/calc"\."1\.0"\] to .*swebench\.toml'):  # fmt: skip
        load_tasks([dataset])
    (dataset.parent / "swebench.toml").write_text('[specs."demo/calc"."*"]\npython = "three"\n')
    with pytest.raises(TaskFormatError, match=r"swebench\.toml: field 'specs\.demo/calc\.\*\."
                       r"python'"):  # fmt: skip
        load_tasks([dataset])


def test_json_and_parquet_rows_read_like_jsonl(dataset: Path) -> None:
    rows = [json.loads(line) for line in dataset.read_text().splitlines()]
    as_json = dataset.with_suffix(".json")
    as_json.write_text(json.dumps(rows))
    as_parquet = dataset.with_suffix(".parquet")
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(rows), as_parquet)
    expected = read_instances(dataset)
    assert read_instances(as_json) == expected == read_instances(as_parquet)
    assert [t.id for t in load_tasks([as_parquet])] == ["demo__calc-1", "demo__calc-2"]
    rows[1]["base_commit"] = None
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(rows), as_parquet)
    with pytest.raises(TaskFormatError, match=r"instances\.parquet:row 1: field 'base_commit'"):
        read_instances(as_parquet)


def test_other_formats_are_left_to_their_importers(dataset: Path) -> None:
    assert import_swebench(AGENTBENCH) is None
    assert import_agentbench(dataset) is None
    predictions = dataset.parent / "preds.jsonl"
    predictions.write_text('{"instance_id": "a", "model_name_or_path": "m", "model_patch": ""}\n')
    assert import_swebench(predictions) is None


def test_repository_urls_and_what_errors_show(tmp_path: Path) -> None:
    assert repo_url("https://github.com/{repo}.git", "o/n", relative_to=tmp_path) == (
        "https://github.com/o/n.git")  # fmt: skip
    assert repo_url("file:///m/{owner}/{name}", "o/n", relative_to=tmp_path) == "file:///m/o/n"
    assert repo_url("mirrors/{name}.git", "o/n", relative_to=tmp_path) == str(
        tmp_path / "mirrors" / "n.git")  # fmt: skip
    assert repo_url("git@host:{repo}", "o/n", relative_to=tmp_path) == "git@host:o/n"
    with pytest.raises(TaskFormatError, match=r"use \{repo\}, \{owner\} and \{name\}"):
        repo_url("https://x/{project}", "o/n", relative_to=tmp_path)
    assert redact("https://user:s3cret@host/o/n.git failed") == "https://***@host/o/n.git failed"
    assert touched_files("diff --git a/t/a.py b/t/a.py\n+x\ndiff --git a/t/b.py b/t/b.py\n") == [
        "t/a.py", "t/b.py"]  # fmt: skip


def test_an_unreachable_repository_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTLAB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ImageBuildError, match=r"cannot fetch repository file:///nowhere/o/n\.git"):
        mirror("file:///nowhere/o/n.git", "0" * 40)
    assert not list((tmp_path / "cache" / "mirrors").iterdir())  # nothing half-cloned is kept


def test_a_package_the_wheelhouse_lacks_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTLAB_CACHE", str(tmp_path / "cache"))
    (tmp_path / "wheels").mkdir()
    monkeypatch.setenv("AGENTLAB_WHEELHOUSE", str(tmp_path / "wheels"))
    with pytest.raises(ImageBuildError, match=r"cannot resolve pytest==8\.3\.5 from the "
                       r"wheelhouse .*/wheels"):  # fmt: skip
        wheelhouse(["pytest==8.3.5"], lambda _: None)


# --- grading inside the checkout (no container needed) ------------------------------------------


def checkout_at(dataset: Path, tmp_path: Path, number: int) -> tuple[Path, dict[str, object]]:
    """A clone at instance `number`'s base commit and the eval.json its task carries."""
    task = instance_tasks(dataset)[number - 1]
    work = tmp_path / f"work{number}"
    subprocess.run(["git", "clone", "-q", str(dataset.parent / "src"), str(work)], check=True,
                   timeout=60)  # fmt: skip
    spec = json.loads((task.tests_dir / "eval.json").read_text())  # type: ignore[operator]
    git(work, "checkout", "-q", spec["base_commit"])
    spec["test_command"] = spec["test_command"].replace("python3", sys.executable)
    return work, spec


def grade(work: Path, spec: dict[str, object], dataset: Path, number: int) -> dict[str, object]:
    patch = read_instances(dataset)[number - 1].test_patch
    out = work.parent / f"verifier{number}"
    out.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patched:
        patched.chdir(work)
        return grading.evaluate(spec, patch, str(out))


def test_agent_edits_to_the_test_files_are_discarded(dataset: Path, tmp_path: Path) -> None:
    work, spec = checkout_at(dataset, tmp_path, 1)
    (work / "tests" / "test_calc.py").write_text("def test_mean():\n    pass\n")  # cheating
    entry = grade(work, spec, dataset, 1)
    assert entry["resolved"] is False
    assert entry["tests_status"]["FAIL_TO_PASS"]["failure"] == ["tests/test_calc.py::test_mean"]  # type: ignore[index]
    written = (work.parent / "verifier1" / "model.patch").read_text()
    assert "def test_mean():\n+    pass" in written  # the agent's change is kept for review
    metrics = json.loads((work.parent / "verifier1" / "reward.json").read_text())
    assert metrics == {"reward": 0.0, "fail_to_pass": 0.0, "pass_to_pass": 1.0}


def test_hanging_tests_time_out_and_say_so(dataset: Path, tmp_path: Path) -> None:
    work, spec = checkout_at(dataset, tmp_path, 2)
    spec["test_command"], spec["timeout_sec"] = "sleep 60", 0.5
    entry = grade(work, spec, dataset, 2)
    assert entry["tests_timed_out"] is True and entry["resolved"] is False
    assert entry["error"] == "tests timed out after 0.5s"
    assert "tests timed out" in (work.parent / "verifier2" / "test_output.txt").read_text()


# --- evaluation in Docker ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache (wheelhouse, mirrors) for the Docker tests; built images are reused too."""
    root = tmp_path_factory.mktemp("swebench")
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("AGENTLAB_CACHE", str(root / "cache"))
        yield make_dataset(root / "data")


def run_eval(instances: Path, out: Path, *args: str) -> dict[str, list[str]]:
    code = main(["swebench", "eval", "--instances", str(instances), "--out", str(out), *args])
    assert code == 0
    summary: dict[str, list[str]] = json.loads((out / "summary.json").read_text())
    return summary


@pytest.mark.docker
@pytest.mark.slow
def test_gold_resolves_and_empty_does_not(
    shared_cache: Path, docker_provider: DockerProvider, tmp_path: Path
) -> None:
    gold = run_eval(shared_cache, tmp_path / "gold", "--predictions", "gold", "--max-workers", "2")
    assert gold == {"resolved": ["demo__calc-1", "demo__calc-2"], "unresolved": [], "errors": []}
    report = json.loads((tmp_path / "gold" / "demo__calc-1" / "report.json").read_text())
    entry = report["demo__calc-1"]
    assert entry["model_name_or_path"] == "gold" and entry["patch_successfully_applied"]
    assert entry["tests_status"]["PASS_TO_PASS"]["success"] == ["tests/test_calc.py::test_add"]
    empty = run_eval(shared_cache, tmp_path / "empty", "--predictions", "empty")
    assert empty == {"resolved": [], "unresolved": ["demo__calc-1", "demo__calc-2"], "errors": []}
    log = (tmp_path / "empty" / "demo__calc-1" / "test_output.txt").read_text()
    assert "FAILED tests/test_calc.py::test_mean" in log and grading.END_MARKER in log


@pytest.mark.docker
@pytest.mark.slow
def test_a_patch_that_does_not_apply_is_an_error_not_a_crash(
    shared_cache: Path, docker_provider: DockerProvider, tmp_path: Path
) -> None:
    [first, second] = read_instances(shared_cache)
    predictions = tmp_path / "preds.jsonl"
    rows = [{"instance_id": first.instance_id, "model_name_or_path": "m",
             "model_patch": first.patch.replace("len(xs) - 1", "len(ys) + 7")},
            {"instance_id": second.instance_id, "model_name_or_path": "m",
             "model_patch": second.patch}]  # fmt: skip
    predictions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = run_eval(shared_cache, tmp_path / "out", "--predictions", str(predictions))
    assert summary == {"resolved": ["demo__calc-2"], "unresolved": [], "errors": ["demo__calc-1"]}
    report = json.loads((tmp_path / "out" / "demo__calc-1" / "report.json").read_text())
    assert report["demo__calc-1"]["patch_successfully_applied"] is False
    log = (tmp_path / "out" / "demo__calc-1" / "run_instance.log").read_text()
    assert log.rstrip().endswith("result: error (patch failed to apply)")


@pytest.mark.docker
@pytest.mark.slow
def test_an_unreachable_repository_is_an_error_naming_it(
    shared_cache: Path, docker_provider: DockerProvider, tmp_path: Path
) -> None:
    summary = run_eval(shared_cache, tmp_path / "out", "--predictions", "gold",
                       "--repo-url-template", "file:///nowhere/{repo}.git")  # fmt: skip
    assert summary["errors"] == ["demo__calc-1", "demo__calc-2"]
    log = (tmp_path / "out" / "demo__calc-1" / "run_instance.log").read_text()
    assert "cannot fetch repository file:///nowhere/demo/calc.git" in log


@pytest.mark.docker
@pytest.mark.slow
async def test_the_instance_image_has_no_history_after_base_commit(
    shared_cache: Path, docker_provider: DockerProvider
) -> None:
    task = instance_tasks(shared_cache)[0]
    later = git(shared_cache.parent / "src", "rev-parse", "main").strip()
    sandbox = await environment.start(task, docker_provider)
    try:
        base = str(task.metadata["base_commit"])
        log = await sandbox.exec("git log --all --format=%s")
        assert log.stdout.splitlines() == [f"agentlab: demo__calc-1 at {base[:12]}", "init"]
        assert not (await sandbox.exec(f"git cat-file -e {later}")).ok
        assert (await sandbox.exec("git status --porcelain && git diff HEAD")).stdout == ""
    finally:
        await sandbox.close()
