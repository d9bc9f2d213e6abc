import io
import os
import tempfile
import unittest

from stockroom.cli import main

CSV = """sku,name,unit_cost,on_hand,daily_demand,lead_time_days,case_size
A100,bolts,0.25,400,30,7,100
C300,paint,12.0,50,0,7,1
"""


class CliTest(unittest.TestCase):
    def setUp(self):
        handle, self.path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(handle, "w") as f:
            f.write(CSV)
        self.addCleanup(os.remove, self.path)

    def run_cli(self, *args):
        out = io.StringIO()
        self.assertEqual(main([self.path, *args], out=out), 0)
        return out.getvalue()

    def test_item(self):
        self.assertEqual(self.run_cli("item", "A100"), "A100 bolts: on hand 400, order 800\n")

    def test_item_with_horizon(self):
        self.assertEqual(
            self.run_cli("--horizon", "0", "item", "A100"), "A100 bolts: on hand 400, order 0\n"
        )

    def test_report(self):
        self.assertIn("A100", self.run_cli("report"))
