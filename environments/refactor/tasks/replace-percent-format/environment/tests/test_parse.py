import unittest

from logsift import parse_line, parse_lines
from tests.sample import LOG


class ParseTest(unittest.TestCase):
    def test_a_line(self):
        record = parse_line(LOG.splitlines()[1])
        self.assertEqual((record.ip, record.path, record.status), ("10.0.0.2", "/api/items", 200))
        self.assertEqual(record.time.hour, 10)
        self.assertEqual(record.describe(), "GET /api/items -> 200 (48 ms)")

    def test_missing_size_is_zero(self):
        self.assertEqual(parse_line(LOG.splitlines()[3]).size, 0)

    def test_bad_lines_are_counted_or_raised(self):
        records, bad = parse_lines(LOG.splitlines())
        self.assertEqual((len(records), bad), (6, 1))
        with self.assertRaises(ValueError) as caught:
            parse_lines(LOG.splitlines(), strict=True)
        self.assertEqual(str(caught.exception), "line 5: cannot parse 'this line is garbage'")
