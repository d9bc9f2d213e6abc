"""SWE-bench instances as task directories, so agents, campaigns and validation run them as-is.

Each row becomes a task directory in the cache:

    task.toml              family repo_issue; image = the env layer's recipe; workdir /testbed
    instruction.md         the problem statement
    environment/Dockerfile the instance layer (images.instance_dockerfile)
    tests/                 test.sh -> grading.py with eval.json and test.patch (hidden split)
    solution/solve.sh      applies the gold patch

Importing is cheap: no repository is fetched and no image built until a sandbox needs one.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from pathlib import Path

from agentlab.sandbox.images import register_recipe
from agentlab.tasks import TaskFormatError, imported_dir, load_task, write_task_toml
from agentlab.types import Task
from environments.repo_issue import grading, images
from environments.repo_issue.images import EnvRecipe, instance_dockerfile
from environments.repo_issue.instances import Instance, read_instances
from environments.repo_issue.specs import Spec, load_config, repo_url

FAMILY = "repo_issue"
SUFFIXES = (".jsonl", ".json", ".parquet")
_REQUIRED = {"instance_id", "repo", "base_commit", "patch", "test_patch"}
_TEST_FILE = re.compile(r"^diff --git a/.* b/(.*)$", re.MULTILINE)
_GOLD_END = "AGENTLAB_GOLD_PATCH"
_CODE = (Path(__file__), Path(grading.__file__), Path(images.__file__))
AGENT_TIMEOUT_S = 3600.0
INSTRUCTION_NOTE = """
---
The repository is at /testbed (the current directory), checked out at the commit where this
issue was reported. Change its source so that the issue is resolved; hidden tests will check
your change.
"""


def import_swebench(path: Path) -> list[Task] | None:
    """Tasks for a file of SWE-bench rows, or None when `path` is not one (an importer)."""
    if path.suffix not in SUFFIXES or not _looks_like_rows(path):
        return None
    return instance_tasks(path)


def instance_tasks(path: Path, *, repo_url_template: str | None = None) -> list[Task]:
    """The task of every row in `path`; sources come from `repo_url_template` when given (a
    relative path counts from the working directory), else from the swebench.toml beside it."""
    instances = read_instances(path)
    config = load_config(path)
    template = repo_url_template or config.repo_url_template
    relative_to = Path.cwd() if repo_url_template else path.parent
    recipes: dict[str, EnvRecipe] = {}
    plans: list[tuple[Instance, Spec, str]] = []
    for instance in instances:
        spec = config.spec_for(instance.repo, instance.version)
        recipe = _env_recipe(
            instance, spec, repo_url(template, instance.repo, relative_to=relative_to)
        )
        recipes.setdefault(recipe.name, recipe)
        plans.append((instance, spec, recipe.name))
    key = _digest(path.read_bytes(), template, str(relative_to), config.model_dump_json(),
                  *(p.read_bytes() for p in _CODE))  # fmt: skip

    def write(staging: Path) -> None:
        for instance, spec, env_name in plans:
            write_instance(staging / instance.instance_id, instance, spec, env_name)

    out = imported_dir("swebench", key, write)
    for name, recipe in recipes.items():
        register_recipe(name, recipe)
    return [load_task(out / instance.instance_id) for instance in instances]


def touched_files(test_patch: str) -> list[str]:
    """The files a test patch touches, in order."""
    return list(dict.fromkeys(_TEST_FILE.findall(test_patch)))


def write_instance(folder: Path, instance: Instance, spec: Spec, env_name: str) -> None:
    """One instance's task directory."""
    for sub in ("environment", "tests", "solution"):
        (folder / sub).mkdir(parents=True)
    extra = instance.model_extra or {}
    difficulty = extra.get("difficulty")
    write_task_toml(folder, {
        "id": instance.instance_id,
        "family": FAMILY,
        "difficulty": difficulty if difficulty in ("easy", "medium", "hard") else "medium",
        "tags": ["swebench", instance.repo],
        "agent": {"timeout_sec": AGENT_TIMEOUT_S},
        "environment": {"image": env_name, "workdir": images.WORKDIR,
                        "memory_mb": spec.memory_mb, "pids_limit": 1024},
        "verifier": {"timeout_sec": spec.test_timeout_sec + 300},
        "metadata": {"instance_id": instance.instance_id, "repo": instance.repo,
                     "version": instance.version, "base_commit": instance.base_commit},
    })  # fmt: skip
    (folder / "instruction.md").write_text(
        instance.problem_statement.strip() + "\n" + INSTRUCTION_NOTE
    )
    (folder / "environment" / "Dockerfile").write_text(
        instance_dockerfile(instance.instance_id, instance.base_commit, spec.install)
    )
    files = touched_files(instance.test_patch)
    tests = folder / "tests"
    (tests / "test.patch").write_text(instance.test_patch)
    (tests / "eval.json").write_text(json.dumps({
        "instance_id": instance.instance_id,
        "base_commit": instance.base_commit,
        "test_files": files,
        "test_command": f"{spec.test_cmd} {shlex.join(files)}",
        "timeout_sec": spec.test_timeout_sec,
        "test_patch_file": "test.patch",
        "FAIL_TO_PASS": instance.FAIL_TO_PASS,
        "PASS_TO_PASS": instance.PASS_TO_PASS,
    }, indent=2))  # fmt: skip
    shutil.copyfile(grading.__file__, tests / "grading.py")
    (tests / "test.sh").write_text(
        "#!/bin/bash\n# SWE-bench evaluation: reset the test files, apply the test patch, run the"
        " tests, grade.\n"
        'cd "$AGENTLAB_WORKSPACE" && exec python3 "$AGENTLAB_TESTS_DIR/grading.py"'
        ' "$AGENTLAB_TESTS_DIR/eval.json" "$AGENTLAB_VERIFIER_DIR"\n'
    )
    patch = instance.patch if instance.patch.endswith("\n") else instance.patch + "\n"
    if f"\n{_GOLD_END}\n" in f"\n{patch}":
        raise TaskFormatError(f"{instance.instance_id}: the gold patch contains {_GOLD_END}")
    (folder / "solution" / "solve.sh").write_text(
        f"#!/bin/bash\n# The gold patch of {instance.instance_id}.\n"
        f"git apply -v <<'{_GOLD_END}'\n{patch}{_GOLD_END}\n"
    )


def _env_recipe(instance: Instance, spec: Spec, url: str) -> EnvRecipe:
    commit = instance.environment_setup_commit or instance.base_commit
    digest = _digest(url, commit, spec.model_dump_json())[:12]
    name = f"swebench-env/{instance.repo.replace('/', '__')}:{instance.version or 'any'}-{digest}"
    return EnvRecipe(name=name, url=url, commit=commit, spec=spec)


def _looks_like_rows(path: Path) -> bool:
    """The first row has the SWE-bench columns (read cheaply; full validation comes later)."""
    if path.suffix == ".parquet":
        try:
            import pyarrow.parquet
        except ImportError:
            return False
        try:
            return set(pyarrow.parquet.read_schema(path).names) >= _REQUIRED
        except (OSError, ValueError):
            return False
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix == ".json":
        return head.lstrip().startswith("[") and all(f'"{k}"' in head for k in _REQUIRED)
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and row.keys() >= _REQUIRED


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()[:16]
