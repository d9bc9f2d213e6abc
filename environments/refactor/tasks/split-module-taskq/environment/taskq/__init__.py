"""taskq: a to-do list for the command line, kept in a JSON file."""

from .core import Priority, Task, TaskError, load_tasks, save_tasks

__all__ = ["Priority", "Task", "TaskError", "load_tasks", "save_tasks"]
