import unittest

from stockroom import Catalog, Item
from stockroom.report import cover_report, reorder_lines, reorder_report
from tests.helpers import sample_catalog


class ReportTest(unittest.TestCase):
    def test_lines_sorted_by_spend(self):
        lines = reorder_lines(sample_catalog())
        self.assertEqual([line[0] for line in lines], ["B200", "A100"])
        self.assertEqual(lines[0], ("B200", "brackets", 84, 378.0))

    def test_report_has_total(self):
        text = reorder_report(sample_catalog())
        self.assertTrue(text.splitlines()[0].startswith("SKU"))
        self.assertIn("TOTAL", text.splitlines()[-1])
        self.assertTrue(text.endswith("578.00"))

    def test_shorter_horizon_orders_less(self):
        self.assertEqual(
            reorder_lines(sample_catalog(), horizon_days=0), [("B200", "brackets", 24, 108.0)]
        )

    def test_nothing_to_reorder(self):
        catalog = Catalog([Item("Z", "spare", 1.0, on_hand=5)])
        self.assertEqual(reorder_report(catalog), "Nothing to reorder.")

    def test_cover_report(self):
        self.assertIn("C300: no demand", cover_report(sample_catalog()))
        self.assertIn("A100: 13.3 days", cover_report(sample_catalog()))
