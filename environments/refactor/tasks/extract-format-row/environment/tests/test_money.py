import unittest

from invoicer.money import format_money, round_half_up


class MoneyTest(unittest.TestCase):
    def test_rounds_half_up(self):
        self.assertEqual(round_half_up(0.125), 0.13)
        self.assertEqual(round_half_up(2.675), 2.68)
        self.assertEqual(round_half_up(-1.005), -1.01)

    def test_formats_with_symbol_and_thousands(self):
        self.assertEqual(format_money(1234.5, "EUR"), "€1,234.50")
        self.assertEqual(format_money(-12, "GBP"), "-£12.00")

    def test_unknown_currency_is_spelled_out(self):
        self.assertEqual(format_money(3, "CHF"), "3.00 CHF")
