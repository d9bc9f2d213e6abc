import unittest

from logsift.timefmt import format_duration, format_size


class FormatTest(unittest.TestCase):
    def test_durations(self):
        self.assertEqual(
            [format_duration(ms) for ms in (850, 2350, 245000, 7380000)],
            ["850ms", "2.350s", "4m05s", "2h03m"],
        )

    def test_sizes(self):
        self.assertEqual(
            [format_size(s) for s in (512, 1536, 1572864, 5 * 2**40)],
            ["512 B", "1.5 KiB", "1.5 MiB", "5120.0 GiB"],
        )
