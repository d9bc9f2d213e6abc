"""Task directories (DESIGN §5): load one, a family folder, or an imported file.

<task>/task.toml        id, family, difficulty, tags; [agent] [environment] [verifier] [checklist]
<task>/instruction.md   what the agent is told
<task>/environment/     files laid into the workspace, or a Dockerfile; setup.sh runs first
<task>/tests/test.sh    hidden verifier, copied in after the agent; writes a reward
<task>/solution/        the oracle (solve.sh); never shown to the agent
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agentlab.config import cache_dir
from agentlab.types import Task

TASK_FILE = "task.toml"
INSTRUCTION_FILE = "instruction.md"
SETUP_SCRIPT = "setup.sh"
SOLVE_SCRIPT = "solve.sh"
TEST_SCRIPT = "test.sh"
MAX_DEPTH = 4
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Importer = Callable[[Path], "list[Task] | None"]
"""Turns a file of another format into tasks, or returns None when the file is not its format."""

_importers: list[Importer] = []


class TaskFormatError(ValueError):
    """A task file is malformed; the message names the file and the field."""


def register_importer(importer: Importer) -> Importer:
    """Lets an environment family teach `load_tasks` a foreign file format."""
    if importer not in _importers:
        _importers.append(importer)
    return importer


def load_task(path: Path) -> Task:
    """Loads one task directory, validating task.toml against the schema."""
    path = Path(path)
    toml_path = path / TASK_FILE
    if not toml_path.is_file():
        raise TaskFormatError(f"{toml_path}: no such file")
    try:
        raw: dict[str, Any] = tomllib.loads(toml_path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaskFormatError(f"{toml_path}: not valid TOML: {exc}") from exc
    instruction_path = path / INSTRUCTION_FILE
    if "instruction" not in raw:
        if not instruction_path.is_file():
            raise TaskFormatError(f"{instruction_path}: no such file (every task needs one)")
        raw["instruction"] = instruction_path.read_text()
    raw.setdefault("id", path.name)
    meta = raw.get("metadata")
    if isinstance(meta, dict) and "difficulty" in meta and "difficulty" not in raw:
        raw["difficulty"] = meta["difficulty"]  # Harbor keeps it under [metadata]
    env = raw.setdefault("environment", {})
    if isinstance(env, dict):
        env["dockerfile"] = (path / "environment" / "Dockerfile").is_file()
    raw["path"] = path.resolve()
    try:
        task = Task.model_validate(raw)
    except ValidationError as exc:
        raise TaskFormatError(f"{toml_path}: {describe_errors(exc)}") from exc
    if not _ID.match(task.id):
        raise TaskFormatError(f"{toml_path}: field 'id': {task.id!r} is not a valid task id")
    return task


def describe_errors(exc: ValidationError) -> str:
    """One line per bad field: `field 'agent.timeout_sec': Input should be greater than 0`."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"field '{where}': {err['msg']}")
    return "; ".join(parts)


def find_task_dirs(root: Path) -> list[Path]:
    """Task directories under `root` (itself included), sorted, at most MAX_DEPTH levels down."""
    if (root / TASK_FILE).is_file():
        return [root]
    found: list[Path] = []
    level = [root]
    for _ in range(MAX_DEPTH):
        nxt = []
        for folder in level:
            for child in sorted(p for p in folder.iterdir() if p.is_dir()):
                if (child / TASK_FILE).is_file():
                    found.append(child)
                elif not child.name.startswith("."):
                    nxt.append(child)
        level = nxt
    return sorted(found)


def load_tasks(paths: Iterable[Path | str]) -> list[Task]:
    """Loads every task named by `paths`: task directories, family folders or imported files."""
    tasks: list[Task] = []
    for item in paths:
        path = Path(item)
        if path.is_file():
            tasks.extend(import_file(path))
        elif path.is_dir():
            dirs = find_task_dirs(path)
            if not dirs:
                raise TaskFormatError(f"{path}: no {TASK_FILE} in it or below it")
            tasks.extend(load_task(d) for d in dirs)
        else:
            raise TaskFormatError(f"{path}: no such file or directory")
    seen: dict[str, Path | None] = {}
    for task in tasks:
        if task.id in seen:
            raise TaskFormatError(
                f"task id {task.id!r} appears twice: {seen[task.id]} and {task.path}"
            )
        seen[task.id] = task.path
    return tasks


def imported_dir(kind: str, key: str, write: Callable[[Path], object]) -> Path:
    """The cache folder holding task directories imported from a `kind` file, written once.

    `write` fills a staging folder that is then renamed into place, so an interrupted or
    concurrent import never leaves a half-written folder where a finished one is expected.
    """
    out = cache_dir() / "imported" / kind / key
    if not out.is_dir():
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out.parent))
        try:
            write(staging)
            os.rename(staging, out)
        except OSError:
            if not out.is_dir():  # not another process importing the same file first
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return out


def write_task_toml(folder: Path, fields: dict[str, Any]) -> None:
    """Writes `folder`/task.toml from plain values and one level of tables, as importers do."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in fields.items() if not isinstance(v, dict)]
    for name, table in fields.items():
        if isinstance(table, dict):  # JSON scalars and arrays are valid TOML values
            lines += ["", f"[{name}]", *(f"{k} = {json.dumps(v)}" for k, v in table.items())]
    (folder / TASK_FILE).write_text("\n".join(lines) + "\n")


def import_file(path: Path) -> list[Task]:
    _load_plugins()
    for importer in _importers:
        tasks = importer(path)
        if tasks is not None:
            return tasks
    raise TaskFormatError(f"{path}: no installed importer recognizes this file")


def _load_plugins() -> None:
    """Imports the environment families installed as entry points so they register importers."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="agentlab.environments"):
        ep.load()
