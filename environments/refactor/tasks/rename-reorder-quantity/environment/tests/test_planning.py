import math
import unittest

from stockroom import Item, calc_reorder_qty, days_of_cover
from stockroom.planning import needs_reorder


class ReorderQuantityTest(unittest.TestCase):
    def test_orders_enough_for_lead_time_safety_and_horizon(self):
        item = Item("X", "x", 1.0, on_hand=10, daily_demand=2, lead_time_days=5)
        # (5 + 3 + 30) days * 2 = 76 needed, 10 on hand
        self.assertEqual(calc_reorder_qty(item), 66)

    def test_rounds_up_to_whole_cases(self):
        item = Item("X", "x", 1.0, on_hand=0, daily_demand=1, lead_time_days=7, case_size=12)
        self.assertEqual(calc_reorder_qty(item, horizon_days=10), 24)

    def test_nothing_when_stock_suffices(self):
        item = Item("X", "x", 1.0, on_hand=500, daily_demand=1)
        self.assertEqual(calc_reorder_qty(item), 0)
        self.assertFalse(needs_reorder(item))

    def test_negative_horizon_is_rejected(self):
        with self.assertRaises(ValueError):
            calc_reorder_qty(Item("X", "x", 1.0), horizon_days=-1)


class CoverTest(unittest.TestCase):
    def test_days_of_cover(self):
        self.assertEqual(days_of_cover(Item("X", "x", 1.0, on_hand=30, daily_demand=4)), 7.5)

    def test_no_demand_lasts_forever(self):
        self.assertEqual(days_of_cover(Item("X", "x", 1.0, on_hand=3)), math.inf)
