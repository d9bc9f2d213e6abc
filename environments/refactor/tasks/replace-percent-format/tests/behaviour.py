import io
import os
import tempfile
import unittest

from logsift import Stats, parse_line, parse_lines
from logsift.cli import main
from logsift.report import render
from logsift.timefmt import format_duration, format_size

LOG = """\
192.168.1.9 - - [01/Apr/2024:23:59:58 +0200] "GET /shop/cart?id=4 HTTP/2" 200 2048 75
192.168.1.9 - - [01/Apr/2024:23:59:59 +0200] "DELETE /shop/cart HTTP/2" 503 - 9150
192.168.1.7 - - [02/Apr/2024:00:00:01 +0200] "GET /shop/cart HTTP/2" 200 1048576 3723000
garbage
garbage too
"""

REPORT = """\
logsift report for shop.log
3 requests from 2 clients, 33.3% errors, p95 3723000 ms
-- top paths -----------------------------------------------
 1. /shop/cart                                    3 100.0%
-- status --------------------------------------------------
  2xx                   2
. 5xx ..........        1
-- slowest -------------------------------------------------
   1h02m  GET    /shop/cart  1.0 MiB
  9.150s  DELETE /shop/cart  0 B
(top 4 paths, 2 slowest requests)
"""


class SameOutputTest(unittest.TestCase):
    def test_report(self):
        records, bad = parse_lines(LOG.splitlines())
        self.assertEqual(bad, 2)
        self.assertEqual(render(Stats(records), "shop.log", {"top": 4, "slowest": 2}), REPORT)

    def test_formatting_helpers_including_floats(self):
        self.assertEqual(format_duration(999.9), "999ms")
        self.assertEqual(format_duration(59999), "59.999s")
        self.assertEqual(format_duration(60000), "1m00s")
        self.assertEqual(format_duration(3600000), "1h00m")
        self.assertEqual(format_size(1023.7), "1023 B")
        self.assertEqual(format_size(1024), "1.0 KiB")

    def test_records_and_errors(self):
        record = parse_line(LOG.splitlines()[1])
        self.assertEqual(record.describe(), "DELETE /shop/cart -> 503 (9150 ms)")
        self.assertEqual(record.time.utcoffset().total_seconds(), 7200)
        with self.assertRaises(ValueError) as caught:
            parse_line("  garbage  ", 12)
        self.assertEqual(str(caught.exception), "line 12: cannot parse 'garbage'")

    def test_cli_messages(self):
        handle, path = tempfile.mkstemp(suffix=".log")
        with os.fdopen(handle, "w") as f:
            f.write(LOG)
        self.addCleanup(os.remove, path)
        out, err = io.StringIO(), io.StringIO()
        self.assertEqual(main([path], out=out, err=err), 0)
        self.assertEqual(err.getvalue(), "logsift: skipped 2 unparseable lines\n")
        err = io.StringIO()
        self.assertEqual(main([path + ".missing"], out=out, err=err), 1)
        self.assertTrue(err.getvalue().startswith("logsift: [Errno 2]"))
