import io
import os
import tempfile
import unittest

from logsift import Stats, parse_lines
from logsift.cli import main
from logsift.report import render
from tests.sample import LOG


class StatsTest(unittest.TestCase):
    def setUp(self):
        self.stats = Stats(parse_lines(LOG.splitlines())[0])

    def test_summary(self):
        self.assertEqual(
            self.stats.summary(), "6 requests from 4 clients, 16.7% errors, p95 245000 ms"
        )
        self.assertEqual(Stats([]).summary(), "no requests")

    def test_status_classes(self):
        self.assertEqual(self.stats.status_classes(), {"2xx": 4, "3xx": 1, "5xx": 1})


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.stats = Stats(parse_lines(LOG.splitlines())[0])

    def test_report(self):
        text = render(self.stats, "access.log", {"top": 2, "slowest": 2})
        lines = text.splitlines()
        self.assertEqual(lines[0], "logsift report for access.log")
        self.assertEqual(lines[3], " 1. /api/items                                    3  50.0%")
        self.assertEqual(lines[6], "  2xx                   4")
        self.assertEqual(lines[7], ". 3xx ..........        1")
        self.assertEqual(lines[10], "   4m05s  GET    /report.pdf  1.5 MiB")
        self.assertEqual(lines[-1], "(top 2 paths, 2 slowest requests)")

    def test_cli(self):
        handle, path = tempfile.mkstemp(suffix=".log")
        with os.fdopen(handle, "w") as f:
            f.write(LOG)
        self.addCleanup(os.remove, path)
        out, err = io.StringIO(), io.StringIO()
        self.assertEqual(main([path, "--top", "1"], out=out, err=err), 0)
        self.assertEqual(err.getvalue(), "logsift: skipped 1 unparseable line\n")
        self.assertIn("(top 1 paths, 3 slowest requests)", out.getvalue())
        self.assertEqual(main([path, "--strict"], out=out, err=err), 1)
        self.assertTrue(
            err.getvalue().endswith("logsift: line 5: cannot parse 'this line is garbage'\n")
        )
