import unittest
from datetime import date

from invoicer import CreditNote, Customer, Invoice, LineItem, render_credit_note, render_invoice
from invoicer.render import format_row

SHORT = LineItem("Widgets", 3, 1250.0)
LONG = LineItem("An unusually long description that cannot fit", 0.5, 10.01, "reduced")


def invoice():
    bill = Invoice("INV-9", Customer("Globex"), date(2024, 5, 2), currency="GBP")
    bill.lines += [SHORT, LONG]
    return bill


class FormatRowTest(unittest.TestCase):
    def test_a_row(self):
        self.assertEqual(
            format_row(SHORT, "GBP"),
            "Widgets                          3   £1,250.00   £3,750.00   £750.00",
        )

    def test_a_long_description_is_cut(self):
        self.assertEqual(
            format_row(LONG, "EUR", 1),
            "An unusually long descrip...   0.5      €10.01       €5.01     €0.25",
        )

    def test_sign_negates_the_amounts(self):
        self.assertEqual(
            format_row(SHORT, "USD", sign=-1),
            "Widgets                          3  -$1,250.00  -$3,750.00  -$750.00",
        )


class DocumentsTest(unittest.TestCase):
    def test_invoice_is_unchanged(self):
        self.assertEqual(
            render_invoice(invoice()).splitlines()[6:],
            [
                "Widgets                          3   £1,250.00   £3,750.00   £750.00",
                "An unusually long descrip...   0.5      £10.01       £5.01     £0.25",
                "-" * 68,
                "                                      Subtotal   £3,755.01",
                "                                           Tax     £750.25",
                "                                         Total   £4,505.26",
            ],
        )

    def test_credit_note_is_unchanged(self):
        note = CreditNote("CN-1", invoice(), date(2024, 5, 9), "Overcharged", [LONG])
        self.assertEqual(
            render_credit_note(note).splitlines()[7:],
            [
                "An unusually long descrip...   0.5     -£10.01      -£5.01    -£0.25",
                "-" * 68,
                "                                Total credited      -£5.26",
            ],
        )
