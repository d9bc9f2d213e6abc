import io
import os
import tempfile
import unittest

import stockroom
from stockroom import Catalog, Item, reorder_quantity
from stockroom.cli import main
from stockroom.planning import needs_reorder
from stockroom.report import reorder_lines

KIT = dict(sku="K", name="kit", unit_cost=2.0, on_hand=7, daily_demand=3, case_size=10)


class RenamedApiTest(unittest.TestCase):
    def test_the_public_api_names_the_new_function(self):
        self.assertIn("reorder_quantity", stockroom.__all__)
        self.assertNotIn("calc_reorder_qty", stockroom.__all__)
        self.assertFalse(hasattr(stockroom, "calc_reorder_qty"))
        namespace = {}
        exec("from stockroom import *", namespace)
        self.assertIs(namespace["reorder_quantity"], reorder_quantity)

    def test_quantities_are_unchanged(self):
        item = Item(lead_time_days=4, **KIT)
        self.assertEqual(reorder_quantity(item), 110)  # 37 days * 3 - 7 = 104 -> 11 cases
        self.assertEqual(reorder_quantity(item, horizon_days=0), 20)
        self.assertEqual(reorder_quantity(item, 5), 30)
        self.assertTrue(needs_reorder(item))
        with self.assertRaises(ValueError):
            reorder_quantity(item, horizon_days=-5)

    def test_callers_still_work(self):
        catalog = Catalog([Item(**KIT), Item("L", "lid", 1.0, on_hand=900, daily_demand=1)])
        self.assertEqual(reorder_lines(catalog), [("K", "kit", 120, 240.0)])
        handle, path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(handle, "w") as f:
            f.write("sku,name,unit_cost,on_hand,daily_demand,lead_time_days,case_size\n")
            f.write("K,kit,2.0,7,3,4,10\n")
        self.addCleanup(os.remove, path)
        out = io.StringIO()
        self.assertEqual(main([path, "item", "K"], out=out), 0)
        self.assertEqual(out.getvalue(), "K kit: on hand 7, order 110\n")
