import unittest

from invoicer import LineItem
from invoicer.tax import document_totals, line_totals, tax_rate


class TaxTest(unittest.TestCase):
    def test_line_totals(self):
        self.assertEqual(line_totals(LineItem("x", 3, 19.99)), (59.97, 11.99))
        self.assertEqual(line_totals(LineItem("x", 2, 10, "reduced")), (20.0, 1.0))

    def test_document_totals(self):
        lines = [LineItem("a", 1, 100), LineItem("b", 1, 50, "zero")]
        self.assertEqual(document_totals(lines), (150.0, 20.0, 170.0))

    def test_unknown_code(self):
        with self.assertRaises(ValueError):
            tax_rate("luxury")
