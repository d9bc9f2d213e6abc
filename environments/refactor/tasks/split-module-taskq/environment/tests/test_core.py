import json
import os
import tempfile
import unittest
from datetime import date

from taskq.core import (
    Priority,
    Task,
    TaskError,
    filter_tasks,
    find_task,
    format_table,
    format_task,
    load_tasks,
    next_id,
    overdue,
    save_tasks,
    sort_tasks,
)

TODAY = date(2024, 5, 10)
TASKS = [
    Task(1, "Pay rent", Priority.HIGH, date(2024, 5, 1), ("home",)),
    Task(2, "Write report", Priority.NORMAL, date(2024, 5, 20), ("work",)),
    Task(3, "Water plants", Priority.LOW, tags=("home",), done=True),
    Task(4, "Book dentist", Priority.HIGH),
]


class StorageTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "tasks.json")

    def test_round_trip(self):
        save_tasks(self.path, TASKS)
        self.assertEqual(load_tasks(self.path), TASKS)
        with open(self.path) as f:
            self.assertEqual(json.load(f)["tasks"][0]["priority"], "high")

    def test_missing_file_is_empty(self):
        self.assertEqual(load_tasks(self.path), [])

    def test_corrupt_file(self):
        with open(self.path, "w") as f:
            f.write("{not json")
        with self.assertRaises(TaskError):
            load_tasks(self.path)

    def test_next_id(self):
        self.assertEqual(next_id(TASKS), 5)
        self.assertEqual(next_id([]), 1)


class QueryTest(unittest.TestCase):
    def test_filter(self):
        self.assertEqual([t.id for t in filter_tasks(TASKS, tag="home")], [1, 3])
        self.assertEqual([t.id for t in filter_tasks(TASKS, tag="home", done=False)], [1])

    def test_sort(self):
        self.assertEqual([t.id for t in sort_tasks(TASKS)], [1, 4, 2, 3])

    def test_overdue_and_find(self):
        self.assertEqual(overdue(TASKS, TODAY), [TASKS[0]])
        self.assertIs(find_task(TASKS, 2), TASKS[1])
        with self.assertRaises(TaskError):
            find_task(TASKS, 9)


class FormatTest(unittest.TestCase):
    def test_format_task(self):
        self.assertEqual(
            format_task(TASKS[0], TODAY), "[ ] #1 ! Pay rent (due 2024-05-01, overdue) +home"
        )
        self.assertEqual(format_task(TASKS[2]), "[x] #3   Water plants +home")

    def test_format_table(self):
        self.assertEqual(format_table(TASKS).splitlines()[-1], "3 open, 1 done")
        self.assertEqual(format_table([]), "no tasks")

    def test_priority_parse(self):
        self.assertIs(Priority.parse("High"), Priority.HIGH)
        with self.assertRaises(TaskError):
            Priority.parse("urgent")
