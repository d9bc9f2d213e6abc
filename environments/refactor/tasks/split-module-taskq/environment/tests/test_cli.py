import io
import os
import tempfile
import unittest
from datetime import date

from taskq.cli import main
from taskq.review import weekly_review
from taskq.core import Priority, Task


class CliTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.file = os.path.join(folder.name, "t.json")

    def run_cli(self, *argv):
        out = io.StringIO()
        code = main(["--file", self.file, "--today", "2024-05-10", *argv], out=out)
        return code, out.getvalue()

    def test_add_done_list(self):
        self.assertEqual(
            self.run_cli("add", "Fix bike", "--priority", "high", "--tag", "home"),
            (0, "added [ ] #1 ! Fix bike +home\n"),
        )
        self.run_cli("add", "Call mum", "--due", "2024-05-09")
        self.assertEqual(self.run_cli("done", "1"), (0, "done [x] #1 ! Fix bike +home\n"))
        code, text = self.run_cli("list", "--open")
        self.assertEqual(text, "[ ] #2 - Call mum (due 2024-05-09, overdue)\n1 open, 0 done\n")
        self.assertEqual(
            self.run_cli("overdue")[1].splitlines()[0],
            "[ ] #2 - Call mum (due 2024-05-09, overdue)",
        )

    def test_errors(self):
        self.assertEqual(self.run_cli("done", "7"), (1, "taskq: no task #7\n"))


class ReviewTest(unittest.TestCase):
    def test_review(self):
        tasks = [
            Task(1, "Old", Priority.LOW, date(2024, 5, 1)),
            Task(2, "Soon", Priority.HIGH, date(2024, 5, 12)),
            Task(3, "Done", done=True),
        ]
        self.assertEqual(
            weekly_review(tasks, date(2024, 5, 10)),
            "Review for 2024-05-10: 1 done, 1 late, 1 urgent\n"
            "Late:\n  [ ] #1   Old (due 2024-05-01, overdue)\n"
            "Next:\n  [ ] #2 ! Soon (due 2024-05-12)",
        )
