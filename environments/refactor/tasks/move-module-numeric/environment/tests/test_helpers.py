import math
import unittest

import planar.helpers as h


class HelpersTest(unittest.TestCase):
    def test_approx_equal(self):
        self.assertTrue(h.approx_equal(0.1 + 0.2, 0.3))
        self.assertFalse(h.approx_equal(1.0, 1.001))
        self.assertTrue(h.approx_equal(1e12, 1e12 + 1, eps=1e-9))

    def test_clamp(self):
        self.assertEqual(h.clamp(5, 0, 3), 3)
        self.assertEqual(h.clamp(-1, 0, 3), 0)
        with self.assertRaises(ValueError):
            h.clamp(1, 2, 1)

    def test_normalize_angle(self):
        self.assertAlmostEqual(h.normalize_angle(3 * math.pi), math.pi)
        self.assertAlmostEqual(h.normalize_angle(-math.pi), math.pi)
        self.assertAlmostEqual(h.normalize_angle(-2.5 * math.pi), -0.5 * math.pi)

    def test_degrees_and_radians(self):
        self.assertAlmostEqual(h.radians(180), math.pi)
        self.assertAlmostEqual(h.degrees(h.radians(37.5)), 37.5)
