"""Everything about tasks: the model, JSON storage, queries and text formatting."""

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum
from typing import Optional, Tuple

# -- model ----------------------------------------------------------------------------------


class TaskError(Exception):
    """A task that does not exist, or a file that is not a task list."""


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3

    @classmethod
    def parse(cls, text):
        try:
            return cls[text.upper()]
        except KeyError:
            raise TaskError(f"unknown priority {text!r}") from None


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    priority: Priority = Priority.NORMAL
    due: Optional[date] = None
    tags: Tuple[str, ...] = field(default=())
    done: bool = False

    def completed(self):
        return replace(self, done=True)


# -- storage --------------------------------------------------------------------------------

VERSION = 1


def _to_dict(task):
    return {
        "id": task.id,
        "title": task.title,
        "priority": task.priority.name.lower(),
        "due": task.due.isoformat() if task.due else None,
        "tags": list(task.tags),
        "done": task.done,
    }


def _from_dict(data):
    return Task(
        id=data["id"],
        title=data["title"],
        priority=Priority.parse(data.get("priority", "normal")),
        due=date.fromisoformat(data["due"]) if data.get("due") else None,
        tags=tuple(data.get("tags", ())),
        done=data.get("done", False),
    )


def load_tasks(path):
    """The tasks stored at `path`; none when the file does not exist yet."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise TaskError(f"{path}: not a task list ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise TaskError(f"{path}: unsupported task list format")
    return [_from_dict(item) for item in data["tasks"]]


def save_tasks(path, tasks):
    """Writes atomically: a crash never leaves a half-written list behind."""
    data = {"version": VERSION, "tasks": [_to_dict(t) for t in tasks]}
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(temp, path)


def next_id(tasks):
    return max((t.id for t in tasks), default=0) + 1


# -- queries --------------------------------------------------------------------------------


def find_task(tasks, task_id):
    for task in tasks:
        if task.id == task_id:
            return task
    raise TaskError(f"no task #{task_id}")


def filter_tasks(tasks, tag=None, done=None):
    """Tasks with `tag` (if given) and the given done state (if given)."""
    return [t for t in tasks if (tag is None or tag in t.tags) and (done is None or t.done == done)]


def sort_tasks(tasks):
    """Open tasks first; then by priority (high first), due date (undated last) and id."""
    return sorted(
        tasks, key=lambda t: (t.done, -t.priority, t.due is None, t.due or date.max, t.id)
    )


def overdue(tasks, today):
    return [t for t in tasks if not t.done and t.due is not None and t.due < today]


# -- formatting -----------------------------------------------------------------------------

PRIORITY_MARKS = {Priority.LOW: " ", Priority.NORMAL: "-", Priority.HIGH: "!"}


def format_task(task, today=None):
    """`[x] #3 ! Pay rent (due 2024-05-01, overdue) +home`."""
    box = "[x]" if task.done else "[ ]"
    text = f"{box} #{task.id} {PRIORITY_MARKS[task.priority]} {task.title}"
    if task.due:
        late = today is not None and not task.done and task.due < today
        text += f" (due {task.due.isoformat()}{', overdue' if late else ''})"
    if task.tags:
        text += " " + " ".join(f"+{tag}" for tag in task.tags)
    return text


def format_table(tasks, today=None):
    if not tasks:
        return "no tasks"
    lines = [format_task(t, today) for t in sort_tasks(tasks)]
    open_count = sum(not t.done for t in tasks)
    lines.append(f"{open_count} open, {len(tasks) - open_count} done")
    return "\n".join(lines)
