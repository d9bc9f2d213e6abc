import importlib.util
import math
import unittest

import planar
import planar.util.numeric as numeric
from planar import Circle, Polygon, Vec2
from planar.svg import element
from planar.transform import rotate


class MovedModuleTest(unittest.TestCase):
    def test_the_old_module_is_gone(self):
        self.assertIsNone(importlib.util.find_spec("planar.helpers"))

    def test_the_new_module_has_every_helper(self):
        self.assertEqual(numeric.EPSILON, 1e-9)
        self.assertTrue(numeric.approx_equal(1.0, 1.0 + 1e-12))
        self.assertFalse(numeric.approx_equal(1.0, 1.1, eps=0.01))
        self.assertEqual(numeric.clamp(9, 1, 4), 4)
        self.assertAlmostEqual(numeric.normalize_angle(-3 * math.pi / 2), math.pi / 2)
        self.assertAlmostEqual(numeric.degrees(numeric.radians(-90)), -90)

    def test_the_package_api_is_unchanged(self):
        self.assertIs(planar.approx_equal, numeric.approx_equal)
        self.assertEqual(planar.EPSILON, numeric.EPSILON)
        self.assertEqual(
            sorted(planar.__all__), ["Circle", "EPSILON", "Polygon", "Vec2", "approx_equal"]
        )


class GeometryTest(unittest.TestCase):
    def test_callers_still_work(self):
        triangle = Polygon([(0, 0), (4, 0), (0, 3)])
        self.assertEqual(triangle.area, 6)
        self.assertTrue(triangle.contains((2, 1.5)))
        self.assertTrue(triangle.centroid.close_to(Vec2(4 / 3, 1)))
        self.assertTrue(rotate(Vec2(0, 2), -90).close_to(Vec2(2, 0)))
        self.assertAlmostEqual(Vec2(1, 1).angle_to(Vec2(-1, -1)), math.pi)
        self.assertTrue(Circle((1, 1), 1).contains((1, 2)))
        self.assertEqual(
            element(triangle, opacity=-1), '<path d="M0,0 L4,0 L0,3 Z" fill-opacity="0"/>'
        )
