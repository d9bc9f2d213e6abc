import unittest

from stockroom import Ledger
from tests.helpers import sample_catalog


class LedgerTest(unittest.TestCase):
    def setUp(self):
        self.catalog = sample_catalog()
        self.ledger = Ledger(self.catalog)

    def test_receive_and_ship_change_stock(self):
        self.ledger.receive("C300", 10)
        self.ledger.ship("C300", 25, note="order 17")
        self.assertEqual(self.catalog.get("C300").on_hand, 35)
        self.assertEqual(self.ledger.net_change("C300"), -15)

    def test_cannot_ship_more_than_on_hand(self):
        with self.assertRaises(ValueError):
            self.ledger.ship("B200", 11)
        self.assertEqual(self.catalog.get("B200").on_hand, 10)

    def test_adjust_may_be_negative(self):
        self.ledger.record("A100", "adjust", -4, note="stocktake")
        self.assertEqual(self.catalog.get("A100").on_hand, 396)

    def test_unknown_kind(self):
        with self.assertRaises(ValueError):
            self.ledger.record("A100", "steal", 1)
