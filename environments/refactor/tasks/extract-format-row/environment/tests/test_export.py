import csv
import io
import unittest

from invoicer.export import FIELDS, invoice_csv
from tests.fixtures import sample_invoice


class ExportTest(unittest.TestCase):
    def test_rows_and_summary(self):
        rows = list(csv.reader(io.StringIO(invoice_csv(sample_invoice()))))
        self.assertEqual(rows[0], FIELDS)
        self.assertEqual(rows[1][2:], ["12.5", "95.00", "standard", "1187.50", "237.50"])
        self.assertEqual(rows[-1], ["2024-0042", "TOTAL", "", "", "", "1479.88", "241.50"])
