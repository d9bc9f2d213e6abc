import unittest

from invoicer import render_credit_note, render_invoice
from invoicer.render import HEADER, RULE
from tests.fixtures import sample_credit_note, sample_invoice


class InvoiceTest(unittest.TestCase):
    def setUp(self):
        self.lines = render_invoice(sample_invoice()).splitlines()

    def test_header_block(self):
        self.assertEqual(self.lines[0], "INVOICE 2024-0042")
        self.assertEqual(self.lines[3], "VAT no.: GB123456789")
        self.assertEqual(self.lines[5:7], [HEADER, RULE])

    def test_rows(self):
        self.assertEqual(
            self.lines[7],
            "Consulting, March             12.5      €95.00   €1,187.50   €237.50",
        )
        self.assertTrue(self.lines[8].startswith("Technical handbook (secon... "))
        self.assertTrue(self.lines[9].endswith("€212.40     €0.00"))

    def test_totals_and_due_date(self):
        self.assertTrue(self.lines[-5].endswith("€1,479.88"))
        self.assertTrue(self.lines[-3].endswith("€1,721.38"))
        self.assertEqual(self.lines[-1], "Payment due by 2024-03-31.")


class CreditNoteTest(unittest.TestCase):
    def test_amounts_are_negative(self):
        lines = render_credit_note(sample_credit_note()).splitlines()
        self.assertEqual(lines[0], "CREDIT NOTE CN-007")
        self.assertIn("Acme Tools Ltd", lines[2])
        self.assertTrue(lines[7].endswith("-€39.99     -€39.99    -€2.00"))
        self.assertTrue(lines[-1].endswith("-€41.99"))
