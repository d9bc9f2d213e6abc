import importlib.util
import os
import tempfile
import unittest
from datetime import date

import taskq
from taskq.formatting import PRIORITY_MARKS, format_table, format_task
from taskq.models import Priority, Task, TaskError
from taskq.queries import filter_tasks, find_task, overdue, sort_tasks
from taskq.storage import load_tasks, next_id, save_tasks

TASKS = [
    Task(5, "Renew passport", Priority.HIGH, date(2024, 6, 1), ("admin",)),
    Task(2, "Sort photos", Priority.LOW, None, ("home", "slow")),
    Task(9, "Send invoice", Priority.NORMAL, date(2024, 5, 30), ("work",), done=True),
]


class SplitModulesTest(unittest.TestCase):
    def test_core_is_gone_and_the_package_api_stays(self):
        self.assertIsNone(importlib.util.find_spec("taskq.core"))
        self.assertEqual(
            sorted(taskq.__all__), ["Priority", "Task", "TaskError", "load_tasks", "save_tasks"]
        )
        self.assertIs(taskq.Task, Task)
        self.assertIs(taskq.load_tasks, load_tasks)

    def test_storage(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "x.json")
            save_tasks(path, TASKS)
            self.assertEqual(load_tasks(path), TASKS)
            self.assertEqual(os.listdir(folder), ["x.json"])
            with open(path, "w") as f:
                f.write('{"version": 2, "tasks": []}')
            with self.assertRaises(TaskError):
                load_tasks(path)
        self.assertEqual(next_id(TASKS), 10)

    def test_queries_and_formatting(self):
        self.assertEqual([t.id for t in sort_tasks(TASKS)], [5, 2, 9])
        self.assertEqual(filter_tasks(TASKS, tag="slow"), [TASKS[1]])
        self.assertEqual(overdue(TASKS, date(2024, 6, 2)), [TASKS[0]])
        self.assertEqual(find_task(TASKS, 9).title, "Send invoice")
        self.assertEqual(PRIORITY_MARKS[Priority.HIGH], "!")
        self.assertEqual(
            format_task(TASKS[0], date(2024, 6, 2)),
            "[ ] #5 ! Renew passport (due 2024-06-01, overdue) +admin",
        )
        self.assertEqual(
            format_table(TASKS, date(2024, 5, 1)),
            "[ ] #5 ! Renew passport (due 2024-06-01) +admin\n"
            "[ ] #2   Sort photos +home +slow\n"
            "[x] #9 - Send invoice (due 2024-05-30) +work\n"
            "2 open, 1 done",
        )
